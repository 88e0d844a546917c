"""Fixed typed schemas, one list encoding per format, relative paths, full-text search, treaty status tables."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from minewatch.export import DESCRIPTIONS, TABLES, arrow_schema, export_all
from minewatch.model import Actor, Claim, Document, Evidence
from minewatch.store.reconciling import reconcile_pending
from minewatch.store.repository import Store

LIST_COLUMNS = {"documents": ["via"], "stories": ["agencies"], "facts": ["claim_ids", "document_ids", "story_ids"],
                "conflicts": ["claim_ids"]}


@pytest.fixture
def with_paths(filled, tmp_path: Path):
    """Two documents ingested from files under one folder, as `minewatch ingest FOLDER` stores them (absolute)."""
    store, ids = filled
    root = tmp_path / "home" / "someone" / "articles"
    text = "Testland mine plan\nTestland's defence minister said it would produce anti-personnel mines next year."
    nested = Document(text=text, original=text, path=str(root / "2025" / "a.txt"), outlet="Desk", language="en",
                      published=date(2025, 8, 1), via=["AP", "AFP"])
    text_b = "Second Testland report\nThe Seimas debated the mine ban again on Monday, officials said."
    flat = Document(text=text_b, original=text_b, path=str(root / "b.jsonl") + "#3", outlet="Desk", language="en")
    i = text.index("it would produce")
    claim = Claim(nested.id, Actor("state", "LTU", "Lithuania"), "production", weapon="ap_mine", modality="planned",
                  evidence=[Evidence(i, i + 40, text[i : i + 40])])
    store.add_document(nested, claims=[claim], extracted=True)
    store.add_document(flat, claims=[], extracted=True)
    reconcile_pending(store)
    return store, ids, tmp_path / "home"


def test_parquet_schema_is_fixed_and_typed_even_when_empty(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    store = Store.open(f"sqlite:///{tmp_path / 'empty.db'}")
    export_all(store, "parquet", tmp_path / "pq")
    for name in TABLES:
        schema = pq.read_schema(tmp_path / "pq" / f"{name}.parquet")
        assert schema.names == list(DESCRIPTIONS[name]["columns"]), name
        assert schema.remove_metadata().equals(arrow_schema(name).remove_metadata()), name
    facts = pq.read_schema(tmp_path / "pq" / "facts.parquet")
    assert facts.field("first_reported").type == pa.date32() and facts.field("money_low").type == pa.float64()
    assert facts.field("document_ids").type == pa.list_(pa.string())


def test_duckdb_reads_every_parquet_file_with_dates_and_doubles(with_paths, tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    store, _, _ = with_paths
    export_all(store, "parquet", tmp_path / "pq")
    con = duckdb.connect()
    types = {}
    for name in TABLES:
        rel = con.sql(f"SELECT * FROM read_parquet('{tmp_path / 'pq' / name}.parquet')")
        types[name] = dict(zip(rel.columns, [str(t) for t in rel.types], strict=True))
        assert rel.columns == list(DESCRIPTIONS[name]["columns"])
    for table in ("facts", "claims"):
        assert types[table]["money_low"] == "DOUBLE" and types[table]["quantity_high"] == "DOUBLE"
        assert types[table]["time_start"] == "DATE"
    assert types["facts"]["first_reported"] == "DATE" and types["facts"]["event_date"] == "DATE"
    assert types["documents"]["published"] == "DATE" and types["documents"]["via"] == "VARCHAR[]"
    assert types["treaty_status"]["withdrawal_effective"] == "DATE"
    assert types["status_history"]["valid_from"] == "DATE"
    money = con.sql(f"SELECT money_low FROM '{tmp_path / 'pq' / 'facts.parquet'}' WHERE predicate = 'procurement'").fetchall()
    assert money == [(8e8,)]


def test_document_paths_are_relative_in_every_format(with_paths, tmp_path: Path) -> None:
    store, _, home = with_paths
    out = tmp_path / "out"
    for fmt in ("csv", "json", "parquet"):
        export_all(store, fmt, out / fmt)
    export_all(store, "sqlite", out / "sqlite")
    for f in out.rglob("*"):
        if f.is_file():
            assert str(home).encode() not in f.read_bytes(), f"{f} holds a local absolute path"
    docs = list(csv.DictReader((out / "csv" / "documents.csv").open(encoding="utf-8")))
    assert {d["path"] for d in docs if d["path"]} == {"2025/a.txt", "b.jsonl#3"}
    claims = json.loads((out / "json" / "claims.json").read_text(encoding="utf-8"))
    assert "2025/a.txt" in {c["document"]["path"] for c in claims}


def test_one_list_encoding_per_format(with_paths, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    store, _, _ = with_paths
    export_all(store, "csv", tmp_path / "csv")
    export_all(store, "sqlite", tmp_path / "db")
    export_all(store, "parquet", tmp_path / "pq")
    con = sqlite3.connect(tmp_path / "db" / "minewatch.sqlite")
    for table, columns in LIST_COLUMNS.items():
        rows = list(csv.DictReader((tmp_path / "csv" / f"{table}.csv").open(encoding="utf-8")))
        for col in columns:
            values = [r[col] for r in rows]
            assert values or table == "conflicts"  # the fixture has no conflict
            assert all(isinstance(json.loads(v), list) for v in values), (table, col)
            in_sqlite = [r[0] for r in con.execute(f"SELECT {col} FROM {table}")]
            assert all(isinstance(json.loads(v), list) for v in in_sqlite), (table, col)
            assert str(pq.read_schema(tmp_path / "pq" / f"{table}.parquet").field(col).type) == "list<element: string>"
    via = [json.loads(r["via"]) for r in csv.DictReader((tmp_path / "csv" / "documents.csv").open(encoding="utf-8"))]
    assert ["AP", "AFP"] in via
    con.close()


def test_sqlite_full_text_search(with_paths, tmp_path: Path) -> None:
    store, ids, _ = with_paths
    db = Path(export_all(store, "sqlite", tmp_path / "x")["tables"]["database"])
    con = sqlite3.connect(db)

    def search(table: str, q: str) -> set[str]:
        sql = f"SELECT id FROM {table} WHERE rowid IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?)"
        return {r[0] for r in con.execute(sql, (q,))}

    assert search("documents", "Seimas") == {ids["ltu_doc"], *search("documents", "debated")}
    assert ids["ltu_doc"] in search("documents", "Seimas") and len(search("documents", "debated")) == 1
    assert search("claims", "Seimas") == {ids["ltu_claim"]}
    assert search("claims", "produce") and search("claims", "nothingsuch") == set()
    assert search("facts", "Estonia") == {r[0] for r in con.execute("SELECT id FROM facts WHERE actor_iso3 = 'EST'")}
    con.close()


def test_treaty_status_and_history_tables(filled, tmp_path: Path) -> None:
    store, _ = filled
    result = export_all(store, "sqlite", tmp_path / "x")
    con = sqlite3.connect(result["tables"]["database"])
    row = con.execute("SELECT status, withdrawal_notification, withdrawal_effective, \"on\" FROM treaty_status "
                      "WHERE treaty = 'APMBC' AND state_iso3 = 'LTU'").fetchone()
    assert row[:3] == ("withdrawn", "2025-06-27", "2025-12-27") and row[3] == date.today().isoformat()
    assert con.execute("SELECT count(*) FROM treaty_status").fetchone()[0] == 2 * 197
    history = con.execute("SELECT status, valid_from, valid_until FROM status_history "
                          "WHERE treaty = 'APMBC' AND state_iso3 = 'LTU' ORDER BY valid_from").fetchall()
    assert history[-2:] == [("withdrawing", "2025-06-27", "2025-12-26"), ("withdrawn", "2025-12-27", None)]
    assert history[-3][0] == "party" and history[-3][2] == "2025-06-26"
    # periods of one state never overlap and follow on from each other
    for a, b in zip(history, history[1:], strict=False):
        assert date.fromisoformat(a[2]).toordinal() + 1 == date.fromisoformat(b[1]).toordinal()
    ukr = con.execute("SELECT status, suspension FROM treaty_status WHERE treaty = 'APMBC' AND state_iso3 = 'UKR'").fetchone()
    assert ukr == ("party", "2025-07-18")
    con.close()


def test_datasette_search_and_status_tables(with_paths, tmp_path: Path) -> None:
    """Where Datasette is installed: ?_search= filters, the status tables show (skips otherwise)."""
    datasette_app = pytest.importorskip("datasette.app")
    import asyncio

    store, ids, _ = with_paths
    result = export_all(store, "sqlite", tmp_path / "x")
    meta = json.loads(Path(result["tables"]["metadata"]).read_text(encoding="utf-8"))
    ds = datasette_app.Datasette([result["tables"]["database"]], metadata=meta)

    async def get(path: str):
        return await ds.client.get(path)

    found = asyncio.run(get("/minewatch/documents.json?_search=Seimas&_shape=array")).json()
    assert ids["ltu_doc"] in {r["id"] for r in found} and len(found) < 6
    status = asyncio.run(get("/minewatch/treaty_status.json?state_iso3=LTU&_shape=array")).json()
    assert {r["treaty"] for r in status} == {"APMBC", "CCM"}


def test_relative_paths_never_start_at_the_filesystem_root() -> None:
    from minewatch.export import RelativePaths

    same = RelativePaths(["/home/ana/in/a.txt", "/home/ana/in/sub/b.txt", "https://x.example/c", None])
    assert same("/home/ana/in/sub/b.txt") == "sub/b.txt" and same("https://x.example/c") == "https://x.example/c"
    apart = RelativePaths(["/home/ana/in/a.txt", "/data/b.jsonl"])
    assert apart("/home/ana/in/a.txt") == "a.txt" and apart("/data/b.jsonl#4") == "b.jsonl#4"
    assert RelativePaths(["C:\\Users\\ana\\in\\a.txt"])("C:\\Users\\ana\\in\\a.txt") == "a.txt"
    assert same("-") == "-" and same("relative/x.txt") == "relative/x.txt"

