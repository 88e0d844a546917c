"""The extractor as a spaCy component gives the same claims as ``Extractor.extract``."""

from __future__ import annotations

from datetime import date

import pytest

from minewatch.extract import component
from minewatch.extract.nlp import load_english
from minewatch.model import Document

TEXTS = [
    "Latvia's parliament voted to leave the Ottawa Convention. Officials said Latvia would deposit its instrument of withdrawal with the UN next week.",
    "Baku has accused Armenian troops of planting new anti-personnel mines.",
    "Chile's withdrawal from the Ottawa Convention takes effect on December 20, 2025.",
    "The weather was mild in Geneva on Tuesday.",
]


@pytest.fixture(scope="module")
def nlp():
    pipeline = load_english(disable=())  # the full installed pipeline, as spacy.load gives it
    pipeline.add_pipe(component.FACTORY)
    return pipeline


def test_add_pipe_puts_the_extractors_claims_on_the_doc(nlp, extractor):
    assert nlp.pipe_names[-1] == component.FACTORY
    for text in TEXTS:
        doc = nlp(text)
        want = extractor.extract(Document(text=text, original=text, language="en"))
        assert [c.to_dict() for c in doc._.claims] == [c.to_dict() for c in want]
    assert {(c.actor.key, c.stage) for c in nlp(TEXTS[0])._.claims} >= {("LVA", "approved"), ("LVA", "notified")}
    assert nlp(TEXTS[-1])._.claims == []


def test_the_publication_date_set_on_the_doc_is_used(nlp):
    doc = nlp.make_doc(TEXTS[2])
    doc._.published = date(2025, 9, 1)
    claims = nlp(doc)._.claims
    assert [c.modality for c in claims if c.stage == "effective"] == ["planned"]
    doc = nlp.make_doc(TEXTS[2])
    doc._.published = "2025-09-01"
    with pytest.raises(TypeError, match="datetime.date"):
        nlp(doc)


def test_nlp_pipe_runs_the_component_once_per_text(nlp):
    docs = list(nlp.pipe(TEXTS))
    assert [bool(d._.claims) for d in docs] == [True, True, True, False]
    assert component.FACTORY in nlp.pipe_names  # the inner parse re-enabled it


def test_the_entry_point_names_the_factory():
    """spaCy resolves ``add_pipe("minewatch_claims")`` without an import through this entry point."""
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    target = pyproject["project"]["entry-points"]["spacy_factories"][component.FACTORY]
    module, attr = target.split(":")
    assert module == component.__name__ and getattr(component, attr) is component.make_claims_component


def test_claims_survive_doc_serialisation_and_worker_processes(nlp):
    from spacy.tokens import Doc

    doc = nlp(TEXTS[0])
    back = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert [c.to_dict() for c in back._.claims] == [c.to_dict() for c in doc._.claims]
    assert all(c.document_id == d.document_id for c, d in zip(back._.claims, doc._.claims, strict=True))
    docs = list(nlp.pipe(TEXTS[:2], n_process=2))
    assert [[c.to_dict() for c in d._.claims] for d in docs] == [[c.to_dict() for c in nlp(t)._.claims]
                                                                  for t in TEXTS[:2]]
