"""Polling watched feeds and paths on their schedule, ingesting each new entry once.

A watch is a row in ``watches``; its schedule (``next_poll_at``), its HTTP
validators (ETag, Last-Modified), its failure count and the keys of the
entries already ingested (``watch_entries``) all live in the database, so a
watcher killed at any point and started again neither skips nor repeats work:

* the poll of a watch is claimed by moving its ``next_poll_at`` forward first
  (two watchers on one database do not poll the same feed at once);
* entries are marked seen only after ``pipeline.ingest`` returned; a crash in
  between re-offers them, and the store recognises the documents by content
  hash, so nothing is stored twice;
* a failure (network, HTTP status, malformed feed) is recorded on the watch
  and delays its next poll exponentially, capped; the other watches go on.

Remote feeds are fetched here, not by the ingest stage, because only the
watcher knows the validators from the last poll; the new entries are written
to a small RSS file and handed to ``pipeline.ingest`` like any other input.
The fetch itself is the ingest stage's polite one (``ingest.polite``): one
client per process, the host's robots.txt obeyed and a pause between two
requests to one host, for the feed URL and every redirect hop.
"""

from __future__ import annotations

import email.utils
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import httpx

from minewatch.ingest import net
from minewatch.ingest.polite import fetcher
from minewatch.ingest.sources import (  # the one feed reader: ingest of a feed and the watcher read alike
    PAGE_NOT_FETCHED,
    FeedEntry,
    ParsedFeed,
    SourceError,
    kind_for_name,
    parse_feed,
    sniff_kind,
)
from minewatch.store.repository import utcnow  # the store's clock: naive UTC, as the columns hold
from minewatch.store.watching import (
    WatchExists,
    claim_watch,
    create_watch,
    delete_watch,
    due_watch_rows,
    mark_entries_seen,
    next_poll_at,
    page_retries,
    queue_page_retries,
    seen_entry_rows,
    unseen_entry_keys,
    update_page_retry,
    update_watch,
    watch_row,
    watch_rows,
)

#: Units of ``--every`` (a bare number is seconds).
EVERY_UNITS: dict[str, int] = {"s": 1, "m": 60, "h": 3600, "d": 86400}
#: Shortest interval accepted: feeds are other people's servers.
MIN_EVERY_S = 1
#: Longest delay a failing watch is pushed back to (unless its own interval is longer).
MAX_BACKOFF_S = 6 * 3600
#: How long a claimed poll keeps other watchers off the watch (a crash frees it after this).
POLL_LEASE_S = 600
#: Network limits of one feed request (redirects: ``ingest.net.MAX_REDIRECTS``).
HTTP_TIMEOUT_S = 20.0
MAX_FEED_BYTES = 10_000_000
#: ``--follow``: a page that could not be fetched is tried again on later polls, this long after the
#: n-th failure (doubling, capped), at most this many times; the feed's teaser is ingested meanwhile.
PAGE_RETRY_BASE_S = 300
PAGE_RETRY_MAX_S = 6 * 3600
PAGE_RETRY_ATTEMPTS = 5
#: Headers of a feed request besides the shared client's (``ingest.net.HTTP_HEADERS``: the one User-Agent).
HTTP_HEADERS = {
    "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
}
#: HTTP statuses worth retrying sooner than a hard error would suggest; they may carry Retry-After.
RETRY_AFTER_STATUSES = frozenset({429, 503})

_URL = re.compile(r"^https?://", re.IGNORECASE)
_NAME_CLEAN = re.compile(r"[^a-z0-9]+")
_VALID_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class WatchError(Exception):
    """A watch that cannot be added or found; the message says why."""


