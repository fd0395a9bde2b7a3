#!/usr/bin/env python3
"""Write the messy end-to-end test corpus for wordcount into OUTDIR.

Usage: make_corpus.py OUTDIR [--force]

The data is deterministic (fixed seeds, no clock, no environment), owned by this project
and needs nothing outside the repository (Python 3 standard library only). About 7 MB:

  crlf.txt            CRLF line ends, some "\\r\\r\\n" and a lone "\\r" between words
  spaces_tabs.txt     lone tabs, runs of spaces, \\v and \\f, leading/trailing blanks
  utf8.txt            accents, CJK, emoji (with ZWJ, flags, modifiers), RTL, combining marks,
                      and non-ASCII "spaces" (NBSP, EM SPACE, U+3000, NEL) that are word bytes
  nul.txt             NUL bytes inside, at the start and end of words; NUL-only words;
                      other C0 controls and DEL (\\x1c-\\x1f are NOT whitespace here)
  invalid_utf8.txt    overlong forms, lone continuation bytes, encoded surrogates, F5-FF,
                      truncated sequences, and a truncated sequence at the very end (no newline)
  no_newline.txt      ordinary text whose last line has no newline
  empty_lines.txt     blank lines, CRLF blank lines and whitespace-only lines between words
  empty.txt           0 bytes
  whitespace_only.txt ~100 KB of ASCII whitespace only (several splits of nothing)
  huge_line.txt       one ~3 MB line with no newline at all
  long_lines.txt      lines of 10 KB - 300 KB and single words of 5 KB - 200 KB (longer than
                      the 1K/7K/64K split sizes the tests use)
  boundaries.txt      crafted so that line ends, CRLF pairs, word starts/ends and words that
                      straddle the offset fall on every multiple of 1024 (so on every 1K, 7K
                      and 64K split boundary)
  ties.txt            many words with equal counts, including bytes >= 0x80, NUL and upper
                      case, to check the "count desc, then word bytes asc (unsigned)" order
  mixed.txt           ~1.5 MB of Zipf-distributed words with all of the above mixed in
  dir/                a.txt b.txt c.txt empty.txt, plus _hidden and .hidden which a directory
                      or glob input must skip (they hold words that appear nowhere else)
  hidden_only/        only _only.txt and .only.txt: a glob over it matches 0 usable files
  _MANIFEST           corpus version, then "size sha256 path" for every file

A word is a maximal run of bytes that are not ASCII whitespace (space \\t \\n \\v \\f \\r):
the reference is collections.Counter(open(F, 'rb').read().split()) summed over the files.

The corpus is written to a temporary sibling and renamed into place, so concurrent runs
never see a half-written corpus. An existing complete corpus of the same version is kept
unless --force is given.
"""
import argparse
import hashlib
import os
import random
import shutil
import sys

CORPUS_VERSION = "e2e-corpus-v1"

LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Words that a text-decoding implementation tends to get wrong. None contains ASCII whitespace.
UTF8_WORDS = [
    "café", "naïve", "Größe", "façade", "smørrebrød", "Ångström", "jalapeño", "coöperate",
    "東京", "数据流", "日本語のテキスト", "한국어", "中文字符", "データ",
    "данные", "Привет", "Ελληνικά", "עברית", "العربية", "हिन्दी", "ไทย",
    "😀", "🚀🚀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "🏳️‍🌈", "❤️", "e\u0301", "a\u0308\u0323",
    "\ufeffbom", "zero\u200bwidth", "x\u00a0y", "em\u2003space", "ideo\u3000space",
    "nel\u0085word", "\u00a0", "\u3000", "\U0001f600\U0001f600\U0001f600", "\U00010348",
]
PUNCT = [",", ".", ";", ":", "!", "?", "'s", ")", "(", "\"", "--", "...", "'"]
INVALID_UTF8 = [
    b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf0\x80\x80\xaf", b"\xc1\xbf",  # overlong
    b"\x80", b"\xbf", b"\x80\x80\x80", b"ab\x80cd", b"\xbfstart",        # lone continuation
    b"\xed\xa0\x80", b"\xed\xbf\xbf",                                     # surrogates
    b"\xfe", b"\xff", b"\xfe\xff", b"\xf5\x80\x80\x80", b"\xf8\x88\x80\x80\x80",
    b"\xe6\x97", b"trunc\xe6", b"\xf0\x9f\x98",                          # truncated
    b"caf\xe9", b"na\xefve", b"\xc3", b"\xc3\xc3\xa9",                    # latin-1 / mixed
]
CONTROL_WORDS = [
    b"\x00", b"\x00\x00", b"a\x00b", b"\x00lead", b"trail\x00", b"mid\x00\x00dle",
    b"\x01\x02\x03", b"bell\x07", b"back\x08space", b"esc\x1b[0m", b"fs\x1cgs\x1drs\x1eus\x1f",
    b"\x1c", b"\x1f", b"del\x7f", b"\x7f", b"\x0e\x0f", b"nul\x00\xff\x00",
]
WS_RUNS = [b" ", b" ", b" ", b"  ", b"    ", b"\t", b"\t\t", b" \t ", b"\x0b", b"\x0c",
           b" \x0b\x0c ", b"\x0b\x0c", b"\t \t"]


def make_vocab(n, rng):
    seen, vocab = set(), []
    rank = 0
    while len(vocab) < n:
        rank += 1
        length = max(1, min(14, 1 + int(len(str(rank)) * 0.9) + rng.randint(0, 3)))
        word = "".join(rng.choice(LETTERS) for _ in range(length))
        if word not in seen:
            seen.add(word)
            vocab.append(word.encode())
    return vocab


class Words:
    """Zipf-like word source (P(rank r) ~ 1/r)."""

    def __init__(self, seed, n=6000):
        self.rng = random.Random(seed)
        self.vocab = make_vocab(n, self.rng)
        total, self.cum = 0.0, []
        for r in range(1, n + 1):
            total += 1.0 / r
            self.cum.append(total)

    def take(self, k):
        return self.rng.choices(self.vocab, cum_weights=self.cum, k=k)


def text_lines(words, nbytes, sep=lambda: b" ", end=lambda: b"\n", word=None, lo=4, hi=18):
    """Lines of words until about nbytes; returns bytes."""
    rng = words.rng
    out, size = [], 0
    while size < nbytes:
        ws = words.take(rng.randint(lo, hi))
        if word is not None:
            ws = [word(w) for w in ws]
        parts = []
        for w in ws:
            parts.append(w)
            parts.append(sep())
        line = b"".join(parts[:-1]) + end()
        out.append(line)
        size += len(line)
    return b"".join(out)


def gen_crlf(w):
    rng = w.rng

    def end():
        r = rng.random()
        return b"\r\r\n" if r < 0.03 else b"\r\n\r\n" if r < 0.06 else b"\r\n"

    def sep():
        return b"\r" if rng.random() < 0.02 else b" "  # a lone CR separates words too
    return text_lines(w, 200_000, sep=sep, end=end) + b"last\r\nwords\r\n"


def gen_spaces_tabs(w):
    rng = w.rng
    out, size = [], 0
    while size < 200_000:
        ws = w.take(rng.randint(1, 14))
        parts = [rng.choice([b"", b"", b" ", b"\t", b"   ", b"\x0c", b"\x0b"])]
        for x in ws:
            parts.append(x)
            parts.append(rng.choice(WS_RUNS))
        parts[-1] = rng.choice([b"", b"", b" ", b"\t", b" \t", b"\x0b"])
        r = rng.random()
        if r < 0.05:
            parts = [rng.choice([b"\t", b"    ", b" \t \x0b\x0c "])]  # blank-looking line
        line = b"".join(parts) + rng.choice([b"\n", b"\n", b"\n", b"\x0c\n", b"\n\x0b"])
        out.append(line)
        size += len(line)
    return b"".join(out) + b"\ttabbed\tend\t\n"


