"""Site settings for `make html` / `make serve` (publishconf.py extends them).

One plain module: every value a plugin or the theme reads is here, with why.
"""
import os

from cnnotes.cjk.headings import HeadingIds  # the plugins are a package: `make deps` installs it
from cnnotes.render_cache import TemplateBytecodeCache

AUTHOR = "Cloud Native Notes"
SITENAME = "Cloud Native Notes"
SITENAME_ZH = "云原生笔记"
SITESUBTITLE = "Containers, networks and schedulers, reproduced for real"
SITESUBTITLE_ZH = "容器、网络与调度：每篇都能亲手复现"
SITEURL = ""  # root-relative links while developing; publishconf.py sets the real one
# Absolute base for sitemap.xml <loc> when SITEURL is empty (local builds).
SITEMAP_FALLBACK_URL = "http://127.0.0.1:8000"

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "Asia/Shanghai"

# --- languages --------------------------------------------------------------
DEFAULT_LANG = "en"
LANGUAGES = ("en", "zh")  # anything else in `lang:` fails the build
# Posts without `lang:` (moved in from Hexo, Hugo ...): None decides from the text
# (mostly Chinese: zh, else DEFAULT_LANG) and the build says so; "zh" or "en": that one.
IMPORTED_POSTS_LANG = None
ARTICLE_TRANSLATION_ID = "slug"
PAGE_TRANSLATION_ID = "slug"

# --- where content lives ----------------------------------------------------
ARTICLE_PATHS = ["posts", "reading-notes"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["files", "images"]
# the reading-notes inbox and archive are raw material for `make notes`, not posts
IGNORE_FILES = [".*", "inbox.md", "archive.md"]
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = "Misc"
DEFAULT_DATE = None
WITH_FUTURE_DATES = True

# --- URLs: articles /{lang}/{yyyy}/{mm}/{dd}/{slug}/, pages /{lang}/{slug}/ --
ARTICLE_URL = ARTICLE_LANG_URL = "{lang}/{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_LANG_SAVE_AS = ARTICLE_URL + "index.html"
DRAFT_URL = DRAFT_LANG_URL = "drafts/{lang}/{slug}/"
DRAFT_SAVE_AS = DRAFT_LANG_SAVE_AS = DRAFT_URL + "index.html"
PAGE_URL = PAGE_LANG_URL = "{lang}/{slug}/"
PAGE_SAVE_AS = PAGE_LANG_SAVE_AS = PAGE_URL + "index.html"
DRAFT_PAGE_URL = DRAFT_PAGE_LANG_URL = "drafts/{lang}/pages/{slug}/"
DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_LANG_SAVE_AS = DRAFT_PAGE_URL + "index.html"
# Tag and category URLs are for the English UI; the bilingual plugin prefixes
# "zh/" for the Chinese one. It also writes every listing page (index,
# archives, tags, categories) in both UI languages, so Pelican's own are off.
TAG_URL = "tags/{slug}/"
CATEGORY_URL = "categories/{slug}/"
TAG_SAVE_AS = CATEGORY_SAVE_AS = AUTHOR_SAVE_AS = ""
AUTHOR_URL = ""
DIRECT_TEMPLATES = []
ARCHIVES_SAVE_AS = ""
INDEX_PAGE_SIZE = 10  # posts per index page: /, /page/2/ ... and /zh/, /zh/page/2/

# --- feeds (written by plugins/feeds; Pelican's own are off) -----------------
FEED_ALL_ATOM = FEED_ALL_RSS = FEED_ATOM = FEED_RSS = None
CATEGORY_FEED_ATOM = CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = None
TAG_FEED_ATOM = TAG_FEED_RSS = None
FEED_MAX_ITEMS = 50

# --- Markdown -----------------------------------------------------------------
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight", "guess_lang": False},
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {
            "marker": "[TOC]",
            "toc_depth": "2-4",
            # Unicode ids (Chinese kept), "-2" for repeats; the reader resets
            # it for every file.
            "slugify": HeadingIds(),
            "permalink": False,
        },
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}
SUMMARY_MAX_WORDS = 55       # Latin words in an automatic summary
SUMMARY_MAX_CJK_CHARS = 140  # CJK characters in an automatic summary
SUMMARY_END_SUFFIX = "…"
SIDEBAR_TOC_MIN_HEADINGS = 3
RENDER_WORKERS = None  # processes rendering ahead what the render cache lacks (None: cores - 1)

# --- plugins ------------------------------------------------------------------
PLUGIN_PATHS = []  # the plugins are the installed package cnnotes
# Order matters only for strict (first: it collects the errors of the others).
PLUGINS = [
    "cnnotes.strict",
    "cnnotes.render_cache",  # renders ahead in worker processes what the cache lacks
    "cnnotes.front_matter",
    "cnnotes.shortcodes",
    "cnnotes.aliases",
    "cnnotes.cjk",
    "cnnotes.bilingual",
    "cnnotes.feeds",
    "cnnotes.sitemap",
    "cnnotes.code_style",
    "cnnotes.pdf",
    "cnnotes.notebook",
    "cnnotes.books",
    "cnnotes.search",
    "cnnotes.reading_notes",
    "cnnotes.labs_site",
    "cnnotes.drafts",
    "cnnotes.robots",
    "cnnotes.social_image",
    "cnnotes.fingerprint",
    "cnnotes.inline_code",
    "cnnotes.related",
    "cnnotes.mermaid",
]

# --- books (plugins/cnnotes/books) --------------------------------------------
BOOKS_DIR = "books"  # content/books/<book>/: one folder per handbook (not posts, not pages)
# a book page's URL; path: its place in the book ("" for the landing page, else ending in "/")
BOOK_URL = "{lang}/books/{book}/{path}"
# "Edit this page": the page's path under content/ is appended to it, e.g.
# "https://github.com/OWNER/REPO/edit/main/content/"; None: no such link (a book's
# config can give its own `edit_url`)
BOOKS_EDIT_URL = None

# --- theme --------------------------------------------------------------------
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
    "auto_reload": False,  # templates do not change during a build: no stat at every include
    # compiled templates kept between builds, by their source (Jinja's own cache)
    "bytecode_cache": TemplateBytecodeCache(
        os.path.join(os.path.dirname(os.path.abspath(__file__)), ".cache", "jinja")),
}
THEME_STATIC_DIR = "theme"
MENU_PAGES = ("about",)  # page slugs shown in the header, in this order
DELETE_OUTPUT_DIRECTORY = False  # tools/build.py always builds into a fresh dir
# cnnotes.render_cache keeps what documents render to here, by content hash (plain
# `pelican` and `make html` share it); Pelican's own content cache is off.
CACHE_PATH = ".cache/pelican"
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
RELATIVE_URLS = False

# --- publishing (publishconf.py changes these for `make publish`) -----------------
# Link previews: each post's card, drawn once and kept here by the hash of what it shows.
SOCIAL_IMAGE_CACHE = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".cache", "social-images")
# The author sees what this machine lacks for a lab; readers of the public site do not.
LABS_SHOW_THIS_MACHINE = True
# Fingerprinted CSS/JS names only when publishing: the author's build keeps plain names.
FINGERPRINT_ASSETS = False
