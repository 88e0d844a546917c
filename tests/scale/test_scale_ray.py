"""The Ray engine against the single-process engine on a real PostgreSQL server.

Both runs must leave the same claim export; a worker killed mid-run must not
change it.  Kept to a handful of articles: starting Ray and loading spaCy in
each actor is most of the time.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

ray = pytest.importorskip("ray")

from minewatch.cli import app  # noqa: E402
from minewatch.pipeline import IngestOptions, ingest  # noqa: E402
from minewatch.scale.ray_engine import ArticleWorker, run_ray_ingest  # noqa: E402
from minewatch.store.repository import Store  # noqa: E402

ARTICLES = [
    {"title": "Lithuania to leave mine ban treaty", "published": "2025-03-05", "outlet": "Example Daily",
     "text": "Vilnius, 5 March 2025. Lithuania's defence council recommended on Wednesday that the country "
             "withdraw from the Ottawa Convention banning anti-personnel mines, the defence minister said."},
    {"title": "Lithuania moves to quit landmine pact", "published": "2025-03-05", "outlet": "Example Wire",
     "text": "Vilnius, 5 March 2025. Lithuania's defence council recommended on Wednesday that the country "
             "withdraw from the Ottawa Convention banning anti-personnel mines, the defence minister told reporters."},
    {"title": "Coal output", "published": "2025-03-06", "outlet": "Example Business",
     "text": "The coal mine near the border produced more coal this quarter, the operator said on Thursday."},
    {"title": "Estonia notifies UN", "published": "2025-06-27", "outlet": "Baltic Example",
     "text": "Tallinn, 27 June 2025. Estonia notified the UN Secretary-General of its withdrawal from the Ottawa "
             "Convention, the foreign ministry said. Estonia plans to buy anti-personnel mines for 100 million euros."},
    {"title": "Sport", "published": "2025-06-28", "outlet": "Example Sport",
     "text": "The home side won 3-1 on Saturday; the coach said the credit was all mine."},
    {"title": "Polska a konwencja", "published": "2025-04-01", "outlet": "Przykład",
     "text": "Sejm przyjął ustawę o wypowiedzeniu konwencji ottawskiej o zakazie min przeciwpiechotnych."},
    {"title": "Finland decides", "published": "2025-06-19", "outlet": "Example Daily",
     "text": "Helsinki, 19 June 2025. Finland's parliament approved the withdrawal from the Ottawa Convention on "
             "Thursday, and the government said it would produce anti-personnel mines from 2026."},
]


def _write_inputs(folder: Path) -> list[str]:
    folder.mkdir()
    lines = [json.dumps(a) for a in ARTICLES]
    lines.append(json.dumps(ARTICLES[0]))  # an exact duplicate later in the stream
    (folder / "stream.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "extra.txt").write_text(
        "Title: Latvia's vote\nPublished: 2025-04-16\n\nRiga, 16 April 2025. Latvia's parliament voted to leave the "
        "Ottawa Convention banning anti-personnel mines.\n", encoding="utf-8")
    return [str(folder / "stream.jsonl"), str(folder / "extra.txt")]


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _story_names(db: str) -> dict[str, str]:
    """Story id → a name both engines give the same story: its smallest document id."""
    from sqlalchemy import select

    from minewatch.store import schema as t

    store = Store.open(db)
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.documents.c.id, t.documents.c.story_id)).all()
    store.engine.dispose()
    names: dict[str, str] = {}
    for r in rows:
        names[r.story_id] = min(names.get(r.story_id, r.id), r.id)
    return {sid: "story-of-" + doc for sid, doc in names.items()}


def _export(db: str, *command: str) -> list[str]:
    """A JSON Lines listing with story ids replaced by their engine-independent names."""
    result = CliRunner().invoke(app, ["--db", db, *command, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    names = _story_names(db)
    out = []
    for line in result.output.splitlines():
        if line.strip():
            for sid, name in names.items():
                line = line.replace(sid, name)
            out.append(line)
    return sorted(out)


def _claims_export(db: str) -> list[str]:
    return _export(db, "claims")


def _documents(db: str) -> list[tuple]:
    from sqlalchemy import select

    from minewatch.store import schema as t

    store = Store.open(db)
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.documents.c.id, t.documents.c.story_id, t.documents.c.relevant,
                                   t.documents.c.extraction_error)).all()
    store.engine.dispose()
    # The engines name stories differently (first arrival / earliest document): compare them as
    # sets of documents, each story named by its smallest document id.
    members: dict[str, list[str]] = {}
    for r in rows:
        members.setdefault(r.story_id, []).append(r.id)
    return sorted((r.id, min(members[r.story_id]), r.relevant, r.extraction_error) for r in rows)


def _single(db: str, inputs: list[str]):
    store = Store.open(db)
    summary = ingest(store, inputs, IngestOptions())
    store.engine.dispose()
    return summary


def test_ray_gives_the_single_process_database(local_ray, pg_databases, tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in")
    broken = tmp_path / "in" / "broken.jsonl"  # a line that is not JSON: reported the same by both engines
    broken.write_text('{"title": "half\n' + json.dumps(ARTICLES[3] | {"text": ARTICLES[3]["text"] + " Again."}) + "\n",
                      encoding="utf-8")
    inputs.append(str(broken))
    single_db, ray_db = pg_databases(), pg_databases()
    single = _single(single_db, inputs)
    assert single.skipped and "line 1" in single.skipped[0]["reason"]
    # Tiny shards: the JSONL file is read as several byte ranges by different actors.
    distributed = run_ray_ingest(ray_db, inputs, options=IngestOptions(), shard_bytes=400)
    assert single.claims > 0 and single.duplicates == 1
    assert distributed.to_dict() == single.to_dict()
    assert _claims_export(ray_db) == _claims_export(single_db)
    for listing in ("facts", "conflicts"):
        assert _export(ray_db, listing) == _export(single_db, listing)
    assert any('"story_id"' in line for line in _claims_export(ray_db))
    docs = _documents(ray_db)
    assert docs == _documents(single_db)
    assert sum(1 for d in docs if not d[2]) == 2  # coal and sport stored, not parsed
    # A second run adds nothing.
    again = run_ray_ingest(ray_db, inputs, options=IngestOptions(), shard_bytes=400)
    assert again.ingested == 0 and again.duplicates == len(docs) + 1 and again.skipped == single.skipped


class SlowWorker(ArticleWorker):
    """Records its pid (so the driver side can kill it) and takes its time over each shard."""

    pid_dir = ""

    def process(self, shard):
        import time

        Path(self.pid_dir, str(os.getpid())).write_text("x")
        time.sleep(0.3)
        return super().process(shard)


def test_a_worker_killed_after_writes_began_changes_nothing(local_ray, pg_databases, tmp_path: Path) -> None:
    """SIGKILL from outside, once documents are already in the database: Ray retries, the DB is the same."""
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    inputs = _write_inputs(tmp_path / "in")
    calm_db, killed_db = pg_databases(), pg_databases()
    # Small write batches, so documents reach the database while actors still work.
    options = IngestOptions(batch_size=2)
    run_ray_ingest(calm_db, inputs, options=IngestOptions(batch_size=2), shard_bytes=200)
    pid_dir = tmp_path / "pids"
    pid_dir.mkdir()
    SlowWorker.pid_dir = str(pid_dir)
    killed: list[int] = []
    store = Store.open(killed_db)

    def progress(_label: str, _n: int) -> None:
        if killed or store.counts().get("documents", 0) < 2:
            return
        for name in sorted(os.listdir(pid_dir)):
            try:
                os.kill(int(name), signal.SIGKILL)
            except ProcessLookupError:
                continue
            killed.append(int(name))
            break

    summary = run_ray_ingest(killed_db, inputs, options=options, shard_bytes=200, worker_class=SlowWorker,
                             on_progress=progress)
    store.engine.dispose()
    assert killed, "no worker was killed"
    assert summary.ingested == len(_documents(calm_db))
    assert _claims_export(killed_db) == _claims_export(calm_db)
    assert _documents(killed_db) == _documents(calm_db)
    # A second run over the same inputs after the disturbance adds nothing.
    again = run_ray_ingest(killed_db, inputs, options=options, shard_bytes=200)
    assert again.ingested == 0


def test_cli_ingest_with_the_ray_engine(local_ray, pg_databases, tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in")
    db = pg_databases()
    result = CliRunner().invoke(app, ["--db", db, "ingest", "--engine", "ray", "--format", "json", *inputs])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("{"):])
    assert summary["ingested"] == len(ARTICLES) + 1 and summary["duplicates"] == 1


def test_a_driver_killed_after_the_workers_wrote_is_finished_by_the_next_run(local_ray, pg_databases,
                                                                             tmp_path: Path) -> None:
    """The workers' batches are in, the driver died before grouping and reconciling: a rerun finishes."""
    from minewatch.scale.shards import plan_shards

    inputs = _write_inputs(tmp_path / "in")
    calm_db, killed_db = pg_databases(), pg_databases()
    run_ray_ingest(calm_db, inputs, options=IngestOptions(), shard_bytes=400)
    Store.open(killed_db).engine.dispose()
    worker = ArticleWorker(db=killed_db, run="killed-run")  # what the actors did before the driver died
    for shard in plan_shards(inputs, 400):
        worker.process(shard)
    worker.store.engine.dispose()
    store = Store.open(killed_db)
    assert store.counts()["documents"] == len(_documents(calm_db))
    store.engine.dispose()
    again = run_ray_ingest(killed_db, inputs, options=IngestOptions(), shard_bytes=400)
    assert again.ingested == 0
    assert _documents(killed_db) == _documents(calm_db)
    for listing in ("claims", "facts", "conflicts"):
        assert _export(killed_db, listing) == _export(calm_db, listing)
