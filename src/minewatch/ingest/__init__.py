"""Ingest: inputs to ``Document`` values (clean text, metadata, language).

``iter_items`` streams raw articles out of files, folders, feeds, JSONL, WARC,
URLs and stdin; ``prepare`` turns one into a ``minewatch.model.Document``.
Both are pure (no database): the store and the CLI sit around them.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from minewatch.ingest.clean import clean_text, staff_bylines
from minewatch.ingest.language import detect_language
from minewatch.ingest.meta import (
    agency_for_host,
    canonical_url,
    dateline_date,
    detect_agencies,
    detect_unlisted_agencies,
    outlet_from_url,
    outlet_name,
    parse_date,
    parse_header,
    url_host,
)
from minewatch.ingest.sources import RawItem, Skipped, defuse_html, html_to_text, iter_items
from minewatch.model import Document
from minewatch.text.language import normalise_language

__all__ = [
    "RawItem",
    "Skipped",
    "clean_text",
    "detect_agencies",
    "detect_language",
    "extract_html",
    "iter_items",
    "prepare",
]

#: Longest first line that is taken as the title of a plain-text article.
MAX_TITLE_CHARS = 200


def extract_html(html: str, url: str | None = None) -> dict[str, Any]:
    """Main text and page metadata of an HTML page (trafilatura, htmldate for the date).

    Returns a dict with ``text``, ``title``, ``published``, ``outlet``, ``url``,
    ``language``; missing values are None.  Malformed HTML gives an empty text
    rather than an exception.
    """
    import trafilatura  # lazy: ~0.2 s to import, needed only for HTML pages

    html = defuse_html(html)
    out: dict[str, Any] = {"text": "", "title": None, "published": None, "outlet": None, "url": url, "language": None}
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True
        )
        if doc is not None and not isinstance(doc, dict):
            doc = doc.as_dict()
    except Exception:  # trafilatura/lxml raise on pathological markup
        doc = None
    if isinstance(doc, dict):
        out["text"] = doc.get("text") or ""
        out["title"] = doc.get("title") or None
        out["published"] = parse_date(doc.get("date"))
        out["outlet"] = doc.get("sitename") or None
        out["url"] = url or doc.get("url") or None
        out["language"] = doc.get("language") or None
    if not out["text"]:
        try:
            out["text"] = html_to_text(html)
        except Exception:
            out["text"] = ""
    return out


def _title_from_text(text: str) -> str | None:
    first = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    if first and len(first) <= MAX_TITLE_CHARS and not first.endswith((".", ":", ",", ";")):
        return first
    return None


def _names_only_host(outlet: str | None, url: str | None) -> bool:
    """Whether an outlet is missing or just the URL's host (trafilatura keeps a port: ``host:8080``)."""
    if not outlet:
        return True

    try:
        netloc = (urlsplit(url).netloc or "").lower() if url else ""
    except ValueError:
        netloc = ""
    names = {outlet_from_url(url), netloc, netloc.removeprefix("www.")}
    return outlet.strip().lower() in {n for n in names if n}


def prepare(item: RawItem) -> Document:
    """One raw article to a Document: cleaned text, metadata, language, wire credits.

    Metadata precedence: what the input states (header block, JSONL fields,
    feed) over what the page says about itself (HTML metadata) over what the
    text implies (a dateline with a year; the URL's host as outlet).  A page
    fetched for a feed entry names its own outlet; the feed's title
    (``fallback_outlet``) stands in only when the page names none.
    """
    meta = dict(item.meta)
    original: str
    if item.html is not None:
        original = item.html
        page = extract_html(item.html, meta.get("url"))
        body = page["text"]
        for key in ("title", "published", "outlet", "url"):
            if not meta.get(key) and page.get(key):
                meta[key] = page[key]
        # The extractor falls back to the host name for a page that names no site; a feed's
        # title (``fallback_outlet``) says more than that.
        if meta.get("fallback_outlet") and _names_only_host(meta.get("outlet"), meta.get("url")):
            meta["outlet"] = meta["fallback_outlet"]
    else:
        original = item.text or ""
        header, body = parse_header(original)
        for key, value in header.items():
            meta.setdefault(key, value)

    text = clean_text(body)
    published = meta.get("published")
    if not isinstance(published, date):
        published = parse_date(published)
    if published is None:
        published = dateline_date(text)

    # The URL as given stays in the raw input (``original``'s header, ``path`` for a fetched page);
    # the document keeps one spelling of it, so copies reached by different links match.
    url = canonical_url(meta.get("url"))
    outlet = outlet_name(meta.get("outlet") or meta.get("fallback_outlet")) or outlet_from_url(url)
    language = normalise_language(meta.get("language")) or detect_language(text)
    title = meta.get("title") or _title_from_text(text)

    via = detect_agencies(text)
    # A byline naming no person ("By AFP staff") is cleaned away but still credits its agency.
    for line in staff_bylines(body):
        via.extend(a for a in detect_agencies(line) if a not in via)
    via.extend(detect_unlisted_agencies(text, via))
    own = agency_for_host(url_host(url))
    if own and own not in via:
        via.append(own)

    return Document(
        text=text,
        original=original,
        path=item.input,
        url=url,
        title=title,
        outlet=outlet,
        published=published,
        language=language,
        via=via,
        source_kind=item.kind,
    )
