"""Cost and accuracy of the relevance prefilter on a generated mix of news.

    python bench/prefilter.py [--n 20000] [--relevant-share 0.3]

Prints the cost per document and, per topic, how many relevant articles it
lets through and how many irrelevant ones it stops; with ../shared present,
also whether every corpus article with a gold claim passes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import newsgen  # noqa: E402

from minewatch.prefilter import is_relevant  # noqa: E402

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--relevant-share", type=float, default=0.3)
    args = ap.parse_args()
    articles = list(newsgen.stream(args.n, args.relevant_share, seed=7))
    is_relevant("warm up")
    start = time.perf_counter()
    decisions = [is_relevant(a["text"], a["title"]) for a in articles]
    elapsed = time.perf_counter() - start
    chars = sum(len(a["text"]) + len(a["title"]) for a in articles)
    print(f"{len(articles)} articles, {chars / len(articles):.0f} characters on average")
    print(f"cost: {elapsed / len(articles) * 1e6:.1f} µs per article ({chars / elapsed / 1e6:.1f} MB/s)")
    passed, stopped, total = Counter(), Counter(), Counter()
    for a, keep in zip(articles, decisions, strict=True):
        total[a["topic"]] += 1
        (passed if keep else stopped)[a["topic"]] += 1
    rel = [t for t in total if t.startswith("treaty-")]
    irr = [t for t in total if not t.startswith("treaty-")]
    n_rel, n_irr = sum(total[t] for t in rel), sum(total[t] for t in irr)
    print(f"relevant let through: {sum(passed[t] for t in rel)}/{n_rel} "
          f"(lost {sum(stopped[t] for t in rel)})")
    print(f"irrelevant stopped:   {sum(stopped[t] for t in irr)}/{n_irr} "
          f"({100 * sum(stopped[t] for t in irr) / max(1, n_irr):.1f}%)")
    ctx = [t for t in rel if t in newsgen.CONTEXT_TOPICS]
    n_ctx = sum(total[t] for t in ctx)
    print(f"  of which without a listed term verbatim: {sum(passed[t] for t in ctx)}/{n_ctx} "
          f"({100 * sum(passed[t] for t in ctx) / max(1, n_ctx):.1f}% recall)")
    plain = [t for t in rel if t not in newsgen.CONTEXT_TOPICS]
    n_plain = sum(total[t] for t in plain)
    print(f"  the others: {sum(passed[t] for t in plain)}/{n_plain}")
    for t in sorted(total):
        print(f"  {t:18} passed {passed[t]:6}  stopped {stopped[t]:6}")
    gold_dir = SHARED / "gold"
    if gold_dir.exists():
        from minewatch.ingest import prepare
        from minewatch.ingest.sources import RawItem, iter_items
        from minewatch.prefilter import is_relevant_document

        docs = {json.loads(line)["doc"] for f in gold_dir.glob("*.jsonl")
                for line in f.read_text(encoding="utf-8").splitlines()
                if line.strip() and not json.loads(line).get("none")}
        paths = [p for d in ("corpus/dev", "seeds") for p in sorted((SHARED / d).glob("*.txt")) if p.name in docs]
        lost = [p.name for p in paths
                if not any(is_relevant_document(prepare(i)) for i in iter_items([str(p)]) if isinstance(i, RawItem))]
        print(f"shared corpus: {len(paths) - len(lost)}/{len(paths)} articles with a gold claim pass; lost: {lost}")


if __name__ == "__main__":
    main()
