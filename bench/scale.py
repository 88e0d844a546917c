"""Throughput of the Ray engine with 1 and 2 local CPUs on a generated news stream.

    python bench/scale.py [--n 20000] [--relevant-share 0.03] [--workers 1,2] [--pg postgresql://…/postgres]

For each worker count: a fresh PostgreSQL database, a fresh local Ray with
that many CPUs, one end-to-end run (read, clean, prefilter, extract on the
actors; duplicates, stories, writes and reconciliation on the driver).
Prints articles/s end to end and for the parallel stage alone (the actors'
output drained without writing), the speed-up, the efficiency per worker and
the peak resident memory of each worker, and the driver's CPU share (its
CPU seconds over the wall time: near 100 % means the driver is the limit).  ``--n`` twice with different sizes
shows whether worker memory stays flat.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import newsgen  # noqa: E402

from minewatch.pipeline import IngestOptions  # noqa: E402
from minewatch.scale.ray_engine import ArticleWorker, run_ray_ingest, screened_stream  # noqa: E402
from minewatch.scale.shards import plan_shards  # noqa: E402


class MeasuredWorker(ArticleWorker):
    """Records its process's peak memory after each shard (a file per process)."""

    report_dir = ""

    def process(self, shard):
        out = super().process(shard)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        Path(self.report_dir, f"{os.getpid()}.rss").write_text(
            f"{usage.ru_maxrss / 1024:.0f} {usage.ru_utime + usage.ru_stime:.2f}")
        return out


def _driver_cpu() -> float:
    """CPU seconds of this (driver) process: how much of a core the sequential part takes."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def fresh_db(base: str) -> tuple[str, str]:
    import psycopg

    name = "mw_bench_" + uuid.uuid4().hex[:8]
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name, name


def drop_db(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--relevant-share", type=float, default=0.03)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--shard-bytes", type=int, default=250_000,
                    help="small enough that every worker gets several shards (Ray Data keeps the order, so the "
                         "driver waits for shard 0 before it writes anything)")
    ap.add_argument("--pg", default=os.environ.get("MINEWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:55432/postgres"))
    ap.add_argument("--stage-only", action="store_true", help="only the parallel stage, no database")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    import ray

    tmp = Path(tempfile.mkdtemp(prefix="mw-scale-"))
    corpus = newsgen.write_jsonl(tmp / "stream.jsonl", args.n, args.relevant_share, seed=11)
    shards = plan_shards([str(corpus)], args.shard_bytes)
    print(f"{args.n} articles ({args.relevant_share:.0%} about the treaties), "
          f"{corpus.stat().st_size / 1e6:.1f} MB, {len(shards)} shards")
    results: dict[int, dict[str, float]] = {}
    for workers in [int(w) for w in args.workers.split(",")]:
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        report = tmp / f"rss-{workers}"
        report.mkdir()
        MeasuredWorker.report_dir = str(report)
        row: dict[str, float] = {}
        start, cpu0 = time.perf_counter(), _driver_cpu()
        n, first = 0, None
        for _ in screened_stream(shards, IngestOptions(), workers, MeasuredWorker):
            n += 1
            first = first or time.perf_counter()
        row["stage_s"] = time.perf_counter() - start
        # After the first result: actors started and spaCy loaded, the steady rate of the pool.
        row["stage_steady"] = (n - 1) / max(1e-9, time.perf_counter() - (first or start))
        row["stage_driver_cpu"] = (_driver_cpu() - cpu0) / row["stage_s"]
        row["stage_rate"] = n / row["stage_s"]
        if not args.stage_only:
            url, name = fresh_db(args.pg)
            from minewatch.store.repository import Store

            Store.open(url).engine.dispose()  # schema and reference data: not part of an ingest run
            seen: list[float] = []

            def progress(_label: str, _n: int, seen: list[float] = seen) -> None:
                if not seen:
                    seen.append(time.perf_counter())

            start, cpu0 = time.perf_counter(), _driver_cpu()
            summary = run_ray_ingest(url, [str(corpus)], options=IngestOptions(), shard_bytes=args.shard_bytes,
                                     worker_class=MeasuredWorker, on_progress=progress)
            row["total_s"] = time.perf_counter() - start
            row["total_steady"] = (args.n - 1) / max(1e-9, time.perf_counter() - (seen[0] if seen else start))
            row["total_driver_cpu"] = (_driver_cpu() - cpu0) / row["total_s"]
            row["total_rate"] = args.n / row["total_s"]
            row["claims"] = summary.claims
            drop_db(args.pg, name)
        reports = [p.read_text().split() for p in report.glob("*.rss")]
        row["worker_peak_mb"] = max(float(r[0]) for r in reports) if reports else float("nan")
        # CPU seconds the workers used (both passes): independent of what else runs on the machine.
        row["worker_cpu_s"] = sum(float(r[1]) for r in reports)
        results[workers] = row
        ray.shutdown()
        print(f"workers={workers}: parallel stage {row['stage_rate']:.0f} articles/s ({row['stage_s']:.1f} s)"
              + (f", end to end {row['total_rate']:.0f} articles/s ({row['total_s']:.1f} s, {row['claims']:.0f} claims)"
                 if "total_s" in row else "")
              + f", peak memory per worker {row['worker_peak_mb']:.0f} MB"
              + f", worker CPU {row['worker_cpu_s']:.1f} s in all"
              + f"; driver CPU share: stage {row['stage_driver_cpu']:.0%}"
              + (f", end to end {row['total_driver_cpu']:.0%}" if "total_driver_cpu" in row else ""))
        print(f"  after the first result (actors up, spaCy loaded): parallel stage {row['stage_steady']:.0f} articles/s"
              + (f", end to end {row['total_steady']:.0f} articles/s" if "total_steady" in row else ""))
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    if 1 in results:
        base = results[1]
        for w, row in results.items():
            if w == 1:
                continue
            for key, label in (("stage_rate", "parallel stage"), ("total_rate", "end to end"),
                               ("stage_steady", "parallel stage, steady"), ("total_steady", "end to end, steady")):
                if key in row:
                    speed = row[key] / base[key]
                    print(f"{label}: speed-up with {w} workers {speed:.2f}, efficiency per worker {speed / w:.0%}")


if __name__ == "__main__":
    main()
