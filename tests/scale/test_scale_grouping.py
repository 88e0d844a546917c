"""Distributed story grouping (``scale.grouping``) on a real PostgreSQL server, without Ray.

The tasks are plain functions of a database URL and a shard number, so they
are called here one after the other: what they compute does not depend on
where they run.  The stories must be those of the single-process grouper
(as sets of documents), whatever the write order and the number of shards.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from minewatch.model import Document
from minewatch.scale import grouping
from minewatch.store import schema as t
from minewatch.store.repository import DocumentWrite, Store
from minewatch.stories import StoryGrouper, document_keys, minhash_signature

PLACES = ["Vilnius", "Riga", "Tallinn", "Helsinki", "Warsaw", "Kyiv", "Oslo", "Berlin"]
TOPICS = ["bridge repairs", "the harbour budget", "a new tram line", "school meals", "the river flood plan",
          "a hospital wing", "winter road salt", "the airport runway"]
WORDS = ("council residents budget plan road school hospital project week minister report market price "
         "growth company workers union talks agreement region committee vote proposal funding study").split()


def _article(rng: random.Random, i: int) -> tuple[str, date]:
    place, topic = rng.choice(PLACES), rng.choice(TOPICS)
    day = date(2025, 1, 1) + timedelta(days=rng.randrange(60))
    filler = " ".join(" ".join(rng.choices(WORDS, k=12)).capitalize() + "." for _ in range(4))
    text = (f"{place}, {day.day} {day.strftime('%B')}. The city council of {place} approved {topic} on "
            f"{day.strftime('%A')}, with {rng.randint(11, 99)} votes for and {rng.randint(2, 9)} against, "
            f"at a cost of {rng.randint(2, 90)} million euros. {filler} Item {i}.")
    return text, day


def _stream(n: int = 160, seed: int = 4) -> list[Document]:
    """Articles and wire copies of some of them (a few words changed, another outlet, a day or two later)."""
    rng = random.Random(seed)
    docs: list[Document] = []
    for i in range(n):
        text, day = _article(rng, i)
        docs.append(Document(text=text, original=text, outlet=f"Outlet {i % 7}", published=day, language="en",
                             path=f"in/{i}.txt"))
        if rng.random() < 0.3:
            for k in range(rng.randint(1, 3)):
                words = text.split(" ")
                for _ in range(3):
                    words[rng.randrange(len(words))] = rng.choice(WORDS)
                copy = " ".join(words)
                docs.append(Document(text=copy, original=copy, outlet=f"Copy outlet {k}", language="en",
                                     published=day + timedelta(days=rng.randint(0, 2)), path=f"in/{i}-{k}.txt"))
    return docs


def _write(db: str, docs: list[Document], order: list[int], run: str = "run-1", batch: int = 16) -> None:
    """The documents as Ray workers write them: in batches, in ``order``, each with its input position."""
    store = Store.open(db)
    try:
        for start in range(0, len(order), batch):
            items = []
            for i in order[start : start + batch]:
                d = docs[i]
                sig = minhash_signature(d.text, d.language)
                items.append(DocumentWrite(Document(**{**d.__dict__}), minhash=sig, arrival=i,
                                           story_keys=document_keys(sig, d.via)))
            store.add_documents(items, run=run)
    finally:
        store.engine.dispose()


def _group(db: str, parts: int) -> grouping.Naming:
    found = [grouping.find_edges(db, i, parts) for i in range(parts)]
    store = Store.open(db)
    naming = grouping.name_components(found, store.story_first_arrivals)
    store.engine.dispose()
    for i in range(parts):
        grouping.assign_stories(db, i, parts, naming.story_of)
    grouping.write_components(db, naming.stories, naming.merges)
    return naming


def _stories(db: str) -> dict[str, set[str]]:
    store = Store.open(db)
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.documents.c.id, t.documents.c.story_id, t.documents.c.grouped)).all()
        story_rows = {r.id: r.document_count for r in conn.execute(select(t.stories))}
    store.engine.dispose()
    assert all(r.grouped for r in rows)
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(r.story_id, set()).add(r.id)
    assert {sid: len(m) for sid, m in out.items()} == {sid: n for sid, n in story_rows.items() if n}
    return out


def _single_process(docs: list[Document]) -> set[frozenset[str]]:
    grouper = StoryGrouper()
    for d in docs:
        grouper.add(d.id, d.text, d.published, d.via, d.language)
    return {frozenset(s.document_ids) for s in grouper.get_stories()}


@pytest.fixture
def docs() -> list[Document]:
    return _stream()


def test_the_single_process_stories_whatever_the_order_and_shards(pg_databases, docs) -> None:
    expected = _single_process(docs)
    assert any(len(s) > 1 for s in expected) and len(expected) < len(docs)
    in_order, shuffled = pg_databases(), pg_databases()
    _write(in_order, docs, list(range(len(docs))))
    order = list(range(len(docs)))
    random.Random(9).shuffle(order)
    _write(shuffled, docs, order, batch=5)
    _group(in_order, 3)
    _group(shuffled, 7)
    a, b = _stories(in_order), _stories(shuffled)
    assert {frozenset(m) for m in a.values()} == expected
    # the same names too: a story is named after its earliest document, not after an arrival
    assert a == b


def test_a_new_copy_joins_the_story_the_single_process_engine_stored(pg_databases, docs) -> None:
    """Documents written by the single-process engine (grouped as they arrive) are in the key index too."""
    db = pg_databases()
    copy = next(i for i, d in enumerate(docs) if d.outlet.startswith("Copy"))
    original = next(i for i in range(copy, -1, -1) if not docs[i].outlet.startswith("Copy"))
    store = Store.open(db)
    stored_story = StoryGrouper.story_id_for(docs[original].id)
    first = Document(**{**docs[original].__dict__, "story_id": stored_story})
    sig = minhash_signature(first.text, first.language)
    store.add_documents([DocumentWrite(first, minhash=sig, story_keys=document_keys(sig, first.via))])
    store.engine.dispose()
    _write(db, docs, [copy], run="run-2")
    naming = _group(db, 2)
    assert naming.story_of == {docs[copy].id: stored_story} and not naming.merges
    assert _stories(db)[stored_story] == {docs[original].id, docs[copy].id}


def test_copies_of_one_text_keep_the_first_in_input_order(pg_databases) -> None:
    text = "Riga, 3 March. The council approved the harbour budget with 40 votes for and 3 against, officials said."
    early = Document(text=text, original=text, outlet="First Outlet", published=date(2025, 3, 3), path="a.txt")
    late = Document(text=text, original=text, outlet="Second Outlet", published=date(2025, 3, 4), path="b.txt")
    for writes in ([(late, 9), (early, 2)], [(early, 2), (late, 9)]):
        db = pg_databases()
        store = Store.open(db)
        sig = minhash_signature(text)
        results = [store.add_documents([DocumentWrite(d, minhash=sig, arrival=pos, story_keys=document_keys(sig))],
                                       run="r") for d, pos in writes]
        with store.engine.connect() as conn:
            rows = conn.execute(select(t.documents.c.outlet, t.documents.c.arrival)).all()
            keys = conn.execute(select(t.story_keys.c.day).distinct()).scalars().all()
        store.engine.dispose()
        assert rows == [("First Outlet", 2)], writes
        assert keys == [date(2025, 3, 3).toordinal()]  # the replaced copy's keys went with it
        assert results[0] == [True]


def test_a_document_linking_stored_stories_merges_them_under_the_oldest() -> None:
    found = [
        grouping.Edges(pairs=[("d-new", "d-a"), ("d-new", "d-u")], order={"d-new": (date(2025, 1, 5), "ff")},
                       stored={"d-a": "s-young", "d-u": "s-unsigned"}),
        grouping.Edges(pairs=[("d-b", "d-new"), ("d-c", "d-d")], stored={"d-b": "s-old"},
                       order={"d-new": (date(2025, 1, 5), "ff"), "d-c": (date(2025, 1, 9), "22"),
                              "d-d": (date(2025, 1, 8), "99")}),
    ]
    arrivals = {"s-young": (date(2025, 1, 3), "d-a"), "s-old": (date(2024, 12, 1), "d-b")}  # s-unsigned: none
    naming = grouping.name_components(found, lambda ids: {i: arrivals[i] for i in ids if i in arrivals})
    assert naming.merges == {"s-young": "s-old", "s-unsigned": "s-old"}
    # a new component is named after its earliest document (published, then content hash)
    assert naming.story_of == {"d-new": "s-old", "d-c": StoryGrouper.story_id_for("d-d"),
                               "d-d": StoryGrouper.story_id_for("d-d")}
    assert naming.stories == sorted(["s-old", StoryGrouper.story_id_for("d-d")])


def test_pruned_keys_no_longer_find_old_copies(pg_databases, docs, tmp_path) -> None:
    """`minewatch db prune-story-keys --before DAY` drops the index rows of documents dated before DAY."""
    from typer.testing import CliRunner

    from minewatch.cli import app

    db = pg_databases()
    _write(db, docs, list(range(len(docs))))
    days = sorted(d.published for d in docs)
    cut = days[len(days) // 2]
    result = CliRunner().invoke(app, ["--db", db, "db", "prune-story-keys", "--before", cut.isoformat()])
    assert result.exit_code == 0, result.output
    store = Store.open(db)
    with store.engine.connect() as conn:
        left = conn.execute(select(t.story_keys.c.day).distinct()).scalars().all()
    store.engine.dispose()
    assert left and min(left) == cut.toordinal()
    assert "dropped" in result.output
    Store.open(str(tmp_path / "kb.db")).engine.dispose()
    sqlite = CliRunner().invoke(app, ["--db", str(tmp_path / "kb.db"), "db", "prune-story-keys", "--before", "2025-01-01"])
    assert sqlite.exit_code == 2 and "no story-key index" in sqlite.output


def test_an_uncredited_rewrite_joins_through_its_figures(pg_databases) -> None:
    """The rewrite rule's candidates come from figure probes on the anchor keys already written."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stories"))
    from test_story_rewrites import ORIGINAL, OTHER_EVENT, REWRITE

    from minewatch.ingest import RawItem, prepare

    docs = [prepare(RawItem(name, "text", text=text, meta={"published": date(2025, 3, 11)}))
            for name, text in (("wire", ORIGINAL), ("rewrite", REWRITE), ("other", OTHER_EVENT))]
    db = pg_databases()
    _write(db, docs, [2, 1, 0])
    _group(db, 2)
    assert sorted(sorted(m) for m in _stories(db).values()) == sorted([sorted([docs[0].id, docs[1].id]), [docs[2].id]])
    assert {frozenset(m) for m in _stories(db).values()} == _single_process(docs)


def test_an_undated_copy_finds_its_dated_original_whatever_the_ingest_day(pg_databases) -> None:
    """An undated document is filed under its ingest day; its lookups reach back past KEY_DAYS."""
    text = ("Riga, 3 March. The council approved the harbour budget with 40 votes for and 3 against, officials "
            "said. The works on the northern pier will cost 12 million euros and end in 2027, the mayor added.")
    dated = Document(text=text, original=text, outlet="First Outlet", published=date(2019, 3, 3), path="a.txt")
    undated = Document(text=text + " Photo: archive.", original=text, outlet="Second Outlet", path="b.txt")
    db = pg_databases()
    _write(db, [dated, undated], [0, 1])
    _group(db, 2)
    assert {frozenset(m) for m in _stories(db).values()} == {frozenset({dated.id, undated.id})}
