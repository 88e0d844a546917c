from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from minewatch.export import DESCRIPTIONS, TABLES, export_all
from minewatch.store.reconciling import reconcile_pending


def test_csv_folder_has_one_file_per_table_with_rows(filled, tmp_path: Path) -> None:
    store, ids = filled
    result = export_all(store, "csv", tmp_path / "csv")
    assert set(result["tables"]) == set(TABLES)
    with open(tmp_path / "csv" / "claims.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["id"] for r in rows} == {ids["ltu_claim"], ids["ltu_claim_b"], ids["ltu_money"], ids["est_claim"], ids["fin_claim"]}
    money = next(r for r in rows if r["id"] == ids["ltu_money"])
    assert money["money_currency"] == "EUR" and float(money["money_low"]) == 800e6
    assert "800 million euros" in money["evidence"]
    records = list(csv.DictReader(open(tmp_path / "csv" / "records.csv", encoding="utf-8")))
    assert any(r["state_iso3"] == "LTU" and r["action"] == "withdrawal_notification" for r in records)


def test_json_keeps_the_claim_contract_shape(filled, tmp_path: Path) -> None:
    store, ids = filled
    export_all(store, "json", tmp_path / "json")
    claims = json.loads((tmp_path / "json" / "claims.json").read_text(encoding="utf-8"))
    c = next(c for c in claims if c["id"] == ids["ltu_claim"])
    assert c["actor"] == {"kind": "state", "iso3": "LTU", "name": "Lithuania"}
    assert c["document"]["id"] == ids["ltu_doc"] and c["evidence"][0]["text"].startswith("The Seimas voted")
    facts = json.loads((tmp_path / "json" / "facts.json").read_text(encoding="utf-8"))
    assert any(ids["ltu_claim"] in f["claim_ids"] for f in facts)


def test_parquet_files_read_back(filled, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    store, _ = filled
    result = export_all(store, "parquet", tmp_path / "pq")
    claims = pq.read_table(tmp_path / "pq" / "claims.parquet")
    assert claims.num_rows == result["tables"]["claims"]["rows"] == 5
    assert str(claims.schema.field("money_low").type) == "double"
    docs = pq.read_table(tmp_path / "pq" / "documents.parquet")
    assert str(docs.schema.field("published").type) == "date32[day]"


def test_sqlite_export_opens_with_foreign_keys_view_and_metadata(filled, tmp_path: Path) -> None:
    store, ids = filled
    store.add_review(ids["est_claim"], "corrected", "analyst", "stage is decided", {"stage": "decided"})
    reconcile_pending(store)
    result = export_all(store, "sqlite", tmp_path / "out" / "kb.sqlite", metadata=tmp_path / "out" / "kb.json")
    db = Path(result["tables"]["database"])
    conn = sqlite3.connect(db)
    names = {r[0]: r[1] for r in conn.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')")}
    for table in ("claims", "facts", "conflicts", "documents", "stories", "records", "reviews", "fact_claims"):
        assert names.get(table) == "table"
    assert names["facts_with_sources"] == "view"
    fks = {(r[2], r[3], r[4]) for r in conn.execute("PRAGMA foreign_key_list(claims)")}
    assert ("documents", "document_id", "id") in fks and ("facts", "fact_id", "id") in fks
    assert ("stories", "story_id", "id") in {(r[2], r[3], r[4]) for r in conn.execute("PRAGMA foreign_key_list(documents)")}
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    rows = conn.execute(
        "SELECT fact_id, outlet, url FROM facts_with_sources WHERE claim_id = ?", (ids["ltu_claim"],)
    ).fetchall()
    assert rows and rows[0][1] == "Example Daily" and rows[0][2] == "https://news.example/ltu-1"
    # the two Lithuanian reports support one fact
    fact_id = rows[0][0]
    assert conn.execute("SELECT count(*) FROM facts_with_sources WHERE fact_id = ?", (fact_id,)).fetchone()[0] == 2
    # the analyst's correction is in the export
    assert conn.execute("SELECT stage, review_verdict FROM claims WHERE id = ?", (ids["est_claim"],)).fetchone() == (
        "decided", "corrected")
    conn.close()

    meta = json.loads(Path(result["tables"]["metadata"]).read_text(encoding="utf-8"))
    _assert_datasette_metadata(meta, db.stem, db)


def _assert_datasette_metadata(meta: dict, database: str, db: Path) -> None:
    """Datasette's metadata shape: top-level strings, databases → tables → description + columns (name → text)."""
    for key in ("title", "description", "license", "source"):
        assert isinstance(meta.get(key), str)
    tables = meta["databases"][database]["tables"]
    conn = sqlite3.connect(db)
    for name, spec in tables.items():
        assert set(spec) <= {"description", "columns", "sort", "label_column", "hidden", "facets", "units",
                             "license", "source", "source_url", "about"}
        assert spec.get("source") and spec.get("license") and spec.get("about"), name
        assert isinstance(spec["description"], str)
        real = {r[1] for r in conn.execute("SELECT * FROM pragma_table_info(?)", (name,))}
        assert real, f"metadata describes {name}, which the database lacks"
        assert set(spec["columns"]) <= real, f"{name}: described columns not in the table: {set(spec['columns']) - real}"
        assert all(isinstance(v, str) for v in spec["columns"].values())
    conn.close()
    assert set(tables) == set(DESCRIPTIONS)


def test_unknown_format_is_refused(filled, tmp_path: Path) -> None:
    store, _ = filled
    with pytest.raises(ValueError, match="unknown export format"):
        export_all(store, "xlsx", tmp_path / "x")


def test_sqlite_export_of_an_empty_base(tmp_path: Path) -> None:
    from minewatch.store.repository import Store

    store = Store.open(f"sqlite:///{tmp_path / 'empty.db'}")
    result = export_all(store, "sqlite", tmp_path / "e.sqlite")
    assert result["tables"]["rows"]["claims"] == 0 and result["tables"]["rows"]["records"] > 0


def test_sqlite_export_into_a_folder_name(filled, tmp_path: Path) -> None:
    store, _ = filled
    result = export_all(store, "sqlite", tmp_path / "export")
    assert result["tables"]["database"] == str(tmp_path / "export" / "minewatch.sqlite")
    meta = json.loads((tmp_path / "export" / "metadata.json").read_text(encoding="utf-8"))
    assert "minewatch" in meta["databases"]
