"""Hexo/Jekyll tags and Hugo shortcodes, each converted by a real Markdown with the
extension, as the reader converts a post (its source path set)."""
import pytest
from markdown import Markdown

from cnnotes.front_matter import DocumentError
from cnnotes.front_matter.source import converting
from cnnotes.shortcodes import ShortcodeExtension


@pytest.fixture
def site(tmp_path):
    """content/ with two posts, a Hexo asset folder and a Hugo page bundle."""
    posts = tmp_path / "posts"
    (posts / "flannel-vxlan").mkdir(parents=True)
    (posts / "flannel-vxlan.md").write_text("---\ntitle: flannel 的 VXLAN\n---\nx\n", encoding="utf-8")
    (posts / "flannel-vxlan" / "timeline.png").write_bytes(b"png")
    (posts / "etcd-raft").mkdir()
    (posts / "etcd-raft" / "index.md").write_text("+++\ntitle = \"etcd and Raft\"\n+++\n", encoding="utf-8")
    (posts / "etcd-raft" / "raft.png").write_bytes(b"png")
    (posts / "2017-06-01-docker-network.md").write_text("---\ntitle: Docker\n---\n", encoding="utf-8")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "logo.png").write_bytes(b"png")
    return tmp_path


def render(site, text, source="posts/flannel-vxlan.md"):
    md = Markdown(extensions=[ShortcodeExtension(settings={"PATH": str(site)}), "fenced_code"])
    with converting(str(site / source)):
        return md.convert(text)


def test_hexo_codeblock_becomes_code(site):
    html = render(site, "{% codeblock csi.yaml lang:yaml %}\nkind: DaemonSet\n{% endcodeblock %}\n")
    assert "<em>csi.yaml</em>" in html
    assert '<code class="language-yaml">kind: DaemonSet' in html and "{%" not in html


def test_hexo_blockquote_is_signed(site):
    html = render(site, "{% blockquote Julia Evans https://jvns.ca/ Networking %}\nEvery container has an IP.\n"
                        "{% endblockquote %}\n")
    assert "<blockquote>" in html and "Every container has an IP." in html
    assert '— Julia Evans, <a href="https://jvns.ca/">Networking</a>' in html


def test_hexo_post_link_and_path(site):
    html = render(site, "See {% post_link 2017-06-01-docker-network %} and "
                        "[this]({% post_path flannel-vxlan %}).\n", source="posts/etcd-raft/index.md")
    assert '<a href="{filename}/posts/2017-06-01-docker-network.md">Docker</a>' in html
    assert '<a href="{filename}/posts/flannel-vxlan.md">this</a>' in html


def test_hexo_post_link_title_comes_from_the_post(site):
    html = render(site, "{% post_link flannel-vxlan %}\n", source="posts/etcd-raft/index.md")
    assert ">flannel 的 VXLAN</a>" in html


def test_hexo_asset_tags_use_the_asset_folder(site):
    html = render(site, "{% asset_img timeline.png The release timeline %}\n\n"
                        "{% asset_link timeline.png the picture %} at {% asset_path timeline.png %}\n")
    assert '<img src="{static}flannel-vxlan/timeline.png" alt="The release timeline" ' \
           'title="The release timeline">' in html
    assert '<a href="{static}flannel-vxlan/timeline.png">the picture</a>' in html


def test_hexo_missing_asset_is_an_error_at_its_line(site):
    with pytest.raises(DocumentError) as e:
        render(site, "Text\n\n{% asset_img nothere.png %}\n")
    assert e.value.line == 3 and "nothere.png" in e.value.message


def test_embeds_become_link_cards(site):
    html = render(site, "{% youtube 6v_BDHIgOY8 %}\n\n{% iframe https://www.kernel.org/doc/ 600 400 %}\n\n"
                        "{{< youtube id=\"ikZ8\" title=\"cgroup v2\" >}}\n\n{{< gist lin 5b3c >}}\n")
    assert '<a class="link-card" href="https://www.youtube.com/watch?v=6v_BDHIgOY8"' in html
    assert 'href="https://www.kernel.org/doc/"' in html
    assert "cgroup v2</a>" in html and 'href="https://gist.github.com/lin/5b3c"' in html
    assert "<iframe" not in html and "<script" not in html


def test_jekyll_highlight_post_url_link_and_raw(site):
    html = render(site, "{% highlight go linenos %}\nfunc main() {}\n{% endhighlight %}\n\n"
                        "[zh]({% post_url 2017-06-01-docker-network %}) "
                        "![logo]({% link images/logo.png %})\n\n"
                        "{% raw %}\nTitle: {{ site.title }} {% include x.html %}\n{% endraw %}\n\n"
                        "Inline {% raw %}{% if %}{% endraw %} too.\n")
    assert '<code class="language-go">func main() {}' in html
    assert 'href="{filename}/posts/2017-06-01-docker-network.md"' in html
    assert 'src="{static}/images/logo.png"' in html
    assert "Title: {{ site.title }} {% include x.html %}" in html
    assert "Inline {% if %} too." in html


