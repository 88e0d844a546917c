"""``minewatch ingest --engine ray``: every per-article stage on the workers, none on the driver.

Workers (a pool of Ray actors, one CPU each) read shards and run, per
article, the same functions as the single-process path — ``prepare_one``
(cleaning, metadata, language, story signature), ``screen_stage`` (the
prefilter), ``extract_stage`` (spaCy, loaded once per actor) — and write
their own batches to PostgreSQL (``Store.add_documents(run=…)``: one
transaction per batch; a text two workers hold is settled by the database
in favour of the copy first in input order).  Then, on Ray tasks:

* stories: ``scale.grouping`` finds matching pairs through the candidate-key
  index, the driver joins them into components (work proportional to the
  matches, not to the articles) and tasks write the stories;
* reconciliation: one task per shard of fact actors
  (``reconcile_pending(part=…)``), then one statement marks the documents.

The driver only plans shards, sums per-shard counts and names components.
A worker that dies is restarted by Ray and its shard read again (batches it
had written are recognised by content hash); a run killed at any point is
finished by running it again: ungrouped documents and unreconciled ones are
taken up by the next run.  See docs/scaling.md.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from minewatch.ingest.batch import prepare_one
from minewatch.ingest.sources import Skipped
from minewatch.pipeline import (
    IngestOptions,
    IngestSummary,
    Screened,
    extract_stage,
    extractable_language,
    report_skipped,
    screen_stage,
    write_stage,
)
from minewatch.scale import grouping
from minewatch.scale.shards import DEFAULT_SHARD_BYTES, Shard, plan_shards, read_shard
from minewatch.store.database import database_url
from minewatch.store.reconciling import finish_reconcile, reconcile_pending
from minewatch.store.repository import Store
from minewatch.text.language import is_english as is_english_tag


class ScaleError(Exception):
    """The Ray engine cannot run as asked (wrong store, Ray missing, bad address)."""


SQLITE_REFUSED = (
    "the Ray engine needs a PostgreSQL store (--db postgresql://USER@HOST/DB): its workers run on "
    "several processes or machines and SQLite takes one writer on one machine; use the default "
    "engine for a SQLite file"
)


def ray_address(address: str | None) -> tuple[str | None, int | None]:
    """``local:N`` starts a private Ray with N CPUs; ``ray://HOST:10001`` or ``auto`` joins a cluster."""
    if address is None or address in ("", "local"):
        return None, os.cpu_count() or 1
    m = re.fullmatch(r"local:(\d+)", address)
    if m:
        if int(m.group(1)) < 1:
            raise ScaleError("local:N needs N >= 1")
        return None, int(m.group(1))
    if address == "auto" or address.startswith("ray://") or re.fullmatch(r"[\w.-]+:\d+", address):
        return address, None
    raise ScaleError(f"unsupported Ray address {address!r}: use local:N, auto or ray://HOST:10001")


def _import_ray():
    try:  # lazy: Ray is an optional extra (minewatch[scale]), and slow to import
        import ray
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ScaleError("the Ray engine needs Ray: pip install 'minewatch[scale]'") from exc
    return ray


def ensure_ray(address: str | None) -> int:
    """Start or join Ray unless this process already did; the number of CPUs it offers."""
    ray = _import_ray()
    if not ray.is_initialized():
        cluster, cpus = ray_address(address)
        if cluster is None:
            ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False)
        else:
            ray.init(address=cluster, log_to_driver=False)
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


#: Bits of ``arrival`` for the position inside a shard (shard order above them).
ARRIVAL_BITS = 32


@dataclass
class ShardResult:
    """What a worker reports of one shard: counts and the inputs it could not read (in ``summary``),
    no articles."""

    order: int
    path: str
    articles: int = 0
    summary: IngestSummary = field(default_factory=IngestSummary)


