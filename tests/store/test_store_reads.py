"""The named reads the web and the export use (store/browsing.py, store/exports.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from minewatch.model import Actor, Claim, Document, Evidence
from minewatch.store import browsing, exports
from minewatch.store.repository import Store


def _stored(url: str) -> tuple[Store, Claim, Claim, Document, Document]:
    store = Store.open(url)
    a_text = "Estonia will buy anti-tank mines from Latvia next year, the minister said."
    b_text = "Latvia has destroyed its stockpile of cluster munitions."
    a = Document(text=a_text, original=a_text, path="/data/in/a.txt", title="Estonia buys", published=date(2025, 3, 4),
                 language="en")
    b = Document(text=b_text, original=b_text, path="/data/in/sub/b.txt", published=date(2025, 3, 12), language="en")
    buy = Claim(document_id=a.id, actor=Actor("state", "EST", "Estonia"), predicate="procurement", weapon="at_mine",
                modality="planned", counterpart=Actor("state", "LVA", "Latvia"),
                evidence=[Evidence(0, len(a_text), a_text)])
    destroyed = Claim(document_id=b.id, actor=Actor("state", "LVA", "Latvia"), predicate="stockpile_destruction",
                      weapon="cluster_munition", modality="reported", evidence=[Evidence(0, len(b_text), b_text)])
    store.add_document(a, claims=[buy])
    store.add_document(b, claims=[destroyed])
    return store, buy, destroyed, a, b


def test_browsing_reads(any_db_url) -> None:
    store, buy, destroyed, a, b = _stored(any_db_url)
    first = store.add_review(buy.id, "verified", "ana")
    second = store.add_review(buy.id, "corrected", "ben", corrections={"modality": "considered"})
    third = store.add_review(destroyed.id, "verified", "ana")

    assert [r["id"] for r in browsing.reviews_page(store)] == [first["id"], second["id"], third["id"]]
    assert [r["id"] for r in browsing.reviews_page(store, after=first["id"], limit=1)] == [second["id"]]
    assert [r["verdict"] for r in browsing.reviews_page(store, claim_id=buy.id)] == ["verified", "corrected"]
    assert isinstance(browsing.reviews_page(store)[0]["created_at"], str)  # JSON-ready

    assert browsing.claim_count(store, "LVA") == 2  # counterpart of one claim, actor of the other
    assert browsing.claim_count(store, "EST") == 1 and browsing.claim_count(store, "FIN") == 0
    assert browsing.ingested_at(store, a.id) is not None and browsing.ingested_at(store, "d-missing") is None

    texts = browsing.document_texts(store, [a.id, b.id])
    assert texts[a.id]["text"] == a.text and texts[a.id]["title"] == "Estonia buys"
    assert browsing.document_texts(store, []) == {}

    assert store.claim(buy.id)["modality"] == "considered"  # the review's correction
    original = browsing.original_claim(store, buy.id)
    assert original["modality"] == "planned" and "review" not in original
    assert original["evidence"][0]["text"] == a.text
    assert browsing.original_claim(store, "c-missing") is None

    assert sorted(browsing.reports_by_day(store)) == [
        (date(2025, 3, 4), "procurement", 1), (date(2025, 3, 12), "stockpile_destruction", 1)]
    assert browsing.reports_by_day(store, "EST") == [(date(2025, 3, 4), "procurement", 1)]
    store.engine.dispose()


def test_export_reads(any_db_url) -> None:
    store, buy, destroyed, a, b = _stored(any_db_url)
    store.add_review(buy.id, "verified", "ana")
    store.add_review(buy.id, "rejected", "ben")

    rows, evidence, reviews = exports.claims_with_reviews(store, ["id", "actor_iso3", "modality"])
    assert rows == sorted(rows, key=lambda r: r["id"]) and set(rows[0]) == {"id", "actor_iso3", "modality"}
    assert {r["id"] for r in rows} == {buy.id, destroyed.id}
    assert evidence[buy.id] == [a.text]
    assert reviews[buy.id]["verdict"] == "rejected" and destroyed.id not in reviews  # the latest review

    docs = exports.table_rows(store, "documents", ["id", "path", "not_a_column"])
    assert [set(d) for d in docs] == [{"id", "path"}] * 2  # a column the table lacks is left out
    assert sorted(exports.document_paths(store)) == ["/data/in/a.txt", "/data/in/sub/b.txt"]
    assert [r["verdict"] for r in exports.table_rows(store, "reviews")] == ["verified", "rejected"]
    assert len(exports.table_rows(store, "records")) > 100  # the bundled depositary records
    store.engine.dispose()
