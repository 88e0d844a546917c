"""Story grouping without a global order: candidate keys in PostgreSQL, components at the end.

The single-process grouper places each document as it arrives, against the
last ``window`` arrivals; a cluster has no arrival order.  Here every worker
writes its documents with their candidate keys (``stories.story_keys``: LSH
bands of the trigram MinHash, anchors under each credited agency, anchors
for other-language copies; the rewrite rule's figures are looked up among the
latter, see ``stories.probe_keys``) and leaves them ``grouped = false``.  Once every
document of the run is in:

1. ``find_edges`` (one task per shard of the ungrouped documents, in
   parallel): each document looks up, per key, its nearest documents on
   either side by (day, id) within ``stories.KEY_DAYS`` days (an undated
   document, filed under its ingest day: ``stories.KEY_UNDATED_DAYS``) — at most
   ``stories.KEY_NEIGHBOURS`` per key, so a crowded key costs no more — and
   compares them with the same ``stories.match`` as the single-process
   grouper.  The edges are the pairs that match.
2. ``name_components`` (the driver; work proportional to the edges, not the
   articles): stories are the connected components.  A component holding
   stored stories keeps the oldest of them (the others merge into it, as
   when a new document links two stories in one process); a new one is named
   after its earliest document (published, then content hash), so the
   result depends neither on arrival order nor on the number of workers.
3. ``assign_stories`` (one task per shard) writes each document's story —
   its component's, or its own for a document with no match — and
   ``write_components`` (one task per slice of components) merges stored
   stories and recounts the story rows.

A killed run leaves documents ungrouped; the next run groups them with its own.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from minewatch.store.repository import Store
from minewatch.store.story_index import IndexedDocument
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
)


@dataclass
class _Doc:
    doc: IndexedDocument
    sig: Any
    day: int


def _read(docs: Iterable[IndexedDocument]) -> dict[str, _Doc]:
    out: dict[str, _Doc] = {}
    for d in docs:
        try:
            sig = load_signature(d.minhash) if d.minhash is not None else None
        except ValueError:
            sig = None  # a signature of an old format: placed, never compared
        out[d.id] = _Doc(d, sig, key_day(d.published, d.ingested))
    return out


@dataclass
class Edges:
    """What one shard found: matching pairs, and how the driver names their components."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    #: ungrouped documents in a pair: (published, content hash), for the earliest document of a new story
    order: dict[str, tuple[date, str]] = field(default_factory=dict)
    #: grouped (stored) documents in a pair: their story
    stored: dict[str, str] = field(default_factory=dict)
    compared: int = 0


def find_edges(db: str, part: int, parts: int) -> Edges:
    """The matching pairs of the ungrouped documents of one shard (a task on a worker)."""
    store = Store.open(db, seed=False)
    try:
        mine = _read(store.ungrouped_documents(part, parts))
        probes = [(doc_id, key, x.day, kind, KEY_NEIGHBOURS[kind], key_span(x.doc.published))
                  for doc_id, x in sorted(mine.items()) if x.sig is not None
                  for key, kind in probe_keys(x.sig, x.doc.via)]
        shared: Counter[tuple[str, str, int]] = Counter(store.nearest_sharing(probes))
        candidates: dict[tuple[str, str], None] = {}
        for (a, b, kind), n in shared.items():
            if n >= KEY_MIN_SHARED[kind]:
                candidates[(a, b) if a < b else (b, a)] = None
        known = dict(mine)
        known.update(_read(store.indexed_documents(sorted({x for pair in candidates for x in pair} - set(mine)))))
    finally:
        store.engine.dispose()
    out = Edges()
    for a, b in candidates:
        xa, xb = known.get(a), known.get(b)
        if xa is None or xb is None or xa.sig is None or xb.sig is None:
            continue
        out.compared += 1
        if match(entry_for(a, xa.sig, xa.doc.published, xa.doc.via), entry_for(b, xb.sig, xb.doc.published, xb.doc.via)):
            out.pairs.append((a, b))
            for x in (xa.doc, xb.doc):
                if x.grouped and x.story_id:
                    out.stored[x.id] = x.story_id
                else:
                    out.order[x.id] = (x.published or date.max, x.content_hash)
    return out


@dataclass
class Naming:
    """The driver's decision: each ungrouped document in a component → its story; stored stories
    merged into others (old id → surviving id); the components' stories to recount."""

    story_of: dict[str, str] = field(default_factory=dict)
    merges: dict[str, str] = field(default_factory=dict)
    stories: list[str] = field(default_factory=list)


def name_components(found: Iterable[Edges], first_arrivals: Any) -> Naming:
    """Stories of the matched documents: connected components, named deterministically.

    ``first_arrivals(story_ids)`` is ``Store.story_first_arrivals``: among stored stories
    linked by new documents, the oldest survives.
    """
    pairs: list[tuple[str, str]] = []
    order: dict[str, tuple[date, str]] = {}
    stored: dict[str, str] = {}
    for e in found:
        pairs.extend(e.pairs)
        order.update(e.order)
        stored.update(e.stored)
    # A stored document stands for its whole story: its node is the story.
    node = {d: ("story", sid) for d, sid in stored.items()}
    root = components((), ((node.get(a, a), node.get(b, b)) for a, b in pairs))
    members: dict[Any, list[Any]] = defaultdict(list)
    for n, r in root.items():
        members[r].append(n)
    old_stories = sorted({sid for sid in stored.values()})
    arrivals = first_arrivals(old_stories) if old_stories else {}
    naming = Naming()
    for group in members.values():
        # oldest first by the arrival of its first document; a story whose documents have no usable
        # signature has no arrival and comes after, by id
        olds = sorted((n[1] for n in group if isinstance(n, tuple)),
                      key=lambda sid: (0, *arrivals[sid], sid) if sid in arrivals else (1, sid))
        docs = [n for n in group if not isinstance(n, tuple)]
        if olds:
            target = olds[0]
            for other in olds[1:]:
                naming.merges[other] = target
        else:
            target = StoryGrouper.story_id_for(min(docs, key=lambda d: (order[d], d)))
        for d in docs:
            naming.story_of[d] = target
        naming.stories.append(target)
    naming.stories.sort()
    return naming


def assign_stories(db: str, part: int, parts: int, story_of: dict[str, str]) -> int:
    """Give the ungrouped documents of one shard their stories (a task): their component's, or
    for a document with no match a story of its own.  Returns the number of documents grouped."""
    store = Store.open(db, seed=False)
    try:
        return store.assign_stories(part, parts, story_of, StoryGrouper.story_id_for)
    finally:
        store.engine.dispose()


def write_components(db: str, stories: Sequence[str], merges: dict[str, str]) -> None:
    """Merge stored stories into their survivors and recount the rows of these components' stories."""
    store = Store.open(db, seed=False)
    try:
        store.apply_story_merges(merges)
        store.recount_stories(stories)
    finally:
        store.engine.dispose()