class PollError(Exception):
    """One failed poll: recorded on the watch, which backs off; ``retry_after`` is the server's wish."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# ---------------------------------------------------------------------------- watches


@dataclass
class Watch:
    name: str
    url: str
    every_seconds: int
    follow: bool = False
    etag: str | None = None
    last_modified: str | None = None
    source_mtime: float | None = None
    next_poll_at: datetime | None = None
    failures: int = 0
    last_error: str | None = None
    last_polled_at: datetime | None = None
    last_success_at: datetime | None = None
    last_result: str | None = None
    created_at: datetime | None = None
    seen_entries: int = 0

    @property
    def is_remote(self) -> bool:
        return bool(_URL.match(self.url))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, datetime):
                d[k] = v.isoformat(timespec="seconds")
        return d


def parse_every(value: str | int) -> int:
    """``15m``, ``2h``, ``1d``, ``90s`` or ``90`` to seconds; intervals are what people type, not seconds."""
    if isinstance(value, int):
        seconds = value
    else:
        m = re.fullmatch(r"\s*(\d+)\s*([smhd]?)\s*", value.lower())
        if not m:
            raise WatchError(f"{value!r} is not an interval: use e.g. 90s, 15m, 2h, 1d")
        seconds = int(m.group(1)) * EVERY_UNITS[m.group(2) or "s"]
    if seconds < MIN_EVERY_S:
        raise WatchError(f"interval too short ({seconds}s): at least {MIN_EVERY_S}s")
    return seconds


def default_name(source: str) -> str:
    """A short readable name from a URL's host and path, or a file's name."""
    if _URL.match(source):
        parts = urlsplit(source)
        base = (parts.hostname or "feed") + "-" + parts.path.strip("/").rsplit("/", 1)[-1]
    else:
        base = Path(source).name or "path"
    base = re.sub(r"\.(xml|rss|atom|txt|jsonl|html?)$", "", base.lower())
    return _NAME_CLEAN.sub("-", base).strip("-")[:60] or "feed"


def _row_to_watch(r: dict[str, Any], seen: int = 0) -> Watch:
    return Watch(**{k: r[k] for k in (
        "name", "url", "every_seconds", "follow", "etag", "last_modified", "source_mtime", "next_poll_at",
        "failures", "last_error", "last_polled_at", "last_success_at", "last_result", "created_at",
    )}, seen_entries=seen)


def add_watch(
    store, source: str, every: str | int = "15m", *, name: str | None = None, follow: bool = False,
    now: datetime | None = None,
) -> Watch:
    """Register a feed URL or local path; its first poll is due at once."""
    source = source.strip()
    if not source:
        raise WatchError("give a feed URL or a path")
    if "://" in source and not _URL.match(source):
        raise WatchError(f"only http and https feeds are polled, not {source.split(':', 1)[0]}")
    if not _URL.match(source):
        path = Path(source).expanduser()
        if not path.exists():
            raise WatchError(f"{source}: no such file or folder")
        source = str(path.resolve())
    seconds = parse_every(every)
    now = now or utcnow()
    if name is not None:
        name = name.strip()
        if not _VALID_NAME.fullmatch(name):
            raise WatchError(f"{name!r} is not a watch name: letters, digits, '.', '_' and '-' (up to 100)")
    try:
        name = create_watch(store, url=source, every_seconds=seconds, follow=follow, now=now, name=name,
                            base_name=default_name(source))
    except WatchExists as exc:
        if exc.what == "name":
            raise WatchError(f"a watch named {exc.value!r} exists already (watch remove {exc.value} first)") from exc
        raise WatchError(f"{source} is watched already") from exc
    return get_watch(store, name)


def get_watch(store, name: str) -> Watch:
    found = watch_row(store, name)
    if found is None:
        raise WatchError(f"no watch named {name!r}")
    return _row_to_watch(*found)


def list_watches(store) -> list[Watch]:
    return [_row_to_watch(r, seen) for r, seen in watch_rows(store)]


def remove_watch(store, name: str) -> bool:
    """Forget a watch, its seen entries and its page retries (documents already ingested stay)."""
    return delete_watch(store, name)


def backoff_seconds(every_seconds: int, failures: int, retry_after: float | None = None) -> int:
    """Delay after ``failures`` consecutive failures: the interval doubled each time, capped."""
    cap = max(every_seconds, MAX_BACKOFF_S)
    delay = min(every_seconds * (2 ** min(failures, 30)), cap)
    if retry_after is not None:
        delay = max(delay, min(int(retry_after), cap))
    return int(delay)


# ---------------------------------------------------------------------------- fetching


@dataclass
class Fetched:
    status: int  # 200 or 304
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""


def fetch_conditional(
    url: str, *, etag: str | None = None, last_modified: str | None = None,
    timeout_s: float = HTTP_TIMEOUT_S, max_bytes: int = MAX_FEED_BYTES, allow_private: bool = False,
) -> Fetched:
    """GET with If-None-Match / If-Modified-Since, a timeout, a total deadline and a size limit,
    through the process's polite fetcher (robots.txt and a pause per host, each redirect hop too)."""
    headers = dict(HTTP_HEADERS)
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + 2 * timeout_s
    try:
        # the watched URL is the operator's and fetched as given; a redirect from a public host
        # to a private one is refused (ingest.net)
        with fetcher(net.HTTP_HEADERS, net.HTTP_TIMEOUT_S).open(
                url, untrusted=False, allow_private=allow_private, headers=headers, timeout_s=timeout_s) as resp:
            if resp.status_code == 304:
                return Fetched(304, etag=resp.headers.get("etag") or etag,
                               last_modified=resp.headers.get("last-modified") or last_modified)
            if resp.status_code >= 400:
                raise PollError(f"HTTP {resp.status_code}", _retry_after(resp.headers.get("retry-after"))
                                if resp.status_code in RETRY_AFTER_STATUSES else None)
            if resp.status_code != 200:
                raise PollError(f"unexpected HTTP {resp.status_code}")
            # a server trickling bytes must not hold the watcher: the deadline counts from the request
            body = net.read_capped(resp, max_bytes, what="feed", deadline_s=max(0.0, deadline - time.monotonic()))
            return Fetched(
                200, body, resp.headers.get("etag"), resp.headers.get("last-modified"),
                resp.headers.get("content-type", ""),
            )
    except net.FetchError as exc:  # a refused address or scheme, robots.txt, a size or time limit
        raise PollError(str(exc)) from exc
    except httpx.TimeoutException as exc:
        raise PollError(f"timed out after {timeout_s:g}s ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise PollError(f"unreachable: {type(exc).__name__}: {exc}") from exc


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


# ---------------------------------------------------------------------------- the entries handed to ingest


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str) -> str:
    """Text safe inside an XML element: escaped, without the characters XML 1.0 forbids."""
    return escape(_XML_INVALID.sub("", text))


