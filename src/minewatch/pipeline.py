"""The main job: sources → documents → stories → claims → store → reconciliation.

This module only connects the stages; each stage stays a plain function.  The
single-process command and the distributed path call the same functions.

Order of writes is what makes a killed run safe to repeat: each document is
written with its story link and claims in one transaction per batch of
documents (a batch is all or nothing), duplicates are
recognised by content hash, story grouping is rebuilt from the stored
signatures in ingestion order, and reconciliation works from the documents
still marked unreconciled — so a second run finishes exactly what the first
one left.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from minewatch.extract import Extractor
from minewatch.extract.multilingual import extract_multilingual, supports
from minewatch.ingest.batch import prepare_stream
from minewatch.ingest.sources import Skipped, iter_items, relabel
from minewatch.model import Document, merged_story
from minewatch.prefilter import is_relevant_document
from minewatch.store.reconciling import reconcile_pending as run
from minewatch.store.repository import DocumentWrite
from minewatch.stories import DEFAULT_WINDOW, Signature, StoryGrouper, document_keys
from minewatch.text.language import is_english as _is_english_tag


@dataclass
class IngestOptions:
    max_bytes: int = 10_000_000
    follow: bool = False
    #: Decompressed bytes one ``.gz`` file may inflate to (``--max-inflated-bytes``).
    max_inflated: int = 2_000_000_000
    #: Links found in fetched content may name private hosts (``--allow-private-hosts``).
    allow_private_hosts: bool = False
    extract: bool = True
    n_process: int = 1
    batch_size: int = 64
    #: Documents the story grouper keeps comparable (``stories.DEFAULT_WINDOW`` when None).
    story_window: int | None = None


@dataclass
class IngestSummary:
    ingested: int = 0
    duplicates: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)
    ignored: list[dict[str, str]] = field(default_factory=list)
    #: Feed entries ingested from the feed's own text because ``--follow`` could not fetch their page.
    pages_not_fetched: list[dict[str, str]] = field(default_factory=list)
    claims: int = 0
    extraction_errors: list[dict[str, str]] = field(default_factory=list)
    not_english: int = 0
    #: Relevant documents left without claims because their language has no rules: language → count.
    not_extracted_language: dict[str, int] = field(default_factory=dict)
    documents: list[str] = field(default_factory=list)
    reconciled: dict[str, int] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.skipped else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "ingested": self.ingested,
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "ignored": self.ignored,
            "pages_not_fetched": self.pages_not_fetched,
            "claims": self.claims,
            "extraction_errors": self.extraction_errors,
            "not_english": self.not_english,
            "not_extracted_language": self.not_extracted_language,
            "documents": self.documents,
            "reconciled": self.reconciled,
        }


def is_english(doc: Document) -> bool:
    """Whether the extractor reads this document (the rule is ``text.language.is_english``)."""
    return _is_english_tag(doc.language)


def is_extractable(doc: Document) -> bool:
    """English, or a language with rules (``extract/rules/<lang>/``): its claims are extracted."""
    return extractable_language(doc.language)


def extractable_language(language: str | None) -> bool:
    """Whether documents in this language (a tag, or None when unknown) get claims."""
    return _is_english_tag(language) or supports(language)


_EXTRACTOR = None


def get_extractor():
    """One spaCy pipeline per process: loading it costs more than extracting an article."""
    global _EXTRACTOR
    if _EXTRACTOR is None:
        _EXTRACTOR = Extractor()
    return _EXTRACTOR


def extract_batch(docs: Sequence[Document], n_process: int = 1) -> list[tuple[Document, list, str | None]]:
    """Claims for each document in a language with rules; a failing document carries its error, the others go on.

    English goes through the spaCy extractor; the other languages with
    rules through the multilingual one (pure Python, run in this process).
    """
    results: dict[str, tuple[list, str | None]] = {}
    english = [d for d in docs if is_english(d)]
    if english:
        for doc, out in get_extractor().extract_many(english, n_process=n_process):
            if isinstance(out, Exception):
                results[doc.id] = ([], f"{type(out).__name__}: {out}")
            else:
                results[doc.id] = (out, None)
    for doc in docs:
        if not is_english(doc) and supports(doc.language):
            try:
                results[doc.id] = (extract_multilingual(doc), None)
            except Exception as exc:  # noqa: BLE001 - one bad document must not stop the batch
                results[doc.id] = ([], f"{type(exc).__name__}: {exc}")
    return [(d, *results.get(d.id, ([], None))) for d in docs]


@dataclass
class Screened:
    """One prepared article with the prefilter's decision and, once run, its extraction.

    This is what crosses from the parallel stages (prepare, screen, extract:
    pure functions of one article) to the sequential one (duplicates, story
    grouping, writes), in the single-process path and on Ray alike.
    """

    document: Document
    signature: bytes
    label: str
    relevant: bool
    extracted: bool = False
    claims: list = field(default_factory=list)
    error: str | None = None
    #: Position in the input (the Ray engine's; see ``DocumentWrite.arrival``).
    arrival: int | None = None


def screen_stage(prepared) -> Screened:
    """The relevance prefilter on a prepared article (``ingest.batch.Prepared``)."""
    doc = prepared.document
    label = prepared.item.input + (f" ({prepared.item.locator})" if prepared.item.locator else "")
    return Screened(doc, prepared.signature, label, is_relevant_document(doc))


def extract_stage(batch: Sequence[Screened], n_process: int = 1) -> list[Screened]:
    """Claims for the relevant articles not yet extracted; the others pass unchanged."""
    todo = [s for s in batch if s.relevant and not s.extracted]
    for s, (_, claims, error) in zip(todo, extract_batch([s.document for s in todo], n_process), strict=True):
        s.claims, s.error, s.extracted = claims, error, is_extractable(s.document)
    return list(batch)


def ingest(
    store,
    inputs: Sequence[str],
    options: IngestOptions | None = None,
    *,
    stdin=None,
    on_progress: Callable[[str, int], None] | None = None,
    labels: dict[str, str] | None = None,
) -> IngestSummary:
    """Read every input, store new documents with their stories and claims, then reconcile.

    ``labels`` names inputs that are temporary copies (a watched feed's new entries) after
    what they stand for; documents are stored under that name from the start.
    """
    options = options or IngestOptions()
    items = iter_items(list(inputs), max_bytes=options.max_bytes, follow=options.follow, stdin=stdin,
                       max_inflated=options.max_inflated, allow_private=options.allow_private_hosts)
    if labels:
        items = relabel(items, labels)
    screened = (p if isinstance(p, Skipped) else screen_stage(p) for p in prepare_stream(items))
    return ingest_screened(store, screened, options, on_progress=on_progress)


def ingest_screened(
    store,
    stream: Iterable,
    options: IngestOptions | None = None,
    *,
    on_progress: Callable[[str, int], None] | None = None,
) -> IngestSummary:
    """The sequential part of a run, over screened articles in input order.

    Duplicates, story grouping and writes depend on everything before them,
    so both engines feed this one function in the same (input, locator)
    order; articles not extracted yet are extracted here in batches.
    """
    options = options or IngestOptions()
    summary = IngestSummary()
    grouper = load_grouper(store, window=options.story_window)
    seen_hashes: set[str] = set()
    batch: list[Screened] = []

    def flush() -> None:
        if not batch:
            return
        # A later document may have merged the stories of earlier ones: follow it, stored ones first.
        # A document that already left a small window is forgotten by the grouper: its merges tell.
        merges = grouper.pop_merges()
        store.apply_story_merges(merges)
        for s in batch:
            s.document.story_id = grouper.story_of(s.document.id) or merged_story(merges, s.document.story_id)
        if options.extract:
            extract_stage(batch, options.n_process)
        write_stage(store, batch, summary)
        batch.clear()

    def handle(s, stored: set[str]) -> None:
        if isinstance(s, Skipped):
            report_skipped(summary, s)
            if on_progress:
                on_progress(s.input, 0)
            return
        doc = s.document
        if doc.content_hash in seen_hashes or doc.content_hash in stored:
            summary.duplicates += 1
            if on_progress:
                on_progress(s.label, 1)
            return
        seen_hashes.add(doc.content_hash)
        if not is_english(doc):
            summary.not_english += 1
            if s.relevant and options.extract and not is_extractable(doc):
                lang = doc.language or "unknown"
                summary.not_extracted_language[lang] = summary.not_extracted_language.get(lang, 0) + 1
        doc.story_id = grouper.add_signature(doc.id, s.signature, doc.published, doc.via)
        if not options.extract:
            s.claims, s.error, s.extracted = [], None, False
        batch.append(s)
        if len(batch) >= options.batch_size:
            flush()
        if on_progress:
            on_progress(s.label, 1)

    # Which texts are stored already is asked once per chunk, not once per article (a round trip each).
    chunk: list = []
    for s in stream:
        chunk.append(s)
        if len(chunk) >= max(1, options.batch_size):
            stored = store.existing_hashes([x.document.content_hash for x in chunk if not isinstance(x, Skipped)])
            for x in chunk:
                handle(x, stored)
            chunk.clear()
    if chunk:
        stored = store.existing_hashes([x.document.content_hash for x in chunk if not isinstance(x, Skipped)])
        for x in chunk:
            handle(x, stored)
    flush()
    summary.reconciled = reconcile_pending(store)
    return summary


def report_skipped(summary: IngestSummary, s: Skipped) -> None:
    """An input not stored, in the summary's list for its kind: skipped (an error), ignored (not an
    article) or a feed entry whose page could not be fetched (stored with the feed's text)."""
    row = {"input": s.input, "reason": s.reason}
    if getattr(s, "warning", None):
        row["warning"] = s.warning  # page_not_fetched: the entry went in with the feed's text
        summary.pages_not_fetched.append(row)  # the watcher retries that page later
    else:
        (summary.ignored if s.ignored else summary.skipped).append(row)


def write_stage(store, batch: Sequence[Screened], summary: IngestSummary, *, run: str | None = None) -> None:
    """One transaction for the whole batch; an irrelevant article is kept without its original (HTML) and unparsed.

    The batch is atomic (a killed run leaves none of it or all of it) and
    content hashes are checked inside it, so a repeated batch adds nothing.
    ``run`` is a Ray run's id: its workers write at once (``Store.add_documents``).
    """
    items = []
    keyed = store.indexes_stories
    for s in batch:
        if not s.relevant:
            s.document.original = ""
        items.append(
            DocumentWrite(
                s.document,
                minhash=s.signature,
                claims=s.claims,
                extraction_error=s.error,
                extracted=s.extracted,
                relevant=s.relevant,
                arrival=s.arrival,
                story_keys=document_keys(s.signature, s.document.via) if keyed else (),
            )
        )
    for s, written in zip(batch, store.add_documents(items, run=run), strict=True):
        doc = s.document
        if written:
            summary.ingested += 1
            summary.claims += len(s.claims)
            summary.documents.append(doc.id)
            if s.error:
                summary.extraction_errors.append({"document": doc.id, "input": doc.path or "", "error": s.error})
        else:
            summary.duplicates += 1


def load_grouper(store, window: int | None = None):
    """The story grouper as the last run left it, restored from what can still matter.

    A grouper compares a new document only with the last ``window`` documents of a usable
    signature, so only those are read back (newest first, then replayed in arrival order), not
    every stored signature: the restart costs the same on a store of a thousand documents or of
    a million.  The state they give is the one a replay of every stored signature would give:

    * the window: the same documents, replayed in the same order, so the LSH and anchor indexes
      hold the same documents in the same order (a signature of an old format never entered the
      window and is not read; a document without a signature was never placed);
    * the order of stories, which picks the surviving id when a new document links two (the
      oldest wins): by the arrival of each story's first document over the whole store, asked
      of the store for the window's stories (``Store.story_first_arrivals``); new stories rank
      after all of them;
    * documents older than the window are left out: no new document can be compared with them,
      and a merge moves them in the store by story id (``Store.apply_story_merges``).
    """
    grouper = StoryGrouper(DEFAULT_WINDOW if window is None else window)
    recent: list[tuple[dict[str, Any], Signature]] = []  # newest first
    before = None
    page = grouper.window
    while len(recent) < grouper.window:
        rows = store.recent_story_signatures(max(page, grouper.window - len(recent)), before=before,
                                             prefix=Signature._MAGIC)
        for row in rows:
            try:
                sig = Signature.from_bytes(bytes(row["minhash"]))
            except ValueError:
                continue  # placed by a replay, never compared: not needed
            recent.append((row, sig))
            if len(recent) == grouper.window:
                break
        if len(rows) < page or not rows:
            break
        before = (rows[-1]["ingested_at"], rows[-1]["id"])
        page *= 2  # signatures that could not be read: look further back, in ever larger pages
    arrivals = store.story_first_arrivals([row["story_id"] for row, _ in recent if row["story_id"]])
    grouper.preset_story_order(sorted(arrivals, key=arrivals.__getitem__))
    for row, sig in reversed(recent):
        grouper.add_signature(row["id"], sig, row["published"], row["via"] or (), story_id=row["story_id"])
    return grouper


def reextract(
    store, document_ids: Iterable[str], n_process: int = 1, *, rescreen: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Run the current prefilter and rules again on stored documents; reviews stay attached by claim id.

    With ``rescreen`` (what ``minewatch extract --all`` does) each document
    is screened again first and ``documents.relevant`` updated: a widened
    term list lets old articles through, and a document the screen now
    stops loses its claims (an irrelevant document has none).
    """
    ids = list(document_ids)
    counts = {"documents": 0, "claims": 0, "errors": 0, "relevant": 0, "irrelevant": 0, "relevance_changed": 0}
    for start in range(0, len(ids), 64):
        docs = store.load_documents(ids[start : start + 64])
        if rescreen:
            relevance = {d.id: is_relevant_document(d) for d in docs}
            counts["relevance_changed"] += store.set_relevance(relevance)
            for d in docs:
                if not relevance[d.id]:
                    store.replace_claims(d.id, [], None)
                    counts["documents"] += 1
                    counts["irrelevant"] += 1
                    if on_progress:
                        on_progress(counts["documents"], len(ids))
            docs = [d for d in docs if relevance[d.id]]
            counts["relevant"] += len(docs)
        for doc, claims, error in extract_batch(docs, n_process):
            store.replace_claims(doc.id, claims if is_extractable(doc) else [], error)
            counts["documents"] += 1
            counts["claims"] += len(claims)
            counts["errors"] += 1 if error else 0
            if on_progress:
                on_progress(counts["documents"], len(ids))
    reconciled = reconcile_pending(store)
    counts.update({k: v for k, v in reconciled.items() if k != "documents"})
    counts["reconciled_documents"] = reconciled.get("documents", 0)
    return counts


def reconcile_pending(store) -> dict[str, int]:
    """Rebuild facts and conflicts for what changed since the last reconciliation."""
    return run(store)


def format_exception(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()
