"""The published site, served for real under /blog/, crawled as a reader's browser would.

Every page reachable from the home pages, the sitemap, robots.txt and the feeds is
fetched; every link, stylesheet, script, image, social image, search index and pdf.js
file it names must answer 200 under the prefix. A link may leave the site only from a
post's own words (a deliberate external link), never from the theme; nothing loads from
another host; no draft, future or expired post is reachable or even written.
"""
import http.client
import json
import re
import stat
from urllib.parse import urldefrag, urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from tests.publish.conftest import PREFIX, SITEURL

URL_ATTRS = ("href", "src", "action", "poster", "data")
META_URLS = ("og:url", "og:image", "twitter:image")
JS_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(\s*)["']([^"']+)["']""")
JS_BASE = re.compile(r"""const (\w+) = new URL\(\s*["']([^"']+)["'],\s*import\.meta\.url\)""")
JS_FROM_BASE = re.compile(r"""new URL\(\s*["']([^"']+)["'],\s*(\w+)\)""")
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")


def get(base, url):
    """(status, content type, body) of a GET, redirects not followed."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


def local(url, deployed):
    """The served URL of a URL of the published site, or None for another site."""
    public = SITEURL + "/"
    if url.startswith(public):
        return deployed + url[len(public):]
    if url.startswith(deployed):
        return url
    return None


def references(page_url, html):
    """(url, kind, deliberate) for every URL a page names; deliberate: in a post's own text."""
    soup = BeautifulSoup(html, "lxml")
    bodies = soup.select(".post__body, .entry__summary")
    for tag in soup.find_all(True):
        for attr in URL_ATTRS:
            value = tag.get(attr)
            if value and not value.startswith(("mailto:", "javascript:", "data:", "#")):
                kind = "link" if tag.name in ("a", "form") or (tag.name == "link" and "alternate" in (tag.get("rel") or [])
                                                            or tag.name == "link" and "canonical" in (tag.get("rel") or [])) else "asset"
                deliberate = tag.name == "a" and any(b in tag.parents for b in bodies)
                yield urljoin(page_url, value), kind, deliberate
        if tag.get("srcset"):
            for candidate in tag["srcset"].split(","):
                yield urljoin(page_url, candidate.split()[0]), "asset", False
        if tag.get("data-search-index"):  # the search box fetches its index from there
            yield urljoin(urljoin(page_url, tag["data-search-index"]), "meta.json"), "asset", False
        if tag.name == "meta" and tag.get("property", tag.get("name")) in META_URLS:
            yield urljoin(page_url, tag["content"]), "asset", False


def script_references(url, text):
    """What a theme script loads: its imports, and `new URL(name, BASE)` where BASE is a
    `const BASE = new URL(dir, import.meta.url)` (pdf-viewer.js finds pdf.js so).
    Folders (pdf.js's cmaps/ ...) are fetched file by file by pdf.js: only files here."""
    bases = {name: urljoin(url, rel) for name, rel in JS_BASE.findall(text)}
    bases["import.meta.url"] = url
    names = [urljoin(url, u) for u in JS_IMPORT.findall(text)]
    names += [urljoin(bases[base], rel) for rel, base in JS_FROM_BASE.findall(text) if base in bases]
    for name in names:
        if not name.endswith("/"):
            yield name, "asset", False


