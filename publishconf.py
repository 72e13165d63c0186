"""Settings for `make publish`: pelicanconf.py plus what only the public site needs.

`make publish` writes public/ (the author's `make html` / `make serve` keep output/:
neither build touches the other's tree). SITEURL is the site's public address,
taken from the environment or from the line below; it may end in a path, as a
GitHub project site does (https://user.github.io/repo). Publishing with no
address, or with a placeholder one, stops here: feeds, the sitemap, robots.txt,
canonical links and link previews would all point at the wrong site.
"""
import os
import runpy
from urllib.parse import urlsplit

# every setting of pelicanconf.py, read from the file beside this one
globals().update({name: value for name, value in
                  runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                              "pelicanconf.py")).items()
                  if name.isupper()})

# The site's public address: set it here once, or per run (`SITEURL=... make publish`).
PUBLIC_SITEURL = ""
# Hosts that are examples or local, never where readers are (example.org itself is
# fine: the deploy test publishes there).
PLACEHOLDER_HOSTS = ("cloudnative-notes.example", "localhost", "127.0.0.1", "0.0.0.0", "::1")


def public_siteurl(value, local_check=False):
    """The address as Pelican wants it (no trailing slash); ValueError saying what to set.
    local_check: a 127.0.0.1 address is allowed (`make lighthouse` and `make bench` audit
    the publish build served on this machine; they set LOCAL_PUBLISH_CHECK=1)."""
    value = (value or "").strip().rstrip("/")
    how = "set it: SITEURL=https://example.org/blog make publish (or PUBLIC_SITEURL in publishconf.py)"
    if not value:
        raise ValueError(f"SITEURL is not set; {how}")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"SITEURL {value!r} is not an absolute http(s) URL; {how}")
    host = parts.hostname.lower()
    if local_check and host == "127.0.0.1":
        return value
    if host in PLACEHOLDER_HOSTS or host.endswith((".example", ".invalid", ".test", ".localhost")):
        raise ValueError(f"SITEURL {value!r} is a placeholder or local address; {how}")
    if parts.query or parts.fragment:
        raise ValueError(f"SITEURL {value!r} has a query or fragment; {how}")
    return value


SITEURL = public_siteurl(os.environ.get("SITEURL") or PUBLIC_SITEURL,
                         local_check=os.environ.get("LOCAL_PUBLISH_CHECK") == "1")
SITEMAP_FALLBACK_URL = SITEURL
RELATIVE_URLS = False
OUTPUT_PATH = "public"

# --- nothing unfinished ships --------------------------------------------------
# Posts dated in the future are drafts until their date (Pelican's own rule), and
# drafts (`draft: true`, `status: draft`, `published: false`, past `expiryDate`)
# are not written at all: no page, listing, feed, sitemap entry or search hit.
WITH_FUTURE_DATES = False
DRAFT_URL = DRAFT_LANG_URL = DRAFT_SAVE_AS = DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_URL = DRAFT_PAGE_LANG_URL = DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_LANG_SAVE_AS = ""

# --- for readers, not the author ----------------------------------------------
# The lab box says what ran and what it needs, not what this machine lacks.
LABS_SHOW_THIS_MACHINE = False
# Every post's link-preview card drawn, or the build fails (needs Debian's fonts-noto-cjk).
SOCIAL_IMAGES_REQUIRED = True
# CSS and JS under names with their content's hash, so browsers never keep a stale one.
FINGERPRINT_ASSETS = True
