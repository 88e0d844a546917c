"""Whole-base exports: CSV folders, JSON files, Parquet files, one SQLite file for Datasette.

Every table has one fixed, typed schema (``COLUMN_TYPES``), whatever its rows
hold: ``facts.parquet`` has DATE and DOUBLE columns even when every fact lacks
a date, and a list is encoded one way per format (JSON arrays in CSV and
SQLite, list columns in Parquet, arrays in JSON).  Document paths are relative
to the folder the documents were ingested from, never a path of the machine
that ingested them.

The SQLite export is a product of its own: readable table and column names,
foreign keys between them, full-text search (``?_search=`` in Datasette) on
documents, claims' evidence and facts, views that answer the usual question
("which articles support this fact?") and Datasette's ``metadata.json``, so
``datasette minewatch.sqlite -m metadata.json`` shows a documented database.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import IO, Any

from minewatch.output import to_csv, to_json
from minewatch.store import exports as reads
from minewatch.treaties import eligible_states
from minewatch.treaties import status as st

log = logging.getLogger(__name__)

FORMATS = ("csv", "json", "parquet", "sqlite")
TABLES = ("claims", "facts", "conflicts", "documents", "stories", "records", "reviews", "conflict_reviews",
          "treaty_status", "status_history")

#: Table and column descriptions: the SQLite export's metadata.json, and the column order of every format.
DESCRIPTIONS: dict[str, dict[str, Any]] = {
    "documents": {
        "description": "Ingested articles: one row per distinct text.",
        "columns": {
            "id": "Document id (d- and a content hash)", "title": "Headline", "outlet": "Publishing outlet",
            "url": "Where the article was published",
            "path": "Input file it was read from, relative to the folder the articles were ingested from",
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
            "evidence": "Evidence sentence(s) from the article",
            "confidence": "Probability that the claim is right (calibrated on articles the model did not train on)",
            "extractor": "Extraction design and model version that produced it (claims.v2/model-2026-12)",
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
            "claim_ids": "Claims supporting it (JSON list)",
            "document_ids": "Articles supporting it (JSON list)", "story_ids": "Wire stories supporting it (JSON list)",
        },
    },
    "conflicts": {
        "description": "Reports that disagree with each other or with the depositary record.",
        "columns": {
            "id": "Conflict id", "kind": "Kind of disagreement", "severity": "high, medium or low",
            "actor_iso3": "State concerned", "fact_id": "Fact concerned", "scope": "Where the disagreement lies",
            "explanation": "What disagrees, in words",
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
            "claim_id_reviewed": "Claim id as reviewed (also when the claim is gone after re-extraction)",
        },
    },
    "treaty_status": {
        "description": "Every state's status under each treaty on the export date, with the dates behind it.",
        "columns": {
            "treaty": "APMBC or CCM", "state_iso3": "State's code", "state_name": "State", "on": "Date of the status",
            "status": "party, withdrawing, withdrawn, signatory, not_party or unknown",
            "signature": "Signed", "deposit": "Instrument deposited", "deposit_kind": "ratification, accession, ...",
            "in_force_from": "Bound from", "withdrawal_notification": "Withdrawal notified",
            "withdrawal_effective": "Withdrawal takes or took effect", "pending_reason": "Why a withdrawal waits",
            "suspension": "Suspension notified (contested; the state counts as a party)",
        },
    },
    "status_history": {
        "description": "Each state's status under each treaty as periods: from one change to the next.",
        "columns": {
            "treaty": "APMBC or CCM", "state_iso3": "State's code", "state_name": "State", "status": "Status in the period",
            "valid_from": "First day of the period", "valid_until": "Last day of the period (empty: still so)",
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
    "time_basis", "speaker_name", "speaker_role", "confidence", "extractor",
]
_CORRECTED = {
    "actor": {"kind": "actor_kind", "iso3": "actor_iso3", "name": "actor_name"},
    "counterpart": {"iso3": "counterpart_iso3", "name": "counterpart_name"},
    "quantity": {"low": "quantity_low", "high": "quantity_high", "unit": "quantity_unit", "text": "quantity_text"},
    "money": {"low": "money_low", "high": "money_high", "currency": "money_currency", "text": "money_text"},
    "time": {"start": "time_start", "end": "time_end", "text": "time_text", "basis": "time_basis"},
    "speaker": {"name": "speaker_name", "role": "speaker_role"},
}


#: Column types of every exported table (``DESCRIPTIONS`` gives the order): the schema of every format.
_DATE, _TS, _F, _I, _B, _LIST, _JSON = "date", "timestamp", "float", "int", "bool", "list", "json"
_VALUES = {"quantity_low": _F, "quantity_high": _F, "money_low": _F, "money_high": _F, "time_start": _DATE, "time_end": _DATE}
COLUMN_TYPES: dict[str, dict[str, str]] = {
    "documents": {"published": _DATE, "via": _LIST},
    "stories": {"agencies": _LIST, "first_published": _DATE, "last_published": _DATE, "document_count": _I},
    "claims": {**_VALUES, "confidence": _F},
    "facts": {**_VALUES, "independent_sources": _I, "claim_count": _I, "document_count": _I, "first_reported": _DATE,
              "last_reported": _DATE, "event_date": _DATE, "verified": _B, "claim_ids": _LIST, "document_ids": _LIST,
              "story_ids": _LIST},
    "conflicts": {"claim_ids": _LIST, "record": _JSON},
    "conflict_reviews": {"id": _I, "created_at": _TS},
    "records": {"id": _I, "date": _DATE},
    "reviews": {"id": _I, "corrections": _JSON, "created_at": _TS},
    "treaty_status": {k: _DATE for k in ("on", "signature", "deposit", "in_force_from", "withdrawal_notification",
                                         "withdrawal_effective", "suspension")},
    "status_history": {"valid_from": _DATE, "valid_until": _DATE},
}


def table_columns(name: str) -> list[tuple[str, str]]:
    """(column, type) of an exported table, in order; every type not named is text."""
    types = COLUMN_TYPES.get(name, {})
    return [(c, types.get(c, "string")) for c in DESCRIPTIONS[name]["columns"]]


def _to_date(v: Any) -> date | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


def typed(value: Any, kind: str) -> Any:
    """One value as its column's type (the store hands some as ISO text, some as numbers, lists as JSON)."""
    if value is None:
        return None
    if kind == _DATE:
        return _to_date(value)
    if kind == _TS:
        return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if kind == _F:
        return float(value)
    if kind == _I:
        return int(value)
    if kind == _B:
        return bool(value)
    if kind == _LIST:
        if isinstance(value, str):
            value = json.loads(value) if value.startswith("[") else [value]
        return [str(x) for x in value]
    if kind == _JSON:
        return value if isinstance(value, str) else to_json(value)
    return value if isinstance(value, str) else str(value)