def render_rss(feed: ParsedFeed, entries: list[FeedEntry]) -> bytes:
    """A minimal RSS 2.0 document holding only ``entries`` (what ``pipeline.ingest`` reads)."""
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>']
    if feed.title:
        parts.append(f"<title>{_x(feed.title)}</title>")
    if feed.language:
        parts.append(f"<language>{_x(feed.language)}</language>")
    for e in entries:
        parts.append("<item>")
        if e.title:
            parts.append(f"<title>{_x(e.title)}</title>")
        if e.link:
            parts.append(f"<link>{_x(e.link)}</link>")
        parts.append(f'<guid isPermaLink="false">{_x(e.ref)}</guid>')
        if e.published:
            parts.append(f"<pubDate>{email.utils.format_datetime(e.published.replace(tzinfo=UTC))}</pubDate>")
        parts.append(f"<description>{_x(e.body)}</description>")
        parts.append("</item>")
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


# ---------------------------------------------------------------------------- polling


@dataclass
class PollResult:
    watch: str
    outcome: str  # new | nothing_new | not_modified | unchanged | error | busy
    new_entries: int = 0
    ingested: int = 0
    duplicates: int = 0
    skipped: int = 0
    claims: int = 0
    error: str | None = None
    next_poll_at: datetime | None = None
    documents: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["next_poll_at"] = self.next_poll_at.isoformat(timespec="seconds") if self.next_poll_at else None
        return d


@dataclass
class PollOptions:
    timeout_s: float = HTTP_TIMEOUT_S
    max_bytes: int = MAX_FEED_BYTES
    extract: bool = True
    #: Entry links (``--follow``) and redirects may name private hosts (``--allow-private-hosts``).
    allow_private_hosts: bool = False


def _claim(store, watch: Watch, now: datetime) -> bool:
    """Move the watch's next poll past a lease; only the watcher whose update lands polls it."""
    return claim_watch(store, watch.name, now, now + timedelta(seconds=POLL_LEASE_S))


