"""Turn raw front matter into Pelican metadata, validating as it goes.

Hexo/Jekyll conventions are accepted as they are: `tags` and `categories` as
lists (or comma-separated strings), `updated` for the modified date,
`published: false` for drafts; Hugo's `draft: true` and `expiryDate` (a post past it
is a draft again, so publish builds leave it out). Each problem is reported through
`strict.error` at the line of the key; every problem of a front matter is found in
one pass (FieldError.problems), so the author sees them all at once.
"""
import datetime
import re

from pelican.contents import Author, Category, Tag

from cnnotes.cjk.slugs import title_slug

_DATE_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)


class FieldError(ValueError):
    """A bad front-matter value: `key` and `message` of the first; `problems`, every
    (key, message) of the same front matter."""

    def __init__(self, key: str, message: str, problems=None):
        super().__init__(message)
        self.key = key
        self.message = message
        self.problems = list(problems or [(key, message)])


def parse_date(value, key="date") -> datetime.datetime:
    """`2016-07-19`, `2016-07-19 10:00`, `2016-07-19T10:00:00+08:00` -> datetime."""
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    m = _DATE_RE.match(str(value).strip())
    if not m:
        raise FieldError(key, f"bad {key} '{value}': use YYYY-MM-DD, optionally HH:MM[:SS]")
    y, mo, d, h, mi, s, tz = m.groups()
    try:
        dt = datetime.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
    except ValueError as e:
        raise FieldError(key, f"bad {key} '{value}': {e}") from None
    if tz:
        if tz == "Z":
            tzinfo = datetime.timezone.utc
        else:
            sign = 1 if tz[0] == "+" else -1
            digits = tz[1:].replace(":", "")
            tzinfo = datetime.timezone(sign * datetime.timedelta(hours=int(digits[:2]),
                                                                 minutes=int(digits[2:])))
        dt = dt.replace(tzinfo=tzinfo)
    return dt


def is_expired(expiry: datetime.datetime, settings: dict, now=None) -> bool:
    """Whether `expiryDate` has passed; a date without a zone is in the site's TIMEZONE."""
    if expiry.tzinfo is None:
        from zoneinfo import ZoneInfo

        expiry = expiry.replace(tzinfo=ZoneInfo(settings.get("TIMEZONE") or "UTC"))
    return expiry <= (now or datetime.datetime.now(datetime.timezone.utc))


def as_list(value) -> list[str]:
    """A YAML list, a nested Hexo list, or 'a, b' -> ['a', 'b'] (order kept, no repeats)."""
    if value is None:
        return []
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, (list, tuple)):
        items = []
        for v in value:
            items.extend(as_list(v) if isinstance(v, (list, tuple)) else [v])
    else:
        items = [value]
    out = []
    for item in items:
        text = str(item).strip()
        if text and text not in out:
            out.append(text)
    return out


def _wrapper(cls, name, settings):
    obj = cls(name, settings)
    obj.slug = title_slug(name) or obj.slug
    return obj


def _truthy(value) -> bool:
    return str(value).strip().lower() in ("true", "yes", "1", "on")


EXPIRY_KEYS = ("expiryDate", "expirydate", "expiry_date")
_JEKYLL_NAME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})-")


def to_metadata(raw: dict, settings: dict, is_page: bool, render_markdown,
                filename: str = "") -> dict:
    """Validated Pelican metadata from a front-matter dict; raises FieldError.

    Without `date`, a Jekyll file name (`2016-07-19-title.md`) gives the date.
    """
    problems = []
    meta = {}
    for key, value in raw.items():
        try:
            _convert(key, value, meta, settings, render_markdown)
        except FieldError as e:
            problems.extend(e.problems)
    failed = {key for key, _ in problems}
    try:
        _complete(meta, raw, settings, is_page, filename, failed)
    except FieldError as e:
        problems.extend(e.problems)
    if problems:
        raise FieldError(*problems[0], problems=problems)
    return meta


def _convert(key, value, meta, settings, render_markdown) -> None:
    """Put one front-matter key's value into meta, converted; FieldError if it is bad."""
    languages = tuple(settings.get("LANGUAGES") or (settings["DEFAULT_LANG"],))
    if key == "title":
        if value is None or not str(value).strip():
            raise FieldError("title", "empty title")
        meta["title"] = str(value).strip()
    elif key in ("date", "modified", "updated"):
        if value is None or value == "":
            return
        meta["modified" if key == "updated" else key] = parse_date(value, key)
    elif key == "lang":
        lang = str(value).strip()
        if lang not in languages:
            raise FieldError("lang", f"unknown lang '{lang}': use one of {', '.join(languages)}")
        meta["lang"] = lang
    elif key == "slug":
        slug = str(value).strip().strip("/")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._~-]*", slug):
            raise FieldError("slug", f"bad slug '{value}': use letters, digits, '-', '.', '_'")
        meta["slug"] = slug
    elif key == "tags":
        meta["tags"] = [_wrapper(Tag, t, settings) for t in as_list(value)]
    elif key in ("categories", "category"):
        cats = as_list(value)
        if cats and "category" not in meta:
            meta["category"] = _wrapper(Category, cats[0], settings)
    elif key == "translation":
        meta["translation"] = "true" if _truthy(value) else "false"
    elif key == "published":
        if not _truthy(value):
            meta["status"] = "draft"
    elif key == "draft":
        if _truthy(value):
            meta["status"] = "draft"
    elif key == "status":
        meta["status"] = str(value).strip().lower()
    elif key in EXPIRY_KEYS:
        if value is None or value == "":
            return
        meta["expirydate"] = parse_date(value, key)
    elif key in ("author", "authors"):
        names = as_list(value)
        if names:
            meta["authors"] = [Author(n, settings) for n in names]
            meta["author"] = meta["authors"][0]
    elif key in ("summary", "description", "excerpt"):
        if value and "summary" not in meta:
            meta["summary"] = render_markdown(str(value))
    else:
        meta[key] = value


def _complete(meta, raw, settings, is_page, filename, failed) -> None:
    """What follows from the keys together (date from a Jekyll name, default lang and
    slug ...); FieldError with every problem found. Keys in `failed` had an error of
    their own already: no second message about them."""
    problems = []
    if "title" not in meta and "title" not in failed and "title" not in raw:
        problems.append(("title", "front matter has no title"))
    jekyll = _JEKYLL_NAME_RE.match(filename)
    if "date" not in meta and jekyll:
        meta["date"] = parse_date(jekyll.group(1))
    if not is_page and "date" not in meta and meta.get("status") != "draft" and "date" not in failed:
        problems.append(("date", "front matter has no date (YYYY-MM-DD [HH:MM])"))
    if "expirydate" in meta and is_expired(meta["expirydate"], settings):
        meta["status"] = "draft"
    meta.setdefault("lang", settings["DEFAULT_LANG"])
    if "slug" not in meta and "slug" not in failed and "title" in meta:
        slug = title_slug(meta["title"])
        if slug:
            meta["slug"] = slug
        else:
            problems.append(("title", f"cannot make a slug from title '{meta['title']}': add `slug:`"))
    if not is_page and "category" not in meta:
        meta["category"] = _wrapper(Category, settings.get("DEFAULT_CATEGORY", "Misc"), settings)
    if problems:
        raise FieldError(*problems[0], problems=problems)
