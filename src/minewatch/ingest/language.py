"""Language of a document (ISO 639-1).

The detector is restricted to the languages of the region and of the wires
that report on it: fewer candidates mean fewer confusions (Latvian read as
Lithuanian, a short Ukrainian text read as Russian) and a faster model.  It is
built once per process; low-accuracy mode is enough because it sees a few
hundred characters of running prose, not a headline.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from lingua import IsoCode639_1, LanguageDetectorBuilder

#: Languages the detector chooses among (ISO 639-1).
LANGUAGES: tuple[str, ...] = (
    "en", "pl", "ru", "uk", "be", "de", "fi", "sv", "nb", "da", "lt", "lv", "et",
    "fr", "es", "it", "pt", "nl", "cs", "ro", "bg", "hu",
)
#: Characters of the text the detector reads: the longest lines, up to this much.
SAMPLE_CHARS = 500
#: Fewer letters than this and the language is left unknown.
MIN_LETTERS = 20
#: Function words found in English and (as words) in none of LANGUAGES' other members.
#: Most of the stream is English, and running prose in English is made of these for
#: a fifth or more of its words; a text passing ENGLISH_SHARE skips the detector.
ENGLISH_MARKERS = frozenset(
    "the of and that with which said from were this was has have by its their been would".split()
)
ENGLISH_SHARE = 0.12
#: A text needs this many words for the English shortcut.
ENGLISH_MIN_WORDS = 40
_WORDS = re.compile(r"[^\W\d_]+")
_LETTERS = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def detector() -> Any:
    """The lingua detector, built once (it holds the language models)."""
    codes = [getattr(IsoCode639_1, c.upper()) for c in LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()


def sample(text: str, size: int = SAMPLE_CHARS) -> str:
    """The prose of a text: its longest lines, so titles, bylines and links do not vote."""
    lines = sorted((ln.strip() for ln in text.split("\n") if ln.strip()), key=len, reverse=True)
    out: list[str] = []
    n = 0
    for line in lines:
        out.append(line[: size - n])
        n += len(out[-1])
        if n >= size:
            break
    return "\n".join(out)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little text to tell."""
    s = sample(text)
    if len(_LETTERS.findall(s)) < MIN_LETTERS:
        return None
    if looks_english(text):
        return "en"
    lang = detector().detect_language_of(s)
    if lang is None:
        return None
    return lang.iso_code_639_1.name.lower()


def looks_english(text: str) -> bool:
    """English running prose, told by its function words (no model needed)."""
    words = _WORDS.findall(text[:3000].lower())
    if len(words) < ENGLISH_MIN_WORDS:
        return False
    return sum(1 for w in words if w in ENGLISH_MARKERS) / len(words) >= ENGLISH_SHARE
