"""A readable diff of two texts in Thai, which writes no spaces between words.

Diffing word by word needs words, and Thai has no spaces to find them by;
diffing character by character cuts a syllable's vowel or tone mark off its
consonant and scatters one changed word into a dozen fragments. So the text is
cut into Thai character clusters (a consonant with its leading vowel, its marks
above and below and its trailing vowel: the smallest piece a Thai reader sees
as one), runs of Latin letters or digits, runs of spaces, and single
punctuation marks; those are diffed; and a short stretch left unchanged between
two changes (a cluster or two) joins the change around it, so that a replaced
word reads as one deletion and one insertion rather than alternating pieces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

# Leading vowels (เ แ โ ใ ไ) stand before the consonant they follow in speech.
_LEADING = "\u0e40-\u0e44"
# Marks written above or below the consonant (ั ิ ี ึ ื ุ ู ฺ ็ ่ ้ ๊ ๋ ์ ํ ๎).
_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
# Vowels written after it (ะ า ำ ๅ).
_TRAILING = "\u0e30\u0e32\u0e33\u0e45"
_TOKEN = re.compile(
    rf"[{_LEADING}]*[\u0e01-\u0e2f\u0e46][{_MARKS}]*[{_TRAILING}]?[{_MARKS}]*"
    r"|[\u0e50-\u0e59]+"  # Thai digits
    r"|[^\W\u0e00-\u0e7f]+"  # a Latin word or a number
    r"|\s+"
    r"|.",
    re.DOTALL,
)

#: An unchanged stretch of at most this many characters between two changes joins them.
_JOIN_AT_MOST = 2
#: Unchanged text longer than this is shortened to its ends.
_CONTEXT = 80

Op = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class Piece:
    op: Op
    text: str


def tokens(text: str) -> list[str]:
    """The text cut into pieces that are never split further (see the module)."""
    return _TOKEN.findall(text)


def _merge(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if merged and merged[-1].op == piece.op:
            merged[-1] = Piece(piece.op, merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return merged


def _regroup(pieces: list[Piece]) -> list[Piece]:
    """Within each run of changes, every deletion first, then every insertion."""
    out: list[Piece] = []
    deleted, inserted = "", ""
    for piece in [*pieces, Piece("equal", "")]:
        if piece.op == "delete":
            deleted += piece.text
        elif piece.op == "insert":
            inserted += piece.text
        else:
            out += [Piece("delete", deleted), Piece("insert", inserted), piece]
            deleted, inserted = "", ""
    return _merge(out)


def _join_short_equals(pieces: list[Piece]) -> list[Piece]:
    """An unchanged sliver between two changes becomes part of both (deleted and inserted)."""
    out: list[Piece] = []
    for n, piece in enumerate(pieces):
        between_changes = 0 < n < len(pieces) - 1
        if piece.op == "equal" and between_changes and len(piece.text.strip()) <= _JOIN_AT_MOST:
            out += [Piece("delete", piece.text), Piece("insert", piece.text)]
        else:
            out.append(piece)
    return _regroup(out)


def _cut_after(head: str) -> str:
    """The text after a change, up to its last space (Thai puts spaces between phrases)."""
    space = head.rstrip().rfind(" ")
    return head[:space] if space > 0 else head


def _cut_before(tail: str) -> str:
    """The text before a change, from its first space."""
    space = tail.lstrip().find(" ")
    return tail[len(tail) - len(tail.lstrip()) + space + 1 :] if space >= 0 else tail


def _shorten(pieces: list[Piece]) -> list[Piece]:
    """Long unchanged text keeps only the words next to a change."""
    out = []
    for n, piece in enumerate(pieces):
        text = piece.text
        if piece.op == "equal" and len(text) > 2 * _CONTEXT:
            head = _cut_after(text[:_CONTEXT]) if n > 0 else ""
            tail = _cut_before(text[-_CONTEXT:]) if n < len(pieces) - 1 else ""
            text = f"{head}…{tail}"
        out.append(Piece(piece.op, text))
    return out


def text_diff(old: str, new: str, *, shorten: bool = True) -> list[Piece]:
    """``old`` → ``new`` as unchanged, deleted and inserted pieces, in reading order."""
    a, b = tokens(old), tokens(new)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("equal", "".join(a[i1:i2])))
        else:
            pieces.append(Piece("delete", "".join(a[i1:i2])))
            pieces.append(Piece("insert", "".join(b[j1:j2])))
    pieces = _join_short_equals(_regroup(pieces))
    return _shorten(pieces) if shorten else pieces