def gen_utf8(w):
    rng = w.rng
    uw = [x.encode() for x in UTF8_WORDS]

    def word(x):
        r = rng.random()
        if r < 0.25:
            return rng.choice(uw)
        if r < 0.32:
            return x + rng.choice(uw)
        if r < 0.36:
            return rng.choice(uw) + rng.choice(PUNCT).encode()
        return x
    # the separators are ASCII only; NBSP and friends live inside words
    return text_lines(w, 200_000, sep=lambda: rng.choice([b" ", b" ", b"\t"]), word=word)


def gen_nul(w):
    rng = w.rng

    def word(x):
        r = rng.random()
        if r < 0.2:
            return rng.choice(CONTROL_WORDS)
        if r < 0.3:
            i = rng.randint(0, len(x))
            return x[:i] + b"\x00" + x[i:]
        return x
    body = text_lines(w, 100_000, word=word)
    return b"\x00start " + body + b"\x00\n\x00\x00 end\x00\n"


def gen_invalid_utf8(w):
    rng = w.rng

    def word(x):
        r = rng.random()
        if r < 0.25:
            return rng.choice(INVALID_UTF8)
        if r < 0.35:
            return x + rng.choice(INVALID_UTF8)
        return x
    body = text_lines(w, 100_000, word=word)
    return body + b"final words then truncated \xe6\x97"  # no newline, truncated sequence


def gen_no_newline(w):
    return text_lines(w, 50_000) + b"the very last line has no newline lastword_no_nl"


def gen_empty_lines(w):
    rng = w.rng
    out = [b"\n\n\r\n \n\t\n"]
    size = 0
    while size < 100_000:
        r = rng.random()
        if r < 0.5:
            line = b"\n"
        elif r < 0.6:
            line = b"\r\n"
        elif r < 0.7:
            line = rng.choice([b" \n", b"\t\n", b"  \t  \r\n", b"\x0b\n", b"\x0c\r\n"])
        else:
            line = b" ".join(w.take(rng.randint(1, 8))) + b"\n"
        out.append(line)
        size += len(line)
    out.append(b"\n\n\n")
    return b"".join(out)


def gen_whitespace_only(w):
    rng = w.rng
    chunks = [b" ", b"\t", b"\n", b"\r\n", b"\x0b", b"\x0c", b"\r", b"    ", b"\n\n\n"]
    out, size = [], 0
    while size < 100_000:
        c = rng.choice(chunks)
        out.append(c)
        size += len(c)
    return b"".join(out)


def gen_huge_line(w):
    rng = w.rng
    seps = [b" ", b" ", b" ", b" ", b"\t", b"  "]
    out, size = [], 0
    while size < 3 * 1024 * 1024:
        ws = w.take(4096)
        parts = []
        for x in ws:
            parts.append(x)
            parts.append(rng.choice(seps))
        chunk = b"".join(parts)
        out.append(chunk)
        size += len(chunk)
    return b"".join(out) + b"huge_line_last_word"  # no newline anywhere in the file


