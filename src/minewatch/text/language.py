"""Which language tags count as English: the one rule the pipeline and the extractor share.

Detecting a document's language is ingest's work (``ingest/language.py``);
this only reads the tag a document carries.
"""

from __future__ import annotations

#: Primary subtags (lower case) that mean English; "" and None mean "not stated", read as English.
ENGLISH_TAGS = frozenset({"", "en", "eng", "english"})


def is_english(language: str | None) -> bool:
    """Whether a document tagged ``language`` is extracted: "en", "EN", "en-GB", "en_US", "eng" or no tag."""
    if language is None:
        return True
    return language.strip().lower().replace("_", "-").split("-")[0] in ENGLISH_TAGS
