"""The main job: sources → documents → stories → claims → store → reconciliation.

This module only connects the stages; each stage stays a plain function.  The
single-process command and the distributed path call the same functions.

Order of writes is what makes a killed run safe to repeat: each document is
written with its story link and claims in one transaction, duplicates are
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

from minewatch.model import Document

ENGLISH = {"en", None}


@dataclass
class IngestOptions:
    max_bytes: int = 10_000_000
    follow: bool = False
    extract: bool = True
    n_process: int = 1
    batch_size: int = 64


@dataclass
class IngestSummary:
    ingested: int = 0
    duplicates: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)
    claims: int = 0
    extraction_errors: list[dict[str, str]] = field(default_factory=list)
    not_english: int = 0
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
            "claims": self.claims,
            "extraction_errors": self.extraction_errors,
            "not_english": self.not_english,
            "documents": self.documents,
            "reconciled": self.reconciled,
        }


def is_english(doc: Document) -> bool:
    return doc.language in ENGLISH


_EXTRACTOR = None


def get_extractor():
    """One spaCy pipeline per process: loading it costs more than extracting an article."""
    global _EXTRACTOR
    if _EXTRACTOR is None:
        from minewatch.extract import Extractor

        _EXTRACTOR = Extractor()
    return _EXTRACTOR


def extract_batch(docs: Sequence[Document], n_process: int = 1) -> list[tuple[Document, list, str | None]]:
    """Claims for each English document; a failing document carries its error, the others go on."""
    results: dict[str, tuple[list, str | None]] = {}
    english = [d for d in docs if is_english(d)]
    if english:
        for doc, out in get_extractor().extract_many(english, n_process=n_process):
            if isinstance(out, Exception):
                results[doc.id] = ([], f"{type(out).__name__}: {out}")
            else:
                results[doc.id] = (out, None)
    return [(d, *results.get(d.id, ([], None))) for d in docs]


def ingest(
    store,
    inputs: Sequence[str],
    options: IngestOptions | None = None,
    *,
    stdin=None,
    on_progress: Callable[[str, int], None] | None = None,
) -> IngestSummary:
    """Read every input, store new documents with their stories and claims, then reconcile."""
    from minewatch.ingest import prepare
    from minewatch.ingest.sources import Skipped, iter_items
    from minewatch.stories import signature

    options = options or IngestOptions()
    summary = IngestSummary()
    grouper = load_grouper(store)
    seen_hashes: set[str] = set()
    batch: list[tuple[Document, bytes | None]] = []

    def flush() -> None:
        if not batch:
            return
        # A later document may have merged the stories of earlier ones: follow it, stored ones first.
        store.apply_story_merges(grouper.pop_merges())
        for d, _ in batch:
            d.story_id = grouper.story_of(d.id) or d.story_id
        docs = [d for d, _ in batch]
        extracted = extract_batch(docs, options.n_process) if options.extract else [(d, [], None) for d in docs]
        signatures = {d.id: sig for d, sig in batch}
        for doc, claims, error in extracted:
            written = store.add_document(
                doc,
                minhash=signatures[doc.id],
                claims=claims,
                extraction_error=error,
                extracted=options.extract and is_english(doc),
            )
            if written:
                summary.ingested += 1
                summary.claims += len(claims)
                summary.documents.append(doc.id)
                if error:
                    summary.extraction_errors.append({"document": doc.id, "input": doc.path or "", "error": error})
            else:
                summary.duplicates += 1
        batch.clear()

    for item in iter_items(list(inputs), max_bytes=options.max_bytes, follow=options.follow, stdin=stdin):
        if isinstance(item, Skipped):
            summary.skipped.append({"input": item.input, "reason": item.reason})
            if on_progress:
                on_progress(item.input, 0)
            continue
        label = item.input + (f" ({item.locator})" if item.locator else "")
        try:
            doc = prepare(item)
        except Exception as exc:  # a stage bug must not stop the run; the input is reported
            summary.skipped.append({"input": label, "reason": f"could not prepare: {type(exc).__name__}: {exc}"})
            continue
        if not doc.text.strip():
            summary.skipped.append({"input": label, "reason": "no article text left after cleaning"})
            continue
        if doc.content_hash in seen_hashes or store.has_content(doc.content_hash):
            summary.duplicates += 1
            if on_progress:
                on_progress(label, 1)
            continue
        seen_hashes.add(doc.content_hash)
        if not is_english(doc):
            summary.not_english += 1
        sig = signature(doc.text, doc.language)
        doc.story_id = grouper.add_signature(doc.id, sig, doc.published, doc.via)
        batch.append((doc, sig.to_bytes()))
        if len(batch) >= options.batch_size:
            flush()
        if on_progress:
            on_progress(label, 1)
    flush()
    summary.reconciled = reconcile_pending(store)
    return summary


def load_grouper(store):
    """The story grouper as the last run left it, rebuilt from stored signatures in arrival order."""
    from minewatch.stories import StoryGrouper

    grouper = StoryGrouper()
    for row in store.iter_story_signatures():
        if row["minhash"] is not None:
            grouper.add_signature(row["id"], row["minhash"], row["published"], row["via"] or (), story_id=row["story_id"])
    return grouper


def reextract(store, document_ids: Iterable[str], n_process: int = 1) -> dict[str, int]:
    """Run the current rules again on stored documents; reviews stay attached by claim id."""
    ids = list(document_ids)
    counts = {"documents": 0, "claims": 0, "errors": 0}
    for start in range(0, len(ids), 64):
        docs = store.load_documents(ids[start : start + 64])
        for doc, claims, error in extract_batch(docs, n_process):
            store.replace_claims(doc.id, claims if is_english(doc) else [], error)
            counts["documents"] += 1
            counts["claims"] += len(claims)
            counts["errors"] += 1 if error else 0
    counts.update(reconcile_pending(store))
    return counts


def reconcile_pending(store) -> dict[str, int]:
    """Rebuild facts and conflicts for what changed since the last reconciliation."""
    from minewatch.store.reconciling import reconcile_pending as run

    return run(store)


def format_exception(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()
