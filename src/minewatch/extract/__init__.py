"""Claim extraction: from a cleaned English document to claims per the claim contract.

``Extractor`` loads the spaCy pipeline once and streams documents through ``nlp.pipe``;
``extract_claims`` is the one-call convenience used by scripts and tests.
"""

from minewatch.extract.extractor import Extractor, extract_claims

__all__ = ["Extractor", "extract_claims"]
