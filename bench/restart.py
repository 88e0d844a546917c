"""Start-up of an ingest on a large base: restoring the story grouper.

Generates N small documents with their story signatures straight into a SQLite
knowledge base (bulk inserts, no ingest), then times ``pipeline.load_grouper``
(the last ``window`` signatures and the order of their stories) against the
replay of every stored signature it replaced, and checks that both give the
same comparable state.

    python bench/restart.py --documents 50000
    python bench/restart.py --documents 50000 --index   # with an index on documents (ingested_at, id)
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from minewatch.model import short_hash
from minewatch.pipeline import load_grouper
from minewatch.store import schema as t
from minewatch.store.repository import Store
from minewatch.stories import DEFAULT_WINDOW, StoryGrouper, minhash_signature

WORDS = ("treaty mine council border minister vote report army clearance field village river budget court "
         "union harbour rail season market bank loan storm coast city port museum festival election").split()


def fill(store: Store, n_docs: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    t0 = datetime(2026, 1, 1)
    docs: list[dict] = []
    with store.engine.begin() as conn:
        conn.execute(insert(t.stories), [dict(id="s-" + short_hash("bench-story", k), agencies=[],
                                              document_count=min(3, n_docs - 3 * k)) for k in range((n_docs + 2) // 3)])
        for i in range(n_docs):
            body = " ".join(rng.choice(WORDS) for _ in range(30))
            body = f"Report {i} of {rng.randrange(10**6)}: {body}."
            story = "s-" + short_hash("bench-story", i // 3)
            docs.append(dict(id="d-" + short_hash("bench-doc", i), content_hash=short_hash("h", i, length=64),
                             path=f"bench/{i}.txt", title=None, outlet="bench.example", published=None,
                             language="en", via=[], source_kind="text", story_id=story, text=body, original=body,
                             minhash=minhash_signature(body, "en"), relevant=True, reconciled=True,
                             ingested_at=t0 + timedelta(microseconds=i)))
            if len(docs) >= 5000:
                conn.execute(insert(t.documents), docs)
                docs.clear()
        if docs:
            conn.execute(insert(t.documents), docs)


def full_replay(store: Store, window: int) -> StoryGrouper:
    """The start-up before: every stored signature replayed."""
    grouper = StoryGrouper(window)
    for row in store.iter_story_signatures():
        if row["minhash"] is not None:
            grouper.add_signature(row["id"], row["minhash"], row["published"], row["via"] or (), story_id=row["story_id"])
    return grouper


def _state(g: StoryGrouper) -> tuple:
    stories = {e.story_id for e in g.entries.values()}
    return list(g._arrivals), {d: e.story_id for d, e in g.entries.items()}, sorted(stories, key=g._order.__getitem__)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--documents", type=int, default=50_000)
    ap.add_argument("--window", type=int, default=DEFAULT_WINDOW)
    ap.add_argument("--index", action="store_true", help="create an index on documents (ingested_at, id) first")
    ap.add_argument("--db", help="SQLite file to use (kept); a temporary one by default")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.db) if args.db else Path(tmp) / "restart.db"
        url = f"sqlite:///{path}"
        store = Store.open(url)
        if not store.counts().get("documents"):
            t0 = time.perf_counter()
            fill(store, args.documents)
            print(f"filled {args.documents} documents in {time.perf_counter() - t0:.1f} s")
        if args.index:
            with store.engine.begin() as conn:
                conn.execute(text("CREATE INDEX IF NOT EXISTS ix_bench_documents_arrival ON documents (ingested_at, id)"))
        n = store.counts()["documents"]
        rss0 = _rss_mib()
        t0 = time.perf_counter()
        restored = load_grouper(store, window=args.window)
        t_new = time.perf_counter() - t0
        rss1 = _rss_mib()
        t0 = time.perf_counter()
        full = full_replay(store, args.window)
        t_old = time.perf_counter() - t0
        rss2 = _rss_mib()
        same = _state(restored) == _state(full)
        print(f"store: {n} documents, grouper window {args.window}, index on (ingested_at, id): {args.index}")
        print(f"load_grouper (last window + story order): {t_new:.2f} s, {len(restored.placed)} documents held, "
              f"peak RSS +{rss1 - rss0:.0f} MiB")
        print(f"full replay (before):                     {t_old:.2f} s, {len(full.placed)} documents held, "
              f"peak RSS +{rss2 - rss1:.0f} MiB")
        print(f"same comparable state: {same}")
        store.engine.dispose()


if __name__ == "__main__":
    main()
