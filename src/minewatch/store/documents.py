"""Documents and stories in the store: batched, all-or-nothing writes and the listings.

A batch of documents goes in with its story rows and claims in one
transaction (claims are written by ``claims.ClaimsAndFacts._insert_claims``,
the other part of ``Store``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update

from minewatch.model import Claim, Document, merged_story
from minewatch.store import schema as t
from minewatch.store.common import _chunks, _count, _escape_like, recency_rows, utcnow


@dataclass
class DocumentWrite:
    """One document of a batched write (``Store.add_documents``) with what is stored beside it."""

    document: Document
    minhash: bytes | None = None
    claims: Sequence[Claim] = ()
    extraction_error: str | None = None
    extracted: bool = False
    relevant: bool = True
    #: Position in the input (shard << 32 | item): among copies of one text written by workers
    #: of one run, the first in input order is kept (``add_documents(run=…)``).
    arrival: int | None = None
    #: The document's story-candidate keys, (key, kind) (``stories.document_keys``): written on
    #: PostgreSQL (``indexes_stories``), filed under its publication or ingest day.
    story_keys: Sequence[tuple[int, int]] = ()


class DocumentsAndStories:
    """``Store``'s documents and stories (a part of ``Store``, not used alone)."""

    engine: Engine

    @property
    def indexes_stories(self) -> bool:
        """Whether documents are written with their story keys: on PostgreSQL, where the Ray engine
        groups from them (SQLite has one process, whose grouper keeps its own index in memory)."""
        return self.engine.dialect.name == "postgresql"

    def has_content(self, content_hash: str) -> bool:
        with self.engine.connect() as conn:
            return (
                conn.execute(select(t.documents.c.id).where(t.documents.c.content_hash == content_hash)).first()
                is not None
            )

    def iter_story_signatures(self) -> Iterator[dict[str, Any]]:
        """What the story grouper needs to continue where the last run stopped."""
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True).execute(
                select(
                    t.documents.c.id,
                    t.documents.c.minhash,
                    t.documents.c.published,
                    t.documents.c.via,
                    t.documents.c.story_id,
                ).order_by(t.documents.c.ingested_at, t.documents.c.id)
            )
            for row in result.mappings():
                yield dict(row)

    def recent_story_signatures(
        self, limit: int, before: tuple[datetime, str] | None = None, prefix: bytes | None = None,
    ) -> list[dict[str, Any]]:
        """The ``limit`` latest documents with a stored signature, newest first by (ingested_at, id).

        ``before`` continues below an (ingested_at, id) already read; with ``prefix`` only
        signatures starting with these bytes (a format's magic) are read.  This is what restarting
        the story grouper reads instead of every signature (``pipeline.load_grouper``).
        """
        d = t.documents.c
        q = select(d.id, d.minhash, d.published, d.via, d.story_id, d.ingested_at).where(d.minhash.is_not(None))
        if prefix:
            q = q.where(func.substr(d.minhash, 1, len(prefix)) == prefix)
        if before is not None:
            at, doc_id = before
            q = q.where(or_(d.ingested_at < at, and_(d.ingested_at == at, d.id < doc_id)))
        q = q.order_by(d.ingested_at.desc(), d.id.desc()).limit(max(0, limit))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def story_first_arrivals(self, story_ids: Iterable[str]) -> dict[str, tuple[datetime, str]]:
        """Each story's first document with a stored signature, as (ingested_at, id): the order of
        stories a replay of every stored signature would give (found through the story index)."""
        d = t.documents.c
        out: dict[str, tuple[datetime, str]] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(dict.fromkeys(story_ids)), 500):
                first = (
                    select(d.story_id, func.min(d.ingested_at).label("at"))
                    .where(d.story_id.in_(chunk), d.minhash.is_not(None))
                    .group_by(d.story_id)
                    .subquery()
                )
                q = (
                    select(d.story_id, first.c.at, func.min(d.id).label("id"))
                    .join(first, and_(d.story_id == first.c.story_id, d.ingested_at == first.c.at))
                    .where(d.minhash.is_not(None))
                    .group_by(d.story_id, first.c.at)
                )
                for r in conn.execute(q):
                    out[r.story_id] = (r.at, r.id)
        return out

    def add_document(
        self,
        doc: Document,
        *,
        minhash: bytes | None = None,
        claims: Sequence[Claim] = (),
        extraction_error: str | None = None,
        extracted: bool = False,
        relevant: bool = True,
    ) -> bool:
        """Store one document with its story link and claims; False when its text is already stored."""
        item = DocumentWrite(doc, minhash=minhash, claims=claims, extraction_error=extraction_error,
                             extracted=extracted, relevant=relevant)
        return self.add_documents([item])[0]

    def existing_hashes(self, content_hashes: Sequence[str]) -> set[str]:
        """Which of these content hashes are stored: one query per 500, not one per document."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in _chunks(list(dict.fromkeys(content_hashes)), 500):
                found.update(
                    conn.execute(
                        select(t.documents.c.content_hash).where(t.documents.c.content_hash.in_(chunk))
                    ).scalars()
                )
        return found

    def add_documents(self, items: Sequence[DocumentWrite], *, run: str | None = None) -> list[bool]:
        """Store a batch of documents with their story links and claims in ONE transaction.

        Why: a transaction per document (``add_document``) costs a round trip
        and a commit each, which capped the Ray driver near 90 articles/s.
        The batch is atomic (a killed run leaves all of it or none of it),
        documents, claims and evidence go in with one executemany each, and
        a document whose content hash is already stored (a retried batch, a
        run started again) is skipped: the result says which were written.

        ``run`` is the Ray engine's: many workers write at once, so a text two
        of them hold is settled by the database (``ON CONFLICT``), the copy
        first in input order (``arrival``) is the one kept whichever worker
        came first, and documents wait ungrouped (``grouped`` false) for the
        distributed story grouping.  On PostgreSQL every document's story
        keys (``stories.story_keys``) are written with it, by both engines.
        """
        if not items:
            return []
        written = [False] * len(items)
        with self.engine.begin() as conn:
            hashes = [it.document.content_hash for it in items]
            stored: set[str] = set()
            for chunk in _chunks(list(dict.fromkeys(hashes)), 500):
                stored.update(
                    conn.execute(
                        select(t.documents.c.content_hash).where(t.documents.c.content_hash.in_(chunk))
                    ).scalars()
                )
            if run is not None:
                stored = self._settle_copies(conn, items, stored, run)
            doc_rows: list[dict[str, Any]] = []
            key_rows: list[dict[str, Any]] = []
            claims: list[Claim] = []
            touched: dict[str, list[Document]] = {}
            base = utcnow()
            last = getattr(self, "_last_batch_at", None)
            if last is not None and base <= last:
                base = last + timedelta(microseconds=1)
            self._last_batch_at = base + timedelta(microseconds=len(items))
            keyed = self.indexes_stories
            for i, it in enumerate(items):
                doc = it.document
                if doc.content_hash in stored:
                    continue
                stored.add(doc.content_hash)
                written[i] = True
                if doc.story_id and run is None:  # a run's documents get their stories when it groups them
                    touched.setdefault(doc.story_id, []).append(doc)
                doc_rows.append(
                    dict(
                        id=doc.id,
                        content_hash=doc.content_hash,
                        path=doc.path,
                        url=doc.url,
                        title=doc.title,
                        outlet=doc.outlet,
                        published=doc.published,
                        language=doc.language,
                        via=list(doc.via),
                        source_kind=doc.source_kind,
                        story_id=doc.story_id if run is None else None,
                        text=doc.text,
                        original=doc.original,
                        minhash=it.minhash,
                        relevant=it.relevant,
                        extraction_error=it.extraction_error,
                        extracted_at=base if it.extracted else None,
                        reconciled=False,
                        # Distinct, increasing times keep arrival order for the story grouper's reload.
                        ingested_at=base + timedelta(microseconds=i),
                        grouped=run is None,
                        ingest_run=run,
                        arrival=it.arrival,
                    )
                )
                if keyed and it.story_keys:
                    day = (doc.published or (base + timedelta(microseconds=i)).date()).toordinal()
                    key_rows.extend({"key": k, "doc_id": doc.id, "day": day, "kind": kind} for k, kind in it.story_keys)
                claims.extend(it.claims)
            if touched:
                self._touch_stories(conn, touched)
            if doc_rows:
                conn.execute(insert(t.documents), doc_rows)
            if key_rows:
                conn.execute(insert(t.story_keys), key_rows)
            self._insert_claims(conn, claims)
        return written

    def _settle_copies(self, conn, items: Sequence[DocumentWrite], stored: set[str], run: str) -> set[str]:
        """Which texts of the batch stay as stored: a copy of this run placed later in the input
        than one of ours gives way (its row, claims and keys go; ours is written).

        The stored rows are locked first, so two workers holding copies of one text settle it
        one after the other and the earliest copy ends in the database, as in one process.
        """
        ours: dict[str, DocumentWrite] = {}
        for it in items:  # the batch's first copy of a text (the batch is in input order) is the one written
            if it.document.content_hash in stored:
                ours.setdefault(it.document.content_hash, it)
        if not ours or self.engine.dialect.name != "postgresql":
            return stored
        d = t.documents
        give_way: list[str] = []
        for chunk in _chunks(sorted(ours), 500):
            q = select(d.c.id, d.c.content_hash, d.c.ingest_run, d.c.arrival).where(d.c.content_hash.in_(chunk))
            for r in conn.execute(q.with_for_update()):
                mine = ours[r.content_hash].arrival
                if r.ingest_run == run and mine is not None and r.arrival is not None and r.arrival > mine:
                    give_way.append(r.id)
                    stored.discard(r.content_hash)
        for chunk in _chunks(give_way, 500):
            conn.execute(delete(t.documents).where(d.c.id.in_(chunk)))  # claims, evidence, keys cascade
        return stored

    def _touch_stories(self, conn, docs_by_story: dict[str, list[Document]]) -> None:
        """The story rows of a batch: new ones inserted, known ones widened (one row read per story)."""
        existing: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(list(docs_by_story), 500):
            for r in conn.execute(select(t.stories).where(t.stories.c.id.in_(chunk))).mappings():
                existing[r["id"]] = dict(r)
        new_rows: list[dict[str, Any]] = []
        for sid, docs in docs_by_story.items():
            row = existing.get(sid)
            agencies = set(row["agencies"] or []) if row else set()
            dates = [d for d in ((row["first_published"], row["last_published"]) if row else ()) if d]
            for doc in docs:
                agencies |= set(doc.via)
                if doc.published:
                    dates.append(doc.published)
            values = dict(
                agencies=sorted(agencies),
                first_published=min(dates) if dates else None,
                last_published=max(dates) if dates else None,
                document_count=(row["document_count"] if row else 0) + len(docs),
            )
            if row is None:
                new_rows.append({"id": sid, **values})
            else:
                conn.execute(update(t.stories).where(t.stories.c.id == sid).values(**values))
        if new_rows:
            conn.execute(insert(t.stories), new_rows)

    def set_relevance(self, relevance: dict[str, bool]) -> int:
        """Record the prefilter's current decision for stored documents (a re-screen); how many changed."""
        changed = 0
        with self.engine.begin() as conn:
            for value in (True, False):
                ids = [d for d, r in relevance.items() if r is value]
                for chunk in _chunks(ids, 500):
                    changed += conn.execute(
                        update(t.documents)
                        .where(t.documents.c.id.in_(chunk), t.documents.c.relevant.is_not(value))
                        .values(relevant=value)
                    ).rowcount
        return changed

    def apply_story_merges(self, merges: dict[str, str]) -> None:
        """Stories joined by a new document become one; their documents are reconciled again."""
        if not merges:
            return
        with self.engine.begin() as conn:
            for old in merges:
                target = merged_story(merges, old)
                moved = conn.execute(
                    update(t.documents)
                    .where(t.documents.c.story_id == old)
                    .values(story_id=target, reconciled=False)
                ).rowcount
                conn.execute(delete(t.stories).where(t.stories.c.id == old))
                if moved:
                    self._recount_story(conn, target)

    def recount_stories(self, story_ids: Iterable[str]) -> None:
        """Rewrite these stories' rows (agencies, dates, document count) from their documents."""
        with self.engine.begin() as conn:
            for sid in story_ids:
                self._recount_story(conn, sid)

    def _recount_story(self, conn, story_id: str) -> None:
        rows = conn.execute(
            select(t.documents.c.published, t.documents.c.via).where(t.documents.c.story_id == story_id)
        ).all()
        dates = [r.published for r in rows if r.published]
        values = dict(
            agencies=sorted({a for r in rows for a in (r.via or [])}),
            first_published=min(dates) if dates else None,
            last_published=max(dates) if dates else None,
            document_count=len(rows),
        )
        if conn.execute(select(t.stories.c.id).where(t.stories.c.id == story_id)).first():
            conn.execute(update(t.stories).where(t.stories.c.id == story_id).values(**values))
        else:
            conn.execute(insert(t.stories).values(id=story_id, **values))

    def documents(
        self, ids: Sequence[str] | None = None, *, limit: int | None = None, after: str | None = None,
        language: str | None = None, text: str | None = None, with_text: bool = False,
        order: str | None = None, keyset: tuple | None = None, count: bool = False,
    ) -> Any:
        """Documents by id, or ``order`` "newest"/"oldest" (published, then ingested) from ``keyset``.

        With ``count`` the number of matching documents (cursor and limit ignored).
        """
        cols = [c for c in t.documents.c if c.name not in ("minhash", "original") and (with_text or c.name != "text")]
        q = select(*cols)
        d = t.documents
        recency = order in ("newest", "oldest") and not count
        if not recency:
            q = q.order_by(d.c.id)
        if ids is not None:
            q = q.where(t.documents.c.id.in_(list(ids)))
        if after and not count:
            q = q.where(t.documents.c.id > after)
        if language:
            q = q.where(t.documents.c.language == language)
        if text:
            like = f"%{_escape_like(text)}%"
            q = q.where(or_(t.documents.c.text.ilike(like, escape="\\"), t.documents.c.title.ilike(like, escape="\\")))
        if count:
            return _count(self.engine, q)
        if recency:
            with self.engine.connect() as conn:
                return recency_rows(conn, q, (d.c.published, d.c.ingested_at, d.c.id), order, keyset, limit)
        if limit:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def document(self, doc_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.documents).where(t.documents.c.id == doc_id)).mappings().first()
            return dict(row) if row else None

    def document_ids(self, *, language: str | None = None) -> list[str]:
        q = select(t.documents.c.id).order_by(t.documents.c.id)
        if language:
            q = q.where(t.documents.c.language == language)
        with self.engine.connect() as conn:
            return list(conn.execute(q).scalars())

    def load_documents(self, ids: Sequence[str]) -> list[Document]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.documents).where(t.documents.c.id.in_(list(ids)))).mappings().all()
        out = []
        for r in rows:
            out.append(
                Document(
                    text=r["text"],
                    original=r["original"],
                    path=r["path"],
                    url=r["url"],
                    title=r["title"],
                    outlet=r["outlet"],
                    published=r["published"],
                    language=r["language"],
                    via=list(r["via"] or []),
                    source_kind=r["source_kind"],
                    story_id=r["story_id"],
                    content_hash=r["content_hash"],
                )
            )
        return out

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in (
                    ("documents", t.documents),
                    ("stories", t.stories),
                    ("claims", t.claims),
                    ("facts", t.facts),
                    ("conflicts", t.conflicts),
                    ("reviews", t.reviews),
                    ("treaty_events", t.treaty_events),
                )
            }

    def stories(self, ids: Sequence[str] | None = None, *, limit: int | None = None, after: str | None = None) -> list[dict[str, Any]]:
        q = select(t.stories).order_by(t.stories.c.first_published.is_(None), t.stories.c.first_published, t.stories.c.id)
        if ids is not None:
            q = q.where(t.stories.c.id.in_(list(ids)))
        if after:
            q = q.where(t.stories.c.id > after).order_by(None).order_by(t.stories.c.id)
        if limit:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            stories = [dict(r) for r in conn.execute(q).mappings()]
            if not stories:
                return []
            docs = conn.execute(
                select(
                    t.documents.c.id,
                    t.documents.c.story_id,
                    t.documents.c.path,
                    t.documents.c.url,
                    t.documents.c.outlet,
                    t.documents.c.published,
                    t.documents.c.title,
                    t.documents.c.language,
                    t.documents.c.via,
                )
                .where(t.documents.c.story_id.in_([s["id"] for s in stories]))
                .order_by(t.documents.c.published, t.documents.c.id)
            ).mappings()
            by_story: dict[str, list] = {}
            for d in docs:
                by_story.setdefault(d["story_id"], []).append(dict(d))
        for s in stories:
            s["documents"] = by_story.get(s["id"], [])
        return stories