@pytest.fixture(scope="module")
def crawl(published, deployed):
    """Everything reachable: {served url: (status, type)}, pages' external links, problems."""
    seen, external, problems = {}, set(), []
    queue = [deployed, deployed + "zh/", deployed + "sitemap.xml", deployed + "robots.txt",
             deployed + "feeds/all.atom.xml", deployed + "404.html"]
    while queue:
        url = urldefrag(queue.pop())[0]
        if url in seen:
            continue
        status, ctype, body = get(deployed, url)
        seen[url] = status
        if status != 200:
            continue
        found = []
        if "html" in ctype:
            found = list(references(url, body.decode("utf-8")))
        elif url.endswith(".xml"):
            text = body.decode("utf-8")
            found = [(u, "link", False) for u in re.findall(r"<loc>([^<]+)</loc>", text)]
            found += [(u, "link", False) for u in re.findall(r'href="([^"]+)"', text)
                      if u.startswith(SITEURL)]
        elif url.endswith("robots.txt"):
            found = [(u, "link", False) for u in re.findall(r"^Sitemap: (\S+)$", body.decode(), re.M)]
        elif url.endswith(".js") and "/theme/js/" in url:  # the theme's own scripts
            found = list(script_references(url, body.decode("utf-8")))
        elif url.endswith("search-index/meta.json"):  # search results link to these pages
            found = [(urljoin(url, "../" + page[0]), "link", False) for page in json.loads(body)["pages"]]
        elif url.endswith(".css"):
            found = [(urljoin(url, u), "asset", False) for u in CSS_URL.findall(body.decode("utf-8", "replace"))
                     if not u.startswith("data:")]
        for ref, kind, deliberate in found:
            served = local(ref, deployed)
            if served is not None:
                queue.append(served)
            elif deliberate:
                external.add(ref)
            else:
                problems.append(f"{url} -> {ref} ({kind} outside the site)")
    return seen, external, problems


def test_every_link_and_asset_answers_200_under_the_prefix(crawl):
    seen, _, _ = crawl
    broken = sorted(f"{status} {url}" for url, status in seen.items() if status != 200)
    assert not broken, "\n".join(broken)
    assert len(seen) > 100  # the crawl went through the site, not just its home page


def test_nothing_outside_the_site_but_links_in_posts(crawl):
    _, external, problems = crawl
    assert not problems, "\n".join(problems)
    assert external and all(urlsplit(u).scheme in ("http", "https") for u in external)


def test_crawl_reached_posts_feeds_search_index_pdfjs_and_social_images(crawl, deployed):
    seen, _, _ = crawl
    paths = [u[len(deployed):] for u in seen]
    assert any(re.fullmatch(r"zh/\d{4}/\d\d/\d\d/[^/]+/", p) for p in paths)
    assert any(p.startswith("feeds/") and p.endswith(".atom.xml") for p in paths)
    assert "search-index/meta.json" in paths
    assert any(p.startswith("theme/pdfjs/") for p in paths)
    assert any(p.endswith("/social.png") for p in paths)
    assert "robots.txt" in paths and "sitemap.xml" in paths


def test_no_unfinished_post_is_reachable_or_written(crawl, published, deployed):
    seen, _, _ = crawl
    for slug, (title, _) in published.unfinished.items():
        assert not [u for u in seen if slug in u], slug
        assert get(deployed, f"{deployed}drafts/en/{slug}/")[0] == 404
    leaked = []
    for path in published.public.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt"):
            text = path.read_text(encoding="utf-8", errors="replace")
            leaked += [f"{path.relative_to(published.public)}: {word}"
                       for word in ("zyxwvut", "unfinished-tag", "categories/unfinished", *published.unfinished)
                       if word in text]
    assert not leaked, "\n".join(leaked)
    assert not (published.public / "drafts").exists()


def test_robots_txt_names_the_absolute_sitemap(published):
    text = (published.public / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITEURL}/sitemap.xml" in text.splitlines()


def test_canonical_hreflang_and_social_tags_are_absolute(published):
    post = next(published.public.glob("zh/2016/*/*/ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun/index.html"))
    soup = BeautifulSoup(post.read_text(encoding="utf-8"), "lxml")
    url = f"{SITEURL}/{post.parent.relative_to(published.public)}/"
    assert soup.select_one('link[rel="canonical"]')["href"] == url
    assert all(a["href"].startswith(SITEURL + "/") for a in soup.select('link[rel="alternate"][hreflang]'))
    meta = {m.get("property") or m.get("name"): m["content"] for m in soup.select("meta[content]")}
    assert meta["og:url"] == url and meta["og:title"] == "如何快速启动一个Kubernetes集群"
    assert meta["og:image"] == url + "social.png" and meta["twitter:image"] == url + "social.png"
    assert meta["twitter:card"] == "summary_large_image" and meta["og:type"] == "article"
    for listing in ("index.html", "zh/tags/index.html", "zh/labs/index.html"):
        soup = BeautifulSoup((published.public / listing).read_text(encoding="utf-8"), "lxml")
        meta = {m.get("property") or m.get("name"): m["content"] for m in soup.select("meta[content]")}
        assert meta["og:url"] == f"{SITEURL}/{listing.replace('index.html', '')}", listing
        assert meta["og:image"].startswith(SITEURL + "/social/") and meta["og:site_name"], listing