class ArticleWorker:
    """One actor: reads its shards, runs prepare, prefilter and extraction, writes the documents.

    The spaCy pipeline is loaded on the first relevant English article and kept
    for the actor's life (``pipeline.get_extractor`` holds it per process).
    Without ``db`` it only runs the stages (the bench's parallel stage alone).
    """

    def __init__(self, db: str | None = None, run: str = "", max_bytes: int = 10_000_000, extract: bool = True,
                 follow: bool = False, batch_size: int = 64) -> None:
        # One CPU per actor: BLAS/OpenMP pools sized to the machine would fight the other actors and the driver.
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ[var] = "1"
        self.store = Store.open(db, seed=False) if db else None
        self.run = run
        self.max_bytes = max_bytes
        self.extract = extract
        self.follow = follow
        self.batch_size = max(1, batch_size)

    def process(self, shard: Shard) -> ShardResult:
        """Read, screen, extract and write one shard, a batch at a time."""
        out = ShardResult(shard.order, shard.path)
        batch: list[Screened] = []
        position = 0
        for item in read_shard(shard, self.max_bytes, follow=self.follow):
            position += 1
            prepared = item if isinstance(item, Skipped) else prepare_one(item)
            if isinstance(prepared, Skipped):
                report_skipped(out.summary, prepared)
                continue
            screened = screen_stage(prepared)
            screened.arrival = (shard.order << ARRIVAL_BITS) | position
            out.articles += 1
            batch.append(screened)
            if len(batch) >= self.batch_size:
                self._flush(batch)
        self._flush(batch)
        return out

    def _flush(self, batch: list[Screened]) -> None:
        if not batch:
            return
        if self.extract:
            extract_stage(batch)
        if self.store is not None:
            write_stage(self.store, batch, IngestSummary(), run=self.run)
        batch.clear()


def shard_results(
    shards: Sequence[Shard],
    options: IngestOptions,
    workers: int,
    worker_class: type[ArticleWorker] = ArticleWorker,
    db: str | None = None,
    run: str = "",
) -> Iterator[ShardResult]:
    """Run a pool of actors over the shards, one shard in flight per actor; their reports as they end.

    Ray core actors, not a Ray Data map: the driver waits inside Ray (``ray.wait``) instead of
    polling, which Ray Data's executor does every 10–100 ms for the whole run (measured in
    ``bench/scale.py``: 1.3 % to 4 % of a core, more than all other driver work).  An actor
    that dies is restarted and its shard retried (``max_restarts``/``max_task_retries``).
    """
    ray = _import_ray()
    if not shards:
        return
    actor = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=-1)(worker_class)
    kwargs = {"db": db, "run": run, "max_bytes": options.max_bytes, "extract": options.extract,
              "follow": options.follow, "batch_size": options.batch_size}
    pool = [actor.remote(**kwargs) for _ in range(max(1, min(workers, len(shards))))]
    todo = list(reversed(shards))
    running: dict[Any, Any] = {}
    for a in pool:
        if todo:
            running[a.process.remote(todo.pop())] = a
    try:
        while running:
            (ref,), _ = ray.wait(list(running), num_returns=1)
            a = running.pop(ref)
            if todo:
                running[a.process.remote(todo.pop())] = a
            yield ray.get(ref)
    finally:
        for a in pool:
            ray.kill(a)


def group_stories(db: str, parts: int) -> grouping.Naming:
    """Stories for every ungrouped document, on Ray tasks (``scale.grouping``)."""
    ray = _import_ray()
    store = Store.open(db, seed=False)
    try:
        find = ray.remote(num_cpus=1)(grouping.find_edges)
        found = ray.get([find.remote(db, i, parts) for i in range(parts)])
        naming = grouping.name_components(found, store.story_first_arrivals)
    finally:
        store.engine.dispose()
    story_of = ray.put(naming.story_of)
    assign = ray.remote(num_cpus=1)(grouping.assign_stories)
    ray.get([assign.remote(db, i, parts, story_of) for i in range(parts)])
    write = ray.remote(num_cpus=1)(grouping.write_components)
    slices = [naming.stories[i::parts] for i in range(parts)]
    ray.get([
        write.remote(db, chunk, {old: new for old, new in naming.merges.items() if new in set(chunk)})
        for chunk in slices if chunk
    ])
    return naming


def _reconcile_shard(db: str, part: int, parts: int) -> dict[str, int]:
    store = Store.open(db, seed=False)
    try:
        return reconcile_pending(store, part=(part, parts))
    finally:
        store.engine.dispose()