def poll_watch(
    store, watch: Watch, *, now: datetime | None = None, options: PollOptions | None = None, claim: bool = True,
) -> PollResult:
    """Poll one watch and ingest what is new; every failure is recorded, never raised."""
    now = now or utcnow()
    options = options or PollOptions()
    if claim and not _claim(store, watch, now):
        return PollResult(watch.name, "busy")
    updates: dict[str, Any] = {"last_polled_at": now}
    try:
        if watch.is_remote:
            result = _poll_remote(store, watch, options, updates)
        else:
            result = _poll_local(store, watch, options, updates)
    except (PollError, SourceError) as exc:  # SourceError: the feed did not parse
        _drop_validators(updates)
        failures = watch.failures + 1
        delay = backoff_seconds(watch.every_seconds, failures, getattr(exc, "retry_after", None))
        result = PollResult(watch.name, "error", error=str(exc))
        updates.update(failures=failures, last_error=str(exc), last_result=f"error: {exc}")
        updates["next_poll_at"] = now + timedelta(seconds=delay)
    except Exception as exc:  # a bug in a stage must not stop the other watches
        _drop_validators(updates)
        failures = watch.failures + 1
        message = f"{type(exc).__name__}: {exc}"
        result = PollResult(watch.name, "error", error=message)
        updates.update(failures=failures, last_error=message, last_result=f"error: {message}")
        updates["next_poll_at"] = now + timedelta(seconds=backoff_seconds(watch.every_seconds, failures))
    else:
        updates.update(failures=0, last_error=None, last_success_at=now, last_result=_describe(result))
        updates["next_poll_at"] = now + timedelta(seconds=watch.every_seconds)
    if watch.follow:
        try:
            _retry_pages(store, watch, options, now, result)
        except Exception as exc:  # the retry of a page must not fail the poll it rides on
            result.error = result.error or f"page retry: {type(exc).__name__}: {exc}"
    result.next_poll_at = updates["next_poll_at"]
    update_watch(store, watch.name, **updates)
    return result


def _drop_validators(updates: dict[str, Any]) -> None:
    """A failed poll keeps the old validators, so the next one fetches (or reads) everything again."""
    for key in ("etag", "last_modified", "source_mtime"):
        updates.pop(key, None)


def _describe(r: PollResult) -> str:
    if r.outcome in ("not_modified", "unchanged"):
        return r.outcome.replace("_", " ")
    return f"{r.new_entries} new entr{'y' if r.new_entries == 1 else 'ies'}: {r.ingested} ingested, {r.duplicates} duplicates, {r.skipped} skipped"


def _poll_remote(store, watch: Watch, options: PollOptions, updates: dict[str, Any]) -> PollResult:
    fetched = fetch_conditional(
        watch.url, etag=watch.etag, last_modified=watch.last_modified,
        timeout_s=options.timeout_s, max_bytes=options.max_bytes, allow_private=options.allow_private_hosts,
    )
    if fetched.status == 304:
        return PollResult(watch.name, "not_modified")
    feed = parse_feed(fetched.body)
    result = _ingest_entries(store, watch, feed, options)
    # Validators are kept only once the body was handled: a failed run fetches it whole again.
    updates.update(etag=fetched.etag, last_modified=fetched.last_modified)
    return result


def _local_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    files = []
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(Path(dirpath) / n for n in sorted(names) if not n.startswith("."))
    return files


