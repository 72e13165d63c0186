from cnnotes.robots import robots_txt


def test_publish_build_names_the_sitemap_by_its_absolute_url_under_the_prefix():
    text = robots_txt({"SITEURL": "https://user.github.io/repo/"})
    assert "Sitemap: https://user.github.io/repo/sitemap.xml" in text.splitlines()
    assert "Disallow: /" not in text


def test_author_build_keeps_crawlers_out():
    text = robots_txt({"SITEURL": "", "SITEMAP_FALLBACK_URL": "http://127.0.0.1:8000"})
    assert "Disallow: /" in text.splitlines()
