"""``minewatch ingest --engine ray``: the parallel stages on Ray Data, the sequential one on the driver.

Workers (a pool of actors, one CPU each) read shards and run, per article,
the same functions as the single-process path: ``prepare_one`` (cleaning,
metadata, language, story signature), ``screen_stage`` (relevance
prefilter) and ``extract_stage`` (spaCy, loaded once per actor).  Ray Data
keeps the output in shard order, so the driver can stream it into
``pipeline.ingest_screened`` (duplicates, story grouping, batched writes)
and reconcile once at the end: the database is the one the single-process
engine would have written.

A worker that dies is restarted by Ray and its shard is read again; nothing
of a lost shard reached the driver, and writes are keyed by content hash
with deterministic claim ids, so a retried shard (or a whole run started
again after the driver died) adds nothing twice.
"""

from __future__ import annotations

import os
import pickle
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from minewatch.ingest.batch import prepare_one
from minewatch.ingest.sources import Skipped
from minewatch.pipeline import IngestOptions, IngestSummary, extract_stage, ingest_screened, screen_stage
from minewatch.scale.shards import DEFAULT_SHARD_BYTES, Shard, plan_shards, read_shard
from minewatch.store.database import database_url
from minewatch.store.repository import Store


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
        import ray.data  # noqa: F401
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


class ArticleWorker:
    """One actor: reads its shards and runs prepare, prefilter and extraction on each article.

    The spaCy pipeline is loaded on the first relevant English article and kept
    for the actor's life (``pipeline.get_extractor`` holds it per process).
    """

    def __init__(self, max_bytes: int = 10_000_000, extract: bool = True, follow: bool = False) -> None:
        # One CPU per actor: BLAS/OpenMP pools sized to the machine would fight the other actors and the driver.
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ[var] = "1"
        self.max_bytes = max_bytes
        self.extract = extract
        self.follow = follow

    def process(self, shard: Shard) -> list[Any]:
        """Screened articles and Skipped inputs of one shard, in reading order."""
        out: list[Any] = []
        for item in read_shard(shard, self.max_bytes, follow=self.follow):
            if isinstance(item, Skipped):
                out.append(item)
                continue
            prepared = prepare_one(item)
            if isinstance(prepared, Skipped):
                out.append(prepared)
                continue
            screened = screen_stage(prepared)
            if not screened.relevant:
                # The driver would drop it anyway (write_stage): not shipping it makes its batches lighter.
                screened.document.original = ""
            out.append(screened)
        if self.extract:
            extract_stage([s for s in out if not isinstance(s, Skipped)])
        return out

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        orders, payloads = [], []
        for raw in batch["shard"]:
            shard = pickle.loads(raw)
            orders.append(shard.order)
            payloads.append(pickle.dumps(self.process(shard), protocol=pickle.HIGHEST_PROTOCOL))
        return {"order": orders, "payload": payloads}


def screened_stream(
    shards: Sequence[Shard],
    options: IngestOptions,
    workers: int,
    worker_class: type[ArticleWorker] = ArticleWorker,
) -> Iterator[Any]:
    """The workers' results, shard after shard in plan order (Ray Data keeps the order)."""
    ray = _import_ray()
    if not shards:
        return
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ds = ray.data.from_items(
        [{"shard": pickle.dumps(s)} for s in shards], override_num_blocks=len(shards)
    ).map_batches(
        worker_class,
        fn_constructor_kwargs={"max_bytes": options.max_bytes, "extract": options.extract, "follow": options.follow},
        batch_size=1,
        # Ray Data restarts a dead actor and retries its task (max_restarts = max_task_retries = -1).
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=1,
    )
    expected = 0
    for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
        for order, payload in zip(batch["order"], batch["payload"], strict=True):
            if int(order) != expected:
                raise ScaleError(f"shard {int(order)} arrived before shard {expected}: order not kept")
            expected += 1
            yield from pickle.loads(payload)


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
) -> IngestSummary:
    """Ingest on Ray into a PostgreSQL store; the same summary and database as ``pipeline.ingest``."""
    options = options or IngestOptions()
    # Refused before Store.open, which would create and initialise the SQLite file.
    if database_url(db).startswith("sqlite"):
        raise ScaleError(SQLITE_REFUSED)
    store = Store.open(db)
    if store.is_sqlite:  # pragma: no cover - database_url said PostgreSQL
        raise ScaleError(SQLITE_REFUSED)
    try:
        shards = plan_shards(list(inputs), shard_bytes)
    except ValueError as exc:
        raise ScaleError(str(exc)) from exc
    cpus = ensure_ray(address)
    stream = screened_stream(shards, options, workers or cpus, worker_class)
    return ingest_screened(store, stream, options, on_progress=on_progress)

