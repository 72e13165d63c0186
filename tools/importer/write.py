"""Adding keys to a post's metadata in the format it is written in, changing nothing
else: YAML and TOML get lines after the opening fence (an unfenced YAML front
matter gets its `---` too), Pelican's metadata lines before the first, JSON the keys
in its object."""
import json


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