def giant_word(tag, length):
    unit = (tag + "-").encode()
    return (unit * (length // len(unit) + 1))[:length]


def gen_long_lines(w):
    rng = w.rng
    out = []
    for length in [10_000, 50_000, 120_000, 300_000, 80_000, 200_000]:
        out.append(text_lines(w, length, end=lambda: b" ", lo=50, hi=200).rstrip(b" ") + b"\n")
    giants = [giant_word("g5k", 5_000), giant_word("g20k", 20_000),
              giant_word("g70k", 70_000), giant_word("g200k", 200_000)]
    # each giant word twice (count 2), once on its own line, once inside a long line
    for g in giants:
        out.append(g + b"\n")
    for g in giants:
        out.append(b" ".join(w.take(100)) + b" " + g + b" " + b" ".join(w.take(100)) + b"\n")
    out.append(text_lines(w, 60_000, end=lambda: b"\t", lo=20, hi=40) + b"\n")
    rng.shuffle(out)
    return b"".join(out)


def exact_filler(w, n):
    """Exactly n bytes of 'word word word' (no newline); n >= 0."""
    parts, size = [], 0
    while size < n:
        x = w.take(1)[0]
        parts.append(x + b" ")
        size += len(x) + 1
    data = b"".join(parts)[:n]
    return data


BOUNDARY_PATTERNS = [
    # (bytes placed so that pattern[k] is at offset boundary + k - 8); the boundary is
    # between pattern[7] and pattern[8]
    b" abcdef\nghijklm ",       # newline just before the boundary
    b" abcdefg\nhijklm ",       # newline exactly at the boundary
    b" abcdef\r\nhijklm ",      # CR before, LF at the boundary
    b" straddlingword ",        # a word straddling the boundary
    b" abcdefg hijklm ",        # a space at the boundary, word starts right after
    b" abcdef ghijklm ",        # a word starts exactly at the boundary
    b" abcdef\n\nhijklm ",      # two newlines across the boundary
    b" abcdefg\thijklm ",       # tab at the boundary
    b"        x       ",        # one-byte word right at the boundary
    b" abcdefgh\nijklm ",       # word ends at the boundary, newline after
]


def gen_boundaries(w):
    out = bytearray()
    step = 1024
    for i in range(1, 320):
        b = i * step
        out += exact_filler(w, b - 8 - len(out))
        pat = BOUNDARY_PATTERNS[i % len(BOUNDARY_PATTERNS)]
        assert len(pat) == 16
        out += pat
        if i % 13 == 0:
            out[-1:] = b"\n"
    out += b"\nend of boundaries\n"
    return bytes(out)


def gen_ties():
    rng = random.Random(7)
    words = [("w%03d" % i).encode() for i in range(200)]
    words += [b"\x00", b"\x00a", b"A", b"Z", b"a", b"z", b"\x7f", b"\x80", b"\xc3\xa9",
              b"\xff", b"\xff\xff", "é".encode(), "東".encode(), b"~", b"!", b"0", b"9"]
    items = []
    for x in words:
        items += [x] * 3
    items += [b"once%d" % i for i in range(50)] + [b"\x80once", b"\x00once"]
    items += [b"top"] * 5 + [b"second"] * 4
    rng.shuffle(items)
    lines = [b" ".join(items[i:i + 9]) for i in range(0, len(items), 9)]
    return b"\n".join(lines) + b"\n"


def gen_mixed(w):
    rng = w.rng
    uw = [x.encode() for x in UTF8_WORDS]

    def word(x):
        r = rng.random()
        if r < 0.03:
            return rng.choice(uw)
        if r < 0.045:
            return rng.choice(INVALID_UTF8)
        if r < 0.055:
            return rng.choice(CONTROL_WORDS)
        if r < 0.09:
            return x + rng.choice(PUNCT).encode()
        if r < 0.10:
            return x.upper()
        return x

    def sep():
        return rng.choice(WS_RUNS)

    def end():
        r = rng.random()
        return b"\r\n" if r < 0.2 else b"\n\n" if r < 0.23 else b" \t\n" if r < 0.25 else b"\n"
    return text_lines(w, 1_500_000, sep=sep, end=end, word=word, lo=3, hi=25) + b"mixed_end"


def gen_dir(w):
    return {
        "a.txt": text_lines(w, 30_000),
        "b.txt": text_lines(w, 20_000, end=lambda: b"\r\n") + b"b_no_newline",
        "c.txt": b" ".join(x.encode() for x in UTF8_WORDS) + b"\n" + text_lines(w, 10_000),
        "empty.txt": b"",
        "_hidden": b"HIDDEN_UNDERSCORE_WORD must not be counted\n" * 3,
        ".hidden": b"HIDDEN_DOT_WORD must not be counted\n" * 3,
        "_SUCCESS": b"HIDDEN_SUCCESS_WORD\n",
    }


def build(outdir):
    files = {}
    gens = [
        ("crlf.txt", gen_crlf), ("spaces_tabs.txt", gen_spaces_tabs), ("utf8.txt", gen_utf8),
        ("nul.txt", gen_nul), ("invalid_utf8.txt", gen_invalid_utf8),
        ("no_newline.txt", gen_no_newline), ("empty_lines.txt", gen_empty_lines),
        ("whitespace_only.txt", gen_whitespace_only), ("huge_line.txt", gen_huge_line),
        ("long_lines.txt", gen_long_lines), ("boundaries.txt", gen_boundaries),
        ("mixed.txt", gen_mixed),
    ]
    for i, (name, gen) in enumerate(gens):
        files[name] = gen(Words(1000 + i))
    files["empty.txt"] = b""
    files["ties.txt"] = gen_ties()
    for name, data in gen_dir(Words(2000)).items():
        files["dir/" + name] = data
    files["hidden_only/_only.txt"] = b"HIDDEN_ONLY_UNDERSCORE\n"
    files["hidden_only/.only.txt"] = b"HIDDEN_ONLY_DOT\n"

    # sanity checks on the generated data (they guard the generator, not wordcount)
    assert b"\n" not in files["huge_line.txt"] and len(files["huge_line.txt"]) > 3_000_000
    assert not files["whitespace_only.txt"].split()
    assert files["invalid_utf8.txt"].endswith(b"\xe6\x97")
    assert not files["no_newline.txt"].endswith(b"\n")

    for name, data in files.items():
        path = os.path.join(outdir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    lines = [CORPUS_VERSION]
    for name in sorted(files):
        data = files[name]
        lines.append("%d %s %s" % (len(data), hashlib.sha256(data).hexdigest(), name))
    with open(os.path.join(outdir, "_MANIFEST"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return sum(len(d) for d in files.values()), len(files)


def corpus_ok(outdir):
    """True when outdir holds a complete corpus of this version (cheap: sizes only)."""
    try:
        with open(os.path.join(outdir, "_MANIFEST")) as f:
            lines = f.read().splitlines()
    except OSError:
        return False
    if not lines or lines[0] != CORPUS_VERSION:
        return False
    for line in lines[1:]:
        size, _, name = line.split(" ", 2)
        try:
            if os.path.getsize(os.path.join(outdir, name)) != int(size):
                return False
        except OSError:
            return False
    return True


def ensure_corpus(outdir, force=False, quiet=False):
    """Create outdir atomically unless it already holds a complete corpus."""
    outdir = os.path.abspath(outdir)
    if not force and corpus_ok(outdir):
        return outdir
    parent = os.path.dirname(outdir)
    os.makedirs(parent, exist_ok=True)
    tmp = "%s.tmp-%d" % (outdir, os.getpid())
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    total, n = build(tmp)
    if os.path.exists(outdir):
        if not force and corpus_ok(outdir):  # somebody else finished first
            shutil.rmtree(tmp)
            return outdir
        old = "%s.old-%d" % (outdir, os.getpid())
        os.rename(outdir, old)
        shutil.rmtree(old)
    try:
        os.rename(tmp, outdir)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not corpus_ok(outdir):
            raise
    if not quiet:
        print("make_corpus: wrote %d files, %d bytes to %s" % (n, total, outdir), file=sys.stderr)
    return outdir


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--force", action="store_true", help="regenerate even if complete")
    a = ap.parse_args()
    ensure_corpus(a.outdir, force=a.force)


if __name__ == "__main__":
    main()
