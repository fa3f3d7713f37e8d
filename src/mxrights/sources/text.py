"""Normalisation of memo text extracted from PDFs and web pages.

The seed documents carry the scars of extraction: words hyphenated across line breaks
(``inves-\\ntigations``), footnote markers glued to words and numbers (``in 2017,2 and``,
``unpunished.12``, ``charges in 17.26``), section banners in capitals dropped into the
middle of sentences, curly quotes and bullet glyphs. :func:`normalise` removes them so that
a claim's quote can be found verbatim. Each step is a small pure function over ``str``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from mxrights import paths

_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ",
           "\u2013": "-", "\u2014": "\u2014"}
_BULLETS = re.compile(r"[\u2022\uf0b7\u25aa\u25e6\u2023\u2043]")

#: Spelled-out numbers that memos print instead of digits.
WORD_NUMBERS = {
    "no": 0, "zero": 0, "one": 1, "a": 1, "first": 1, "two": 2, "three": 3, "four": 4, "fourth": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "dozen": 12, "a dozen": 12, "half": 50, "nearly half": 50,
    "not a single": 0, "a month": 1, "none": 0, "both": 2, "only": 1,
    "all": 100,  # "all accepted", "all released": as a share, 100 percent
    "tens of thousands": 20000,
    "second": 2, "thousands": 2000,  # "thousands of disappearances": at least two thousand
    # shares and outcomes in words: "the majority of" / "most of" (more than 50 percent),
    # "failed to obtain" (none obtained), "remain unknown" (none known)
    "majority": 50, "the majority": 50, "a majority": 50, "most": 50, "failed to": 0, "remain unknown": 0,
    # Spanish, for the press releases and news reports of the memo series
    "ninguno": 0, "ninguna": 0, "un": 1, "una": 1, "dos": 2, "tres": 3, "tercer": 3, "cuatro": 4,
    "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
}

#: Words of scale after a printed number: "$36 million" is 36 000 000 dollars.
SCALE_WORDS = {"million": 1e6, "millions": 1e6, "billion": 1e9, "millones": 1e6, "millón": 1e6}
_SCALE_AFTER = re.compile(r"\s+(million|millions|billion|millones|millón)\b", re.IGNORECASE)
#: A decimal part followed by one of these is a decimal, never a footnote marker ("$1.5 billion").
_UNIT_AFTER_DECIMAL = re.compile(r"\s*(?:%|(?:million|billion|millones|millón|percent|per cent|por ciento)\b)",
                                 re.IGNORECASE)


def straighten_quotes(text: str) -> str:
    """Replace curly quotes, non-breaking spaces and en dashes by their ASCII forms."""
    for k, v in _QUOTES.items():
        text = text.replace(k, v)
    return text


def drop_bullets(text: str) -> str:
    """Remove bullet glyphs (``•``, the Symbol-font ````, ``▪``...)."""
    return _BULLETS.sub(" ", text)


def drop_banner_lines(text: str) -> str:
    """Drop running headers and section banners: lines with capitals and no lower-case letter.

    PDF extraction drops banners such as ``REQUIREMENT 2: THE GOVERNMENT OF MEXICO ...`` into
    the middle of sentences; removing whole upper-case lines rejoins the sentence.
    """
    kept = []
    for line in text.split("\n"):
        letters = [c for c in line if c.isalpha()]
        if len(letters) >= 3 and not any(c.islower() for c in letters):
            continue
        kept.append(line)
    return "\n".join(kept)


def dehyphenate(text: str) -> str:
    """Join words hyphenated across a line break (``inves-\\ntigations`` → ``investigations``).

    Only when the continuation starts in lower case; ``Inter-\\nAmerican`` keeps its hyphen.
    Blank lines between the halves (a page break) are crossed too.
    """
    text = re.sub(r"(\w)-[ \t]*\n\s*([a-z])", r"\1\2", text)
    return re.sub(r"(\w)-[ \t]*\n\s*([A-Z])", r"\1-\2", text)


_FOOTNOTE = re.compile(r"(?<=[A-Za-z)\.,;:\"'])(\d{1,3})(?=[\s,;]|$)")


def strip_footnote_markers(text: str, window: int = 12) -> str:
    """Remove footnote numbers glued to the preceding word or punctuation.

    A glued number is a footnote marker when it is a footnote number not used yet and within
    ``window`` of the next expected one (markers run 1, 2, 3... though PDF columns can shuffle
    them a little). ``96.8 percent`` survives because 8 was used long before; ``17.26`` loses
    its marker 26. A comma glued to a digit and a word (``2017,four``) gets its space back.
    """
    used: set[int] = set()
    out: list[str] = []
    last = 0
    for m in _FOOTNOTE.finditer(text):
        digits = m.group(1)
        n = int(digits)
        start = m.start(1)
        prev = text[start - 1]
        prev2 = text[start - 2] if start >= 2 else ""
        if digits.startswith("0") or n == 0:
            continue
        if prev == "," and prev2.isdigit() and len(digits) == 3:
            continue  # thousands group, e.g. 1,548
        if prev == "." and prev2.isdigit() and _UNIT_AFTER_DECIMAL.match(text, m.end(1)):
            continue  # a decimal with its unit, e.g. $1.5 billion, 2.4 millones
        if text[max(0, start - 2):start] == "FY":
            continue  # a fiscal year, e.g. FY10
        expected = (max(used) + 1) if used else 1
        if n in used or abs(n - expected) > window:
            continue
        used.add(n)
        out.append(text[last:start])
        last = m.end(1)
    out.append(text[last:])
    text = "".join(out)
    return re.sub(r"(?<=\d),(?=[A-Za-z])", ", ", text)


def collapse_whitespace(text: str) -> str:
    """Fold every run of white space, newlines included, into one space."""
    return re.sub(r"\s+", " ", text).strip()


def normalise(text: str) -> str:
    """Apply every step, in order: quotes, bullets, banners, hyphens, footnotes, spaces."""
    text = text.replace("\r\n", "\n")
    text = straighten_quotes(text)
    text = drop_bullets(text)
    text = drop_banner_lines(text)
    text = dehyphenate(text)
    text = strip_footnote_markers(text)
    return collapse_whitespace(text)


@lru_cache(maxsize=16)
def _read(path: str) -> str:
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnicodeDecodeError(exc.encoding, exc.object, exc.start, exc.end,
                                 f"{path}: not UTF-8 at byte {exc.start} ({exc.reason}); "
                                 "re-save the document as UTF-8") from None


def document_text(document: str, seeds: Path | None = None) -> str:
    """Return the normalised text of a seed document (file name as in the ledger).

    Without ``seeds`` the document is resolved through the data registry, so an edited or
    missing seed fails with its expected and actual sha256 instead of changing the verdicts.
    """
    if seeds is None:
        from mxrights.sources import registry

        name = f"seed:{document}" if f"seed:{document}" in _registered() else f"memo_series:{document}"
        path = registry.resolve(name)  # hash-checked against data/registry.csv
        return _normalised(str(path))
    path = seeds / document
    if not path.exists():
        alt = _memo_series_path(document)
        if alt is None:
            raise FileNotFoundError(f"seed document {document!r} not found in {seeds}")
        path = alt
    return _normalised(str(path))


def _registered() -> frozenset[str]:
    """Names in the data registry (read once per registry file version)."""
    from mxrights.sources import registry

    p = registry.registry_path()
    return _registered_at(str(p), p.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _registered_at(path: str, mtime: int) -> frozenset[str]:
    from mxrights.sources import registry

    return frozenset(registry.load_registry(Path(path))["name"])


def _memo_series_path(document: str) -> Path | None:
    """A memo-series text of that name (``MXRIGHTS_MEMO_SERIES``), or None."""
    from mxrights import paths

    p = paths.memo_series_dir() / document
    return p if p.exists() else None


@lru_cache(maxsize=16)
def _normalised(path: str) -> str:
    """The normalised text of one file, computed once per process (the ledger asks per claim)."""
    return normalise(_read(path))


def parse_printed_number(printed: str) -> float:
    """Parse a number as a memo prints it: ``37,435`` → 37435, ``46.6%`` → 46.6, ``four`` → 4.

    Raises:
        ValueError: the text is neither digits nor a known number word.
    """
    s = printed.strip().lower().replace("us$", "").replace("$", "").strip()
    s = re.sub(r"\s*(%|percent|per cent|por ciento)$", "", s)
    if s in WORD_NUMBERS:
        return float(WORD_NUMBERS[s])
    if re.fullmatch(r"not(\s+\w+){0,3}\s+any", s):  # "not yet been any", "not taken any"
        return 0.0
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?", s):
        return float(s.replace(",", ""))
    if m := re.fullmatch(r"(\d{1,3}) mil (\d{3})", s):  # Spanish thousands: "2 mil 300" → 2300
        return float(int(m.group(1)) * 1000 + int(m.group(2)))
    raise ValueError(f"cannot read {printed!r} as a number")


def scale_in_quote(quote: str, printed: str) -> float:
    """The scale a word gives the printed number in the quote: 1e6 for "$36 million", else 1.

    The word follows the number ("36 million", "148 millones"); when it does not, a scale word
    earlier in the quote carries over to an elided amount ("de los 148 millones de dólares, 5
    se han reprogramado": 5 million).
    """
    i = quote.find(printed)
    if i < 0:
        return 1.0
    m = _SCALE_AFTER.match(quote, i + len(printed))
    if m:
        return SCALE_WORDS[m.group(1).lower()]
    before = list(_SCALE_AFTER.finditer(quote, 0, i))
    return SCALE_WORDS[before[-1].group(1).lower()] if before else 1.0
