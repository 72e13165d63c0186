"""Split text into index terms the same way theme/static/js/search.js splits a query.

Why our own tokenizer: Chinese has no spaces, and a word segmenter that guesses
differently at index time and at query time loses words (Pagefind does exactly
that with 集群). Overlapping character bigrams need no dictionary and cannot
disagree with themselves: every page containing 集群网络 contains the bigrams
集群, 群网 and 网络, so intersecting their postings never misses a page; the
client then checks the exact string in the page text to drop false hits.

Rules (search.js implements the same ones; change both together):
- fold: lowercase one character at a time, but only where that keeps the length
  (so positions in the folded text are positions in the original), and map
  full-width ASCII (Ａ, ｋ８ｓ) to ASCII;
- a CJK run (Han, kana, Hangul) gives its single characters and its bigrams;
- any other run of letters and digits is one Latin term (`etcd`, `k8s`);
- everything else separates terms.

The work is done by regular expressions and whole-string methods (C code): a
site's worth of text goes through here on every build, and a Python step per
character made this the slowest part of the build.
"""
import array
import operator
import re
import sys

from cnnotes.cjk.text import CJK_CHARS, CJK_RANGES  # what counts as CJK: the site's one definition


def _word_ranges(ranges):
    """The parts of `ranges` that are letters or digits (str.isalnum(), which is what
    the regular expression \\w means, minus "_"), as a character class body."""
    out = []
    for first, last in ranges:
        # every code point of the range as one string (made in C: this runs at each import)
        text = array.array("I", range(first, last + 1)).tobytes().decode(
            "utf-32-le" if sys.byteorder == "little" else "utf-32-be", "surrogatepass")
        out += [f"{m.group()[0]}-{m.group()[-1]}" for m in _ALNUM_RUN_RE.finditer(text)]
    return "".join(out)


_ALNUM_RUN_RE = re.compile(r"[^\W_]+")  # str.isalnum() is \w without "_"


# A run of CJK letters (a CJK code point that is not a letter or digit, like ・,
# separates), and a run of other letters and digits (categories L* and N*: Python's
# \w is exactly those plus "_", checked over every code point, so [^\W_] is the class).
CJK_RUN_RE = re.compile(f"[{_word_ranges(CJK_RANGES)}]+")
LATIN_RUN_RE = re.compile(f"[^\\W_{CJK_CHARS}]+")
RUN_RE = re.compile(f"({CJK_RUN_RE.pattern})|{LATIN_RUN_RE.pattern}")
# Full-width ASCII (Ａ, ｋ８ｓ, and the full-width punctuation of Chinese text) to ASCII.
_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULL_WIDTH_RE = re.compile("[\uff01-\uff5e]")


def fold_char(ch):
    cp = ord(ch)
    if 0xFF01 <= cp <= 0xFF5E:  # full-width ASCII
        ch = chr(cp - 0xFEE0)
    low = ch.lower()
    return low if len(low) == 1 else ch


def fold(text):
    """Lowercase and de-full-width `text` without changing its length."""
    if _FULL_WIDTH_RE.search(text) is not None:
        text = text.translate(_FULL_WIDTH)
    low = text.lower()
    # lower() of the whole string is lowering each character on its own unless some
    # character grew (İ -> i̇) or a sigma was lowered by its context (final ς)
    if len(low) == len(text) and "\u03a3" not in text:
        return low
    return "".join(fold_char(ch) for ch in text)


def runs(text):
    """Yield (kind, run) for the folded text: kind is "cjk" or "latin"."""
    for match in RUN_RE.finditer(text):
        yield ("cjk" if match.group(1) else "latin"), match.group()


def cjk_terms(run):
    """Unigrams and overlapping bigrams of one CJK run."""
    terms = list(run)
    terms.extend(run[i:i + 2] for i in range(len(run) - 1))
    return terms


def terms(text):
    """Every index term of `text` (with repeats, in order), folded."""
    out = []
    for kind, run in runs(fold(text)):
        if kind == "cjk":
            out.extend(cjk_terms(run))
        else:
            out.append(run)
    return out


def term_set(text):
    """set(terms(text)), faster: what the index needs."""
    text = fold(text)
    found = set(LATIN_RUN_RE.findall(text))
    for run in CJK_RUN_RE.findall(text):
        found.update(run)
        found.update(map(operator.add, run, run[1:]))
    return found


def shard_of(term, shards):
    """The shard holding `term`: by its first character, so that every term
    starting with a given prefix (Latin prefix search) sits in one shard."""
    return ord(term[0]) % shards
