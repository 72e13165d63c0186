"""Reading the source tools' config files (never running them)."""
import json
import re
import tomllib
from pathlib import Path

import yaml


def read_config(path: Path) -> dict:
    """A YAML, TOML or JSON config file as a dict ({} when it is empty)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".toml":
        return tomllib.loads(text)
    if path.suffix == ".json":
        return json.loads(text)
    return yaml.safe_load(text) or {}


def python_settings(path: Path) -> dict:
    """The plain string, number and list settings of a pelicanconf.py, read as text:
    `NAME = "value"` lines (a site's settings file is code; it is not run here)."""
    found = {}
    for m in re.finditer(r"^([A-Z_][A-Z0-9_]*)\s*=\s*(.+?)\s*$", path.read_text(encoding="utf-8"), re.M):
        try:
            found[m.group(1)] = _literal(m.group(2))
        except ValueError:
            pass
    return found


def _literal(text):
    import ast
    return ast.literal_eval(text.split("  #")[0].strip())
