"""Reading inputs: files, folders, HTML pages, feeds, JSONL, WARC, URLs, stdin.

``iter_items`` turns the inputs of ``minewatch ingest`` into a stream of raw
articles.  It is a generator over a sorted walk, reading one file (one JSONL
line, one WARC record) at a time, so a folder or archive of any size runs in
constant memory.  Nothing that can go wrong with an input escapes as an
exception: each problem becomes a ``Skipped`` with a reason a person can act
on, and the other inputs go on.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html import unescape
from typing import Any, BinaryIO, TextIO
from xml.etree.ElementTree import ParseError

import feedparser
import httpx
import lxml.html
from charset_normalizer import from_bytes
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from warcio.archiveiterator import ArchiveIterator

from minewatch.ingest import net
from minewatch.ingest.meta import parse_date, parse_header
from minewatch.ingest.polite import fetcher

#: File name endings and the reader for each (longest ending first wins).
EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".jsonl": "jsonl",
    ".jsonl.gz": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".warc.gz": "warc",
}
#: Endings read when a file is named on the command line but passed over in a folder walk:
#: a README or notes file sits beside the articles and is not one.
NAMED_ONLY_EXTENSIONS: tuple[str, ...] = (".md",)
#: File signatures of formats that are certainly not articles.
BINARY_MAGIC: tuple[bytes, ...] = (
    b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x7fELF", b"MZ", b"\x1f\x8b",
    b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!", b"OggS", b"ID3", b"RIFF", b"\x00\x00\x01\x00",
)
#: JSONL keys copied into the item's metadata.
JSONL_META_KEYS = ("url", "published", "title", "outlet", "language")
#: Network limits for URLs and followed feed links (one client for every fetch: ``ingest.net``).
HTTP_TIMEOUT_S = net.HTTP_TIMEOUT_S
HTTP_HEADERS = net.HTTP_HEADERS
#: Bytes a compressed file (``.jsonl.gz``, ``.warc.gz``) may inflate to in all (``--max-inflated-bytes``).
MAX_INFLATED_BYTES = 2_000_000_000
#: Beyond its first ``max_bytes``, a compressed file may not inflate to more than this many times
#: the compressed bytes read so far: text compresses 3-10 times, a decompression bomb 1000 times.
MAX_INFLATE_RATIO = 100
#: Longest skip reason kept (a reason quoting a 200 MB "line" once made a 1 GB summary).
MAX_REASON_CHARS = 300
#: Longest input label kept (a file name, a URL).
MAX_LABEL_CHARS = 1000
#: Attributes one HTML tag may carry before they are dropped: libxml2 checks each new attribute
#: against all the earlier ones, so 300 000 attributes on one tag took minutes to parse.
MAX_TAG_ATTRIBUTES = 256
#: A tag longer than this (in characters) has its attributes dropped, whatever their number.
MAX_TAG_CHARS = 65_536

_FEED_SNIFF = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML_SNIFF = re.compile(rb"<(?:!doctype html|html|head|body|article|p|div)[\s>]", re.IGNORECASE)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>", re.IGNORECASE | re.DOTALL)


@dataclass
class RawItem:
    """One article found in an input, before cleaning."""

    input: str
    kind: str
    text: str | None = None
    html: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    locator: str = ""

    def __post_init__(self) -> None:
        self.input = shorten(display_name(self.input), MAX_LABEL_CHARS)


@dataclass
class Skipped:
    """An input (or part of one) that yielded no article, and why.

    ``ignored`` marks files met while walking a folder that were never meant as
    articles (an index, a README): reported, but they do not fail the run.
    ``warning`` names a problem that did not keep the article out (with
    ``ignored`` set, so it does not fail the run either): "page_not_fetched"
    for a feed entry whose page ``--follow`` could not fetch and that went in
    with the feed's own text.
    """

    input: str
    reason: str
    ignored: bool = False
    warning: str | None = None

    def __post_init__(self) -> None:
        self.input = shorten(display_name(self.input), MAX_LABEL_CHARS)
        self.reason = shorten(display_name(self.reason), MAX_REASON_CHARS)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def display_name(name: str) -> str:
    """A name safe to store, print and put in JSON: the bytes of a file name that are not UTF-8
    as ``\\xff`` escapes, control characters (ANSI escapes, newlines, bidi overrides) as ``\\x1b``."""
    if not isinstance(name, str):
        name = os.fsdecode(name)
    if not name.isascii():
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:  # undecodable bytes of a file name (surrogate escapes)
            name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            name = name.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates left
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                        name)


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 30] + f" … ({len(text) - limit + 30} more characters)"


@dataclass(frozen=True)
class Limits:
    """The budget of one input: what it may cost to read, whatever it holds.

    ``max_bytes`` applies to each file, page, JSONL line and WARC record after
    decompression; ``max_inflated`` to everything one compressed file inflates
    to; ``allow_private`` lets links found in fetched content name private hosts.
    """

    max_bytes: int = 10_000_000
    max_inflated: int = MAX_INFLATED_BYTES
    allow_private: bool = False


#: ``Skipped.warning`` of a feed entry ingested from the feed's text because its page was not fetched.
PAGE_NOT_FETCHED = "page_not_fetched"


class SourceError(Exception):
    """A problem with one input that ends its reading with a Skipped."""


def relabel(items: Iterator[RawItem | Skipped], names: dict[str, str]) -> Iterator[RawItem | Skipped]:
    """Items of temporary copies named after what they stand for (an upload's name, a watched feed's URL).

    Applied as the items are read, so the store never sees the temporary name: a run
    killed half-way leaves no document, fact source or skip message naming a deleted file.
    """
    for it in items:
        for temp, name in names.items():
            if it.input == temp or it.input.startswith(temp + " "):
                if isinstance(it, Skipped):
                    it.reason = it.reason.replace(temp, name)
                it.input = display_name(name + it.input[len(temp):])
                break
        yield it


def iter_items(
    inputs: list[str],
    max_bytes: int = 10_000_000,
    follow: bool = False,
    stdin: TextIO | BinaryIO | None = None,
    *,
    max_inflated: int = MAX_INFLATED_BYTES,
    allow_private: bool = False,
) -> Iterator[RawItem | Skipped]:
    """Stream the articles of the inputs, in the order given (folders walked in sorted order).

    ``stdin`` is read as bytes (its ``buffer`` when it is a text stream) and decoded like a file.
    """
    lim = Limits(max_bytes, max_inflated, net.private_hosts_allowed(allow_private))
    for given in inputs:
        try:
            if given == "-":
                yield from _read_stdin(stdin if stdin is not None else sys.stdin, lim)
            elif re.match(r"^[a-z][a-z0-9+.-]*://", given, re.IGNORECASE):
                yield from _read_url(given, lim, follow)
            elif os.path.isdir(given):
                yield from _walk(given, lim, follow)
            else:
                yield from _read_file(given, lim, follow, explicit=True)
        except Exception as exc:  # the last guard: one input never stops the run
            yield Skipped(given, f"unexpected error: {type(exc).__name__}: {exc}")


def _walk(folder: str, lim: Limits, follow: bool) -> Iterator[RawItem | Skipped]:
    def on_error(err: OSError) -> None:
        errors.append(err)

    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            try:
                yield from _read_file(path, lim, follow, explicit=False)
            except Exception as exc:
                yield Skipped(path, f"unexpected error: {type(exc).__name__}: {exc}")
        while errors:
            err = errors.pop(0)
            yield Skipped(err.filename or folder, f"cannot read folder: {err.strerror or err}")
    while errors:
        err = errors.pop(0)
        yield Skipped(err.filename or folder, f"cannot read folder: {err.strerror or err}")


def kind_for_name(name: str) -> str | None:
    """The reader a file name asks for, by its ending (``None``: unknown ending)."""
    low = name.lower()
    for ext in sorted(EXTENSIONS, key=len, reverse=True):
        if low.endswith(ext):
            return EXTENSIONS[ext]
    return None


def _read_file(path: str, lim: Limits, follow: bool, explicit: bool) -> Iterator[RawItem | Skipped]:
    kind = kind_for_name(path)
    if kind is None and not explicit:
        # Inside a folder, files that are not articles (an index, a README, images) are passed over,
        # reported but not counted as failed inputs.
        yield Skipped(path, f"not an article file (unsupported ending {os.path.splitext(path)[1] or 'none'})",
                      ignored=True)
        return
    if not explicit and path.lower().endswith(NAMED_ONLY_EXTENSIONS):
        yield Skipped(path, f"not an article file ({os.path.splitext(path)[1]} is documentation; name it to read it)",
                      ignored=True)
        return
    try:
        fh = open_regular(path)
    except FileNotFoundError:
        yield Skipped(path, "file not found (missing or removed during the run)")
        return
    except SourceError as exc:
        yield Skipped(path, str(exc))
        return
    except OSError as exc:
        yield Skipped(path, f"cannot read file: {exc.strerror or exc}")
        return
    with fh:
        if kind in ("jsonl", "warc"):
            # Streamed record by record: max_bytes applies to each record (after decompression),
            # max_inflated to the whole file.
            try:
                if path.lower().endswith(".gz"):
                    stream: BinaryIO = BoundedInflate(fh, lim)  # type: ignore[assignment]
                else:
                    stream = fh
                if kind == "jsonl":
                    yield from _jsonl_lines(path, stream, lim, follow)
                else:
                    yield from _read_warc(path, stream, lim)
            except SourceError as exc:
                yield Skipped(path, str(exc))
            except (OSError, EOFError) as exc:
                yield Skipped(path, f"cannot read file: {type(exc).__name__}: {exc}")
            return
        size = os.fstat(fh.fileno()).st_size
        if size > lim.max_bytes:
            yield Skipped(path, f"file too large ({size} bytes > limit {lim.max_bytes}, --max-bytes)")
            return
        try:
            data = fh.read(lim.max_bytes + 1)
        except OSError as exc:
            yield Skipped(path, f"cannot read file: {exc.strerror or exc}")
            return
    if not data:
        yield Skipped(path, "empty file")
        return
    if len(data) > lim.max_bytes:
        yield Skipped(path, f"file too large (over limit {lim.max_bytes} bytes, --max-bytes)")
        return
    yield from _items_from_bytes(path, data, kind, lim, follow, meta={})


def open_regular(path: str) -> BinaryIO:
    """Open a regular file for reading; anything else (a FIFO, a device, a socket) is a ``SourceError``.

    Opened without blocking and checked on the open descriptor: a FIFO named ``x.jsonl``
    would block ``open`` itself, and a link to ``/dev/zero`` never ends.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = ("a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                    else "a socket" if stat.S_ISSOCK(mode) else "a folder" if stat.S_ISDIR(mode) else "special")
            raise SourceError(f"not a regular file ({what}); only regular files are read")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class BoundedInflate(io.RawIOBase):
    """A gzip stream that stops (``SourceError``) once it inflates past the file's budget.

    The budget is ``max_inflated`` bytes in all and, past the first ``max_bytes``, at most
    ``MAX_INFLATE_RATIO`` times the compressed bytes read so far: a 200 KB file of zeros that
    inflates to 200 MB is stopped after a few megabytes, not read to the end.
    """

    def __init__(self, raw: BinaryIO, lim: Limits) -> None:
        self.raw = raw
        self.gz = gzip.GzipFile(fileobj=raw, mode="rb")
        self.lim = lim
        self.out = 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.out

    def read(self, size: int = -1) -> bytes:
        want = size if size is not None and size >= 0 else 1 << 20
        # up to the budget only, so whatever came before the limit is still read; one byte more
        # (asked for once the budget is spent) tells whether the file goes on
        room = self.lim.max_inflated - self.out
        data = self.gz.read(min(want, room) if room > 0 else 1)
        self.out += len(data)
        if self.out > self.lim.max_inflated:
            raise SourceError(f"decompression bomb? the file inflates past {self.lim.max_inflated} bytes "
                              "(--max-inflated-bytes); the rest of it is not read")
        if self.out > max(self.lim.max_bytes, 1 << 20):
            packed = max(1, self.raw.tell())
            if self.out > MAX_INFLATE_RATIO * packed:
                raise SourceError(f"decompression bomb: {packed} compressed bytes inflate to more than {self.out} "
                                  f"(over {MAX_INFLATE_RATIO} times); the rest of the file is not read")
        return data

    def readinto(self, b) -> int:  # type: ignore[override]
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


def _items_from_bytes(
    source: str, data: bytes, kind: str | None, lim: Limits, follow: bool, meta: dict[str, Any],
    charset: str | None = None, default_kind: str = "text",
) -> Iterator[RawItem | Skipped]:
    """Decode and dispatch bytes whose format is known from the name, or sniffed."""
    if not data.strip():
        yield Skipped(source, "empty file")
        return
    if looks_binary(data):
        yield Skipped(source, "binary content, not text")
        return
    if kind is None:
        kind = sniff_kind(data) or default_kind
    if kind == "feed":
        yield from _read_feed(source, data, lim, follow)
        return
    if kind == "jsonl":
        yield from _jsonl_lines(source, io.BytesIO(data), lim, follow)
        return
    try:
        text = decode(data, charset)
    except SourceError as exc:
        yield Skipped(source, str(exc))
        return
    if not text.strip():
        yield Skipped(source, "no text")
        return
    if kind == "html":
        yield RawItem(source, "html", text=None, html=text, meta=dict(meta))
        return
    header, _body = parse_header(text)
    item_meta = dict(meta)
    item_meta.update(header)
    if "published" in header:
        item_meta["published"] = parse_date(header["published"])
    yield RawItem(source, "stdin" if default_kind == "stdin" else "text", text=text, html=None, meta=item_meta)


def looks_binary(data: bytes) -> bool:
    """Bytes that are not a text document: a known file signature or NUL bytes."""
    head = data[:8192]
    if any(head.startswith(m) for m in BINARY_MAGIC):
        return True
    if b"\x00" in head:
        # UTF-16 text has NULs too: in every other byte (with or without a byte-order mark).
        return utf16_encoding(data) is None
    return False


def sniff_kind(data: bytes) -> str | None:
    """The format of bytes without a telling name: feed, HTML, JSONL or plain text."""
    head = data[:4096].lstrip()
    if _FEED_SNIFF.search(head):
        return "feed"
    if head.startswith(b"<?xml") and _HTML_SNIFF.search(head) is None:
        return "feed"
    if _HTML_SNIFF.search(head):
        return "html"
    if head.startswith(b"{") and b'"text"' in head:
        return "jsonl"
    return None


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes to text: the declared charset, UTF-8, then charset-normalizer's best guess."""
    utf16 = utf16_encoding(data)
    if utf16 is not None:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            pass
    for enc in ([declared] if declared else []) + ["utf-8-sig"]:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise SourceError("undecodable bytes: no text encoding fits")
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise SourceError(f"undecodable bytes (best guess {best.encoding} fails)") from exc


# ---------------------------------------------------------------------------
# stdin


def _read_stdin(stream: TextIO | BinaryIO, lim: Limits) -> Iterator[RawItem | Skipped]:
    max_bytes = lim.max_bytes
    # Bytes, not the stream's decoded text: piped text is in whatever charset its writer used
    # (Latin-1, Windows-1250 …), and ``decode`` finds it as it does for a file.
    data: bytes | str = getattr(stream, "buffer", stream).read(max_bytes + 1)
    if isinstance(data, str):  # a text stream without bytes under it (StringIO in tests)
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > max_bytes:
        yield Skipped("-", f"standard input too large (over limit {max_bytes} bytes)")
        return
    if not data.strip():
        yield Skipped("-", "empty standard input")
        return
    yield from _items_from_bytes("-", data, None, lim, False, meta={}, default_kind="stdin")


# ---------------------------------------------------------------------------
# JSONL


#: Bytes read at once from a JSONL stream.
_CHUNK = 1 << 20
_BLANK_RUN = re.compile(rb"[ \t\r\n]+")


def iter_lines(fh: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) for each non-blank line of a stream; ``None`` for a line over ``max_bytes``.

    Read in blocks, and runs of blank lines are counted, not looped over: a file of
    five billion newlines costs a count per block, not a call per newline.  An
    over-long line is passed over without being kept.
    """
    n = 0
    pending = bytearray()
    too_long = False
    while True:
        block = fh.read(_CHUNK)
        if not block:
            break
        pos, size = 0, len(block)
        while pos < size:
            if not pending and not too_long:
                # fast path over blank lines: count the newlines of the whitespace run
                run = _BLANK_RUN.match(block, pos)
                if run is not None:
                    last = block.rfind(b"\n", pos, run.end())
                    if last >= 0:
                        n += block.count(b"\n", pos, last + 1)
                        pos = last + 1
                        continue
            nl = block.find(b"\n", pos)
            end = size if nl < 0 else nl + 1
            if not too_long:
                if len(pending) + (end - pos) > max_bytes + 1:
                    too_long = True
                    pending.clear()
                else:
                    pending += block[pos:end]
            pos = end
            if nl >= 0:
                n += 1
                if too_long:
                    yield n, None
                elif pending.strip():
                    yield n, bytes(pending)
                pending.clear()
                too_long = False
    if too_long or pending.strip():
        n += 1
        yield n, None if too_long else bytes(pending)


def _jsonl_lines(source: str, fh: BinaryIO, lim: Limits, follow: bool) -> Iterator[RawItem | Skipped]:
    max_bytes = lim.max_bytes
    any_line = False
    for n, raw in iter_lines(fh, max_bytes):
        any_line = True
        if raw is None or len(raw.rstrip(b"\r\n")) > max_bytes:
            yield Skipped(source, f"line {n}: longer than the limit of {max_bytes} bytes (--max-bytes)")
            continue
        try:
            obj = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            yield Skipped(source, f"line {n}: not UTF-8")
            continue
        except json.JSONDecodeError as exc:
            yield Skipped(source, f"line {n}: not valid JSON ({exc.msg})")
            continue
        except RecursionError:
            yield Skipped(source, f"line {n}: JSON nested too deeply to read")
            continue
        if not isinstance(obj, dict):
            yield Skipped(source, f"line {n}: not a JSON object")
            continue
        text = obj.get("text")
        if not isinstance(text, str) or not text.strip():
            yield Skipped(source, f"line {n}: no 'text' string")
            continue
        meta: dict[str, Any] = {}
        for key in JSONL_META_KEYS:
            value = obj.get(key)
            if isinstance(value, str) and value.strip():
                meta[key] = value.strip()
        if "published" in meta:
            meta["published"] = parse_date(meta["published"])
        yield RawItem(source, "jsonl", text=text, html=None, meta=meta, locator=f"line {n}")
    if not any_line:
        yield Skipped(source, "empty file")


# ---------------------------------------------------------------------------
# Feeds


def safe_feed_bytes(data: bytes) -> bytes:
    """Feed bytes without a DOCTYPE; refuses entity declarations.

    Entity declarations are how XML external entities (reading local files or
    URLs) and entity expansion bombs work.  Feeds never need them, so a feed
    that declares one is refused before feedparser sees it.  The check is a
    hardened XML parser (defusedxml), which reads the feed in whatever encoding
    it declares (a UTF-16 feed hid ``<!ENTITY`` from a byte pattern); a feed too
    malformed for it is also searched as text, since feedparser's lenient parser
    would still read it.
    """
    refused = "feed declares XML entities (possible XXE or entity expansion); refused"
    try:
        fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise SourceError(refused) from exc
    except (ParseError, ValueError, LookupError):
        pass  # malformed: feedparser's lenient parser gets it, after the text check below
    if _ENTITY_DECL.search(data) or _ENTITY_DECL.search(_utf16_as_utf8(data)):
        raise SourceError(refused)
    return _DOCTYPE.sub(b"", data, count=1)


def _utf16_as_utf8(data: bytes) -> bytes:
    """UTF-16 bytes (with or without a byte-order mark) as UTF-8, for byte patterns; other bytes as they are."""
    enc = utf16_encoding(data)
    if enc is None:
        return data
    return data.decode(enc, "replace").encode("utf-8")


def utf16_encoding(data: bytes) -> str | None:
    """"utf-16" (with a BOM), "utf-16-le" or "utf-16-be" (without one, told by where the NULs are), or None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    # Text in a Latin or Cyrillic script has a NUL in almost every other byte, and none in the others.
    if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


@dataclass
class FeedEntry:
    """One entry of a feed: what identifies it (``key``, ``ref``: ``entry_key``), title, link, date, body (HTML)."""

    key: str
    ref: str
    title: str | None = None
    link: str | None = None
    published: datetime | None = None
    body: str = ""


@dataclass
class ParsedFeed:
    """A feed's title, its language (the primary subtag: ``en``) and its entries, in the feed's order."""

    title: str | None
    language: str | None
    entries: list[FeedEntry] = field(default_factory=list)


def entry_key(entry: dict[str, Any]) -> tuple[str, str]:
    """(key, ref): the guid or id if there is one, else the link, else a digest of title and text.

    Publishers edit entries in place; the guid stays, so an edited entry is not
    a new one.  Feeds without guids fall back to the link, then to content.
    """
    for prefix, value in (("id", entry.get("id") or entry.get("guid")), ("link", entry.get("link"))):
        if isinstance(value, str) and value.strip():
            ref = value.strip()
            return hashlib.sha256(f"{prefix}:{ref}".encode()).hexdigest(), ref
    text = (entry.get("title") or "") + "\x1f" + _entry_body(entry)
    digest = hashlib.sha256(("content:" + text).encode("utf-8")).hexdigest()
    return digest, "content:" + digest[:16]


def _entry_body(entry: dict[str, Any]) -> str:
    """The longest ``content`` of an entry, else its summary (HTML as the feed gives it)."""
    body = ""
    if entry.get("content"):
        body = max((c.get("value") or "" for c in entry["content"]), key=len)
    return body or entry.get("summary") or entry.get("description") or ""


def _entry_date(entry: dict[str, Any]) -> datetime | None:
    """The entry's first readable date (published, updated, created), else one its date text names."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            try:
                return datetime(*t[:6])
            except (TypeError, ValueError):
                continue
    for key in ("published", "updated"):
        if entry.get(key):
            day = parse_date(entry[key])
            return datetime(day.year, day.month, day.day) if day else None
    return None


def parse_feed(data: bytes) -> ParsedFeed:
    """The one reading of a feed (``ingest`` of a feed file or URL, and the feed watcher).

    Parsed safely (``safe_feed_bytes``: no DOCTYPE, no entity declarations);
    ``SourceError`` when it is no feed.  feedparser recovers what it can from
    broken XML; what it recovers without text is noise, and a broken feed with
    nothing else is refused.
    """
    parsed = feedparser.parse(safe_feed_bytes(data))
    entries = parsed.get("entries") or []
    feed = parsed.get("feed") or {}
    if not entries and (parsed.get("bozo") or not feed):
        why = parsed.get("bozo_exception")
        raise SourceError(f"malformed feed: {why}" if why else "not a feed (no channel, no entries)")
    if parsed.get("bozo"):
        entries = [e for e in entries if _entry_body(e).strip()]
        if not entries:
            raise SourceError(f"malformed feed: {parsed.get('bozo_exception')}")
    language = (feed.get("language") or "").split("-")[0].lower() or None
    out = ParsedFeed(feed.get("title"), language)
    for e in entries:
        key, ref = entry_key(e)
        out.entries.append(FeedEntry(key, ref, e.get("title"), e.get("link"), _entry_date(e), _entry_body(e)))
    return out


def _read_feed(source: str, data: bytes, lim: Limits, follow: bool) -> Iterator[RawItem | Skipped]:
    try:
        feed = parse_feed(data)
    except SourceError as exc:
        yield Skipped(source, str(exc))
        return
    if not feed.entries:
        yield Skipped(source, "feed has no entries")
        return
    outlet = feed.title
    for i, entry in enumerate(feed.entries, start=1):
        locator = f"entry {i}"
        meta: dict[str, Any] = {
            "url": entry.link,
            "title": entry.title,
            "outlet": outlet,
            "language": feed.language,
            "published": entry.published.date() if entry.published else None,
        }
        meta = {k: v for k, v in meta.items() if v}
        body = entry.body
        if follow and meta.get("url"):
            problem: str | None = None
            try:
                # the link is the feed's, not the operator's: it must name a public host
                content, _ctype, charset = _fetch(meta["url"], lim, untrusted=True)
                html = decode(content, charset)
            except SourceError as exc:
                problem = str(exc)
            if problem is None:
                # A fetched page names its own site (og:site_name); the feed's title stands in
                # only when the page does not.
                page_meta = {k: v for k, v in meta.items() if k != "outlet"}
                if outlet:
                    page_meta["fallback_outlet"] = outlet
                yield RawItem(source, "html", text=None, html=html, meta=page_meta, locator=locator)
                continue
            # said even for a link-only entry (nothing of it goes in): a watcher retries the page later
            told = "ingested from the feed's text" if html_to_text(body).strip() else "the entry has no text of its own"
            yield Skipped(f"{source} {locator}", f"page not fetched ({problem}); {told}",
                          ignored=True, warning=PAGE_NOT_FETCHED)
        text = html_to_text(body)
        if not text.strip():
            yield Skipped(source, f"{locator}: no text")
            continue
        yield RawItem(source, "feed", text=text, html=None, meta=meta, locator=locator)


_BLOCK_TAGS = re.compile(r"(?i)<\s*(?:br|/p|/div|/li|/h[1-6]|/blockquote|/tr|p|div|li|h[1-6])\b[^>]*>")


_TAG = re.compile(r"<([A-Za-z][\w:.-]{0,64})(\s[^<>]*)>")
#: Tags shorter than this cannot hold MAX_TAG_ATTRIBUTES attributes: not looked at further.
_LONG_TAG = 2 * MAX_TAG_ATTRIBUTES


def defuse_html(html: str) -> str:
    """HTML whose tags carry at most ``MAX_TAG_ATTRIBUTES`` attributes (those with more lose them all).

    libxml2, under lxml and trafilatura, checks each attribute of a tag against
    all the earlier ones: a page with 300 000 attributes on one tag took over
    three minutes to parse.  Text is never touched, and no article needs a tag
    that size.  One linear pass over the page.
    """
    if len(html) < _LONG_TAG:
        return html

    def fix(m: re.Match[str]) -> str:
        attrs = m.group(2)
        if len(attrs) < _LONG_TAG:
            return m.group(0)
        if len(attrs) > MAX_TAG_CHARS or len(attrs.split()) > MAX_TAG_ATTRIBUTES:
            return f"<{m.group(1)}>"
        return m.group(0)

    return _TAG.sub(fix, html)


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment (a feed summary), paragraphs kept as lines."""
    if "<" not in fragment:
        return unescape(fragment).strip()
    fragment = defuse_html(fragment)

    marked = _BLOCK_TAGS.sub("\n", fragment)
    try:
        tree = lxml.html.fragment_fromstring(marked, create_parent="div")
    except Exception:  # lxml raises ParserError and friends on junk
        return unescape(re.sub(r"<[^>]*>", " ", fragment)).strip()
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    text = tree.text_content()
    return "\n".join(" ".join(ln.split()) for ln in text.split("\n")).strip()


# ---------------------------------------------------------------------------
# WARC


def _read_warc(path: str, fh: BinaryIO, lim: Limits) -> Iterator[RawItem | Skipped]:
    """HTML response records of a WARC stream (already inflated by ``BoundedInflate`` when gzipped)."""
    max_bytes = lim.max_bytes
    n = 0
    found = 0
    try:
        for record in ArchiveIterator(fh):
            n += 1
            if record.rec_type != "response":
                continue
            headers = record.http_headers
            ctype = headers.get_header("Content-Type", "") if headers else ""
            if "html" not in ctype.lower():
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            locator = f"record {n}"
            content = record.content_stream().read(max_bytes + 1)
            found += 1
            if len(content) > max_bytes:
                yield Skipped(path, f"{locator}: page larger than the limit of {max_bytes} bytes (--max-bytes)")
                continue
            charset = _charset(ctype)
            try:
                html = decode(content, charset)
            except SourceError as exc:
                yield Skipped(path, f"{locator}: {exc}")
                continue
            yield RawItem(path, "warc", text=None, html=html, meta={"url": url} if url else {}, locator=locator)
    except SourceError as exc:
        yield Skipped(path, f"after record {n}: {exc}")
        return
    except Exception as exc:  # warcio raises ArchiveLoadFailed, EOFError, zlib errors…
        what = "not a WARC file" if n == 0 else f"WARC unreadable after record {n}"
        yield Skipped(path, f"{what}: {type(exc).__name__}: {shorten(str(exc), 120)}")
        return
    if found == 0:
        yield Skipped(path, "WARC holds no HTML response records")


def _charset(content_type: str) -> str | None:
    m = re.search(r"charset=[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return m.group(1) if m else None


# ---------------------------------------------------------------------------
# URLs


def _fetch(url: str, lim: Limits, *, untrusted: bool = False) -> tuple[bytes, str, str | None]:
    """GET an http(s) URL with a timeout and a size limit: (body, content type, charset).

    ``untrusted``: the URL was found in fetched content, so it must name a public host
    (checked before anything reaches the host, its robots.txt included).  The fetch is the
    polite one (``ingest.polite``): one client per process, robots.txt and a pause per host,
    for the URL and for every redirect hop.
    """
    if not re.match(r"^https?://", url, re.IGNORECASE):
        raise SourceError(f"only http and https URLs are fetched, not {url.split(':', 1)[0][:20]}")
    try:
        with fetcher(HTTP_HEADERS, HTTP_TIMEOUT_S).open(url, untrusted=untrusted,
                                                         allow_private=lim.allow_private) as resp:
            if resp.status_code >= 400:
                raise SourceError(f"HTTP {resp.status_code} from {url}")
            body = net.read_capped(resp, lim.max_bytes)
            ctype = resp.headers.get("content-type", "")
            return body, ctype, _charset(ctype)
    except net.FetchError as exc:  # a refused address, a robots.txt that forbids, a size or time limit
        raise SourceError(str(exc)) from exc
    except httpx.HTTPError as exc:
        raise SourceError(f"unreachable: {type(exc).__name__}: {exc}") from exc


def _read_url(url: str, lim: Limits, follow: bool) -> Iterator[RawItem | Skipped]:
    try:
        data, ctype, charset = _fetch(url, lim)
    except SourceError as exc:
        yield Skipped(url, str(exc))
        return
    low = ctype.lower()
    kind: str | None = None
    if any(t in low for t in ("rss", "atom", "/xml", "+xml")) and "xhtml" not in low:
        kind = "feed"
    elif "html" in low:
        kind = "html"
    elif "json" in low:
        kind = "jsonl"
    elif low.startswith("text/plain"):
        kind = "text"
    meta = {"url": url}
    for item in _items_from_bytes(url, data, kind, lim, follow, meta=meta, charset=charset, default_kind="html"):
        if isinstance(item, RawItem):
            item.meta.setdefault("url", url)
        yield item