def reconcile_distributed(db: str, parts: int) -> dict[str, int]:
    """Reconciliation with one Ray task per shard of fact actors; the same facts and conflicts as one process."""
    ray = _import_ray()
    task = ray.remote(num_cpus=1)(_reconcile_shard)
    results = ray.get([task.remote(db, i, parts) for i in range(parts)])
    counts = {"documents": max((r.get("documents", 0) for r in results), default=0),
              "facts": sum(r.get("facts", 0) for r in results),
              "conflicts": sum(r.get("conflicts", 0) for r in results)}
    store = Store.open(db, seed=False)
    try:
        finish_reconcile(store)
    finally:
        store.engine.dispose()
    return counts


def run_summary(store: Store, run: str, reports: Sequence[ShardResult], options: IngestOptions) -> IngestSummary:
    """The run's summary, from the shards' reports and what the run left in the database."""
    summary = IngestSummary()
    for r in sorted(reports, key=lambda r: r.order):
        summary.skipped.extend(r.summary.skipped)
        summary.ignored.extend(r.summary.ignored)
        summary.pages_not_fetched.extend(r.summary.pages_not_fetched)
    articles = sum(r.articles for r in reports)
    written = store.run_documents(run)
    summary.documents = [r.id for r in written["documents"]]
    summary.extraction_errors = [{"document": r.id, "input": r.path or "", "error": r.extraction_error}
                                 for r in written["documents"] if r.extraction_error]
    summary.claims = written["claims"]
    for lang, relevant, n in written["languages"]:
        if not is_english_tag(lang):
            summary.not_english += n
            if relevant and options.extract and not extractable_language(lang):
                key = lang or "unknown"
                summary.not_extracted_language[key] = summary.not_extracted_language.get(key, 0) + n
    summary.ingested = len(summary.documents)
    summary.duplicates = articles - summary.ingested
    return summary


def run_ray_ingest(
    db: str | None,
    inputs: Sequence[str],
    address: str | None = None,
    options: IngestOptions | None = None,
    *,
    workers: int | None = None,
    shard_bytes: int = DEFAULT_SHARD_BYTES,
    on_progress: Callable[[str, int], None] | None = None,
    worker_class: type[ArticleWorker] = ArticleWorker,
    parts: int | None = None,
    driver_cpu: dict[str, float] | None = None,
) -> IngestSummary:
    """Ingest on Ray into a PostgreSQL store; the same summary and database as ``pipeline.ingest``
    (stories compared as sets of documents: they are named differently).

    ``driver_cpu``, when given, receives this process's CPU seconds per phase (``bench/scale.py``).
    """
    clock = time.thread_time()

    def lap(phase: str) -> None:
        nonlocal clock
        now = time.thread_time()
        if driver_cpu is not None:
            driver_cpu[phase] = driver_cpu.get(phase, 0.0) + now - clock
        clock = now

    options = options or IngestOptions()
    # Refused before Store.open, which would create and initialise the SQLite file.
    if database_url(db).startswith("sqlite"):
        raise ScaleError(SQLITE_REFUSED)
    store = Store.open(db)
    if store.is_sqlite:  # pragma: no cover - database_url said PostgreSQL
        raise ScaleError(SQLITE_REFUSED)
    url = store.engine.url.render_as_string(hide_password=False)
    try:
        shards = plan_shards(list(inputs), shard_bytes)
    except ValueError as exc:
        raise ScaleError(str(exc)) from exc
    cpus = ensure_ray(address)
    n_workers = workers or cpus
    run = uuid.uuid4().hex
    reports = []
    lap("plan")
    for report in shard_results(shards, options, n_workers, worker_class, db=url, run=run):
        reports.append(report)
        if on_progress:
            on_progress(report.path, report.articles)
    lap("articles")
    # Several shards per worker, so that a slow shard does not hold the others.
    n_parts = parts or max(1, 4 * n_workers)
    group_stories(url, n_parts)
    lap("stories")
    summary = run_summary(store, run, reports, options)
    lap("summary")
    summary.reconciled = reconcile_distributed(url, n_parts)
    store.engine.dispose()
    lap("reconcile")
    return summary
