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
import io
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, TextIO

from minewatch.ingest.meta import parse_date, parse_header

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
#: Network limits for URLs and followed feed links.
HTTP_TIMEOUT_S = 15.0
HTTP_HEADERS = {"User-Agent": "minewatch/0.1 (+treaty monitor; respectful fetcher)"}

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


#: ``Skipped.warning`` of a feed entry ingested from the feed's text because its page was not fetched.
PAGE_NOT_FETCHED = "page_not_fetched"


class SourceError(Exception):
    """A problem with one input that ends its reading with a Skipped."""


def iter_items(
    inputs: list[str],
    max_bytes: int = 10_000_000,
    follow: bool = False,
    stdin: TextIO | BinaryIO | None = None,
) -> Iterator[RawItem | Skipped]:
    """Stream the articles of the inputs, in the order given (folders walked in sorted order).

    ``stdin`` is read as bytes (its ``buffer`` when it is a text stream) and decoded like a file.
    """
    for given in inputs:
        try:
            if given == "-":
                yield from _read_stdin(stdin if stdin is not None else sys.stdin, max_bytes)
            elif re.match(r"^[a-z][a-z0-9+.-]*://", given, re.IGNORECASE):
                yield from _read_url(given, max_bytes, follow)
            elif os.path.isdir(given):
                yield from _walk(given, max_bytes, follow)
            else:
                yield from _read_file(given, max_bytes, follow, explicit=True)
        except Exception as exc:  # the last guard: one input never stops the run
            yield Skipped(given, f"unexpected error: {type(exc).__name__}: {exc}")


def _walk(folder: str, max_bytes: int, follow: bool) -> Iterator[RawItem | Skipped]:
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
                yield from _read_file(path, max_bytes, follow, explicit=False)
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


def _read_file(path: str, max_bytes: int, follow: bool, explicit: bool) -> Iterator[RawItem | Skipped]:
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
        size = os.path.getsize(path)
    except FileNotFoundError:
        yield Skipped(path, "file not found (missing or removed during the run)")
        return
    except OSError as exc:
        yield Skipped(path, f"cannot read file: {exc.strerror or exc}")
        return
    if kind in ("jsonl", "warc"):
        # Streamed record by record: max_bytes applies to each record, not the archive.
        reader = _read_jsonl if kind == "jsonl" else _read_warc
        try:
            yield from reader(path, max_bytes, follow)
        except FileNotFoundError:
            yield Skipped(path, "file not found (missing or removed during the run)")
        except (OSError, EOFError) as exc:
            yield Skipped(path, f"cannot read file: {exc}")
        return
    if size == 0:
        yield Skipped(path, "empty file")
        return
    if size > max_bytes:
        yield Skipped(path, f"file too large ({size} bytes > limit {max_bytes})")
        return
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        yield Skipped(path, "file not found (missing or removed during the run)")
        return
    except OSError as exc:
        yield Skipped(path, f"cannot read file: {exc.strerror or exc}")
        return
    if len(data) > max_bytes:
        yield Skipped(path, f"file too large (over limit {max_bytes} bytes)")
        return
    yield from _items_from_bytes(path, data, kind, max_bytes, follow, meta={})


