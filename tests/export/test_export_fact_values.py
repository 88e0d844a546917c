"""Facts carry their merged values and sources in every flat format; the SQLite export links reviews and records."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

from minewatch.export import export_all


def test_facts_csv_and_parquet_have_merged_values_and_source_ids(filled, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    store, ids = filled
    export_all(store, "csv", tmp_path / "csv")
    rows = list(csv.DictReader((tmp_path / "csv" / "facts.csv").open(encoding="utf-8")))
    money = [r for r in rows if r["predicate"] == "procurement"][0]
    assert money["money_low"] == "800000000" or float(money["money_low"]) == 8e8
    assert money["money_currency"] == "EUR" and money["money_text"] == "800 million euros"
    assert ids["ltu_doc"] in money["document_ids"] and "s-ltu" in money["story_ids"]
    assert "counterpart_name" in money and "time_start" in money
    head = (tmp_path / "csv" / "facts.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert len(head) == len(set(head))
    export_all(store, "parquet", tmp_path / "pq")
    table = pq.read_table(tmp_path / "pq" / "facts.parquet").to_pylist()
    assert any(r["money_low"] == 8e8 and r["money_currency"] == "EUR" for r in table)


def test_sqlite_reviews_and_records_link_and_datasette_labels(filled, tmp_path: Path) -> None:
    store, ids = filled
    store.add_review(ids["ltu_claim"], "verified", "ana", "checked")
    out = export_all(store, "sqlite", tmp_path / "kb.sqlite", metadata=tmp_path / "metadata.json")
    conn = sqlite3.connect(out["tables"]["database"])
    fks = {(r[2], r[3]) for r in conn.execute("SELECT * FROM pragma_foreign_key_list('reviews')")}
    assert ("claims", "claim_id") in fks
    fks = {(r[2], r[3]) for r in conn.execute("SELECT * FROM pragma_foreign_key_list('records')")}
    assert ("states", "state_iso3") in fks
    assert conn.execute("SELECT name FROM states WHERE iso3 = 'LTU'").fetchone() == ("Lithuania",)
    row = conn.execute("SELECT money_low, money_currency, document_ids FROM facts WHERE predicate = 'procurement'").fetchone()
    assert row[0] == 8e8 and row[1] == "EUR" and ids["ltu_doc"] in json.loads(row[2])
    assert conn.execute("SELECT claim_id, claim_id_reviewed FROM reviews").fetchone() == (ids["ltu_claim"], ids["ltu_claim"])
    meta = json.loads(Path(out["tables"]["metadata"]).read_text(encoding="utf-8"))
    tables = next(iter(meta["databases"].values()))["tables"]
    assert tables["documents"]["label_column"] == "title" and tables["states"]["label_column"] == "name"
