"""Story grouping against the duplicate groups of ``../shared/corpus/*/INDEX.tsv``.

usage: python bench/story_groups.py [--order sorted|reversed] [--show]

Reads the articles of ``../shared/corpus/dev``, ``../shared/corpus/train`` and ``../shared/seeds``
the way ``minewatch ingest`` does (same cleaning, language detection, wire credits, signatures)
and groups them two ways:

* ``grouper``: the single-process ``StoryGrouper``, in file order (or reversed);
* ``keys``: the key-based path of the Ray engine, in memory (``story_keys`` per document, the
  nearest ``KEY_NEIGHBOURS`` sharing each key within ``key_span`` days, ``KEY_MIN_SHARED`` keys of
  a kind, ``match``, connected components) — what ``scale.grouping`` does in PostgreSQL.

Each corpus on its own, then all together (a false merge across corpora counts too).  Pairs of
documents in one INDEX group are "should join"; every other pair "should stay apart" (the INDEX
labels every duplicate group it knows; an unlabeled pair on the same topic counts as apart).
Also the grouping cost per article (signature + placement), each stage timed on its own.
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter, defaultdict
from datetime import date
from itertools import combinations
from pathlib import Path

from minewatch.ingest.batch import prepare_stream
from minewatch.ingest.sources import iter_items
from minewatch.model import Document
from minewatch.stories import (
    KEY_MIN_SHARED,
    KEY_NEIGHBOURS,
    StoryGrouper,
    components,
    entry_for,
    key_day,
    key_span,
    load_signature,
    match,
    probe_keys,
    story_keys,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
CORPORA = {"dev": SHARED / "corpus" / "dev", "train": SHARED / "corpus" / "train", "seeds": SHARED / "seeds"}
INGESTED = date(2026, 1, 1)  # the ingest day the key path files undated documents under
#: ../shared/seeds has no INDEX: its two articles are copies of one Reuters report (as
#: tests/stories/test_story_wire_facts.py::test_seed_rewrites_of_one_reuters_story_are_one_story says).
SEED_GROUPS = {"seeds/000_d60ec5ba9b262653.txt": "seeds_reuters_fi_lt_production",
               "seeds/004_3dfe8b842f2bc022.txt": "seeds_reuters_fi_lt_production"}


def load(name: str, folder: Path) -> tuple[list[tuple[str, Document, bytes]], dict[str, str]]:
    """(label, document, signature) in file order, and label → duplicate group ('' for none)."""
    groups: dict[str, str] = {}
    index = folder / "INDEX.tsv"
    if index.exists():
        with open(index, encoding="utf-8") as fh:
            groups = {f"{name}/{r['file']}": r["duplicate_group"] for r in csv.DictReader(fh, delimiter="\t")}
    out = []
    for p in prepare_stream(iter_items([str(folder)], max_bytes=10_000_000, follow=False, stdin=None)):
        doc = getattr(p, "document", None)
        if doc is None:
            continue
        label = f"{name}/{Path(doc.path or '').name}"
        groups.setdefault(label, SEED_GROUPS.get(label, ""))
        out.append((label, doc, p.signature))
    out.sort(key=lambda x: x[0])
    return out, groups


def by_grouper(docs: list[tuple[str, Document, bytes]]) -> tuple[dict[str, str], float]:
    g = StoryGrouper()
    t0 = time.perf_counter()
    for _label, d, blob in docs:
        g.add_signature(d.id, blob, d.published, d.via)
    elapsed = time.perf_counter() - t0
    return {label: g.story_of(d.id) or d.id for label, d, _ in docs}, elapsed


def by_keys(docs: list[tuple[str, Document, bytes]]) -> tuple[dict[str, str], float]:
    """``scale.grouping.find_edges`` + ``name_components`` over an in-memory key table."""
    t0 = time.perf_counter()
    sigs = {d.id: load_signature(blob) for _l, d, blob in docs}
    info = {d.id: d for _l, d, _b in docs}
    day = {d.id: key_day(d.published, INGESTED) for _l, d, _b in docs}
    table: dict[int, list[str]] = defaultdict(list)
    probes = []
    for _l, d, _b in docs:
        for key, _kind in story_keys(sigs[d.id], d.via):
            table[key].append(d.id)
        probes.extend((d.id, key, kind, key_span(d.published)) for key, kind in probe_keys(sigs[d.id], d.via))
    shared: Counter[tuple[str, str, int]] = Counter()
    for doc, key, kind, span in probes:
        me = (day[doc], doc)
        near = [o for o in table[key] if o != doc and abs(day[o] - day[doc]) <= span]
        before = sorted((o for o in near if (day[o], o) < me), key=lambda o: (day[o], o), reverse=True)
        after = sorted((o for o in near if (day[o], o) > me), key=lambda o: (day[o], o))
        for o in before[: KEY_NEIGHBOURS[kind]] + after[: KEY_NEIGHBOURS[kind]]:
            shared[(doc, o, kind)] += 1
    pairs = set()
    for (a, b, kind), n in shared.items():
        if n >= KEY_MIN_SHARED[kind]:
            pairs.add((a, b) if a < b else (b, a))
    edges = []
    for a, b in sorted(pairs):
        da, db = info[a], info[b]
        if match(entry_for(a, sigs[a], da.published, da.via), entry_for(b, sigs[b], db.published, db.via)):
            edges.append((a, b))
    root = components(sigs, edges)
    elapsed = time.perf_counter() - t0
    return {label: str(root[d.id]) for label, d, _ in docs}, elapsed


def score(story: dict[str, str], groups: dict[str, str], show: bool) -> dict[str, int]:
    out = Counter()
    for a, b in combinations(sorted(story), 2):
        same = bool(groups[a]) and groups[a] == groups[b]
        joined = story[a] == story[b]
        out[("joined" if joined else "split") + ("_group" if same else "_apart")] += 1
        if show and same != joined:
            print(f"    {'MISSED' if same else 'FALSE MERGE'}: {a} {b} ({groups[a] or '-'} / {groups[b] or '-'})")
    members = defaultdict(set)
    for label, g in groups.items():
        if g and label in story:
            members[g].add(label)
    out["groups"] = len(members)
    out["groups_whole"] = sum(1 for m in members.values() if len({story[x] for x in m}) == 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--order", choices=["sorted", "reversed"], default="sorted")
    ap.add_argument("--show", action="store_true", help="list the missed joins and false merges")
    args = ap.parse_args()
    loaded = {name: load(name, folder) for name, folder in CORPORA.items() if folder.is_dir()}
    every = [x for docs, _g in loaded.values() for x in docs]
    groups_all = {k: v for _d, g in loaded.values() for k, v in g.items()}
    sets = {**{n: d for n, (d, _g) in loaded.items()}, "all": every}
    t0 = time.perf_counter()
    from minewatch.stories import minhash_signature

    for _l, d, _b in every:
        minhash_signature(d.text, d.language)
    sig_ms = (time.perf_counter() - t0) / len(every) * 1000
    print(f"{len(every)} articles; signature {sig_ms:.2f} ms/article")
    for name, docs in sets.items():
        if args.order == "reversed":
            docs = list(reversed(docs))
        for how, fn in (("grouper", by_grouper), ("keys", by_keys)):
            story, elapsed = fn(docs)
            s = score(story, groups_all, args.show)
            print(f"{name:6} {how:8} groups whole {s['groups_whole']}/{s['groups']}  "
                  f"group pairs joined {s['joined_group']}/{s['joined_group'] + s['split_group']}  "
                  f"false merges {s['joined_apart']}/{s['joined_apart'] + s['split_apart']}  "
                  f"placing {elapsed / len(docs) * 1000:.2f} ms/article")


if __name__ == "__main__":
    main()
