"""Whole-base exports: CSV folders, JSON files, Parquet files, one SQLite file for Datasette.

The SQLite export is a product of its own: readable table and column names,
foreign keys between them, views that answer the usual question ("which
articles support this fact?") and a ``metadata.json`` beside it in Datasette's
format, so ``datasette minewatch.sqlite -m metadata.json`` shows a documented
database with no further work.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from minewatch.output import flatten, to_csv, to_json
from minewatch.store import schema as t

FORMATS = ("csv", "json", "parquet", "sqlite")
TABLES = ("claims", "facts", "conflicts", "documents", "stories", "records", "reviews", "conflict_reviews")

#: Table and column descriptions: the SQLite export's metadata.json, and the column order of every format.
DESCRIPTIONS: dict[str, dict[str, Any]] = {
    "documents": {
        "description": "Ingested articles: one row per distinct text.",
        "columns": {
            "id": "Document id (d- and a content hash)", "title": "Headline", "outlet": "Publishing outlet",
            "url": "Where the article was published", "path": "Input file it was read from",
            "published": "Publication date", "language": "Detected language (ISO 639-1)",
            "via": "Wire agencies credited (JSON list)", "story_id": "Wire story this copy belongs to",
            "source_kind": "Reader used (text, html, feed, jsonl, warc)", "text": "Cleaned text (evidence offsets refer to it)",
        },
    },
    "stories": {
        "description": "Copies of one wire story grouped together.",
        "columns": {
            "id": "Story id", "agencies": "Agencies credited across copies (JSON list)",
            "first_published": "Earliest copy", "last_published": "Latest copy", "document_count": "Copies",
        },
    },
    "claims": {
        "description": "What one article asserts about one actor and one activity (analysts' corrections applied).",
        "columns": {
            "id": "Claim id (stable across re-extraction)", "document_id": "Article that makes the claim",
            "fact_id": "Fact the claim supports", "actor_kind": "state, organization or armed_group",
            "actor_iso3": "Actor's ISO 3166-1 alpha-3 code", "actor_name": "Actor's name",
            "predicate": "Activity (treaty_withdrawal, production, stockpile, ...)",
            "stage": "Step of a withdrawal or joining", "treaty": "APMBC or CCM", "weapon": "Weapon type",
            "counterpart_iso3": "Other party's code (transfers, borders)", "counterpart_name": "Other party's name",
            "modality": "actual, planned or considered", "polarity": "affirmed or negated",
            "quantity_low": "Quantity, lower bound", "quantity_high": "Quantity, upper bound",
            "quantity_unit": "Quantity unit", "quantity_text": "Quantity as written",
            "money_low": "Amount, lower bound", "money_high": "Amount, upper bound",
            "money_currency": "ISO 4217 currency", "money_text": "Amount as written",
            "time_start": "Time the claim refers to, start", "time_end": "Time the claim refers to, end",
            "time_text": "Time as written",
            "time_basis": "Where the date comes from: stated, relative (to publication) or reported (dateline)",
            "speaker_name": "Who said it", "speaker_role": "Speaker's role",
            "evidence": "Evidence sentence(s) from the article", "confidence": "Extraction confidence (0-1)",
            "review_verdict": "Latest analyst verdict (verified, rejected, corrected)", "reviewer": "Latest reviewer",
        },
    },
    "facts": {
        "description": "Claims about the same thing linked across articles, with independent-source counts.",
        "columns": {
            "id": "Fact id", "actor_iso3": "Actor's code", "actor_name": "Actor's name", "predicate": "Activity",
            "stage": "Stage", "treaty": "Treaty", "weapon": "Weapon", "counterpart_iso3": "Counterpart's code",
            "polarity": "affirmed or negated", "modality": "Strongest modality reported",
            "independent_sources": "Independent sources (wire copies count once)", "claim_count": "Claims",
            "document_count": "Articles", "first_reported": "First report", "last_reported": "Latest report",
            "event_date": "When it happened, where known", "verified": "An analyst verified a claim of it",
            "counterpart_name": "Counterpart's name",
            "quantity_low": "Merged quantity, lower bound", "quantity_high": "Merged quantity, upper bound",
            "quantity_unit": "Quantity unit", "quantity_text": "Quantity as written",
            "money_low": "Merged amount, lower bound", "money_high": "Merged amount, upper bound",
            "money_currency": "ISO 4217 currency", "money_text": "Amount as written",
            "time_start": "Merged time, start", "time_end": "Merged time, end", "time_text": "Time as written",
            "document_ids": "Articles supporting it (JSON list)", "story_ids": "Wire stories supporting it (JSON list)",
        },
    },
    "conflicts": {
        "description": "Reports that disagree with each other or with the depositary record.",
        "columns": {
            "id": "Conflict id", "kind": "Kind of disagreement", "severity": "high, medium or low",
            "actor_iso3": "State concerned", "fact_id": "Fact concerned", "explanation": "What disagrees, in words",
            "claim_ids": "Claims involved (JSON list)", "record": "Depositary record involved (JSON)",
            "review_verdict": "Latest analyst verdict: not_a_conflict (dismissed) or reopened",
        },
    },
    "conflict_reviews": {
        "description": "Analysts' verdicts on conflicts ('not a conflict' with a note), kept by conflict id.",
        "columns": {
            "id": "Review id", "conflict_id": "Conflict reviewed", "verdict": "not_a_conflict or reopened",
            "note": "Analyst's note", "reviewer": "Who", "created_at": "When (UTC)",
        },
    },
    "states": {
        "description": "States that can join the treaties (and any other state a record names).",
        "columns": {"iso3": "ISO 3166-1 alpha-3 code", "name": "State"},
    },
    "records": {
        "description": "Depositary records: signatures, ratifications, accessions, withdrawals.",
        "columns": {
            "id": "Row id", "treaty": "APMBC or CCM", "state_iso3": "State's code", "state_name": "State",
            "action": "Depositary action", "date": "Date of the action", "source_url": "Depositary source",
            "note": "Note", "origin": "bundled or import",
        },
    },
    "reviews": {
        "description": "Analysts' reviews of claims, kept by claim id across re-extraction.",
        "columns": {
            "id": "Review id", "claim_id": "Claim reviewed", "verdict": "verified, rejected or corrected",
            "corrections": "Corrected fields (JSON)", "note": "Analyst's note", "reviewer": "Who", "created_at": "When (UTC)",
            "claim_id_reviewed": "Claim id as reviewed (also when the claim is gone after re-extraction; SQLite only)",
        },
    },
    "fact_claims": {
        "description": "Which claims support which fact.",
        "columns": {"fact_id": "Fact", "claim_id": "Claim supporting it"},
    },
    "conflict_claims": {
        "description": "Which claims a conflict involves.",
        "columns": {"conflict_id": "Conflict", "claim_id": "Claim involved"},
    },
    "facts_with_sources": {
        "description": "Each fact with every claim and article that supports it (view).",
        "columns": {
            "fact_id": "Fact", "actor_name": "Actor", "predicate": "Activity", "stage": "Stage", "treaty": "Treaty",
            "independent_sources": "Independent sources", "claim_id": "Supporting claim", "modality": "Claim's modality",
            "evidence": "Evidence sentence", "document_id": "Article", "title": "Headline", "outlet": "Outlet",
            "published": "Publication date", "url": "Article URL",
        },
    },
}

_CLAIM_COLUMNS = [
    "id", "document_id", "fact_id", "actor_kind", "actor_iso3", "actor_name", "predicate", "stage", "treaty", "weapon",
    "counterpart_iso3", "counterpart_name", "modality", "polarity", "quantity_low", "quantity_high", "quantity_unit",
    "quantity_text", "money_low", "money_high", "money_currency", "money_text", "time_start", "time_end", "time_text",
    "time_basis", "speaker_name", "speaker_role", "confidence",
]
_CORRECTED = {
    "actor": {"kind": "actor_kind", "iso3": "actor_iso3", "name": "actor_name"},
    "counterpart": {"iso3": "counterpart_iso3", "name": "counterpart_name"},
    "quantity": {"low": "quantity_low", "high": "quantity_high", "unit": "quantity_unit", "text": "quantity_text"},
    "money": {"low": "money_low", "high": "money_high", "currency": "money_currency", "text": "money_text"},
    "time": {"start": "time_start", "end": "time_end", "text": "time_text", "basis": "time_basis"},
    "speaker": {"name": "speaker_name", "role": "speaker_role"},
}


def flat_claims(store) -> list[dict[str, Any]]:
    """One flat row per claim, the latest review's corrections applied, evidence joined."""
    evidence: dict[str, list[str]] = {}
    reviews: dict[str, dict[str, Any]] = {}
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(*(t.claims.c[c] for c in _CLAIM_COLUMNS)).order_by(t.claims.c.id)).mappings()]
        for e in conn.execute(select(t.evidence.c.claim_id, t.evidence.c.text).order_by(t.evidence.c.claim_id, t.evidence.c.ordinal)):
            evidence.setdefault(e.claim_id, []).append(e.text)
        for r in conn.execute(select(t.reviews).order_by(t.reviews.c.id)).mappings():
            reviews[r["claim_id"]] = dict(r)
    out = []
    for r in rows:
        rv = reviews.get(r["id"])
        for key, value in ((rv or {}).get("corrections") or {}).items():
            if key in _CORRECTED:
                for sub, col in _CORRECTED[key].items():
                    r[col] = (value or {}).get(sub)
            elif key in r:
                r[key] = value
        r["evidence"] = " … ".join(evidence.get(r["id"], []))
        r["review_verdict"] = rv["verdict"] if rv else None
        r["reviewer"] = rv["reviewer"] if rv else None
        out.append(r)
    return out