def _poll_local(store, watch: Watch, options: PollOptions, updates: dict[str, Any]) -> PollResult:
    root = Path(watch.url)
    if not root.exists():
        raise PollError(f"{watch.url}: no such file or folder")
    files = _local_files(root)
    try:
        stats = [(str(f), f.stat()) for f in files]
    except OSError as exc:
        raise PollError(f"cannot read {watch.url}: {exc}") from exc
    newest = max((st.st_mtime for _, st in stats), default=0.0)
    # The listing's modification times and sizes: a file copied in with an old mtime changes it too.
    listing = hashlib.sha256(
        "\n".join(f"{p}\x1f{st.st_size}\x1f{st.st_mtime_ns}" for p, st in stats).encode("utf-8", "surrogateescape")
    ).hexdigest()
    if watch.etag == listing:
        return PollResult(watch.name, "unchanged")
    if root.is_file():
        data = _read_limited(root, options.max_bytes)
        if (kind_for_name(root.name) or sniff_kind(data)) == "feed":
            result = _ingest_entries(store, watch, parse_feed(data), options)
            updates.update(source_mtime=newest, etag=listing)  # local paths: the listing is the validator
            return result
    # Plain files (and folders of them): one entry per file content.
    entries: list[tuple[str, str, Path]] = []
    for f in files:
        try:
            digest = hashlib.sha256(_read_limited(f, options.max_bytes)).hexdigest()
        except PollError:
            digest = hashlib.sha256(f"too-large:{f}:{f.stat().st_size}".encode()).hexdigest()
        entries.append((hashlib.sha256(f"file:{digest}".encode()).hexdigest(), str(f), f))
    new = _unseen(store, watch.name, [e[0] for e in entries])
    todo = [e for e in entries if e[0] in new]
    result = PollResult(watch.name, "new" if todo else "nothing_new", new_entries=len(todo))
    if todo:
        summary = _run_ingest(store, [str(p) for _, _, p in todo], watch.follow, options)
        _fill(result, summary)
        _mark_seen(store, watch.name, [(k, ref, Path(ref).name) for k, ref, _ in todo])
    updates.update(source_mtime=newest, etag=listing)
    return result


def _read_limited(path: Path, max_bytes: int) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise PollError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise PollError(f"{path} is larger than the limit of {max_bytes} bytes")
    return data


def _unseen(store, watch_name: str, keys: list[str]) -> set[str]:
    return unseen_entry_keys(store, watch_name, keys)


def _mark_seen(store, watch_name: str, entries: list[tuple[str, str, str | None]]) -> None:
    mark_entries_seen(store, watch_name, entries, utcnow())


def _ingest_entries(store, watch: Watch, feed: ParsedFeed, options: PollOptions) -> PollResult:
    keys: dict[str, FeedEntry] = {}
    for e in feed.entries:
        keys.setdefault(e.key, e)  # a feed repeating a guid offers it once
    new = _unseen(store, watch.name, list(keys))
    todo = [e for k, e in keys.items() if k in new]
    result = PollResult(watch.name, "new" if todo else "nothing_new", new_entries=len(todo))
    if not todo:
        return result
    with tempfile.TemporaryDirectory(prefix="minewatch-watch-") as tmp:
        path = Path(tmp) / "new-entries.xml"  # never built from the name: no path tricks
        path.write_bytes(render_rss(feed, todo))
        # documents are named after the watched feed as they are stored, never after the temporary file
        summary = _run_ingest(store, [str(path)], watch.follow, options, label=watch.url)
    _fill(result, summary)
    _mark_seen(store, watch.name, [(e.key, e.ref, e.title) for e in todo])
    if watch.follow:
        failed = _page_failures(summary, watch.url, len(todo))
        _queue_page_retries(store, watch, feed, [todo[i] for i in sorted(failed)], utcnow())  # timed by _retry_pages
    return result


def _page_failures(summary, path: str, n: int) -> set[int]:
    """Indexes (0-based) of the rendered entries whose page ``--follow`` could not fetch."""
    out: set[int] = set()
    for s in summary.pages_not_fetched:
        if s.get("warning") != PAGE_NOT_FETCHED:
            continue
        m = re.search(r" entry (\d+)$", s.get("input") or "")
        if m and s["input"].startswith(path) and 1 <= int(m.group(1)) <= n:
            out.add(int(m.group(1)) - 1)
    return out


def _queue_page_retries(store, watch: Watch, feed: ParsedFeed, entries: list[FeedEntry], now: datetime) -> None:
    """Keep entries whose page failed pending for a page retry (the teaser stays ingested).

    The retry lives in ``watch_page_retries`` (``store.watching``), so a
    restarted watcher carries on with the same attempts.
    """
    queue_page_retries(store, watch.name, [{
        "entry_key": e.key, "state": "pending", "attempts": 1, "next_attempt_at": None,  # timed by _retry_pages
        "link": e.link, "entry_ref": e.ref, "title": e.title, "body": e.body[:4000], "published": e.published,
        "feed_title": feed.title, "language": feed.language,
    } for e in entries], now)


