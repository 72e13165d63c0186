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
"""
import unicodedata

# (first, last) code points treated as CJK: no spaces between words.
CJK_RANGES = (
    (0x3040, 0x30FF),    # Hiragana, Katakana
    (0x3400, 0x4DBF),    # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),    # CJK Unified Ideographs
    (0xAC00, 0xD7AF),    # Hangul syllables
    (0xF900, 0xFAFF),    # CJK Compatibility Ideographs
    (0x20000, 0x3134F),  # CJK Unified Ideographs Extensions B-G
)


def is_cjk(ch):
    cp = ord(ch)
    return any(first <= cp <= last for first, last in CJK_RANGES)


def is_word_char(ch):
    """Letters and digits (Unicode categories L* and N*), CJK included."""
    return unicodedata.category(ch)[0] in "LN"


def fold_char(ch):
    cp = ord(ch)
    if 0xFF01 <= cp <= 0xFF5E:  # full-width ASCII
        ch = chr(cp - 0xFEE0)
    low = ch.lower()
    return low if len(low) == 1 else ch


def fold(text):
    """Lowercase and de-full-width `text` without changing its length."""
    return "".join(fold_char(ch) for ch in text)


def runs(text):
    """Yield (kind, run) for the folded text: kind is "cjk" or "latin"."""
    kind, start = None, 0
    for i, ch in enumerate(text):
        this = ("cjk" if is_cjk(ch) else "latin") if is_word_char(ch) else None
        if this != kind:
            if kind:
                yield kind, text[start:i]
            kind, start = this, i
    if kind:
        yield kind, text[start:]


def cjk_terms(run):
    """Unigrams and overlapping bigrams of one CJK run."""
    terms = list(run)
    terms.extend(run[i:i + 2] for i in range(len(run) - 1))
    return terms


def terms(text):
    """Every index term of `text` (with repeats), folded."""
    out = []
    for kind, run in runs(fold(text)):
        if kind == "cjk":
            out.extend(cjk_terms(run))
        else:
            out.append(run)
    return out


def shard_of(term, shards):
    """The shard holding `term`: by its first character, so that every term
    starting with a given prefix (Latin prefix search) sits in one shard."""
    return ord(term[0]) % shards