def test_hugo_figure_highlight_ref(site):
    html = render(site, '{{< figure src="raft.png" alt="Raft" caption="A leader" >}}\n\n'
                        '{{< highlight go "linenos=table" >}}\nx := 1\n{{< /highlight >}}\n\n'
                        '[post]({{< ref "flannel-vxlan.md" >}}) and [again]({{< relref "/posts/flannel-vxlan" >}})\n',
                  source="posts/etcd-raft/index.md")
    assert ('<figure><img src="{static}raft.png" alt="Raft"><figcaption>A leader</figcaption></figure>'
            in html)
    assert '<code class="language-go">x := 1' in html
    assert html.count('href="{filename}/posts/flannel-vxlan.md"') == 2


def test_hugo_figure_from_another_host_is_refused(site):
    with pytest.raises(DocumentError) as e:
        render(site, '{{< figure src="https://example.com/x.png" >}}\n')
    assert "another host" in e.value.message


def test_bundle_images_beside_the_post(site):
    html = render(site, "![Raft](raft.png) [file](raft.png) ![logo](/images/logo.png) "
                        "![gone](gone.png) [site](https://example.com/)\n", source="posts/etcd-raft/index.md")
    assert '<img alt="Raft" src="{static}raft.png" />' in html
    assert '<a href="{static}raft.png">file</a>' in html
    assert 'src="{static}/images/logo.png"' in html
    assert 'src="gone.png"' in html and 'href="https://example.com/"' in html


def test_tags_in_code_stay_text(site):
    html = render(site, "```\n{% include x %}\n{{< tweet 1 >}}\n```\n\nUse `{% include x %}` here.\n")
    assert "{% include x %}\n{{&lt; tweet 1 &gt;}}" in html
    assert "<code>{% include x %}</code>" in html


@pytest.mark.parametrize("text, line, words", [
    ("Intro\n\n{% include note.html %}\n", 3, ["{% include %}", "Hexo/Jekyll tag", "paste the included"]),
    ("A\n{{< tweet user=\"x\" id=\"1\" >}}\n", 2, ["{{< tweet >}}", "Hugo shortcode", "write a link"]),
    ("{% gallery %}\n", 1, ["{% gallery %}", "write one ![alt](image.png)"]),
    ("{{< param name >}}\n", 1, ["{{< param >}}", "write the value itself"]),
    ("{% codeblock %}\nx\n", 1, ["never closed"]),
])
def test_unknown_tags_are_errors_saying_what_to_write(site, text, line, words):
    with pytest.raises(DocumentError) as e:
        render(site, text)
    assert e.value.line == line
    for word in words:
        assert word in e.value.message


def test_every_unknown_tag_is_listed(site):
    with pytest.raises(DocumentError) as e:
        render(site, "{% include a %}\n\ntext\n\n{% include b %}\n{{< tweet 1 >}}\n")
    assert e.value.line == 1 and "more tag errors at lines 5, 6" in e.value.message


def test_missing_post_is_an_error(site):
    with pytest.raises(DocumentError) as e:
        render(site, "x\n[a]({{< ref \"no-such-post\" >}})\n")
    assert e.value.line == 2 and "no-such-post" in e.value.message


def test_the_sites_own_tags_are_left_to_their_plugins(site):
    html = render(site, "See {% pdf /files/x.pdf %} here.\n\n{% lab flannel step %}\n")
    assert "{% pdf /files/x.pdf %}" in html and "{% lab flannel step %}" in html


def test_a_kept_rendering_follows_the_posts_and_files_it_names(tmp_path):
    """The render cache keeps a post by its text, but a tag's output depends on other
    files too: a linked post's title, where the post's image is. A later build with
    the same cache, the post itself unchanged, shows the new title and the moved image."""
    from lxml import html as lxml_html

    from tests.helpers import run_build

    posts = tmp_path / "content" / "posts"
    (posts / "a").mkdir(parents=True)
    (posts / "a.md").write_text("---\ntitle: A\ndate: 2017-06-01\nlang: en\n---\n"
                                "See {% post_link b %}.\n\n![a picture](pic.png)\n", encoding="utf-8")
    (posts / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    cache = str(tmp_path / "cache")

    def write_b(title):
        (posts / "b.md").write_text(f"---\ntitle: {title}\nslug: b\ndate: 2017-06-02\nlang: en\n---\nB.\n",
                                    encoding="utf-8")

    def page_a():
        out = run_build(tmp_path / "content", tmp_path / "out", CACHE_PATH=cache)
        page = lxml_html.fromstring((out / "en/2017/06/01/a/index.html").read_bytes())
        body = page.xpath("//*[contains(@class, 'post__body')]")[0]
        return [a.text for a in body.xpath(".//a[contains(@href, '/b/')]")], body.xpath(".//img/@src")

    write_b("Old title")
    assert page_a() == (["Old title"], ["/posts/pic.png"])
    write_b("New title")
    (posts / "pic.png").rename(posts / "a" / "pic.png")  # into the post's asset folder
    assert page_a() == (["New title"], ["/posts/a/pic.png"])