def test_everything_published_is_world_readable(published):
    wrong = [f"{oct(stat.S_IMODE(p.stat().st_mode))} {p}" for p in [published.public, *published.public.rglob("*")]
             if stat.S_IMODE(p.stat().st_mode) != (0o755 if p.is_dir() else 0o644)]
    assert not wrong, "\n".join(wrong[:20])


def test_the_minikube_lab_box_speaks_to_readers(published):
    for lang in ("en", "zh"):
        post = next(published.public.glob(f"{lang}/2016/*/*/ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun/index.html"))
        box = BeautifulSoup(post.read_text(encoding="utf-8"), "lxml").select_one("aside.lab-box")
        text = " ".join(box.get_text().split())
        assert "make lab-minikube" in text
        assert ("Not verified yet: needs minikube and a working minikube driver" in text if lang == "en"
                else "尚未验证：需要 minikube and a working minikube driver" in text), text
        for machine_talk in ("this machine", "这台机器", "docker daemon", "virsh", "not reachable"):
            assert machine_talk not in text, text
    for index in ("labs/index.html", "zh/labs/index.html", "labs/minikube/index.html"):
        soup = BeautifulSoup((published.public / index).read_text(encoding="utf-8"), "lxml")
        text = " ".join(soup.select_one("main").get_text().split())
        assert "Not verified yet" in text or "尚未验证" in text, index
        assert "minikube and a working minikube driver" in text, index
        assert "this machine" not in text and "这台机器" not in text, index
    # a lab that passed: when, the result, how long, and its transcript
    post = next(published.public.glob("en/2016/*/*/setup-hyperd-with-flannel-network/index.html"))
    box = BeautifulSoup(post.read_text(encoding="utf-8"), "lxml").select_one("aside.lab-box")
    assert box.select_one(".lab-box__status").get_text() == "passed"
    assert box.select_one("time[datetime]") and "took" in box.get_text()
    assert box.select_one(".lab-box__links a")["href"].startswith(SITEURL + "/labs/flannel/")


def test_css_and_js_have_fingerprinted_names(crawl, deployed):
    seen, _, _ = crawl
    assets = [u[len(deployed):] for u in seen if re.search(r"/theme/(css|js)/", u)]
    assert {"theme/css/site", "theme/css/pygments", "theme/js/site", "theme/js/search",
            "theme/js/pdf-viewer"} <= {a.split(".")[0] for a in assets}
    assert all(re.fullmatch(r"theme/(css|js)/[\w-]+\.[0-9a-f]{10}\.(css|js)", a) for a in assets), assets


def test_every_page_has_open_graph_twitter_tags_and_canonical_with_absolute_urls(published):
    pages = sorted(published.public.rglob("*.html"))
    assert len(pages) > 50
    missing = []
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        meta = {m.get("property") or m.get("name"): m.get("content", "") for m in soup.select("meta")}
        for key in ("og:title", "og:description", "og:url", "og:image", "og:site_name", "og:type",
                    "twitter:card", "twitter:title", "twitter:image"):
            if not meta.get(key):
                missing.append(f"{page.relative_to(published.public)}: no {key}")
        for key in ("og:url", "og:image", "twitter:image"):
            if meta.get(key) and not meta[key].startswith(SITEURL + "/"):
                missing.append(f"{page.relative_to(published.public)}: {key} {meta[key]} is not absolute")
        canonical = soup.select_one('link[rel="canonical"]')
        if page.name == "404.html":
            continue
        if canonical is None or canonical["href"] != meta.get("og:url"):
            missing.append(f"{page.relative_to(published.public)}: canonical {canonical} is not og:url")
        elif canonical["href"] != f"{SITEURL}/{page.parent.relative_to(published.public)}/".replace("/./", "/"):
            missing.append(f"{page.relative_to(published.public)}: canonical {canonical['href']} is not its URL")
    assert not missing, "\n".join(missing[:30])
