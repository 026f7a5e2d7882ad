"""What a person typed into the search box, made ready for the database.

Thai has no spaces between words, so the search is a substring match (ILIKE on
pg_trgm indexes), not full-text search. A trigram index needs three characters
to help; with fewer, the long texts would be read in full, so a two-character
query searches only the short fields (codes and indicator names) and a
one-character query is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kpi_portal.text import INVISIBLE, tidy
from kpi_portal.thaidigits import THAI_DIGITS, to_arabic_digits, to_thai_digits

#: Shorter than this, nothing is searched.
MIN_LENGTH = 2
#: Shorter than this, only codes and names are searched (a trigram index needs 3).
FULL_LENGTH = 3
#: Longer queries are cut: nobody types more, and every character costs a trigram.
MAX_LENGTH = 100

_SPACES = re.compile(r"\s+")
_INVISIBLE = str.maketrans(dict.fromkeys(INVISIBLE, ""))
# The two spellings of sara am: ำ, and nikhahit followed by sara aa (ํา), which
# some Thai keyboards and PDFs produce and which looks the same.
_SARA_AM = ("\u0e4d\u0e32", "\u0e33")


@dataclass(frozen=True)
class SearchText:
    """The query, tidied, and the spellings to look for."""

    text: str

    @property
    def length(self) -> int:
        return len(self.text)

    @property
    def too_short(self) -> bool:
        return self.length < MIN_LENGTH

    @property
    def full(self) -> bool:
        """Long enough for the trigram-indexed texts (narratives, letters, summaries)."""
        return self.length >= FULL_LENGTH

    @property
    def variants(self) -> tuple[str, ...]:
        """The query with Arabic digits and with Thai digits (one spelling if it has none)."""
        arabic = to_arabic_digits(self.text)
        thai = to_thai_digits(arabic)
        return (arabic,) if arabic == thai else (arabic, thai)

    @property
    def pattern(self) -> re.Pattern[str]:
        """A regular expression finding the query in a text as the database does:
        case-insensitive, either digit form, any run of spaces for a space."""
        parts = []
        for char in to_arabic_digits(self.text):
            if char.isdigit():
                parts.append(f"[{char}{THAI_DIGITS[int(char)]}]")
            elif char == " ":
                parts.append(r"\s+")
            else:
                parts.append(re.escape(char))
        return re.compile("".join(parts), re.IGNORECASE)


def search_text(raw: str | None) -> SearchText:
    """Tidy a query: zero-width characters out, spaces collapsed, ends trimmed,
    one spelling of ำ, at most ``MAX_LENGTH`` characters."""
    text = (raw or "").translate(_INVISIBLE).replace(*_SARA_AM)
    text = _SPACES.sub(" ", tidy(text))
    return SearchText(text[:MAX_LENGTH].strip())
