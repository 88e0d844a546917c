"""The Ray engine's serial and parallel cost per article, and its end-to-end rate with 1 and 2 workers.

    python bench/scale.py [--n 20000] [--relevant-share 0.03] [--copy-share 0.1] [--workers 1,2]
                          [--pg postgresql://…/postgres] [--compare]

For each worker count: a fresh PostgreSQL database, a fresh local Ray with
that many CPUs, one ``run_ray_ingest`` over a generated stream (general news,
treaty news, and wire copies that story grouping must join).  CPU time is
read from ``/proc`` for every process taking part, so the figures do not
depend on what else runs on the machine:

* serial: the driver process (planning shards, waiting on the actors,
  naming story components, summing reports) — the only part that runs in
  one process for the whole run;
* parallel: the Ray worker processes (actors reading, cleaning, screening,
  extracting and writing; tasks grouping and reconciling) and the
  PostgreSQL backends serving them (one per connection);
* Ray's control plane (GCS, raylet) is printed apart.

Amdahl with those costs gives the projected speed-up on 64 workers.  With
``--compare`` the single-process engine ingests the same stream into another
database and the two are compared: the same documents, the same stories (as
sets of documents), the same claims, facts and conflicts counts.  The last
line is ``serial_ms_per_article=S parallel_ms_per_article=P projected_speedup_64=X``
for the run with the most workers.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import newsgen  # noqa: E402
import psycopg  # noqa: E402
import ray  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from minewatch.pipeline import IngestOptions, ingest  # noqa: E402
from minewatch.scale.ray_engine import run_ray_ingest, shard_results  # noqa: E402
from minewatch.scale.shards import plan_shards  # noqa: E402
from minewatch.store import schema as t  # noqa: E402
from minewatch.store.repository import Store  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def _driver_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _role(pid: str) -> str | None:
    """Which part of the run a process is: Ray worker, PostgreSQL backend, Ray control plane."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    if cmd.startswith("ray::") or "default_worker.py" in cmd:
        return "workers"
    if cmd.startswith("postgres:") or "/postgres " in cmd:
        return "postgres"
    if "gcs_server" in cmd or "/raylet" in cmd or "dashboard" in cmd or "log_monitor" in cmd or "monitor.py" in cmd:
        return "control"
    return None


def _cpu(pid: str) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK


class CpuSampler:
    """Cumulative CPU seconds per role, sampled from /proc (a process that ends keeps its last sample)."""

    def __init__(self, period: float = 0.5) -> None:
        self.period = period
        self.start: dict[str, float] = {}
        self.last: dict[str, tuple[str, float]] = {}
        self._roles: dict[str, str | None] = {}
        #: the sampler's own CPU seconds: taken off the driver's (it is the bench, not the run)
        self.own_cpu = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _scan(self) -> dict[str, tuple[str, float]]:
        out = {}
        for pid in os.listdir("/proc"):
            if pid.isdigit() and pid != str(os.getpid()):
                role = self._roles.get(pid) or _role(pid)  # a process just forked may not have its title yet
                self._roles[pid] = role
                if role:
                    cpu = _cpu(pid)
                    if cpu is not None:
                        out[pid] = (role, cpu)
        return out

    def _loop(self) -> None:
        begin = time.thread_time()
        while not self._stop.wait(self.period):
            self.last.update(self._scan())
        self.own_cpu = time.thread_time() - begin

    def __enter__(self) -> CpuSampler:
        self.start = {pid: cpu for pid, (_, cpu) in self._scan().items()}
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.last.update(self._scan())

    def totals(self) -> dict[str, float]:
        out: dict[str, float] = {"workers": 0.0, "postgres": 0.0, "control": 0.0}
        for pid, (role, cpu) in self.last.items():
            out[role] += cpu - self.start.get(pid, 0.0)
        return out


def fresh_db(base: str) -> tuple[str, str]:
    name = "mw_bench_" + uuid.uuid4().hex[:8]
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name, name


def drop_db(base: str, name: str) -> None:
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def content(url: str) -> dict:
    """What both engines must agree on: documents, stories as sets of documents, claim/fact/conflict counts."""
    store = Store.open(url)
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.documents.c.id, t.documents.c.story_id)).all()
        counts = {name: conn.execute(select(func.count()).select_from(getattr(t, name))).scalar_one()
                  for name in ("claims", "facts", "conflicts")}
    store.engine.dispose()
    stories: dict[str, set[str]] = {}
    for r in rows:
        stories.setdefault(r.story_id, set()).add(r.id)
    return {"documents": {r.id for r in rows}, "stories": {frozenset(s) for s in stories.values()}, **counts}


