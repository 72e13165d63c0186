"""python -m tools.importer FROM [--lang zh] [--content content]: see __init__.py."""
import argparse
import sys

from .detect import UnknownSite
from .run import run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.importer",
                                     description="Move a Hexo, Hugo, Jekyll or Pelican blog, or a GitBook, "
                                     "MkDocs or Hugo docs book, into content/.")
    parser.add_argument("source", help="the old site's folder (with its config file), or the book's")
    parser.add_argument("--lang", choices=("en", "zh"), help="language of posts that give none "
                        "(default: decided from each post's text)")
    parser.add_argument("--content", default="content", help="where to write (default: content)")
    parser.add_argument("--slug", help="a book's folder under content/books/ (default: the "
                        "book's folder name), in its URLs")
    args = parser.parse_args(argv)
    try:
        report = run(args.source, args.content, args.lang, args.slug)
    except (UnknownSite, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
