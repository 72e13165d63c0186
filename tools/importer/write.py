"""Writing what moves in: never over a file that is there (write_new), and adding keys
to a post's metadata in the format it is written in, changing nothing
else: YAML and TOML get lines after the opening fence (an unfenced YAML front
matter gets its `---` too), Pelican's metadata lines before the first, JSON the keys
in its object."""
import json
import os


def add_keys(text: str, fmt: str, repaired: bool, keys: dict) -> str:
    """text with keys (not yet in its metadata) added."""
    if not keys:
        return text
    text = text.lstrip("\ufeff")
    if fmt == "json":
        data, end = json.JSONDecoder().raw_decode(text, text.index("{"))
        data.update(keys)
        return json.dumps(data, ensure_ascii=False, indent=2) + text[end:]
    if fmt == "pelican":
        lines = [f"{k.capitalize()}: {', '.join(v) if isinstance(v, list) else v}" for k, v in keys.items()]
        return "\n".join(lines) + "\n" + text
    sep = " = " if fmt == "toml" else ": "
    lines = [f"{k}{sep}{json.dumps(v, ensure_ascii=False)}" for k, v in keys.items()]
    if fmt == "yaml" and repaired:
        return "---\n" + "\n".join(lines) + "\n" + text
    first, _, rest = text.partition("\n")
    return first + "\n" + "\n".join(lines) + "\n" + rest


def write_new(content_dir, dest, data: bytes, kind, report) -> bool:
    """Write dest under content_dir unless it is there: the same (unchanged), or different
    (reported, left alone). True when it wrote."""
    path = content_dir / dest
    if path.exists():
        if path.read_bytes() == data:
            report.unchanged.append(dest)
        else:
            report.needs_hand.append(f"{path}:1: already there and different: not overwritten "
                                     "(move it away and import again to take the old site's)")
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".importing")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    {"post": report.posts, "page": report.pages}.get(kind, report.assets).append(dest)
    return True
