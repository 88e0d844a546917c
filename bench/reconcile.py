"""Incremental reconciliation on a large base, and query latency.

Generates N claims over M documents straight into a SQLite knowledge base
(bulk inserts, no extraction), reconciles everything once, then adds 1 000 new
documents and prints the time of the incremental reconcile and the p95
latency of `facts --state`, `conflicts --state` and `timeline`.

    python bench/reconcile.py --claims 1000000 --documents 200000
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from minewatch.model import Actor, Claim, short_hash
from minewatch.reconcile import fact_key, timeline
from minewatch.store import schema as t
from minewatch.store.reconciling import reconcile_pending
from minewatch.store.repository import Store, claim_row

STATES = ["EST", "LVA", "LTU", "FIN", "POL", "UKR", "RUS", "BLR", "DEU", "NOR", "SWE", "USA", "MMR", "AFG", "SYR",
          "IRQ", "YEM", "COL", "KHM", "AGO", "BIH", "HRV", "TUR", "IND", "PAK", "CHN", "KOR", "PRK", "ISR", "LBN"]
PREDICATES = ["production", "procurement", "stockpile", "transfer", "use", "destruction", "clearance", "casualties"]
WEAPONS = ["ap_mine", "at_mine", "mine", "cluster_munition"]


def docs_and_claims(rng: random.Random, start: int, n_docs: int, claims_per_doc: int):
    day0 = date(2024, 1, 1)
    for i in range(start, start + n_docs):
        doc_id = "d-" + short_hash("bench-doc", i)
        story = "s-" + short_hash("bench-story", i // 3)
        published = day0 + timedelta(days=rng.randrange(900))
        text = f"Bench article {i}."
        doc = dict(id=doc_id, content_hash=short_hash("h", i, length=64), path=f"bench/{i}.txt", url=None, title=None,
                   outlet=f"outlet{i % 500}.example", published=published, language="en", via=[],
                   source_kind="text", story_id=story, text=text, original=text, minhash=None, relevant=True,
                   extraction_error=None, extracted_at=None, reconciled=False, ingested_at=datetime(2026, 1, 1))
        claims = []
        for _ in range(claims_per_doc):
            iso = rng.choice(STATES)
            c = Claim(document_id=doc_id, actor=Actor("state", iso, iso), predicate=rng.choice(PREDICATES),
                      weapon=rng.choice(WEAPONS), modality=rng.choice(["actual", "planned", "considered"]))
            claims.append(c)
        yield doc, story, published, claims


def fill(store: Store, rng: random.Random, start: int, n_docs: int, claims_per_doc: int) -> None:
    stories: dict[str, date] = {}
    with store.engine.begin() as conn:
        docs, claims = [], []
        for doc, story, published, cs in docs_and_claims(rng, start, n_docs, claims_per_doc):
            docs.append(doc)
            stories.setdefault(story, published)
            seen = set()
            for c in cs:
                if c.id not in seen:
                    seen.add(c.id)
                    claims.append({**claim_row(c), "fact_id": fact_key(c)})
            if len(docs) >= 5000:
                _flush(conn, docs, claims, stories)
        _flush(conn, docs, claims, stories)


def _flush(conn, docs, claims, stories) -> None:
    if stories:
        existing = {r[0] for r in conn.execute(t.stories.select().with_only_columns(t.stories.c.id)
                                               .where(t.stories.c.id.in_(list(stories))))}
        new = [dict(id=s, agencies=[], first_published=d, last_published=d, document_count=1)
               for s, d in stories.items() if s not in existing]
        if new:
            conn.execute(insert(t.stories), new)
    if docs:
        conn.execute(insert(t.documents), docs)
    if claims:
        conn.execute(insert(t.claims), claims)
    docs.clear(), claims.clear(), stories.clear()


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 2 else samples[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--documents", type=int, default=200_000)
    ap.add_argument("--new", type=int, default=1_000)
    ap.add_argument("--queries", type=int, default=40)
    args = ap.parse_args()
    per_doc = max(1, args.claims // args.documents)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(str(Path(tmp) / "bench.db"))
        t0 = time.perf_counter()
        fill(store, rng, 0, args.documents, per_doc)
        print(f"generated {args.documents} documents, ~{args.documents * per_doc} claims in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        counts = reconcile_pending(store)
        print(f"full reconcile: {time.perf_counter() - t0:.1f} s {counts}")
        fill(store, rng, args.documents, args.new, per_doc)
        t0 = time.perf_counter()
        counts = reconcile_pending(store)
        print(f"incremental reconcile of {args.new} new documents: {time.perf_counter() - t0:.2f} s {counts} (target < 5 s)")
        events, armed = store.treaty_events(), store.armed_conflicts()
        for name, fn in (
            ("facts --state", lambda iso: store.facts(state=iso)),
            ("conflicts --state", lambda iso: store.conflicts(state=iso)),
            ("timeline", lambda iso: timeline(iso, events, store.fact_objects(state=iso), armed_conflicts=armed)),
        ):
            samples = []
            for i in range(args.queries):
                iso = STATES[i % len(STATES)]
                t0 = time.perf_counter()
                fn(iso)
                samples.append((time.perf_counter() - t0) * 1000)
            print(f"{name}: p95 {p95(samples):.1f} ms, median {statistics.median(samples):.1f} ms (target < 50 ms)")


if __name__ == "__main__":
    main()
