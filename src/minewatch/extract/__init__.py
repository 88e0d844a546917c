"""Claim extraction: from a cleaned English document to claims per the claim contract.

``Extractor`` loads the spaCy pipeline once and streams documents through ``nlp.pipe``;
``extract_claims`` is the one-call convenience used by scripts and tests.

This package is also what ``minewatch.extract`` names once anything imported
it (Python sets a subpackage as its parent's attribute), so the package itself
is callable: ``minewatch.extract(texts, published=None)`` is
``minewatch.library.extract`` whichever way the name was reached.
"""

import importlib
import sys
import types

__all__ = ["Extractor", "extract_claims"]


class _CallableModule(types.ModuleType):
    def __getattr__(self, name: str):
        """``Extractor`` and ``extract_claims`` are read from ``extractor`` when first asked for, so that
        importing a light module of this package (``partycounts``, ``actors``) does not load the
        extractor, its spaCy glue and scipy."""
        if name in __all__:
            value = getattr(importlib.import_module("minewatch.extract.extractor"), name)
            setattr(self, name, value)
            return value
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")

    def __call__(self, texts_or_documents, published=None):
        """Claims of one text or of many: see ``minewatch.library.extract``."""
        from minewatch.library import extract

        return extract(texts_or_documents, published)


sys.modules[__name__].__class__ = _CallableModule
