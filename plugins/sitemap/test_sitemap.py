"""sitemap._absolute is urljoin, quicker where urljoin only joins."""
import random
from urllib.parse import urljoin

from sitemap import _absolute

BASES = ["http://127.0.0.1:8000/", "https://x.org/blog/", "/", "", "https://x.org", "https://x.org/a/b",
         "https://x.org/?q=1", "https://x.org/#f", "https://x.org/a/./", "https://x.org//", "https://x.org/a//b/",
         "https://x.org/中文/", "https://x.org/../", "//x.org/", "file:///tmp/"]
PIECES = ["en", "zh", "2015", "a", ".", "..", "/", "//", "?", "#", "x=1", ":", "http:", "%20", "中文", "-",
          "index.html", " ", "~", "_", "\t", "\n", "\u3000", "ａ"]


def test_absolute_urls_are_urljoins():
    rng = random.Random(5)
    for base in BASES:
        for _ in range(2000):
            url = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 7)))
            assert _absolute(base, url) == urljoin(base, url), (base, url)
    assert _absolute("https://x.org/blog/", "zh/2016/07/19/ru-he/") == "https://x.org/blog/zh/2016/07/19/ru-he/"