def _items_from_bytes(
    source: str, data: bytes, kind: str | None, max_bytes: int, follow: bool, meta: dict[str, Any],
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
        yield from _read_feed(source, data, max_bytes, follow)
        return
    if kind == "jsonl":
        yield from _jsonl_lines(source, io.BytesIO(data), max_bytes, follow)
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
        # UTF-16 text has NULs too; it announces itself with a byte-order mark.
        return not head.startswith((b"\xff\xfe", b"\xfe\xff"))
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
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for enc in ([declared] if declared else []) + ["utf-8-sig"]:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise SourceError("undecodable bytes: no text encoding fits")
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise SourceError(f"undecodable bytes (best guess {best.encoding} fails)") from exc


# ---------------------------------------------------------------------------
# stdin


def _read_stdin(stream: TextIO | BinaryIO, max_bytes: int) -> Iterator[RawItem | Skipped]:
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
    yield from _items_from_bytes("-", data, None, max_bytes, False, meta={}, default_kind="stdin")


# ---------------------------------------------------------------------------
# JSONL


def _read_jsonl(path: str, max_bytes: int, follow: bool) -> Iterator[RawItem | Skipped]:
    opener = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:  # type: ignore[operator]
        yield from _jsonl_lines(path, fh, max_bytes, follow)


def _jsonl_lines(source: str, fh: BinaryIO, max_bytes: int, follow: bool) -> Iterator[RawItem | Skipped]:
    n = 0
    any_line = False
    while True:
        raw = fh.readline(max_bytes + 1)
        if not raw:
            break
        n += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            # Skip the rest of the over-long line.
            while raw and not raw.endswith(b"\n"):
                raw = fh.readline(1 << 20)
            yield Skipped(source, f"line {n}: longer than the limit of {max_bytes} bytes")
            continue
        if not raw.strip():
            continue
        any_line = True
        try:
            obj = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            yield Skipped(source, f"line {n}: not UTF-8")
            continue
        except json.JSONDecodeError as exc:
            yield Skipped(source, f"line {n}: not valid JSON ({exc.msg})")
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
    that declares one is refused before any XML parser sees it.
    """
    if _ENTITY_DECL.search(data):
        raise SourceError("feed declares XML entities (possible XXE or entity expansion); refused")
    return _DOCTYPE.sub(b"", data, count=1)


def _read_feed(source: str, data: bytes, max_bytes: int, follow: bool) -> Iterator[RawItem | Skipped]:
    import feedparser

    try:
        data = safe_feed_bytes(data)
    except SourceError as exc:
        yield Skipped(source, str(exc))
        return
    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        why = parsed.get("bozo_exception")
        yield Skipped(source, f"not a readable feed or no entries ({why})" if why else "feed has no entries")
        return
    feed = parsed.get("feed") or {}
    outlet = feed.get("title")
    language = (feed.get("language") or "").split("-")[0].lower() or None
    for i, entry in enumerate(entries, start=1):
        locator = f"entry {i}"
        meta: dict[str, Any] = {
            "url": entry.get("link"),
            "title": entry.get("title"),
            "outlet": outlet,
            "language": language,
            "published": _feed_date(entry),
        }
        meta = {k: v for k, v in meta.items() if v}
        body = ""
        if entry.get("content"):
            body = max((c.get("value") or "" for c in entry["content"]), key=len)
        if not body:
            body = entry.get("summary") or entry.get("description") or ""
        if follow and meta.get("url"):
            problem: str | None = None
            try:
                content, _ctype, charset = _fetch(meta["url"], max_bytes)
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
            if html_to_text(body).strip():
                yield Skipped(f"{source} {locator}", f"page not fetched ({problem}); ingested from the feed's text",
                              ignored=True, warning=PAGE_NOT_FETCHED)
        text = html_to_text(body)
        if not text.strip():
            yield Skipped(source, f"{locator}: no text")
            continue
        yield RawItem(source, "feed", text=text, html=None, meta=meta, locator=locator)


def _feed_date(entry: Any) -> Any:
    from datetime import date

    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            try:
                return date(t.tm_year, t.tm_mon, t.tm_mday)
            except ValueError:
                continue
    for key in ("published", "updated"):
        if entry.get(key):
            return parse_date(entry[key])
    return None


_BLOCK_TAGS = re.compile(r"(?i)<\s*(?:br|/p|/div|/li|/h[1-6]|/blockquote|/tr|p|div|li|h[1-6])\b[^>]*>")


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment (a feed summary), paragraphs kept as lines."""
    if "<" not in fragment:
        import html as _html

        return _html.unescape(fragment).strip()
    import lxml.html

    marked = _BLOCK_TAGS.sub("\n", fragment)
    try:
        tree = lxml.html.fragment_fromstring(marked, create_parent="div")
    except Exception:  # lxml raises ParserError and friends on junk
        import html as _html

        return _html.unescape(re.sub(r"<[^>]*>", " ", fragment)).strip()
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    text = tree.text_content()
    return "\n".join(" ".join(ln.split()) for ln in text.split("\n")).strip()


# ---------------------------------------------------------------------------
# WARC


def _read_warc(path: str, max_bytes: int, follow: bool) -> Iterator[RawItem | Skipped]:
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
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
                    yield Skipped(path, f"{locator}: page larger than the limit of {max_bytes} bytes")
                    continue
                charset = _charset(ctype)
                try:
                    html = decode(content, charset)
                except SourceError as exc:
                    yield Skipped(path, f"{locator}: {exc}")
                    continue
                yield RawItem(path, "warc", text=None, html=html, meta={"url": url} if url else {}, locator=locator)
        except Exception as exc:  # warcio raises ArchiveLoadFailed, EOFError, zlib errors…
            yield Skipped(path, f"WARC unreadable after record {n}: {type(exc).__name__}: {exc}")
            return
        if found == 0:
            yield Skipped(path, "WARC holds no HTML response records")


def _charset(content_type: str) -> str | None:
    m = re.search(r"charset=[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return m.group(1) if m else None


# ---------------------------------------------------------------------------
# URLs


def _fetch(url: str, max_bytes: int) -> tuple[bytes, str, str | None]:
    """GET an http(s) URL with a timeout and a size limit: (body, content type, charset)."""
    import httpx

    from minewatch.ingest.polite import Disallowed, fetcher

    if not re.match(r"^https?://", url, re.IGNORECASE):
        raise SourceError(f"only http and https URLs are fetched, not {url.split(':', 1)[0]}")
    try:
        polite = fetcher(HTTP_HEADERS, HTTP_TIMEOUT_S)  # one client per process, robots.txt, a pause per host
        try:
            polite.check(url)
        except Disallowed as exc:
            raise SourceError(str(exc)) from exc
        with polite.client.stream("GET", url) as resp:  # the client stays open for the next URL
            if resp.status_code >= 400:
                raise SourceError(f"HTTP {resp.status_code} from {url}")
            final = str(resp.url)
            if not re.match(r"^https?://", final, re.IGNORECASE):
                raise SourceError(f"redirected to a non-http URL ({final})")
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise SourceError(f"page too large ({declared} bytes > limit {max_bytes})")
            chunks: list[bytes] = []
            total = 0
            for chunk in resp.iter_bytes():
                total += len(chunk)
                if total > max_bytes:
                    raise SourceError(f"page too large (over limit {max_bytes} bytes)")
                chunks.append(chunk)
            ctype = resp.headers.get("content-type", "")
            return b"".join(chunks), ctype, _charset(ctype)
    except httpx.HTTPError as exc:
        raise SourceError(f"unreachable: {type(exc).__name__}: {exc}") from exc


def _read_url(url: str, max_bytes: int, follow: bool) -> Iterator[RawItem | Skipped]:
    try:
        data, ctype, charset = _fetch(url, max_bytes)
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
    for item in _items_from_bytes(url, data, kind, max_bytes, follow, meta=meta, charset=charset, default_kind="html"):
        if isinstance(item, RawItem):
            item.meta.setdefault("url", url)
        yield item
