"""Claim extraction: from a cleaned English document to claims per the claim contract.

``Extractor`` loads the spaCy pipeline once and streams documents through ``nlp.pipe``;
``extract_claims`` is the one-call convenience used by scripts and tests.

This package is also what ``minewatch.extract`` names once anything imported
it (Python sets a subpackage as its parent's attribute), so the package itself
is callable: ``minewatch.extract(texts, published=None)`` is
``minewatch.library.extract`` whichever way the name was reached.
"""

import sys
import types

from minewatch.extract.extractor import Extractor, extract_claims

__all__ = ["Extractor", "extract_claims"]


class _CallableModule(types.ModuleType):
    def __call__(self, texts_or_documents, published=None):
        """Claims of one text or of many: see ``minewatch.library.extract``."""
        from minewatch.library import extract

        return extract(texts_or_documents, published)


sys.modules[__name__].__class__ = _CallableModule