def typed_rows(name: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with exactly the table's columns, each value of the column's type."""
    cols = table_columns(name)
    return [{c: typed(r.get(c), kind) for c, kind in cols} for r in rows]


class RelativePaths:
    """Input paths relative to the folder the documents were ingested from (their common folder).

    A path the store holds is the absolute path on the machine that ingested
    it; exported as it is, it tells where someone's home folder is and points
    nowhere on the reader's machine.  URLs, ``-`` (standard input) and
    relative paths stay as they are.
    """

    def __init__(self, paths: Iterable[str | None]) -> None:
        absolute = [p for p in paths if p and self._absolute(p)]
        if not absolute:
            self.root = None
            return
        folders = [self._pure(p).parent for p in absolute]
        try:
            self.root = self._pure(os.path.commonpath([str(f) for f in folders]))
        except ValueError:  # different drives
            self.root = None
        if self.root is not None and len(self.root.parts) <= 1:
            self.root = None  # folders with nothing in common but "/": file names only, no home folders

    @staticmethod
    def _absolute(p: str) -> bool:
        return "://" not in p and (PurePosixPath(p).is_absolute() or PureWindowsPath(p).is_absolute())

    @staticmethod
    def _pure(p: str):
        return PurePosixPath(p) if PurePosixPath(p).is_absolute() else PureWindowsPath(p)

    def __call__(self, path: str | None) -> str | None:
        if not path or not self._absolute(path):
            return path
        suffix = ""
        if "#" in path:  # a line or entry of a JSONL or feed file
            path, suffix = path.split("#", 1)
            suffix = "#" + suffix
        p = self._pure(path)
        if self.root is not None:
            try:
                return p.relative_to(self.root).as_posix() + suffix
            except ValueError:
                pass
        return p.name + suffix


def flat_claims(store) -> list[dict[str, Any]]:
    """One flat row per claim, the latest review's corrections applied, evidence joined."""
    rows, evidence, reviews = reads.claims_with_reviews(store, _CLAIM_COLUMNS)
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


def document_paths(store) -> RelativePaths:
    return RelativePaths(reads.document_paths(store))


def treaty_status_rows(store, on: date | None = None) -> list[dict[str, Any]]:
    """Every state under both treaties on ``on`` (default today): the map's data as a table."""
    day = on or date.today()
    idx = st.RecordIndex(store.treaty_events(), store.armed_conflicts(), store.not_party())
    out = []
    for treaty in ("APMBC", "CCM"):
        for s in st.all_statuses(treaty, day, idx):
            d = s.to_dict()
            out.append({
                "treaty": treaty, "state_iso3": s.iso3, "state_name": s.name, "on": day, "status": d["status"],
                **{k: d[k] for k in ("signature", "deposit", "deposit_kind", "in_force_from", "withdrawal_notification",
                                     "withdrawal_effective", "pending_reason")},
                "suspension": (d.get("suspension") or {}).get("date"),
            })
    return out


def status_history_rows(store) -> list[dict[str, Any]]:
    """Each state's status as periods, computed on every date a record or a rule changes it."""
    idx = st.RecordIndex(store.treaty_events(), store.armed_conflicts(), store.not_party())
    far = date(2100, 12, 31)
    out = []
    for treaty in ("APMBC", "CCM"):
        for iso3 in sorted({code for (tr, code) in idx.events if tr == treaty}):
            try:
                final = st.state_status(treaty, iso3, far, idx)
            except KeyError:  # a record of a state that cannot join: it has no status
                continue
            days = {e.date for e in idx.events[(treaty, iso3)]}
            days.update(d for d in (final.in_force_from, final.withdrawal_effective) if d)
            for c in idx.conflicts.get(iso3, []):  # a withdrawal held by an armed conflict takes effect at its end
                days.update(d for d in (c.start, c.end) if d)
            periods: list[dict[str, Any]] = []
            for day in sorted(days):
                status = str(st.state_status(treaty, iso3, day, idx).status)
                if periods and periods[-1]["status"] == status:
                    continue
                if periods:
                    periods[-1]["valid_until"] = date.fromordinal(day.toordinal() - 1)
                periods.append({"treaty": treaty, "state_iso3": iso3, "state_name": final.name, "status": status,
                                "valid_from": day, "valid_until": None})
            out.extend(periods)
    return out


def _relative(obj: Any, paths: RelativePaths) -> Any:
    """Every ``path`` value in nested rows made relative (claims' documents, facts' sources)."""
    if isinstance(obj, dict):
        return {k: (paths(v) if k == "path" and isinstance(v, str) else _relative(v, paths)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_relative(x, paths) for x in obj]
    return obj


def table_rows(store, name: str, *, nested: bool, paths: RelativePaths | None = None) -> list[dict[str, Any]]:
    """Rows of one exported table; ``nested`` keeps the contract's JSON shape (JSON export)."""
    if name in ("claims", "documents", "stories") and paths is None:
        paths = document_paths(store)
    if name == "claims":
        return flat_claims(store) if not nested else _relative(store.claims(), paths)
    if name == "facts":
        facts = store.facts()
        if not nested:
            return [flat_fact(f) for f in facts]
        return _relative(facts, paths or document_paths(store))  # a fact's detail lists its sources' paths
    if name == "conflicts":
        rows = store.conflicts(dismissed=True)
        for r in rows:
            review = r.get("review") if nested else r.pop("review", None)
            r["review_verdict"] = (review or {}).get("verdict")
        return rows
    if name == "conflict_reviews":
        return reads.table_rows(store, "conflict_reviews")
    if name == "documents":
        rows = reads.table_rows(store, "documents", DESCRIPTIONS["documents"]["columns"])
        for r in rows:
            r["path"] = paths(r["path"])
        return rows
    if name == "stories":
        return reads.table_rows(store, "stories")
    if name == "records":
        return reads.table_rows(store, "records")
    if name == "reviews":
        rows = reads.table_rows(store, "reviews")
        for r in rows:
            r["claim_id_reviewed"] = r["claim_id"]
        return rows
    if name == "treaty_status":
        return treaty_status_rows(store)
    if name == "status_history":
        return status_history_rows(store)
    raise KeyError(name)


def export_all(
    store, fmt: str, out: Path, *, tables: Sequence[str] | None = None, metadata: Path | None = None
) -> dict[str, Any]:
    """Write every table (or ``tables``) in ``fmt``; returns what was written (paths and row counts per table).

    Nothing is written outside ``out``: a folder for csv, json and parquet, a
    file for sqlite (a folder there gets ``minewatch.sqlite`` and
    ``metadata.json`` inside it; beside a file, metadata goes only where
    ``metadata`` says).
    """
    fmt = fmt.lower()
    writers: dict[str, Callable[..., dict[str, Any]]] = {
        "csv": _export_csv, "json": _export_json, "parquet": _export_parquet, "sqlite": _export_sqlite,
    }
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    names = list(tables) if tables else list(TABLES)
    unknown = [n for n in names if n not in TABLES]
    if unknown:
        raise ValueError(f"unknown table {unknown[0]!r}: use one of {', '.join(TABLES)}")
    out = Path(out)
    if fmt == "sqlite":
        written = _export_sqlite(store, out, metadata=metadata)
    else:
        written = writers[fmt](store, out, names)
    return {"format": fmt, "path": str(out), "tables": written}


def export_stream(store, fmt: str, stream: IO[str], *, table: str | None = None) -> None:
    """``-o -``: one table (or, in JSON, every table as one object) on ``stream``; binary formats as bytes."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    if table is not None and table not in TABLES:
        raise ValueError(f"unknown table {table!r}: use one of {', '.join(TABLES)}")
    if fmt == "csv":
        stream.write(_csv_text(table_rows(store, table, nested=False), table))
    elif fmt == "json":
        if table:
            stream.write(to_json(table_rows(store, table, nested=True), indent=1) + "\n")
        else:
            paths = document_paths(store)
            stream.write(to_json({n: table_rows(store, n, nested=True, paths=paths) for n in TABLES}, indent=1) + "\n")
    else:
        with tempfile.TemporaryDirectory(prefix="minewatch-export-") as tmp:
            if fmt == "parquet":
                _export_parquet(store, Path(tmp), [table])
                path = Path(tmp) / f"{table}.parquet"
            else:
                path = Path(tmp) / "minewatch.sqlite"
                _export_sqlite(store, path)
            stream.flush()
            binary = getattr(stream, "buffer", stream)
            with open(path, "rb") as fh:
                shutil.copyfileobj(fh, binary)
            binary.flush()


def _folder(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _csv_text(rows: Sequence[dict[str, Any]], name: str) -> str:
    """The table's fixed columns; lists as JSON arrays (``output.flatten``: CSV's one list encoding), dates ISO."""
    return to_csv(typed_rows(name, rows), [c for c, _ in table_columns(name)])


def _export_csv(store, out: Path, names: Sequence[str] = TABLES) -> dict[str, Any]:
    folder = _folder(out)
    written = {}
    paths = document_paths(store)
    for name in names:
        rows = table_rows(store, name, nested=False, paths=paths)
        path = folder / f"{name}.csv"
        path.write_text(_csv_text(rows, name), encoding="utf-8")
        written[name] = {"file": str(path), "rows": len(rows)}
        log.info("wrote %s (%d rows)", path, len(rows))
    return written


def _export_json(store, out: Path, names: Sequence[str] = TABLES) -> dict[str, Any]:
    folder = _folder(out)
    written = {}
    paths = document_paths(store)
    for name in names:
        rows = table_rows(store, name, nested=True, paths=paths)
        if name not in ("claims", "facts", "conflicts"):  # the contract's nested shapes stay as they are
            rows = typed_rows(name, rows)
        path = folder / f"{name}.json"
        path.write_text(to_json(rows, indent=1) + "\n", encoding="utf-8")
        written[name] = {"file": str(path), "rows": len(rows)}
        log.info("wrote %s (%d rows)", path, len(rows))
    return written


def arrow_schema(name: str):
    """The fixed Parquet schema of one table (the same whatever the rows hold)."""
    import pyarrow as pa  # lazy: pyarrow, an optional dependency, needed only for Parquet

    kinds = {"string": pa.string(), _DATE: pa.date32(), _TS: pa.timestamp("us"), _F: pa.float64(), _I: pa.int64(),
             _B: pa.bool_(), _LIST: pa.list_(pa.string()), _JSON: pa.string()}
    desc = DESCRIPTIONS[name]["columns"]
    fields = [pa.field(c, kinds[k], metadata={"description": desc[c]}) for c, k in table_columns(name)]
    return pa.schema(fields, metadata={"description": DESCRIPTIONS[name]["description"]})


def _export_parquet(store, out: Path, names: Sequence[str] = TABLES) -> dict[str, Any]:
    # lazy: pyarrow, an optional dependency, needed only for Parquet
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = _folder(out)
    written = {}
    paths = document_paths(store)
    for name in names:
        rows = typed_rows(name, table_rows(store, name, nested=False, paths=paths))
        table = pa.Table.from_pylist(rows, schema=arrow_schema(name))
        path = folder / f"{name}.parquet"
        pq.write_table(table, path)
        written[name] = {"file": str(path), "rows": len(rows)}
        log.info("wrote %s (%d rows)", path, len(rows))
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
  claim_ids TEXT, document_ids TEXT, story_ids TEXT
);
CREATE TABLE claims (
  id TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id), fact_id TEXT REFERENCES facts(id),
  actor_kind TEXT, actor_iso3 TEXT, actor_name TEXT, predicate TEXT, stage TEXT, treaty TEXT, weapon TEXT,
  counterpart_iso3 TEXT, counterpart_name TEXT, modality TEXT, polarity TEXT,
  quantity_low REAL, quantity_high REAL, quantity_unit TEXT, quantity_text TEXT,
  money_low REAL, money_high REAL, money_currency TEXT, money_text TEXT,
  time_start TEXT, time_end TEXT, time_text TEXT, time_basis TEXT, speaker_name TEXT, speaker_role TEXT,
  evidence TEXT, confidence REAL, extractor TEXT, review_verdict TEXT, reviewer TEXT
);
CREATE TABLE fact_claims (
  fact_id TEXT NOT NULL REFERENCES facts(id), claim_id TEXT NOT NULL REFERENCES claims(id), PRIMARY KEY (fact_id, claim_id)
);
CREATE TABLE conflicts (
  id TEXT PRIMARY KEY, kind TEXT, severity TEXT, actor_iso3 TEXT, fact_id TEXT REFERENCES facts(id), scope TEXT,
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
CREATE TABLE treaty_status (
  treaty TEXT NOT NULL, state_iso3 TEXT NOT NULL REFERENCES states(iso3), state_name TEXT, "on" TEXT, status TEXT,
  signature TEXT, deposit TEXT, deposit_kind TEXT, in_force_from TEXT, withdrawal_notification TEXT,
  withdrawal_effective TEXT, pending_reason TEXT, suspension TEXT, PRIMARY KEY (treaty, state_iso3)
);
CREATE TABLE status_history (
  treaty TEXT NOT NULL, state_iso3 TEXT NOT NULL REFERENCES states(iso3), state_name TEXT, status TEXT,
  valid_from TEXT NOT NULL, valid_until TEXT, PRIMARY KEY (treaty, state_iso3, valid_from)
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
    sql = f"INSERT INTO {table} ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' for _ in columns)})"
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


#: Full-text search (``?_search=`` in Datasette, ``… MATCH`` in SQL): the columns indexed per table.
FTS_COLUMNS = {
    "documents": ["title", "text"],
    "claims": ["evidence", "actor_name", "counterpart_name", "speaker_name", "quantity_text", "money_text", "time_text"],
    "facts": ["actor_name", "counterpart_name", "predicate", "quantity_text", "money_text", "time_text"],
}


def _export_sqlite(store, out: Path, metadata: Path | None = None) -> dict[str, Any]:
    folder_target = out.is_dir() or not out.suffix
    if folder_target:
        # a folder (existing, or a name without an ending such as the CLI's default "export"): both files inside it
        out = out / "minewatch.sqlite"
        metadata = metadata or out.with_name("metadata.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    written: dict[str, Any] = {}
    try:
        conn.executescript(SQLITE_SCHEMA)
        paths = document_paths(store)
        stories = table_rows(store, "stories", nested=False)
        docs = table_rows(store, "documents", nested=False, paths=paths)
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

        def put(name: str, rows: Sequence[dict[str, Any]]) -> int:
            return _insert(conn, name, [c for c, _ in table_columns(name)], typed_rows(name, rows))

        written["stories"] = put("stories", stories)
        written["documents"] = put("documents", docs)
        written["facts"] = put("facts", facts)
        written["claims"] = put("claims", claims)
        written["fact_claims"] = _insert(
            conn, "fact_claims", ["fact_id", "claim_id"],
            ({"fact_id": c["fact_id"], "claim_id": c["id"]} for c in claims if c["fact_id"]),
        )
        written["conflicts"] = put("conflicts", conflicts)
        written["conflict_claims"] = _insert(
            conn, "conflict_claims", ["conflict_id", "claim_id"],
            ({"conflict_id": x["id"], "claim_id": cid} for x in conflicts for cid in dict.fromkeys(x.get("claim_ids") or [])
             if cid in claim_ids),
        )
        records = table_rows(store, "records", nested=False)
        written["states"] = _insert(conn, "states", ["iso3", "name"], _states(records))
        written["records"] = put("records", records)
        reviews = table_rows(store, "reviews", nested=False)
        for r in reviews:
            # a review outlives a claim that re-extraction removed: the link is empty, the id stays readable
            if r["claim_id"] not in claim_ids:
                r["claim_id"] = None
        written["reviews"] = put("reviews", reviews)
        written["treaty_status"] = put("treaty_status", treaty_status_rows(store))
        written["status_history"] = put("status_history", status_history_rows(store))
        written["conflict_reviews"] = put("conflict_reviews", table_rows(store, "conflict_reviews", nested=False))
        conn.commit()
        _enable_fts(conn)
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"export would break its own foreign keys: {problems[:5]}")
    finally:
        conn.close()
    tmp.replace(out)
    result: dict[str, Any] = {"database": str(out), "metadata": None, "rows": written}
    if metadata is not None:
        meta = datasette_metadata(out.stem)
        Path(metadata).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        result["metadata"] = str(metadata)
    log.info("wrote %s", out)
    return result


def _enable_fts(conn: sqlite3.Connection) -> None:
    """FTS5 tables beside documents, claims and facts, as Datasette finds them (``<table>_fts``, content=table)."""
    import sqlite_utils  # lazy: sqlite_utils loads pandas and numpy (~0.8 s), needed only for the SQLite export

    db = sqlite_utils.Database(conn)
    for table, columns in FTS_COLUMNS.items():
        db[table].enable_fts(columns, fts_version="FTS5", create_triggers=False, tokenize="unicode61 remove_diacritics 2")
    conn.commit()


def _states(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every state that can join, plus any other a record names, so records.state_iso3 always has its row."""
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


#: Where each table's rows come from, for Datasette's per-table license, source and about links.
_NEWS = {
    "source": "News reporting ingested by minewatch (each article's url column)",
    "license": "Article text and excerpts: the publishers' terms; minewatch's extraction: Apache-2.0",
    "about": "minewatch: claims extracted from the articles (rules propose, a trained model decides), linked into facts",
}
_DEPOSITARY = {
    "source": "UN Secretary-General as depositary: Multilateral Treaties Deposited, chapter XXVI",
    "source_url": "https://treaties.un.org/Pages/Treaties.aspx?id=26&subid=A&clang=_en",
    "license": "Public treaty records",
    "about": "minewatch's treaty rules applied to the depositary records (entry into force, withdrawal periods)",
}
TABLE_SOURCES: dict[str, dict[str, str]] = {
    **{n: _NEWS for n in ("documents", "stories", "claims", "facts", "conflicts", "reviews", "conflict_reviews",
                          "fact_claims", "conflict_claims", "facts_with_sources")},
    **{n: _DEPOSITARY for n in ("records", "treaty_status", "status_history", "states")},
}


def datasette_metadata(database: str) -> dict[str, Any]:
    """Datasette's metadata.json: title, license, source, and per table a description, its source and license."""
    return {
        "title": "minewatch knowledge base",
        "description": "Claims from news reporting about the Mine Ban Treaty (APMBC) and the Convention on Cluster "
        "Munitions (CCM), linked into facts, checked against depositary records.",
        "license": "Data: see each article's source; treaty records: UN depositary notifications",
        "source": "minewatch",
        "about": "minewatch: an open monitor for the Mine Ban Treaty and the Convention on Cluster Munitions",
        "databases": {
            database: {
                "tables": {
                    name: {"description": d["description"], "columns": dict(d["columns"]),
                           **TABLE_SOURCES.get(name, {}),
                           **({"label_column": LABEL_COLUMNS[name]} if name in LABEL_COLUMNS else {})}
                    for name, d in DESCRIPTIONS.items()
                }
            }
        },
    }
