"""The text around a match, with the match marked: what a result shows.

The snippet is a list of ``Piece``s, plain or matched, that the template
escapes one by one and wraps the matched ones in ``<mark>``: nothing in the
text is ever trusted as HTML.

Thai is cut where a reader would not stumble: never between a consonant and
the vowel or tone mark written above or below it, never after a leading vowel
(เ แ โ ใ ไ) or before a following one (ะ า ำ), and at a space or punctuation
when one is near (Thai puts spaces between phrases, not words).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Characters of context shown on each side of the first match.
BEFORE = 50
AFTER = 110
#: How far a cut may move to land on a space or punctuation.
SLACK = 20

_LEADING_VOWELS = "เแโใไ"
_FOLLOWING_VOWELS = "ะาำๅๆ"
_BREAKS = " \t\r\n,.;:!?()[]\"'“”/-–—"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Piece:
    text: str
    match: bool = False


@dataclass(frozen=True)
class Snippet:
    pieces: tuple[Piece, ...]
    cut_start: bool  # text was left out before
    cut_end: bool  # and after

    @property
    def matched(self) -> bool:
        return any(p.match for p in self.pieces)


def _safe(text: str, i: int) -> bool:
    """Whether the text may be cut just before index ``i``."""
    if i <= 0 or i >= len(text):
        return True
    char, before = text[i], text[i - 1]
    if unicodedata.category(char) in ("Mn", "Mc", "Me") or char in _FOLLOWING_VOWELS:
        return False
    return before not in _LEADING_VOWELS


def _cut(text: str, i: int, lo: int, hi: int, *, towards_start: bool) -> int:
    """A cut near ``i`` within [lo, hi]: at a break if one is within ``SLACK``, else
    the nearest safe place."""
    i = max(lo, min(i, hi))
    window = range(max(lo, i - SLACK), min(hi, i + SLACK) + 1)
    breaks = [j for j in window if j < len(text) and text[j] in _BREAKS]
    if breaks:
        j = min(breaks, key=lambda b: abs(b - i))
        # Start after the break, end at it: the space itself is not shown.
        return min(j + 1, hi) if towards_start else j
    for step in range(SLACK + 1):
        for j in (i - step, i + step):
            if lo <= j <= hi and _safe(text, j):
                return j
    return i


def snippet(text: str, pattern: re.Pattern[str], *, whole: bool = False) -> Snippet:
    """The part of ``text`` around the first match of ``pattern``, every match in it
    marked. ``whole``: keep the whole text (a name or a code). Without a match,
    the text's beginning."""
    text = _SPACES.sub(" ", text).strip()
    first = pattern.search(text)
    if whole:
        start, end = 0, len(text)
    elif first is None:
        start, end = 0, _cut(text, BEFORE + AFTER, 0, len(text), towards_start=False)
    else:
        start = (
            0
            if first.start() <= BEFORE
            else _cut(text, first.start() - BEFORE, 0, first.start(), towards_start=True)
        )
        end = (
            len(text)
            if len(text) - first.end() <= AFTER
            else _cut(text, first.end() + AFTER, first.end(), len(text), towards_start=False)
        )
    shown = text[start:end]
    pieces: list[Piece] = []
    at = 0
    for m in pattern.finditer(shown):
        if m.start() == m.end():
            continue
        if m.start() > at:
            pieces.append(Piece(shown[at : m.start()]))
        pieces.append(Piece(m.group(), match=True))
        at = m.end()
    if at < len(shown):
        pieces.append(Piece(shown[at:]))
    return Snippet(tuple(pieces), cut_start=start > 0, cut_end=end < len(text))
