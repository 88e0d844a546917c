"""Load test of the web app: 100 000 claims, 2 workers, 50 concurrent clients for 30 s, loopback only.

    .venv/bin/python bench/api.py [--db /tmp/mw-bench.db] [--claims 100000] [--clients 50] [--seconds 30]

The base is filled once in bulk (SQLAlchemy Core, synthetic text written here)
and reused on later runs.  The load mixes claim listings (filters, cursors,
CSV) with state pages; the script prints requests/s and p50/p99 latency per
kind and overall.  Target: p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta

STATES = ["EST", "LVA", "LTU", "FIN", "POL", "UKR", "NOR", "SWE", "DEU", "FRA", "ITA", "ESP", "GBR", "USA", "RUS",
          "CHN", "IND", "PAK", "MMR", "AFG", "COL", "SYR", "YEM", "SDN", "IRQ", "LBY", "MLI", "NGA", "TUR", "ARM"]
PREDICATES = ["treaty_withdrawal", "treaty_joining", "stockpile", "destruction", "clearance", "casualties", "use",
              "procurement", "transfer", "production"]
STAGES = {"treaty_withdrawal": ["proposed", "decided", "approved", "notified", "effective"],
          "treaty_joining": ["signed", "ratified", "acceded", "in_force"]}
OUTLETS = ["Example Daily", "Sample Tribune", "Test Wire", "Demo Herald", "Mock Times", "Placeholder Post"]
CLAIMS_PER_DOC = 5


def fill(db: str, n_claims: int) -> None:
    from sqlalchemy import insert

    from minewatch.model import Actor, Claim, Document, Evidence
    from minewatch.store import schema as t
    from minewatch.store.reconciling import reconcile_pending
    from minewatch.store.repository import Store, claim_row, effective_fact_id
    from minewatch.treaties import state_name

    store = Store.open(db)
    counts = store.counts()
    if counts["documents"] >= n_claims // CLAIMS_PER_DOC and counts.get("claims", 0) >= n_claims * 9 // 10:
        print(f"reusing {db}: {counts}")
        return
    rnd = random.Random(7)
    t0 = time.perf_counter()
    now = datetime.now(UTC).replace(tzinfo=None)
    docs, claims, evidence = [], [], []
    for i in range(n_claims // CLAIMS_PER_DOC):
        iso = rnd.choice(STATES)
        name = state_name(iso)
        published = date(2024, 1, 1) + timedelta(days=rnd.randrange(0, 900))
        lines = [f"Report {i} on {name}"]
        picks = []
        for j, pred in enumerate(rnd.sample(PREDICATES, CLAIMS_PER_DOC)):
            sentence = f"Officials in {name} made statement {j} about {pred.replace('_', ' ')} (report {i})."
            picks.append((pred, sentence))
            lines.append(sentence)
        text = "\n".join(lines)
        doc = Document(text=text, original=text, title=lines[0], outlet=rnd.choice(OUTLETS), published=published,
                       language="en", url=f"https://news.example/{i}")
        docs.append(dict(id=doc.id, content_hash=doc.content_hash, title=doc.title, outlet=doc.outlet, url=doc.url,
                         published=published, language="en", via=[], source_kind="text", text=text, original=text,
                         relevant=True, reconciled=False, ingested_at=now, extracted_at=now))
        for pred, sentence in picks:
            start = text.index(sentence)
            c = Claim(doc.id, Actor("state", iso, name), pred, stage=rnd.choice(STAGES.get(pred, [None])),
                      treaty="APMBC" if pred.startswith("treaty") else None,
                      weapon=None if pred.startswith("treaty") else "ap_mine",
                      evidence=[Evidence(start, start + len(sentence), sentence)], confidence=0.7)
            claims.append(dict(claim_row(c), fact_id=effective_fact_id(c, None)))
            evidence.append(dict(claim_id=c.id, ordinal=0, start=start, end=start + len(sentence), text=sentence))
    seen = set()
    claims = [c for c in claims if not (c["id"] in seen or seen.add(c["id"]))]
    ev_ids = {c["id"] for c in claims}
    evidence = [e for e in evidence if e["claim_id"] in ev_ids and (e["claim_id"], 0) not in seen and not seen.add((e["claim_id"], 0))]
    with store.engine.begin() as conn:
        for table, rows in ((t.documents, docs), (t.claims, claims), (t.evidence, evidence)):
            for k in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[k : k + 5000])
    t1 = time.perf_counter()
    counts = reconcile_pending(store)
    print(f"filled {len(docs)} documents, {len(claims)} claims in {t1 - t0:.1f}s; reconciled in "
          f"{time.perf_counter() - t1:.1f}s: {counts}")


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo, seen = 0.0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(x) for x in f.read().split())
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


async def load(base: str, clients: int, seconds: float, think_ms: float = 0.0) -> dict[str, list[float]]:
    import httpx

    lat: dict[str, list[float]] = {"claims": [], "claims_filtered": [], "claims_cursor": [], "state_page": [], "errors": []}
    stop = time.perf_counter() + seconds
    # One client (one keep-alive connection) per simulated user: a shared pool of 50 connections
    # costs more CPU in httpx's pool bookkeeping than the server spends answering.
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        first = (await client.get("/api/claims", params={"limit": 50})).json()
        cursors = [first["next_cursor"]]
        for _ in range(20):
            page = (await client.get("/api/claims", params={"limit": 50, "cursor": cursors[-1]})).json()
            cursors.append(page["next_cursor"])

        async def worker(k: int) -> None:
            async with httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_connections=1)) as own:
                await user(k, own)

        async def user(k: int, client) -> None:
            rnd = random.Random(k)
            while time.perf_counter() < stop:
                r = rnd.random()
                if r < 0.25:
                    kind, url, params = "claims", "/api/claims", {"limit": 50}
                elif r < 0.5:
                    kind, url = "claims_filtered", "/api/claims"
                    params = {"state": rnd.choice(STATES), "predicate": rnd.choice(PREDICATES), "limit": 50,
                              "since": "2024-06-01", "until": "2025-12-31"}
                    if rnd.random() < 0.2:
                        params["format"] = "csv"
                elif r < 0.75:
                    kind, url, params = "claims_cursor", "/api/claims", {"limit": 50, "cursor": rnd.choice(cursors)}
                else:
                    kind, url, params = "state_page", f"/states/{rnd.choice(STATES)}", {}
                t0 = time.perf_counter()
                resp = await client.get(url, params=params)
                dt = (time.perf_counter() - t0) * 1000
                if resp.status_code != 200:
                    lat["errors"].append(dt)
                lat[kind].append(dt)
                if think_ms:
                    await asyncio.sleep(rnd.uniform(0.5, 1.5) * think_ms / 1000)

        await asyncio.gather(*(worker(k) for k in range(clients)))
    return lat


def _load_in_process(base: str, clients: int, seconds: float, think_ms: float = 0.0) -> dict[str, list[float]]:
    return asyncio.run(load(base, clients, seconds, think_ms))


def run_load(base: str, clients: int, seconds: float, procs: int, think_ms: float = 0.0) -> dict[str, list[float]]:
    """The clients split over ``procs`` processes, their latencies merged."""
    from concurrent.futures import ProcessPoolExecutor

    if procs <= 1:
        return _load_in_process(base, clients, seconds, think_ms)
    shares = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    merged: dict[str, list[float]] = {}
    with ProcessPoolExecutor(max_workers=procs) as pool:
        for part in pool.map(_load_in_process, [base] * procs, shares, [seconds] * procs, [think_ms] * procs):
            for k, v in part.items():
                merged.setdefault(k, []).extend(v)
    return merged


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="/tmp/mw-bench-api.db")
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--warmup-seconds", type=float, default=0.0,
                    help="run the same load first, unmeasured (0: measure from a cold start)")
    ap.add_argument("--think-ms", type=float, default=0.0,
                    help="pause of each client between requests (0: closed loop, latency = clients / throughput)")
    ap.add_argument("--client-procs", type=int, default=1,
                    help="processes sharing the clients (one httpx event loop tops out near 300 req/s of CPU)")
    args = ap.parse_args()
    fill(args.db, args.claims)
    port = free_port()
    env = dict(os.environ, MINEWATCH_TOKEN="")
    code = "import sys; from minewatch.web.server import run_server; run_server(sys.argv[1], '127.0.0.1', int(sys.argv[2]), int(sys.argv[3]))"
    proc = subprocess.Popen([sys.executable, "-c", code, args.db, str(port), str(args.workers)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(base + "/api/treaties", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        # warm every worker's caches once
        for iso in STATES:
            httpx.get(f"{base}/states/{iso}", timeout=30)
        if args.warmup_seconds:
            warm = run_load(base, args.clients, args.warmup_seconds, args.client_procs, args.think_ms)
            print(f"warm-up {args.warmup_seconds:.0f}s: {sum(len(v) for k, v in warm.items() if k != 'errors')} requests "
                  "(not counted: fills the per-worker caches as a long-running server has them)")
        server_cpu0 = tree_cpu_seconds(proc.pid)
        client_cpu0 = time.process_time()
        t0 = time.perf_counter()
        lat = run_load(base, args.clients, args.seconds, args.client_procs, args.think_ms)
        wall = time.perf_counter() - t0
        server_cpu = tree_cpu_seconds(proc.pid) - server_cpu0
        client_cpu = time.process_time() - client_cpu0
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    everything = [v for k, vals in lat.items() if k != "errors" for v in vals]
    print(f"{args.clients} clients in {args.client_procs} process(es), think {args.think_ms:.0f} ms, "
          f"{args.workers} server workers, {wall:.1f}s, "
          f"{os.cpu_count()} CPUs on this machine (clients and server share them)")
    print(f"{'kind':16} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for kind, vals in lat.items():
        if kind == "errors":
            continue
        print(f"{kind:16} {len(vals):9d} {len(vals) / wall:8.1f} {pct(vals, 50):8.1f} {pct(vals, 99):8.1f}")
    print(f"{'all':16} {len(everything):9d} {len(everything) / wall:8.1f} {pct(everything, 50):8.1f} {pct(everything, 99):8.1f}")
    print(f"non-200 responses: {len(lat['errors'])}; mean {statistics.fmean(everything):.1f} ms")
    n = max(1, len(everything))
    # where the CPU went: a closed loop of N clients waits N / throughput on average, so CPU per request sets latency
    print(f"CPU during the measured run: server {server_cpu:.1f}s ({1000 * server_cpu / n:.2f} ms/request)"
          + (f", clients {client_cpu:.1f}s ({1000 * client_cpu / n:.2f} ms/request)" if args.client_procs <= 1 else "")
          + f"; machine load average {os.getloadavg()[0]:.1f} (others' work included)")
    print("target p99 < 100 ms:", "met" if pct(everything, 99) < 100 else "NOT met")


if __name__ == "__main__":
    main()
