"""From text to conflicts through the store, with articles written for these tests: datelines are
no dates of acts, planned-then-done is history, an accusation and a denial are one dispute."""

from __future__ import annotations

from datetime import date

import pytest

from minewatch.extract import Extractor
from minewatch.model import Document
from minewatch.store.reconciling import reconcile_pending
from minewatch.store.repository import Store


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _add(store: Store, extractor: Extractor, text: str, outlet: str, published: date | None, url: str | None = None):
    doc = Document(text=text, original=text, outlet=outlet, published=published, language="en", url=url)
    store.add_document(doc, claims=extractor.extract(doc), extracted=True)


def test_an_accusation_and_a_denial_are_one_disputed_fact(tmp_path, extractor):
    store = Store.open(f"sqlite:///{tmp_path / 'kb.db'}")
    _add(store, extractor, "Bangkok accused Cambodia of planting new landmines along the border.", "Thai Wire",
         date(2025, 7, 20))
    _add(store, extractor, "Phnom Penh denied it had placed any new mines.", "Khmer Daily", date(2025, 7, 21))
    reconcile_pending(store)
    (x,) = store.conflicts(state="KHM")
    assert x["kind"] == "disputed_fact"
    assert "Thai Wire" in x["explanation"] and "Khmer Daily denies" in x["explanation"]
    store.engine.dispose()


def test_datelines_and_plans_carried_out_raise_nothing(tmp_path, extractor):
    store = Store.open(f"sqlite:///{tmp_path / 'kb.db'}")
    _add(store, extractor, "TALLINN, June 29 (Nordpress) Estonia has notified the United Nations of its withdrawal "
         "from the Ottawa Convention.", "Wire A", date(2025, 6, 29))
    _add(store, extractor, "Tartu 1 July 2025 - Estonia has formally notified the United Nations of its withdrawal "
         "from the Ottawa Convention.", "Campaign B", date(2025, 7, 1))
    _add(store, extractor, "Estonia plans to withdraw from the Ottawa Convention, the defence minister said.",
         "Paper C", date(2025, 3, 18))
    _add(store, extractor, "Estonia's withdrawal from the Ottawa Convention took effect on Saturday.", "Paper D",
         date(2025, 12, 28))
    _add(store, extractor, "Estonia's withdrawal from the Ottawa Convention will take effect in December.", "Paper E",
         date(2025, 7, 2))
    reconcile_pending(store)
    assert store.conflicts(state="EST") == []
    facts = {(f["stage"]): f for f in store.facts(state="EST") if f["predicate"] == "treaty_withdrawal"}
    history = facts["effective"]["history"]
    assert history["planned_first_reported"] == "2025-07-02" and history["done_first_reported"] == "2025-12-28"
    notified = [c for c in store.claims() if c["stage"] == "notified"]
    assert notified and all(c["time"]["basis"] == "reported" for c in notified)
    store.engine.dispose()