def amdahl(serial: float, parallel: float, workers: int) -> float:
    return (serial + parallel) / (serial + parallel / workers)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--relevant-share", type=float, default=0.03)
    ap.add_argument("--copy-share", type=float, default=0.1, help="share of the stream that are wire copies")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--shard-bytes", type=int, default=1_000_000)
    ap.add_argument("--pg", default=os.environ.get("MINEWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:55432/postgres"))
    ap.add_argument("--stage-only", action="store_true", help="only the workers' stages, no database")
    ap.add_argument("--compare", action="store_true", help="also run the single-process engine and compare")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    tmp = Path(tempfile.mkdtemp(prefix="mw-scale-"))
    corpus = newsgen.write_jsonl(tmp / "stream.jsonl", args.n, args.relevant_share, seed=11,
                                 copy_share=args.copy_share)
    shards = plan_shards([str(corpus)], args.shard_bytes)
    print(f"{args.n} articles ({args.relevant_share:.0%} about the treaties, {args.copy_share:.0%} wire copies), "
          f"{corpus.stat().st_size / 1e6:.1f} MB, {len(shards)} shards")
    single = None
    if args.compare:
        url, name = fresh_db(args.pg)
        store = Store.open(url)
        start, cpu0 = time.perf_counter(), _driver_cpu()
        with CpuSampler() as sampler:
            summary = ingest(store, [str(corpus)], IngestOptions())
        wall, cpu = time.perf_counter() - start, _driver_cpu() - cpu0 - sampler.own_cpu
        store.engine.dispose()
        single = content(url)
        drop_db(args.pg, name)
        pg = sampler.totals()["postgres"]
        print(f"single process: {args.n / wall:.0f} articles/s ({wall:.1f} s), {cpu / args.n * 1000:.2f} ms CPU per "
              f"article in the process (+ {pg / args.n * 1000:.2f} ms PostgreSQL), {summary.claims} claims, "
              f"{len(single['stories'])} stories")
    last = None
    rates: dict[int, float] = {}
    for workers in [int(w) for w in args.workers.split(",")]:
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        if args.stage_only:
            start = time.perf_counter()
            with CpuSampler() as sampler:
                n = sum(r.articles for r in shard_results(shards, IngestOptions(), workers))
            wall = time.perf_counter() - start
            print(f"workers={workers}: stages alone {n / wall:.0f} articles/s, worker CPU "
                  f"{sampler.totals()['workers'] / n * 1000:.2f} ms per article")
            ray.shutdown()
            continue
        url, name = fresh_db(args.pg)
        Store.open(url).engine.dispose()  # schema and reference data: not part of an ingest run
        # What this process holds already (the comparison run's grouper and spaCy, the corpus) is not
        # the run's: out of the garbage collector's way, so that its passes do not count against the driver.
        gc.collect()
        gc.freeze()
        start, cpu0 = time.perf_counter(), _driver_cpu()
        phases: dict[str, float] = {}
        with CpuSampler() as sampler:
            summary = run_ray_ingest(url, [str(corpus)], options=IngestOptions(), shard_bytes=args.shard_bytes,
                                     workers=workers, driver_cpu=phases)
        wall, driver = time.perf_counter() - start, _driver_cpu() - cpu0 - sampler.own_cpu
        cpu = sampler.totals()
        ray.shutdown()
        serial = driver / args.n * 1000
        parallel = (cpu["workers"] + cpu["postgres"]) / args.n * 1000
        rates[workers] = args.n / wall
        print(f"workers={workers}: end to end {args.n / wall:.0f} articles/s ({wall:.1f} s, {summary.ingested} stored, "
              f"{summary.duplicates} duplicates, {summary.claims} claims); per article: driver {serial:.3f} ms, "
              f"workers {cpu['workers'] / args.n * 1000:.2f} ms, PostgreSQL {cpu['postgres'] / args.n * 1000:.2f} ms, "
              f"Ray control plane {cpu['control'] / args.n * 1000:.3f} ms")
        print("  the driver's main thread per phase (CPU s): " + ", ".join(f"{k} {v:.2f}" for k, v in phases.items())
              + f" of {driver:.2f} s in all (the rest: Ray's own threads)")
        if single is not None:
            mine = content(url)
            same = {k: mine[k] == single[k] for k in single}
            print(f"  same as the single-process engine: {same} ({len(mine['stories'])} stories)")
        drop_db(args.pg, name)
        # Amdahl's serial part: every CPU second of the driver except its one-off start (connecting,
        # checking the schema, cutting shards, joining Ray), which does not grow with the articles.
        # Ray's own threads in the driver stay in.
        work = (phases.get("stories", 0) + phases.get("summary", 0) + phases.get("reconcile", 0)) / args.n * 1000
        print(f"  driver work that grows with the articles (stories, summary, reconciliation on the main thread): "
              f"{work:.4f} ms per article; one-off start {phases.get('plan', 0):.2f} s")
        last = ((driver - phases.get("plan", 0)) / args.n * 1000, parallel)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    if 1 in rates:
        for w, rate in rates.items():
            if w != 1:
                print(f"end to end with {w} workers: {rate / rates[1]:.2f} × one worker")
    if last:
        serial, parallel = last
        print(f"serial_ms_per_article={serial:.3f} parallel_ms_per_article={parallel:.3f} "
              f"projected_speedup_64={amdahl(serial, parallel, 64):.1f}")


if __name__ == "__main__":
    main()
