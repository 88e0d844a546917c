"""Incremental reconciliation gives exactly what a rebuild from scratch gives.

A generated base with few facts and many claims each (the shape that made
rebuilding slow), then new documents, copies joining known stories, a review,
a rejection, a re-extraction and a story merge; after each step the stored
facts and conflicts are compared with a from-scratch reconcile of the same base.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import delete, select, update

from minewatch.model import Actor, Claim, DateRange, Document, Money, Range
from minewatch.store import schema as t
from minewatch.store.reconciling import reconcile_pending
from minewatch.store.repository import Store

STATES = ["EST", "LVA", "FIN"]
PREDICATES = ["production", "procurement", "stockpile", "use"]


def _claims(rng: random.Random, doc_id: str) -> list[Claim]:
    out = []
    for _ in range(3):
        iso = rng.choice(STATES)
        kw = {}
        roll = rng.random()
        if roll < 0.15:
            low = rng.choice([1_000, 5_000, 100_000])
            kw["quantity"] = Range(low, low, rng.choice(["mines", None]), f"{low} mines")
        elif roll < 0.25:
            kw["money"] = Money(rng.choice([1e6, 5e6, 2e8]), None, "EUR", "euros")
        elif roll < 0.3:
            y = rng.choice([2025, 2026])
            kw["time"] = DateRange(date(y, 1, 1), date(y, 12, 31), f"in {y}")
        out.append(Claim(
            document_id=doc_id, actor=Actor("state", iso, rng.choice([iso, f"Republic of {iso}"])),
            predicate=rng.choice(PREDICATES), weapon=rng.choice(["ap_mine", "at_mine"]),
            modality=rng.choice(["actual", "planned", "considered"]), confidence=0.8,
            polarity="negated" if rng.random() < 0.1 else "affirmed", **kw,
        ))
    # one claim per identity, as the extractor guarantees
    return list({c.id: c for c in out}.values())


def _add(store: Store, rng: random.Random, start: int, n: int) -> list[str]:
    ids = []
    for i in range(start, start + n):
        text = f"Generated report number {i} for the incremental test."
        story = f"s-{i // 3}" if i % 5 else None  # some documents are a story of their own
        doc = Document(text=text, original=text, path=f"gen/{i}.txt", outlet=f"Outlet {i % 7}",
                       published=(date(2024, 1, 1) + timedelta(days=rng.randrange(600))) if i % 11 else None,
                       story_id=story)
        store.add_document(doc, claims=_claims(rng, doc.id))
        ids.append(doc.id)
    return ids


def _snapshot(store: Store) -> tuple[list, list]:
    with store.engine.connect() as conn:
        facts = [dict(r) for r in conn.execute(select(t.facts).order_by(t.facts.c.id)).mappings()]
        conflicts = [dict(r) for r in conn.execute(select(t.conflicts).order_by(t.conflicts.c.id)).mappings()]
    return facts, conflicts


def _from_scratch(store: Store) -> tuple[list, list]:
    with store.engine.begin() as conn:
        for table in (t.facts, t.conflicts, t.fact_summaries, t.fact_stories):
            conn.execute(delete(table))
        conn.execute(update(t.documents).values(reconciled=False, in_facts=False))
    reconcile_pending(store)
    return _snapshot(store)


def _assert_same_as_rebuild(store: Store) -> None:
    incremental = _snapshot(store)
    assert incremental[0], "the test base has facts"
    assert incremental[1], "the test base has conflicts"
    assert incremental == _from_scratch(store)


def test_incremental_reconcile_equals_a_rebuild(tmp_path):
    store = Store.open(str(tmp_path / "kb.db"))
    rng = random.Random(3)
    _add(store, rng, 0, 150)
    reconcile_pending(store)
    _assert_same_as_rebuild(store)

    new = _add(store, rng, 150, 40)  # new documents, some of them copies of known stories
    counts = reconcile_pending(store)
    assert counts["documents"] == 40
    _assert_same_as_rebuild(store)

    claims = store.claims()
    store.add_review(claims[0]["id"], "rejected", "tester")
    store.add_review(claims[5]["id"], "corrected", "tester", corrections={"modality": "actual"})
    store.add_review(claims[9]["id"], "verified", "tester")
    valued = [c for c in claims if c["money"] or c["quantity"]]
    store.add_review(valued[0]["id"], "rejected", "tester")  # a figure leaves its family's conflicts
    other = "at_mine" if valued[1]["weapon"] == "ap_mine" else "ap_mine"
    store.add_review(valued[1]["id"], "corrected", "tester", corrections={"weapon": other})  # moves to a sibling fact
    _add(store, rng, 190, 10)
    reconcile_pending(store)
    _assert_same_as_rebuild(store)

    # re-extraction that drops a claim, and a story merge
    doc_claims = [c for c in claims if c["document"]["id"] == new[0]]
    kept = [Claim.from_dict(c, document_id=new[0]) for c in doc_claims[1:]]
    store.replace_claims(new[0], kept)
    store.apply_story_merges({"s-1": "s-2"})
    _add(store, rng, 200, 10)
    reconcile_pending(store)
    _assert_same_as_rebuild(store)
    store.engine.dispose()


def test_a_widely_reported_fact_keeps_exact_counts_and_capped_lists(tmp_path):
    store = Store.open(str(tmp_path / "kb.db"))
    for batch in range(3):
        for i in range(batch * 120, batch * 120 + 120):
            text = f"Copy {i} of a report on Estonia."
            doc = Document(text=text, original=text, outlet=f"Outlet {i}", published=date(2025, 1, 1) + timedelta(days=i),
                           story_id=f"s-{i // 2}")
            c = Claim(document_id=doc.id, actor=Actor("state", "EST", "Estonia"), predicate="production",
                      weapon="ap_mine", modality="planned" if i % 2 else "actual", confidence=0.8)
            store.add_document(doc, claims=[c])
        reconcile_pending(store)
    (fact,) = store.facts(state="EST")
    assert fact["claim_count"] == 360 and fact["document_count"] == 360
    assert fact["independent_sources"] == 180
    assert len(fact["claim_ids"]) == 200
    assert fact["first_reported"] == date(2025, 1, 1)
    (drift,) = store.conflicts(state="EST", kind="modality_drift")
    assert "Outlet 0 and 179 more report" in drift["explanation"]
    incremental = _snapshot(store)
    assert incremental == _from_scratch(store)
    store.engine.dispose()


def test_a_document_written_during_a_reconcile_is_counted_once(pg_url, monkeypatch):
    """Another process writing while a reconcile runs (a watch beside an ingest, on PostgreSQL).

    Under READ COMMITTED each statement sees what was committed before it: a document committed
    after the reconcile listed its pending documents must be left for the next reconcile, neither
    merged into the facts now (it is not marked, so it would be counted twice) nor lost; likewise
    a review queued meanwhile.
    """
    from minewatch.store import reconciling

    store, writer = Store.open(pg_url), Store.open(pg_url)
    rng = random.Random(5)
    _add(store, rng, 0, 30)
    reconcile_pending(store)
    first = store.claims()[0]
    late: list[str] = [first["document"]["id"]]  # a review takes its claim's document up again
    real_chunks = reconciling._chunks

    def chunks_with_a_late_writer(seq, n):
        if len(late) == 1:  # once, right after the reconcile has listed what is pending
            late.extend(_add(writer, rng, 30, 3))
            writer.add_review(first["id"], "rejected", "tester")
        return real_chunks(seq, n)

    _add(store, rng, 100, 5)
    monkeypatch.setattr(reconciling, "_chunks", chunks_with_a_late_writer)
    assert reconcile_pending(store)["documents"] == 5
    monkeypatch.setattr(reconciling, "_chunks", real_chunks)
    with store.engine.connect() as conn:
        waiting = set(conn.execute(select(t.documents.c.id).where(t.documents.c.reconciled.is_(False))).scalars())
        queued = list(conn.execute(select(t.reconcile_queue.c.fact_id)).scalars())
    assert waiting == set(late)  # left for the next reconcile, not marked unseen
    assert queued  # the review's fact is still queued
    assert reconcile_pending(store)["documents"] == 4
    _assert_same_as_rebuild(store)  # every claim counted once, the rejection applied
    writer.engine.dispose()
    store.engine.dispose()