def pending_pages(store, watch_name: str) -> list[dict[str, Any]]:
    """The page retries of a watch (pending, fetched or given up), with their attempts (for status and tests)."""
    return page_retries(store, watch_name)


def _retry_pages(store, watch: Watch, options: PollOptions, now: datetime, result: PollResult) -> None:
    """Fetch the pages that failed before and are due again; a fetched page becomes its own document."""
    pending = page_retries(store, watch.name, state="pending")
    for p in [p for p in pending if p["next_attempt_at"] is None]:  # queued by this poll: first retry after the base delay
        update_page_retry(store, p["id"], next_attempt_at=now + timedelta(seconds=PAGE_RETRY_BASE_S))
    due = [p for p in pending if p["next_attempt_at"] is not None and p["next_attempt_at"] <= now and p["link"]]
    for p in due:
        entry = FeedEntry(key="", ref=(p["entry_ref"] or "") + "#page", title=p["title"], link=p["link"],
                          published=p["published"], body=p["body"] or "")
        feed = ParsedFeed(p["feed_title"], p["language"], [entry])
        with tempfile.TemporaryDirectory(prefix="minewatch-watch-") as tmp:
            path = Path(tmp) / "page-retry.xml"
            path.write_bytes(render_rss(feed, [entry]))
            summary = _run_ingest(store, [str(path)], True, options, label=watch.url)
        if _page_failures(summary, watch.url, 1):
            attempts = p["attempts"] + 1
            if attempts > PAGE_RETRY_ATTEMPTS:
                update_page_retry(store, p["id"], state="gave_up", attempts=attempts)
            else:
                delay = min(PAGE_RETRY_BASE_S * 2 ** (attempts - 1), PAGE_RETRY_MAX_S)
                update_page_retry(store, p["id"], attempts=attempts, next_attempt_at=now + timedelta(seconds=delay))
        else:
            update_page_retry(store, p["id"], state="fetched")
            result.ingested += summary.ingested
            result.claims += summary.claims
            result.documents.extend(summary.documents)
            if result.outcome in ("not_modified", "unchanged", "nothing_new") and summary.ingested:
                result.outcome = "new"


def _run_ingest(store, inputs: list[str], follow: bool, options: PollOptions, label: str | None = None):
    # lazy: every CLI command imports this module, and the pipeline (story grouping, extraction) takes ~1.4 s
    from minewatch.pipeline import IngestOptions, ingest

    labels = {inputs[0]: label} if label and len(inputs) == 1 else None
    return ingest(store, inputs, IngestOptions(max_bytes=options.max_bytes, follow=follow, extract=options.extract,
                                               allow_private_hosts=options.allow_private_hosts),
                  labels=labels)


def _fill(result: PollResult, summary) -> None:
    result.ingested = summary.ingested
    result.duplicates = summary.duplicates
    result.skipped = len(summary.skipped)
    result.claims = summary.claims
    result.documents = list(summary.documents)


def due_watches(store, now: datetime | None = None) -> list[Watch]:
    return [_row_to_watch(r) for r in due_watch_rows(store, now or utcnow())]


def poll_due(
    store, *, now: datetime | None = None, options: PollOptions | None = None,
    on_result: Callable[[PollResult], None] | None = None,
) -> list[PollResult]:
    """Poll every watch that is due, one after the other; one failing feed never stops the others.

    The remote ones share the process's polite client (``ingest.polite``): TLS set up once per
    host, and two watches on one host wait their turns."""
    now = now or utcnow()
    results: list[PollResult] = []
    for watch in due_watches(store, now):
        r = poll_watch(store, watch, now=now, options=options)
        results.append(r)
        if on_result:
            on_result(r)
    return results


def seconds_until_next_poll(store, now: datetime | None = None) -> float | None:
    now = now or utcnow()
    nxt = next_poll_at(store)
    if nxt is None:
        return None
    return max(0.0, (nxt - now).total_seconds())


def seen_entries(store, watch_name: str) -> Iterator[dict[str, Any]]:
    yield from seen_entry_rows(store, watch_name)
