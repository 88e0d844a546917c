"""A restarted ingest groups stories exactly as one uninterrupted run, reading only the last window.

``load_grouper`` reads back the last ``window`` signatures, not every stored one; these tests
check that nothing changes: one run, three runs over parts of the inputs and a run killed
(SIGKILL) halfway then run again leave every document in the same story, with merges of stories
begun in an earlier run among them.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from minewatch.model import Document
from minewatch.pipeline import IngestOptions, ingest, load_grouper
from minewatch.store import schema as t
from minewatch.store.repository import Store, utcnow
from minewatch.stories import StoryGrouper, minhash_signature

WINDOW = 5
VOCAB = (
    "the a council said on monday that its members would meet again after talks over water rights "
    "farmers along river valley complained about prices rising faster than wages while officials "
    "promised new roads bridges schools clinics harbour rail line tunnel budget deficit taxes "
    "tourism fishing season harvest drought flood storm coast mountain village town city port "
    "museum festival concert election mayor minister governor court judge ruling appeal strike "
    "union workers factory mine steel copper timber exports imports market bank loan interest"
).split()


def _base(k: int) -> str:
    """One made-up report of ~90 words, its own wording (other reports share hardly a trigram)."""
    rnd = random.Random(1000 + k)
    words = [rnd.choice(VOCAB) for _ in range(90)]
    return f"Report {k}: " + " ".join(words) + f". Figures {k * 37 + 11} and {k * 91 + 5} were given."


def _copy(k: int, n: int) -> str:
    return _base(k) + f"\n\nSyndicated copy {n} of report {k}, as published by outlet number {n}."


def _link(a: int, b: int) -> str:
    """A roundup quoting two reports whole: a near-duplicate of each, so it joins their stories."""
    return _base(a) + "\n\n" + _base(b) + f"\n\nRoundup of reports {a} and {b}."


# Arrival order; the runs split at SPLITS.  B1 began long before B4, but its copy in the window
# at the restart (position 8) arrived after B4's first document (6): the link at 11 must keep
# B1's story id, which only the store-wide order of stories tells.  Alike at the second restart
# (27): the window holds B12 (23) before B11's copy (24), and B11 began first (21).
ARTICLES: list[tuple[str, str]] = [
    ("b0", _base(0)), ("b1", _base(1)), ("b0c1", _copy(0, 1)), ("b2", _base(2)), ("b3", _base(3)),
    ("b1c1", _copy(1, 1)), ("b4", _base(4)), ("b2c1", _copy(2, 1)), ("b1c2", _copy(1, 2)), ("b5", _base(5)),
    ("b6", _base(6)),
    # run 2
    ("l1_4", _link(1, 4)), ("b7", _base(7)), ("b0c2", _copy(0, 2)), ("b8", _base(8)), ("dup_b3", _base(3)),
    ("l5_7", _link(5, 7)), ("b9", _base(9)), ("b8c1", _copy(8, 1)), ("b10", _base(10)), ("b7c1", _copy(7, 1)),
    ("b11", _base(11)), ("l9_10", _link(9, 10)), ("b12", _base(12)), ("b11c1", _copy(11, 1)),
    ("b13", _base(13)), ("b12c1", _copy(12, 1)),
    # run 3
    ("l11_12", _link(11, 12)), ("b14", _base(14)), ("b13c1", _copy(13, 1)), ("l13_14", _link(13, 14)),
    ("b15", _base(15)), ("b14c1", _copy(14, 1)), ("dup_b12c1", _copy(12, 1)), ("b16", _base(16)),
    ("l14_16", _link(14, 16)), ("b15c1", _copy(15, 1)), ("b17", _base(17)), ("b16c1", _copy(16, 1)),
    ("l15_17", _link(15, 17)),
]
SPLITS = (11, 27)
OPTIONS = dict(extract=False, batch_size=4, story_window=WINDOW)


def _write_articles(folder: Path) -> list[str]:
    folder.mkdir()
    paths = []
    for i, (name, text) in enumerate(ARTICLES):
        p = folder / f"{i:02d}_{name}.txt"
        p.write_text(f"title: {name}\nlanguage: en\n\n{text}\n", encoding="utf-8")
        paths.append(str(p))
    return paths


def _stories(url: str) -> tuple[dict[str, str], list[tuple]]:
    store = Store.open(url)
    with store.engine.connect() as conn:
        docs = {r.path: r.story_id for r in conn.execute(select(t.documents.c.path, t.documents.c.story_id))}
        stories = sorted(tuple(r) for r in conn.execute(select(t.stories.c.id, t.stories.c.document_count)))
    store.engine.dispose()
    return {Path(p).name: s for p, s in docs.items()}, stories


def _ingest(url: str, paths: list[str]) -> None:
    store = Store.open(url)
    ingest(store, paths, IngestOptions(**OPTIONS))
    store.engine.dispose()


@pytest.fixture
def paths(tmp_path: Path) -> list[str]:
    return _write_articles(tmp_path / "articles")


def _doc_id(name: str) -> str:
    text = dict(ARTICLES)[name]
    return Document(text=text, original=text).id


def test_one_run_three_runs_and_a_killed_run_give_the_same_stories(paths: list[str], tmp_path: Path) -> None:
    one = f"sqlite:///{tmp_path / 'one.db'}"
    _ingest(one, paths)
    expected, expected_stories = _stories(one)
    assert len(expected) == len(ARTICLES) - 2  # two exact duplicates
    by_name = {name.split("_", 1)[1].removesuffix(".txt"): sid for name, sid in expected.items()}
    # The grouping is worth comparing: copies joined, links merged stories begun in an earlier run.
    b1_story = StoryGrouper.story_id_for(_doc_id("b1"))
    assert by_name["b1"] == by_name["b1c2"] == by_name["b4"] == by_name["l1_4"] == b1_story
    b11_story = StoryGrouper.story_id_for(_doc_id("b11"))  # at the second restart, b12 was first in the window
    assert by_name["b11"] == by_name["b12"] == by_name["l11_12"] == by_name["b12c1"] == b11_story
    assert by_name["b13"] == by_name["b14"] == by_name["l13_14"] == by_name["b16"]
    assert by_name["b9"] == by_name["b10"] == by_name["l9_10"]
    assert by_name["b7"] == by_name["l5_7"] != by_name["b5"]  # B5 had left the window
    assert by_name["b0c2"] != by_name["b0"]  # B0 had left the window
    assert len(set(by_name.values())) < len(by_name) - 10

    three = f"sqlite:///{tmp_path / 'three.db'}"
    a, b = SPLITS
    for part in (paths[:a], paths[a:b], paths[b:]):
        _ingest(three, part)
    assert _stories(three) == (expected, expected_stories)

    killed = f"sqlite:///{tmp_path / 'killed.db'}"
    script = textwrap.dedent(f"""
        import os, signal, sys
        from minewatch.pipeline import IngestOptions, ingest
        from minewatch.store.repository import Store, utcnow
        calls = 0
        original = Store.add_documents
        def add_documents(self, items, **kw):
            global calls
            calls += 1
            if calls == 3:  # two batches committed, the third one dies with the process
                os.kill(os.getpid(), signal.SIGKILL)
            return original(self, items, **kw)
        Store.add_documents = add_documents
        ingest(Store.open({killed!r}), sys.argv[1:], IngestOptions(**{OPTIONS!r}))
    """)
    proc = subprocess.run([sys.executable, "-c", script, *paths], capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    partial, _ = _stories(killed)
    assert len(partial) == 8
    _ingest(killed, paths)
    assert _stories(killed) == (expected, expected_stories)


def test_a_batch_longer_than_the_window_follows_merges_of_forgotten_documents(paths, tmp_path) -> None:
    """The grouper forgets a document as it leaves the window, maybe before its batch is written:
    a later link in the same batch must still move it to the surviving story."""
    small, large = f"sqlite:///{tmp_path / 'small.db'}", f"sqlite:///{tmp_path / 'large.db'}"
    _ingest(small, paths)
    store = Store.open(large)
    ingest(store, paths, IngestOptions(**{**OPTIONS, "batch_size": len(paths)}))
    store.engine.dispose()
    assert _stories(large) == _stories(small)


def _full_replay(store: Store, window: int) -> StoryGrouper:
    """What ``load_grouper`` did before: every stored signature replayed."""
    grouper = StoryGrouper(window)
    for row in store.iter_story_signatures():
        if row["minhash"] is not None:
            grouper.add_signature(row["id"], row["minhash"], row["published"], row["via"] or (), story_id=row["story_id"])
    return grouper


def _comparable_state(g: StoryGrouper) -> dict:
    """Everything of a grouper a new document can meet, row numbers and counters aside."""
    window_stories = {e.story_id for e in g.entries.values()}
    return {
        "arrivals": list(g._arrivals),
        "entries": {d: (e.story_id, e.published, e.via, e.sig.to_bytes()) for d, e in g.entries.items()},
        "placed": {d: (g.placed[d].story_id, g.placed[d].published, g.placed[d].via) for d in g.entries},
        "lsh": {g._ids[row]: g._matrix[row].tobytes() for row in g._row_of.values()},
        "lsh_arrival": sorted(g._row_of, key=lambda d: g._row_arrival[g._row_of[d]]),
        "by_language": (g._by_language.postings, g._by_language.sizes),
        "by_agency": (g._by_agency.postings, g._by_agency.sizes),
        "story_order": sorted(window_stories, key=g._order.__getitem__),
        "newer_than_all": all(g._order[s] < g._next_order for s in window_stories),
    }


def _add_old_format(store: Store, name: str, story_id: str) -> None:
    """A document stored with a signature of an older format (placed by a replay, never compared)."""
    text = f"An old document {name} whose signature predates the current format."
    old = b"MWS2" + minhash_signature(text)[4:]
    with store.engine.begin() as conn:
        conn.execute(insert(t.documents).values(
            id=Document(text=text, original=text).id, content_hash=Document(text=text, original=text).content_hash,
            text=text, original=text, via=[], story_id=story_id, minhash=old, ingested_at=utcnow(),
        ))


def test_the_restart_reads_only_the_window_and_restores_the_full_replay_state(paths, any_db_url) -> None:
    store = Store.open(any_db_url)
    a, b = SPLITS
    ingest(store, paths[:b], IngestOptions(**OPTIONS))
    # Old-format signatures among the latest documents: skipped by the window, kept by the order.
    with store.engine.connect() as conn:
        latest_story = conn.execute(
            select(t.documents.c.story_id).order_by(t.documents.c.ingested_at.desc()).limit(1)).scalar_one()
    for name in ("x", "y"):
        _add_old_format(store, name, latest_story)
    with store.engine.begin() as conn:  # and one without any signature
        text = "A document stored without a story signature."
        d = Document(text=text, original=text)
        conn.execute(insert(t.documents).values(id=d.id, content_hash=d.content_hash, text=text, original=text, via=[],
                                                story_id=None, minhash=None,
                                                ingested_at=utcnow()))

    fetched: list[int] = []
    read = store.recent_story_signatures

    def counting(limit, before=None, prefix=None):
        rows = read(limit, before=before, prefix=prefix)
        fetched.append(len(rows))
        return rows

    store.recent_story_signatures = counting  # type: ignore[method-assign]
    store.iter_story_signatures = None  # type: ignore[assignment]  # the restart must not replay everything
    restored = load_grouper(store, window=WINDOW)
    assert 0 < sum(fetched) <= WINDOW
    del store.iter_story_signatures
    full = _full_replay(store, WINDOW)
    # the full replay read every document but kept only the window and the two old-format ones (never compared)
    assert set(restored.placed) < set(full.placed) and len(full.placed) == len(restored.placed) + 2
    assert _comparable_state(restored) == _comparable_state(full)
    assert len(restored.entries) == WINDOW

    # And both continue alike: the rest of the inputs grouped by either give the same stories.
    from minewatch.ingest.batch import prepare_stream
    from minewatch.ingest.sources import iter_items

    for p in prepare_stream(iter_items(paths[b:])):
        doc = p.document
        assert restored.add_signature(doc.id, p.signature, doc.published, doc.via) == \
            full.add_signature(doc.id, p.signature, doc.published, doc.via)
        assert restored.pop_merges() == full.pop_merges()
    assert _comparable_state(restored) == _comparable_state(full)
    store.engine.dispose()


def test_a_window_larger_than_the_store_loads_everything(paths, sqlite_url) -> None:
    store = Store.open(sqlite_url)
    ingest(store, paths[:9], IngestOptions(**OPTIONS))
    restored = load_grouper(store, window=100)
    full = _full_replay(store, 100)
    assert _comparable_state(restored) == _comparable_state(full)
    assert len(restored.entries) == 9
    assert sorted(restored.placed) == sorted(full.placed)
    assert len(load_grouper(store, window=0).entries) == 0
    store.engine.dispose()
