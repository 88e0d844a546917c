"""The batched writer: one transaction per batch, nothing twice, a killed run finished by running it again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from minewatch.model import Document
from minewatch.pipeline import IngestOptions, ingest
from minewatch.store import schema as t
from minewatch.store.repository import DocumentWrite, Store


@pytest.fixture
def store(any_db_url):
    s = Store.open(any_db_url)
    yield s
    s.engine.dispose()


def _doc(text: str, story: str | None = None) -> Document:
    d = Document(text=text, original=text, url=None, outlet="Example", published=None, language="en")
    d.story_id = story
    return d


def _rows(store) -> list[tuple]:
    with store.engine.connect() as conn:
        docs = conn.execute(select(t.documents.c.id, t.documents.c.story_id, t.documents.c.relevant)).all()
        stories = conn.execute(select(t.stories.c.id, t.stories.c.document_count)).all()
    return sorted(tuple(r) for r in docs) + sorted(tuple(r) for r in stories)


def test_a_batch_is_written_once_and_a_repeat_adds_nothing(store):
    a, b = _doc("First report about the treaty."), _doc("Second report about the treaty.")
    a.story_id = b.story_id = "s-one"
    assert store.add_documents([DocumentWrite(a), DocumentWrite(b)]) == [True, True]
    assert store.add_documents([DocumentWrite(a), DocumentWrite(b)]) == [False, False]
    assert store.counts()["documents"] == 2
    [(sid, n)] = [r for r in _rows(store) if r[0] == "s-one"]
    assert n == 2  # one story row counting both, not touched again by the repeat
    assert store.existing_hashes([a.content_hash, "0" * 64]) == {a.content_hash}


def test_a_failing_batch_leaves_nothing_of_itself(store, monkeypatch):
    a, b = _doc("A report that would be fine on its own."), _doc("Another report, also fine.")
    a.story_id = "s-two"

    def fail(conn, claims):  # the documents and story rows are in; the claims write fails
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_insert_claims", fail)
    with pytest.raises(RuntimeError):
        store.add_documents([DocumentWrite(a), DocumentWrite(b)])
    assert store.counts()["documents"] == 0 and store.counts()["stories"] == 0


class CrashingStore(Store):
    """Dies (like a killed process) after its first batch was committed."""

    batches = 0

    def add_documents(self, items, **kw):
        if CrashingStore.batches >= 1:
            raise KeyboardInterrupt("killed")
        CrashingStore.batches += 1
        return super().add_documents(items, **kw)


def test_a_run_killed_between_batches_is_finished_by_running_it_again(tmp_path: Path):
    src = tmp_path / "stream.jsonl"
    rows = [{"title": f"Report {i}", "text": f"Lithuania will leave the Ottawa Convention, report number {i} says."
             if i % 3 else f"Coal output rose {i} percent at the mine, the operator said."} for i in range(10)]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    options = IngestOptions(extract=False, batch_size=3)
    calm = Store.open(f"sqlite:///{tmp_path / 'calm.db'}")
    ingest(calm, [str(src)], options)
    killed_url = f"sqlite:///{tmp_path / 'killed.db'}"
    crashing = CrashingStore.open(killed_url)
    with pytest.raises(KeyboardInterrupt):
        ingest(crashing, [str(src)], options)
    crashing.engine.dispose()
    again = Store.open(killed_url)
    assert again.counts()["documents"] == 3  # exactly the committed batch
    summary = ingest(again, [str(src)], options)
    assert summary.ingested == 7 and summary.duplicates == 3
    assert _rows(again) == _rows(calm)
    calm.engine.dispose()
    again.engine.dispose()