_FACT_VALUES = {
    "quantity": ("low", "high", "unit", "text"),
    "money": ("low", "high", "currency", "text"),
    "time": ("start", "end", "text"),
}


def flat_fact(f: dict[str, Any]) -> dict[str, Any]:
    """A fact as one flat row: the merged quantity, money and time as columns, its claims, articles and stories as lists."""
    out = {k: f.get(k) for k in DESCRIPTIONS["facts"]["columns"] if k not in ("document_ids", "story_ids")}
    for kind, parts in _FACT_VALUES.items():
        v = f.get(kind) or {}
        for part in parts:
            out[f"{kind}_{part}"] = v.get(part)
    out["claim_ids"] = list(f.get("claim_ids") or [])
    out["document_ids"] = list(f.get("document_ids") or [])
    out["story_ids"] = list(f.get("story_ids") or [])
    return out


def _select_all(store, table, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
    cols = [table.c[c] for c in columns] if columns else list(table.c)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(*cols).order_by(table.c.id)).mappings()]


def table_rows(store, name: str, *, nested: bool) -> list[dict[str, Any]]:
    """Rows of one exported table; ``nested`` keeps the contract's JSON shape (JSON export)."""
    if name == "claims":
        return store.claims() if nested else flat_claims(store)
    if name == "facts":
        facts = store.facts()
        if not nested:
            return [flat_fact(f) for f in facts]
        return facts
    if name == "conflicts":
        rows = store.conflicts(dismissed=True)
        for r in rows:
            review = r.get("review") if nested else r.pop("review", None)
            r["review_verdict"] = (review or {}).get("verdict")
        return rows
    if name == "conflict_reviews":
        return _select_all(store, t.conflict_reviews)
    if name == "documents":
        return _select_all(store, t.documents, list(DESCRIPTIONS["documents"]["columns"]))
    if name == "stories":
        return _select_all(store, t.stories)
    if name == "records":
        return _select_all(store, t.treaty_events)
    if name == "reviews":
        return _select_all(store, t.reviews)
    raise KeyError(name)


