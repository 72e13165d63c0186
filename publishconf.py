"""Settings for `make publish`: pelicanconf.py with the public, absolute site URL.

Feeds, sitemap and og:url need absolute URLs; set SITEURL in the environment
to publish somewhere else (`SITEURL=https://example.org make publish`).
"""
import os
import runpy

# every setting of pelicanconf.py, read from the file beside this one
globals().update({name: value for name, value in
                  runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                              "pelicanconf.py")).items()
                  if name.isupper()})

SITEURL = os.environ.get("SITEURL", "https://cloudnative-notes.example").rstrip("/")
SITEMAP_FALLBACK_URL = SITEURL
RELATIVE_URLS = False
