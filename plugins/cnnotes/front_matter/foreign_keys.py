"""Hexo's, Jekyll's, Hugo's and Pelican's front-matter keys, as this site's keys.

Runs on the raw dict a format gave (formats.py), before fields.py validates it, so a
post moved in from another tool builds unchanged:

- Hugo `draft: true` -> `status: draft`; `publishDate` -> `date` when there is none;
  `lastmod` -> `modified`; `translationKey`, `expiryDate` kept as they are.
- Old addresses -> `aliases` (a list of site paths, for the aliases plugin's redirect
  pages): Hugo `aliases` and `url`, Jekyll `redirect_from` and `permalink`, Hexo
  `permalink`, and `moved_from` (written by `make import` beside an `aliases` of the
  post's own). (Pelican reads `url` as the page's own address: only a Pelican-format
  file keeps it.)
- `categories`: the first is the category, the others become tags (Hexo's
  `[Kubernetes, Release]` loses nothing); Jekyll's space-separated string is a list.
- Jekyll's `layout` says nothing here: dropped.
"""

ALIAS_KEYS = ("aliases", "redirect_from", "url", "permalink", "moved_from")
DROPPED_KEYS = ("layout",)


def as_site_paths(value) -> list[str]:
    """A string or list of old addresses -> ['/old/path/', ...] (order kept, no repeats)."""
    items = value if isinstance(value, (list, tuple)) else str(value or "").replace(",", " ").split()
    out = []
    for item in items:
        text = str(item or "").strip()
        if text and text not in out:
            out.append(text)
    return out


def normalize(raw: dict, lines: dict, fmt: str) -> tuple[dict, dict]:
    """(raw, lines) with other tools' keys turned into this site's; new dicts."""
    raw, lines = dict(raw), dict(lines)
    for key in DROPPED_KEYS:
        raw.pop(key, None)
    draft = raw.pop("draft", None)
    if draft is not None and str(draft).strip().lower() in ("true", "yes", "1") \
            and "status" not in raw:
        raw["status"] = "draft"
        lines.setdefault("status", lines.get("draft", 1))
    _rename(raw, lines, "publishdate", "date")
    _rename(raw, lines, "lastmod", "modified")
    if "updated" in raw and "modified" in raw:
        raw.pop("modified")  # one modified date: Hexo's `updated` wins
    alias_keys = [k for k in ALIAS_KEYS if k in raw and not (k == "url" and fmt == "pelican")]
    if alias_keys:
        paths = []
        for key in alias_keys:
            for path in as_site_paths(raw.pop(key)):
                if path not in paths:
                    paths.append(path)
        lines["aliases"] = min(lines.get(k, 1) for k in alias_keys)
        raw["aliases"] = paths
    cats = raw.get("categories")
    if isinstance(cats, str) and "," not in cats:
        cats = cats.split()  # Jekyll: space-separated
    if isinstance(cats, (list, tuple)):
        flat = _flatten(cats)
        raw["categories"] = flat[:1]
        extra = flat[1:]
        if extra:
            tags = raw.get("tags") or []
            tags = [t.strip() for t in tags.split(",")] if isinstance(tags, str) else _flatten(tags)
            raw["tags"] = tags + [c for c in extra if c not in tags]
            lines.setdefault("tags", lines.get("categories", 1))
    return raw, lines


def _rename(raw, lines, old, new):
    if old in raw:
        value = raw.pop(old)
        if new not in raw:
            raw[new] = value
            lines.setdefault(new, lines.get(old, 1))


def _flatten(values) -> list[str]:
    out = []
    for v in values:
        for item in (_flatten(v) if isinstance(v, (list, tuple)) else [str(v).strip()]):
            if item and item not in out:
                out.append(item)
    return out
