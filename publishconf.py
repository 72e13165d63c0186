"""Settings for `make publish`: pelicanconf.py with the public, absolute site URL.

Feeds, sitemap and og:url need absolute URLs; set SITEURL in the environment
to publish somewhere else (`SITEURL=https://example.org make publish`).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = os.environ.get("SITEURL", "https://cloudnative-notes.example").rstrip("/")
SITEMAP_FALLBACK_URL = SITEURL
RELATIVE_URLS = False
