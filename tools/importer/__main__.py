"""python -m tools.importer FROM [--lang zh] [--content content]: see __init__.py."""
import argparse
import sys

from .detect import UnknownSite
from .run import run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.importer",
                                     description="Move a Hexo, Hugo, Jekyll or Pelican blog into content/.")
    parser.add_argument("source", help="the old site's folder (with its config file)")
    parser.add_argument("--lang", choices=("en", "zh"), help="language of posts that give none "
                        "(default: decided from each post's text)")
    parser.add_argument("--content", default="content", help="where to write (default: content)")
    args = parser.parse_args(argv)
    try:
        report = run(args.source, args.content, args.lang)
    except UnknownSite as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
