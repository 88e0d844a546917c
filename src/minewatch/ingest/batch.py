"""Preparing many items on several cores, in order, in bounded memory.

``prepare`` and the story signature are pure functions of one item, and
together they are most of the ingest time; grouping must stay sequential
(each document is compared with the ones before it).  ``prepare_stream``
runs the pure part in worker processes and hands results back in input
order, with at most a few batches in flight, so a huge folder is still
streamed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from minewatch.ingest import prepare
from minewatch.ingest.sources import RawItem, Skipped
from minewatch.model import Document
from minewatch.stories import minhash_signature

#: Items sent to a worker at once (amortises the inter-process round trip).
BATCH_SIZE = 32
#: Batches in flight per worker: enough to keep workers busy, few enough to stay streamed.
IN_FLIGHT_PER_WORKER = 2


@dataclass
class Prepared:
    """One item made ready for the store: its document and the document's story signature."""

    item: RawItem
    document: Document
    signature: bytes


def prepare_one(item: RawItem) -> Prepared | Skipped:
    """``prepare`` plus the story signature; a failure becomes a Skipped naming the item."""
    label = item.input + (f" ({item.locator})" if item.locator else "")
    try:
        doc = prepare(item)
        if not doc.text.strip():
            return Skipped(label, "no article text left after cleaning")
        return Prepared(item, doc, minhash_signature(doc.text, doc.language))
    except Exception as exc:  # a bug on one article must not stop the run
        return Skipped(label, f"could not prepare: {type(exc).__name__}: {exc}")


def _prepare_batch(items: list[RawItem]) -> list[Prepared | Skipped]:
    return [prepare_one(i) for i in items]


def prepare_stream(stream: Iterable[RawItem | Skipped], processes: int = 1) -> Iterator[Prepared | Skipped]:
    """Prepared items (or Skipped) in the order of ``stream``; ``processes`` > 1 uses worker processes."""
    if processes <= 1:
        for item in stream:
            yield item if isinstance(item, Skipped) else prepare_one(item)
        return
    pending: deque[_Batch | Skipped] = deque()
    limit = processes * IN_FLIGHT_PER_WORKER
    with ProcessPoolExecutor(max_workers=processes) as pool:
        batch: list[RawItem] = []
        for item in stream:
            if isinstance(item, Skipped):
                if batch:
                    pending.append(_Batch(pool.submit(_prepare_batch, batch), batch))
                    batch = []
                pending.append(item)
            else:
                batch.append(item)
                if len(batch) >= BATCH_SIZE:
                    pending.append(_Batch(pool.submit(_prepare_batch, batch), batch))
                    batch = []
            while sum(1 for p in pending if isinstance(p, _Batch)) >= limit:
                yield from _drain_one(pending)
        if batch:
            pending.append(_Batch(pool.submit(_prepare_batch, batch), batch))
        while pending:
            yield from _drain_one(pending)


@dataclass
class _Batch:
    future: Future[list[Prepared | Skipped]]
    items: list[RawItem]


def _drain_one(pending: deque[_Batch | Skipped]) -> Iterator[Prepared | Skipped]:
    head = pending.popleft()
    if isinstance(head, Skipped):
        yield head
        return
    try:
        yield from head.future.result()
    except Exception as exc:  # a worker died (killed, out of memory): its items are reported
        for item in head.items:
            label = item.input + (f" ({item.locator})" if item.locator else "")
            yield Skipped(label, f"could not prepare: worker failed: {type(exc).__name__}: {exc}")
