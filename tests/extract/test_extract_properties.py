"""Extraction never raises, evidence always indexes the text, batches survive bad documents."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minewatch.extract import Extractor
from minewatch.model import Document

_WORDS = st.sampled_from([
    "Finland", "Lithuania", "the Finns", "Warsaw", "both countries", "they", "it", "NATO", "will", "could",
    "not", "never", "withdraw", "from", "the", "Ottawa Convention", "treaty", "mines", "anti-tank",
    "anti-personnel", "produce", "buy", "said", "Jan Kowalski", "he", "in 2026", "next year", "1,340-km",
    "border", "with", "Russia", "“", "”", ".", ",", "\n", "–", "-", "hundreds of millions of euros",
    "Baltic states", "killed", "cleared", "decree", "parliament", "voted", "notified", "UN", "é", "🙂",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=300), st.lists(_WORDS, max_size=60).map(" ".join)))
def test_never_raises_and_evidence_indexes_text(extractor, text):
    doc = Document(text=text, original=text)
    claims = extractor.extract(doc)
    for c in claims:
        assert c.evidence
        for ev in c.evidence:
            assert ev.text == text[ev.start:ev.end]
        assert c.actor.key
        assert 0 <= c.confidence <= 1


def test_extract_many_streams_and_isolates_failures(extractor):
    good = Document(text="Latvia decided to withdraw from the Ottawa Convention.", original="")
    other = Document(text="Austria destroyed its anti-personnel mines.", original="", language="en")
    foreign = Document(text="Lettland tritt aus dem Ottawa-Abkommen aus.", original="", language="de")

    class Broken(Document):
        @property
        def text(self):  # type: ignore[override]
            raise RuntimeError("unreadable")

        @text.setter
        def text(self, value):
            pass

    bad = Broken(text="x", original="x", content_hash="h")
    results = list(extractor.extract_many([good, bad, foreign, other], batch_size=2))
    assert [d for d, _ in results] == [good, bad, foreign, other]
    assert results[0][1] and results[0][1][0].actor.iso3 == "LVA"
    assert isinstance(results[1][1], Exception)
    assert results[2][1] == []
    assert results[3][1] and results[3][1][0].predicate == "destruction"


def test_one_claim_per_fact_with_all_evidence(claims_of, select):
    text = ("Latvia decided to withdraw from the Ottawa Convention.\n"
            "Latvia decided to withdraw from the Ottawa Convention, officials said again.")
    got = select(claims_of(text), actor="LVA", predicate="treaty_withdrawal")
    assert len(got) == 1 and len(got[0].evidence) == 2


def test_screen_does_not_change_results():
    text = ("Menu Home About. Finland and Estonia are preparing to produce anti-personnel mines in 2026. "
            "Cookie policy. Both countries decided to leave the Ottawa Convention.")
    doc = Document(text=text, original=text)
    with_screen = Extractor(screen=True).extract(doc)
    without = Extractor(screen=False).extract(doc)
    assert {c.id for c in with_screen} == {c.id for c in without}


def test_two_processes_give_the_same_claims(extractor):
    texts = ["Latvia decided to withdraw from the Ottawa Convention.",
             "Greece will buy anti-tank mines.", "Nothing to see here.",
             "Chile ratified the Convention on Cluster Munitions in 2010."]
    docs = [Document(text=t, original=t) for t in texts]
    one = [(d.id, sorted(c.id for c in r)) for d, r in extractor.extract_many(docs, n_process=1)]
    two = [(d.id, sorted(c.id for c in r)) for d, r in extractor.extract_many(docs, n_process=2, batch_size=2)]
    assert one == two and sum(len(ids) for _, ids in one) >= 3
