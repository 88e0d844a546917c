"""Which language tags count as English: the one rule the pipeline and the extractor share.

Detecting a document's language is ingest's work (``ingest/language.py``);
this only reads the tag a document carries.
"""

from __future__ import annotations

import pycountry

#: Primary subtags (lower case) that mean English; "" and None mean "not stated", read as English.
ENGLISH_TAGS = frozenset({"", "en", "eng", "english"})


def is_english(language: str | None) -> bool:
    """Whether a document tagged ``language`` is extracted: "en", "EN", "en-GB", "en_US", "eng" or no tag."""
    if language is None:
        return True
    return language.strip().lower().replace("_", "-").split("-")[0] in ENGLISH_TAGS


def normalise_language(tag: str | None) -> str | None:
    """A language tag as the ISO 639-1 code the extractors key their rules by: "en-GB" → "en",
    "est" → "et" (not "es", which cutting to two letters gives), "Latvian" → "lv"; None when unknown."""
    primary = (tag or "").strip().lower().replace("_", "-").split("-")[0]
    if not primary:
        return None
    if len(primary) == 2 and primary.isalpha():
        return primary
    lang = (pycountry.languages.get(alpha_3=primary) if len(primary) == 3 else None) or \
        pycountry.languages.get(name=primary.capitalize())
    return getattr(lang, "alpha_2", None) if lang is not None else None
