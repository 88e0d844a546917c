"""Shared fixtures for extraction tests: one extractor (one spaCy load) per session."""

from __future__ import annotations

import pytest

from minewatch.extract import Extractor
from minewatch.model import Document


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="session")
def claims_of(extractor):
    def run(text: str, published=None, language="en"):
        return extractor.extract(Document(text=text, original=text, published=published, language=language))

    return run


def _select(claims, **want):
    out = []
    for c in claims:
        d = {"actor": c.actor.key, "predicate": c.predicate, "stage": c.stage, "treaty": c.treaty,
             "weapon": c.weapon, "counterpart": c.counterpart.key if c.counterpart else None,
             "modality": c.modality, "polarity": c.polarity}
        if all(d[k] == v for k, v in want.items()):
            out.append(c)
    return out


@pytest.fixture(scope="session")
def select():
    """select(claims, actor="LTU", predicate="production") -> the matching claims."""
    return _select
