"""robots.txt: where the sitemap is, for crawlers.

A publish build (absolute SITEURL) lets every crawler in and names the sitemap by its
absolute URL, as the robots.txt standard wants. The author's build (empty SITEURL:
links relative to the root) is never meant for crawlers: its robots.txt says so, in
case output/ is ever put on a server by mistake.

Under a path prefix (https://user.github.io/repo) robots.txt is written at the
prefix too; crawlers only read it at a host's root, so there it is for a server that
serves the site at its root, and harmless otherwise.
"""
import os

from pelican import signals
from pelican.generators import Generator


def robots_txt(settings) -> str:
    siteurl = (settings.get("SITEURL") or "").rstrip("/")
    if not siteurl:
        base = (settings.get("SITEMAP_FALLBACK_URL") or "").rstrip("/")
        return ("# The author's build (SITEURL is empty): not for crawlers.\n"
                "User-agent: *\nDisallow: /\n"
                + (f"\nSitemap: {base}/sitemap.xml\n" if base else ""))
    return f"User-agent: *\nAllow: /\n\nSitemap: {siteurl}/sitemap.xml\n"


class RobotsGenerator(Generator):
    def generate_output(self, writer):
        path = os.path.join(self.output_path, "robots.txt")
        with open(path, "w", encoding="utf-8") as out:
            out.write(robots_txt(self.settings))


def get_generators(pelican):
    return RobotsGenerator


def register():
    signals.get_generators.connect(get_generators)