def export_all(store, fmt: str, out: Path) -> dict[str, Any]:
    """Write every table in ``fmt``; returns what was written (paths and row counts per table)."""
    fmt = fmt.lower()
    writers: dict[str, Callable[[Any, Path], dict[str, Any]]] = {
        "csv": _export_csv, "json": _export_json, "parquet": _export_parquet, "sqlite": _export_sqlite,
    }
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    out = Path(out)
    tables = writers[fmt](store, out)
    return {"format": fmt, "path": str(out), "tables": tables}


def _folder(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _columns(name: str, rows: Sequence[dict[str, Any]]) -> list[str]:
    known = list(DESCRIPTIONS.get(name, {}).get("columns", {}))
    seen = {k: None for r in rows for k in r}
    return [c for c in known if c in seen or not rows] + [c for c in seen if c not in known]


def _export_csv(store, out: Path) -> dict[str, Any]:
    folder = _folder(out)
    written = {}
    for name in TABLES:
        rows = table_rows(store, name, nested=False)
        path = folder / f"{name}.csv"
        flat = [flatten(r) for r in rows]
        path.write_text(to_csv(flat, _columns(name, flat) if flat else list(DESCRIPTIONS[name]["columns"])), encoding="utf-8")
        written[name] = {"file": str(path), "rows": len(rows)}
    return written


def _export_json(store, out: Path) -> dict[str, Any]:
    folder = _folder(out)
    written = {}
    for name in TABLES:
        rows = table_rows(store, name, nested=True)
        path = folder / f"{name}.json"
        path.write_text(to_json(rows, indent=1) + "\n", encoding="utf-8")
        written[name] = {"file": str(path), "rows": len(rows)}
    return written


def _arrow_column(values: list[Any]):
    import pyarrow as pa

    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pa.array(values, type=pa.bool_())
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pa.array(values, type=pa.int64())
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return pa.array([None if v is None else float(v) for v in values], type=pa.float64())
    if present and all(isinstance(v, datetime) for v in present):
        return pa.array(values, type=pa.timestamp("us"))
    if present and all(isinstance(v, date) and not isinstance(v, datetime) for v in present):
        return pa.array(values, type=pa.date32())
    return pa.array([None if v is None else (v if isinstance(v, str) else to_json(v)) for v in values], type=pa.string())


def _flat_typed(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Like ``output.flatten`` but dates stay dates, so Parquet columns get date types."""
    out: dict[str, Any] = {}
    for k, v in row.items():
        if isinstance(v, dict):
            out.update(_flat_typed(v, f"{prefix}{k}."))
        elif isinstance(v, list | tuple):
            out[f"{prefix}{k}"] = to_json(list(v))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _export_parquet(store, out: Path) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = _folder(out)
    written = {}
    for name in TABLES:
        rows = [_flat_typed(r) for r in table_rows(store, name, nested=False)]
        cols = _columns(name, rows) if rows else list(DESCRIPTIONS[name]["columns"])
        table = pa.table({c: _arrow_column([r.get(c) for r in rows]) for c in cols}) if rows else pa.table(
            {c: pa.array([], type=pa.string()) for c in cols}
        )
        path = folder / f"{name}.parquet"
        pq.write_table(table, path)
        written[name] = {"file": str(path), "rows": len(rows)}
    return written


# ---------------------------------------------------------------------------------------------- SQLite
#: The export's schema: constant DDL, nothing interpolated from data.
SQLITE_SCHEMA = """
CREATE TABLE stories (
  id TEXT PRIMARY KEY, agencies TEXT, first_published TEXT, last_published TEXT, document_count INTEGER
);
CREATE TABLE documents (
  id TEXT PRIMARY KEY, title TEXT, outlet TEXT, url TEXT, path TEXT, published TEXT, language TEXT, via TEXT,
  story_id TEXT REFERENCES stories(id), source_kind TEXT, text TEXT
);
CREATE TABLE facts (
  id TEXT PRIMARY KEY, actor_iso3 TEXT, actor_name TEXT, predicate TEXT, stage TEXT, treaty TEXT, weapon TEXT,
  counterpart_iso3 TEXT, polarity TEXT, modality TEXT, independent_sources INTEGER, claim_count INTEGER,
  document_count INTEGER, first_reported TEXT, last_reported TEXT, event_date TEXT, verified INTEGER,
  counterpart_name TEXT, quantity_low REAL, quantity_high REAL, quantity_unit TEXT, quantity_text TEXT,
  money_low REAL, money_high REAL, money_currency TEXT, money_text TEXT, time_start TEXT, time_end TEXT, time_text TEXT,
  document_ids TEXT, story_ids TEXT
);
CREATE TABLE claims (
  id TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id), fact_id TEXT REFERENCES facts(id),
  actor_kind TEXT, actor_iso3 TEXT, actor_name TEXT, predicate TEXT, stage TEXT, treaty TEXT, weapon TEXT,
  counterpart_iso3 TEXT, counterpart_name TEXT, modality TEXT, polarity TEXT,
  quantity_low REAL, quantity_high REAL, quantity_unit TEXT, quantity_text TEXT,
  money_low REAL, money_high REAL, money_currency TEXT, money_text TEXT,
  time_start TEXT, time_end TEXT, time_text TEXT, time_basis TEXT, speaker_name TEXT, speaker_role TEXT,
  evidence TEXT, confidence REAL, review_verdict TEXT, reviewer TEXT
);
CREATE TABLE fact_claims (
  fact_id TEXT NOT NULL REFERENCES facts(id), claim_id TEXT NOT NULL REFERENCES claims(id), PRIMARY KEY (fact_id, claim_id)
);
CREATE TABLE conflicts (
  id TEXT PRIMARY KEY, kind TEXT, severity TEXT, actor_iso3 TEXT, fact_id TEXT REFERENCES facts(id),
  explanation TEXT, claim_ids TEXT, record TEXT, review_verdict TEXT
);
CREATE TABLE conflict_reviews (
  id INTEGER PRIMARY KEY, conflict_id TEXT NOT NULL, verdict TEXT, note TEXT, reviewer TEXT, created_at TEXT
);
CREATE TABLE conflict_claims (
  conflict_id TEXT NOT NULL REFERENCES conflicts(id), claim_id TEXT NOT NULL REFERENCES claims(id),
  PRIMARY KEY (conflict_id, claim_id)
);
CREATE TABLE states (
  iso3 TEXT PRIMARY KEY, name TEXT NOT NULL
);
CREATE TABLE records (
  id INTEGER PRIMARY KEY, treaty TEXT, state_iso3 TEXT REFERENCES states(iso3), state_name TEXT, action TEXT, date TEXT, source_url TEXT,
  note TEXT, origin TEXT
);
CREATE TABLE reviews (
  id INTEGER PRIMARY KEY, claim_id TEXT REFERENCES claims(id), verdict TEXT, corrections TEXT, note TEXT, reviewer TEXT,
  created_at TEXT, claim_id_reviewed TEXT NOT NULL
);
CREATE INDEX reviews_claim ON reviews(claim_id);
CREATE INDEX claims_document ON claims(document_id);
CREATE INDEX claims_fact ON claims(fact_id);
CREATE INDEX claims_actor ON claims(actor_iso3, predicate);
CREATE INDEX documents_story ON documents(story_id);
CREATE INDEX conflicts_fact ON conflicts(fact_id);
CREATE INDEX records_state ON records(state_iso3);
CREATE VIEW facts_with_sources AS
  SELECT f.id AS fact_id, f.actor_name, f.predicate, f.stage, f.treaty, f.independent_sources,
         c.id AS claim_id, c.modality, c.evidence, d.id AS document_id, d.title, d.outlet, d.published, d.url
  FROM facts f JOIN fact_claims fc ON fc.fact_id = f.id JOIN claims c ON c.id = fc.claim_id
  JOIN documents d ON d.id = c.document_id
  ORDER BY f.id, d.published;
"""


def _cell(v: Any) -> Any:
    if v is None or isinstance(v, str | int | float):
        return v
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, date | datetime):
        return v.isoformat()
    return to_json(v)


def _insert(conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> int:
    # ``table`` and ``columns`` come from this module's constants, never from data.
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    n = 0
    batch = []
    for r in rows:
        batch.append(tuple(_cell(r.get(c)) for c in columns))
        n += 1
        if len(batch) >= 5000:
            conn.executemany(sql, batch)
            batch.clear()
    if batch:
        conn.executemany(sql, batch)
    return n


def _export_sqlite(store, out: Path) -> dict[str, Any]:
    if out.is_dir() or not out.suffix:
        # a folder (existing, or a name without an ending such as the CLI's default "export")
        out = out / "minewatch.sqlite"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    written: dict[str, Any] = {}
    try:
        conn.executescript(SQLITE_SCHEMA)
        stories = table_rows(store, "stories", nested=False)
        docs = table_rows(store, "documents", nested=False)
        story_ids = {s["id"] for s in stories}
        for d in docs:
            if d.get("story_id") not in story_ids:
                d["story_id"] = None
        facts = table_rows(store, "facts", nested=False)
        fact_ids = {f["id"] for f in facts}
        claims = flat_claims(store)
        claim_ids = {c["id"] for c in claims}
        for c in claims:
            if c.get("fact_id") not in fact_ids:
                c["fact_id"] = None
        conflicts = table_rows(store, "conflicts", nested=False)
        for x in conflicts:
            if x.get("fact_id") not in fact_ids:
                x["fact_id"] = None
        for f in facts:
            f["document_ids"] = to_json(f.get("document_ids") or [])
            f["story_ids"] = to_json(f.get("story_ids") or [])
        cols = {name: [c for c in _sqlite_columns(conn, name)] for name in (
            "stories", "documents", "facts", "claims", "conflicts", "records", "reviews", "conflict_reviews")}
        written["stories"] = _insert(conn, "stories", cols["stories"], stories)
        written["documents"] = _insert(conn, "documents", cols["documents"], docs)
        written["facts"] = _insert(conn, "facts", cols["facts"], facts)
        written["claims"] = _insert(conn, "claims", cols["claims"], claims)
        written["fact_claims"] = _insert(
            conn, "fact_claims", ["fact_id", "claim_id"],
            ({"fact_id": c["fact_id"], "claim_id": c["id"]} for c in claims if c["fact_id"]),
        )
        written["conflicts"] = _insert(conn, "conflicts", cols["conflicts"], conflicts)
        written["conflict_claims"] = _insert(
            conn, "conflict_claims", ["conflict_id", "claim_id"],
            ({"conflict_id": x["id"], "claim_id": cid} for x in conflicts for cid in dict.fromkeys(x.get("claim_ids") or [])
             if cid in claim_ids),
        )
        records = table_rows(store, "records", nested=False)
        written["states"] = _insert(conn, "states", ["iso3", "name"], _states(records))
        written["records"] = _insert(conn, "records", cols["records"], records)
        reviews = table_rows(store, "reviews", nested=False)
        for r in reviews:
            # a review outlives a claim that re-extraction removed: the link is empty, the id stays readable
            r["claim_id_reviewed"] = r["claim_id"]
            if r["claim_id"] not in claim_ids:
                r["claim_id"] = None
        written["reviews"] = _insert(conn, "reviews", cols["reviews"], reviews)
        written["conflict_reviews"] = _insert(
            conn, "conflict_reviews", cols["conflict_reviews"], table_rows(store, "conflict_reviews", nested=False))
        conn.commit()
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"export would break its own foreign keys: {problems[:5]}")
    finally:
        conn.close()
    tmp.replace(out)
    meta = datasette_metadata(out.stem)
    meta_path = out.with_name("metadata.json")
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return {"database": str(out), "metadata": str(meta_path), "rows": written}


def _states(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every state that can join, plus any other a record names, so records.state_iso3 always has its row."""
    from minewatch.treaties import eligible_states

    names = dict(eligible_states())
    for r in records:
        code = r.get("state_iso3")
        if code and code not in names:
            names[code] = r.get("state_name") or code
    return [{"iso3": k, "name": v} for k, v in sorted(names.items())]


#: The column Datasette shows for a row wherever another table links to it (names, not bare ids).
LABEL_COLUMNS = {
    "documents": "title", "claims": "actor_name", "facts": "actor_name", "conflicts": "explanation",
    "states": "name", "records": "state_name", "reviews": "verdict",
}


def _sqlite_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute("SELECT * FROM pragma_table_info(?)", (table,))]


def datasette_metadata(database: str) -> dict[str, Any]:
    """Datasette's metadata.json: title, license, source, and per table a description and column descriptions."""
    return {
        "title": "minewatch knowledge base",
        "description": "Claims from news reporting about the Mine Ban Treaty (APMBC) and the Convention on Cluster "
        "Munitions (CCM), linked into facts, checked against depositary records.",
        "license": "Data: see each article's source; treaty records: UN depositary notifications",
        "source": "minewatch",
        "databases": {
            database: {
                "tables": {
                    name: {"description": d["description"], "columns": dict(d["columns"]),
                           **({"label_column": LABEL_COLUMNS[name]} if name in LABEL_COLUMNS else {})}
                    for name, d in DESCRIPTIONS.items()
                }
            }
        },
    }
