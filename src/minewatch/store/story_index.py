"""The story-candidate index and the reads and writes of the distributed grouping.

``scale.grouping`` decides which documents are copies of one story; this
module is its SQL: documents still ungrouped (``documents.grouped``), in
shards the database computes itself (``hashtext`` of the id, so no list of
ids travels), the nearest documents sharing a candidate key
(``story_keys``), and the writes of the stories found.  PostgreSQL only:
the Ray engine refuses SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, bindparam, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from minewatch.store import schema as t
from minewatch.store.common import _chunks

#: Keys looked up in one query (about a hundred documents' keys).
PROBES_PER_QUERY = 10_000

#: Per probing key, the nearest documents before and after it (by day, then id) within ``span`` days.
_PROBE = text(
    """
    SELECT q.doc, q.kind, n.doc_id
    FROM unnest(CAST(:docs AS text[]), CAST(:keys AS bigint[]), CAST(:days AS int[]),
                CAST(:kinds AS int[]), CAST(:lims AS int[]), CAST(:spans AS int[])) AS q(doc, key, day, kind, lim, span)
    CROSS JOIN LATERAL (
        (SELECT k.doc_id FROM story_keys k
         WHERE k.key = q.key AND k.day >= q.day - q.span AND (k.day, k.doc_id) < (q.day, q.doc)
         ORDER BY k.day DESC, k.doc_id DESC LIMIT q.lim)
        UNION ALL
        (SELECT k.doc_id FROM story_keys k
         WHERE k.key = q.key AND k.day <= q.day + q.span AND (k.day, k.doc_id) > (q.day, q.doc)
         ORDER BY k.day, k.doc_id LIMIT q.lim)
    ) AS n
    """
)


def _in_shard(part: int, parts: int) -> Any:
    """Documents of shard ``part`` of ``parts``, by PostgreSQL's own hash of the id."""
    return text("mod(hashtext(documents.id) & 2147483647, :parts) = :part").bindparams(parts=parts, part=part)


@dataclass
class IndexedDocument:
    """What grouping reads of a document."""

    id: str
    minhash: bytes | None
    published: date | None
    via: tuple[str, ...]
    ingested: date
    content_hash: str
    story_id: str | None
    grouped: bool


class StoryIndex:
    """``Store``'s part for the distributed story grouping (a part of ``Store``, not used alone)."""

    engine: Engine

    def _indexed(self, conn, where: Any) -> list[IndexedDocument]:
        d = t.documents
        q = select(d.c.id, d.c.minhash, d.c.published, d.c.via, d.c.ingested_at, d.c.content_hash, d.c.story_id,
                   d.c.grouped).where(where)
        return [IndexedDocument(r.id, bytes(r.minhash) if r.minhash is not None else None, r.published,
                                tuple(r.via or ()), r.ingested_at.date(), r.content_hash, r.story_id, bool(r.grouped))
                for r in conn.execute(q)]

    def ungrouped_documents(self, part: int, parts: int) -> list[IndexedDocument]:
        """The documents of one shard that wait for their story."""
        with self.engine.connect() as conn:
            return self._indexed(conn, t.documents.c.grouped.is_(False) & _in_shard(part, parts))

    def indexed_documents(self, ids: Sequence[str]) -> list[IndexedDocument]:
        with self.engine.connect() as conn:
            return [doc for chunk in _chunks(list(ids), 500)
                    for doc in self._indexed(conn, t.documents.c.id.in_(chunk))]

    def nearest_sharing(self, probes: Sequence[tuple[str, int, int, int, int, int]]) -> Iterator[tuple[str, str, int]]:
        """For each probe (document, key, day, kind, how many, span), the nearest documents filed under that
        key on either side within ``span`` days: (probing document, other document, kind), a row per hit."""
        with self.engine.connect() as conn:
            for chunk in _chunks(list(probes), PROBES_PER_QUERY):
                docs, keys, days, kinds, lims, spans = (list(col) for col in zip(*chunk, strict=True))
                for r in conn.execute(_PROBE, {"docs": docs, "keys": keys, "days": days, "kinds": kinds,
                                               "lims": lims, "spans": spans}):
                    yield r.doc, r.doc_id, r.kind

    def assign_stories(self, part: int, parts: int, story_of: dict[str, str], own_story: Callable[[str], str]) -> int:
        """Give the ungrouped documents of one shard their stories, in one transaction.

        ``story_of`` names the stories of documents that have copies; any other document
        is a story of its own, ``own_story(id)``, whose row is complete here.  A story
        with copies gets a placeholder row, counted by ``recount_stories`` afterwards.
        """
        d = t.documents
        with self.engine.begin() as conn:
            rows = conn.execute(select(d.c.id, d.c.published, d.c.via)
                                .where(d.c.grouped.is_(False) & _in_shard(part, parts))).all()
            updates, story_rows = [], {}
            for r in rows:
                sid = story_of.get(r.id)
                if sid is None:
                    sid = own_story(r.id)
                    story_rows[sid] = {"id": sid, "agencies": sorted(set(r.via or ())), "document_count": 1,
                                       "first_published": r.published, "last_published": r.published}
                else:
                    story_rows.setdefault(sid, {"id": sid, "agencies": [], "document_count": 0,
                                                "first_published": None, "last_published": None})
                updates.append({"doc": r.id, "sid": sid})
            if story_rows:
                # other shards (or a retry of this one) may write the same story's row
                conn.execute(pg_insert(t.stories).on_conflict_do_nothing(index_elements=["id"]),
                             list(story_rows.values()))
            if updates:
                conn.execute(update(d).where(d.c.id == bindparam("doc")).values(story_id=bindparam("sid"), grouped=True),
                             updates)
            return len(updates)

    def prune_story_keys(self, before: date) -> int:
        """Drop the key rows filed under days before ``before``; how many went."""
        with self.engine.begin() as conn:
            return conn.execute(delete(t.story_keys).where(t.story_keys.c.day < before.toordinal())).rowcount

    def run_documents(self, run: str) -> dict[str, Any]:
        """What a Ray run wrote: its documents in input order (id, path, extraction error), its
        number of claims, and its documents counted by (language, relevant)."""
        d, c = t.documents, t.claims
        mine = d.c.ingest_run == run
        with self.engine.connect() as conn:
            rows = conn.execute(select(d.c.id, d.c.path, d.c.extraction_error).where(mine).order_by(d.c.arrival)).all()
            claims = conn.execute(select(func.count()).select_from(c.join(d, d.c.id == c.c.document_id))
                                  .where(mine)).scalar_one()
            languages = [tuple(r) for r in conn.execute(select(d.c.language, d.c.relevant, func.count())
                                                        .where(mine).group_by(d.c.language, d.c.relevant))]
        return {"documents": rows, "claims": claims, "languages": languages}
