"""Splitting inputs into independent blocks that workers read on their own.

A shard is a whole file (HTML, text, feed, WARC, gzip JSONL: not split) or a
byte range of a large plain JSONL file cut at line starts.  A WARC or a
``.jsonl.gz`` file is one shard however big: a gzip member stream cannot be
entered at a byte offset without reading what precedes it, and WARC record
numbers and the "no HTML records" verdict are per file; split such inputs
before ingesting (one WARC per crawl segment) to spread them over workers.  Shards are
numbered in the order the single-process reader would meet their articles
(inputs as given, folders walked in sorted order, ranges in file order), and
a range knows the number of lines before it, so its locators ("line N") are
the same as those of a single reader.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from minewatch.ingest import sources
from minewatch.ingest.net import private_hosts_allowed
from minewatch.ingest.sources import RawItem, Skipped

#: Byte size of a JSONL range: big enough to amortise a task, small enough to balance workers.
DEFAULT_SHARD_BYTES = 4_000_000
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_LINE_REASON = re.compile(r"^line (\d+)")


@dataclass(frozen=True)
class Shard:
    order: int
    input: str
    path: str
    explicit: bool = True  # named by the user (a folder's files are not: unknown endings are skipped)
    start: int = 0
    end: int | None = None  # None: the whole input
    first_line: int = 0  # lines before ``start``


def plan_shards(inputs: Sequence[str], shard_bytes: int = DEFAULT_SHARD_BYTES) -> list[Shard]:
    """The shards of the inputs, in the single-process reading order."""
    if "-" in inputs:
        raise ValueError("standard input cannot be split across workers: save it to a file first")
    shards: list[Shard] = []
    for given in inputs:
        if _URL.match(given) or not os.path.isdir(given):
            shards.extend(_file_shards(given, given, True, shard_bytes, len(shards)))
            continue
        for root, dirs, files in os.walk(given):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith("."):
                    path = os.path.join(root, name)
                    shards.extend(_file_shards(given, path, False, shard_bytes, len(shards)))
    return shards


def _file_shards(given: str, path: str, explicit: bool, shard_bytes: int, order: int) -> list[Shard]:
    plain_jsonl = sources.kind_for_name(path) == "jsonl" and not path.lower().endswith(".gz")
    try:
        size = os.path.getsize(path) if plain_jsonl else 0
    except OSError:
        size = 0
    if size <= shard_bytes:
        return [Shard(order, given, path, explicit)]
    out: list[Shard] = []
    with open(path, "rb") as fh:
        start, lines = 0, 0
        while start < size:
            fh.seek(start)
            chunk = fh.read(shard_bytes)
            rest = fh.readline()  # finish the line the chunk cut
            end = start + len(chunk) + len(rest)
            out.append(Shard(order + len(out), given, path, explicit, start, end, lines))
            lines += chunk.count(b"\n") + rest.count(b"\n")
            start = end
    return out


class _Range:
    """A read-only window on a file, as a binary stream for the JSONL reader."""

    def __init__(self, fh, end: int) -> None:
        self.fh, self.end = fh, end

    def readline(self, limit: int = -1) -> bytes:
        left = self.end - self.fh.tell()
        if left <= 0:
            return b""
        return self.fh.readline(left if limit < 0 else min(limit, left))

    def read(self, size: int = -1) -> bytes:
        left = self.end - self.fh.tell()
        if left <= 0:
            return b""
        return self.fh.read(left if size < 0 else min(size, left))


def _limits(max_bytes: int) -> sources.Limits:
    return sources.Limits(max_bytes, allow_private=private_hosts_allowed())


def read_shard(shard: Shard, max_bytes: int = 10_000_000, *, follow: bool = False) -> Iterator[RawItem | Skipped]:
    """The articles of one shard, as the single-process reader would yield them.

    ``follow`` is ``--follow`` (fetch each feed entry's page): the worker that
    reads a feed fetches its pages, so the fetches are spread like the feeds.
    """
    if shard.end is None:
        if shard.explicit:
            yield from sources.iter_items([shard.path], max_bytes=max_bytes, follow=follow)
        else:
            try:
                yield from sources._read_file(shard.path, _limits(max_bytes), follow, explicit=False)
            except Exception as exc:  # the same last guard as the folder walk
                yield Skipped(shard.path, f"unexpected error: {type(exc).__name__}: {exc}")
        return
    with open(shard.path, "rb") as fh:
        fh.seek(shard.start)
        for item in sources._jsonl_lines(shard.path, _Range(fh, shard.end), _limits(max_bytes), follow):
            if isinstance(item, RawItem):
                n = int(item.locator.split()[-1]) + shard.first_line
                item.locator = f"line {n}"
                yield item
            elif item.reason == "empty file":
                continue  # only the whole file can be empty, and a split file is not
            else:
                yield Skipped(
                    item.input,
                    _LINE_REASON.sub(lambda m: f"line {int(m.group(1)) + shard.first_line}", item.reason),
                )
