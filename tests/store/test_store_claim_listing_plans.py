"""Newest-first claim listings come out the same whichever way the store reads them.

On SQLite a page is read either by walking the documents' date index (common
filters) or by picking the matching claims through their indexes and sorting
them (rare filters); ``ClaimsAndFacts._walks`` chooses.  Both must give the
same pages, cursors included, on every filter; PostgreSQL always picks.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from minewatch.model import Actor, Claim, Document, Evidence
from minewatch.store import browsing
from minewatch.store.repository import ClaimFilter, DocumentWrite, Store

PREDICATES = ["use", "stockpile", "clearance", "transfer"]


def _filled(url: str) -> Store:
    """120 documents (a tenth undated), each with three claims: Estonia acts in most of them, Lithuania
    is a counterpart in a few, so one state is common and the other rare."""
    store = Store.open(url)
    rnd = random.Random(3)
    batch = []
    for i in range(120):
        text = f"Report {i}: officials described events number {i} in the region."
        published = None if i % 10 == 0 else date(2024, 1, 1) + timedelta(days=rnd.randrange(0, 400))
        doc = Document(text=text, original=text, title=f"Report {i}", published=published, language="en",
                       url=f"https://news.example/{i}")
        claims = []
        for j, predicate in enumerate(rnd.sample(PREDICATES, 3)):
            actor = Actor("state", "EST", "Estonia") if rnd.random() < 0.8 else Actor("state", "FIN", "Finland")
            counterpart = Actor("state", "LTU", "Lithuania") if rnd.random() < 0.05 else None
            claims.append(Claim(doc.id, actor, predicate, counterpart=counterpart, weapon=f"w{j}",
                                evidence=[Evidence(0, len(text), text)]))
        batch.append(DocumentWrite(doc, claims=claims))
    store.add_documents(batch)
    return store


def _pages(store: Store, f: ClaimFilter, size: int) -> list[str]:
    """Every claim id of ``f``, read page by page with keyset cursors as the API reads them."""
    ids: list[str] = []
    keyset = None
    while True:
        page = store.claims(ClaimFilter(**{**f.__dict__, "keyset": keyset, "limit": size}))
        ids += [c["id"] for c in page]
        if len(page) < size:
            return ids
        last = page[-1]
        published = date.fromisoformat(last["document"]["published"]) if last["document"]["published"] else None
        keyset = (published, browsing.ingested_at(store, last["document"]["id"]), last["id"])


FILTERS = [
    {"state": "EST"}, {"state": "LTU"}, {"predicate": "use"}, {"state": "est", "predicate": "clearance"},
    {"state": "LTU", "predicate": "use"}, {"state": "EST", "since": date(2024, 6, 1), "until": date(2024, 12, 31)},
    {"predicate": "transfer", "since": date(2024, 3, 1)}, {"state": "ZZZ"},
]


@pytest.mark.parametrize("order", ["newest", "oldest"])
def test_walked_and_picked_pages_are_the_same(any_db_url, order, monkeypatch) -> None:
    store = _filled(any_db_url)
    everything = store.claims(ClaimFilter(order=order))
    for kw in FILTERS:
        f = ClaimFilter(**kw, order=order)
        expected = [c["id"] for c in store.claims(f)]  # one unpaged read (always picked)
        assert expected == [c["id"] for c in everything if _matches(c, kw)], kw
        for walk in (False, True):
            if walk and store.engine.dialect.name != "sqlite":
                continue  # PostgreSQL plans with its own statistics: always picked
            monkeypatch.setattr(Store, "_walks", lambda self, conn, f, walk=walk: walk)
            for size in (1, 7, 50):
                assert _pages(store, f, size) == expected, (kw, walk, size)
        monkeypatch.undo()
    store.engine.dispose()


def _matches(c: dict, kw: dict) -> bool:
    state = (kw.get("state") or "").upper()
    published = c["document"]["published"]
    return ((not state or state in (c["actor"]["iso3"], (c["counterpart"] or {}).get("iso3")))
            and (not kw.get("predicate") or c["predicate"] == kw["predicate"])
            and (not kw.get("since") or (published is not None and published >= kw["since"].isoformat()))
            and (not kw.get("until") or (published is not None and published <= kw["until"].isoformat())))


def test_common_filters_walk_and_rare_ones_pick(tmp_path) -> None:
    store = _filled(f"sqlite:///{tmp_path / 'kb.db'}")
    with store.engine.connect() as conn:
        walks = {name: store._walks(conn, ClaimFilter(**kw, order="newest", limit=11))
                 for name, kw in {"common state": {"state": "EST"}, "rare state": {"state": "LTU"},
                                  "common predicate": {"predicate": "use"}, "unknown state": {"state": "ZZZ"},
                                  "no filter": {}}.items()}
        unlimited = store._walks(conn, ClaimFilter(state="EST", order="newest"))
    assert walks == {"common state": True, "rare state": False, "common predicate": True,
                     "unknown state": False, "no filter": False}
    assert not unlimited  # every match is read anyway: picking reads no claim twice
    store.engine.dispose()


def test_a_state_page_is_sorted_from_indexes_alone(tmp_path) -> None:
    """A picked state page sorts its matches on keys held by indexes (migration 0011): no claim row and no
    document row (whose ``ingested_at`` sits after its text) is read until the page is known."""
    from sqlalchemy import event

    store = _filled(f"sqlite:///{tmp_path / 'kb.db'}")
    seen: list[tuple[str, tuple]] = []
    event.listen(store.engine, "before_cursor_execute", lambda conn, cur, sql, params, *a: seen.append((sql, params)))
    page = store.claims(ClaimFilter(state="LTU", predicate="use", since=date(2024, 1, 1), order="newest", limit=5))
    assert page
    sorting = [(sql, p) for sql, p in seen if "ORDER BY" in sql and "picks" in sql]
    assert len(sorting) == 1, [sql for sql, _ in seen]
    sql, params = sorting[0]
    with store.engine.connect() as conn:
        plan = [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)]
    reads = [step for step in plan if step.startswith(("SEARCH", "SCAN")) and "picks" not in step]
    assert reads and all("COVERING INDEX" in step for step in reads), plan
    store.engine.dispose()
