"""Claims from non-English documents: one mechanism, rules as data per language.

``extract/rules/<lang>/cues.csv`` holds a language's cues (predicates,
stages, treaty names, weapons, modality and negation triggers, states and
organisations, numbers and dates), each row with an example sentence the
tests run.  Words are matched through simplemma's lemmas, and states by
their CLDR names in the language (Babel).  A language without a rules folder
is not extracted, and the ingest summary says so (``not_extracted_language``).
"""

from minewatch.extract.multilingual.extractor import (
    MultilingualExtractor,
    extract_multilingual,
    supported_languages,
    supports,
)

__all__ = ["MultilingualExtractor", "extract_multilingual", "supported_languages", "supports"]
