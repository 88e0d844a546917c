"""`ingest` output, `db upgrade` on foreign databases, argument names and notes in messages."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from minewatch.cli import app

runner = CliRunner()

ARTICLE = (
    "Ruritania leaves the treaty\n\n"
    "Ruritania's parliament voted on Tuesday to withdraw from the Mine Ban Treaty, the speaker said after a "
    "debate that lasted into the evening.\n\n"
    "The bill passed by 101 votes to 12 and now goes to the president, who is expected to sign it within days.\n"
)


def run(db: str, *args: str):
    # --create: these tests start from a new, empty file (reading commands refuse a missing one without it)
    return runner.invoke(app, ["--db", db, "--create", *args])


def test_db_upgrade_refuses_a_database_minewatch_did_not_make(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE foo (x INTEGER)")
    con.commit()
    con.close()
    result = run(str(path), "db", "upgrade")
    assert result.exit_code == 2
    assert "not made by minewatch" in " ".join(result.output.split())
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    con.close()
    assert tables == {"foo"}


def test_db_upgrade_builds_an_empty_database(tmp_path: Path) -> None:
    result = run(str(tmp_path / "new.db"), "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "schema" in result.output


def test_treaty_show_names_the_positional_argument(sqlite_url: str) -> None:
    result = run(sqlite_url, "treaty", "show", "XYZ")
    assert result.exit_code == 2
    assert "TREATY" in result.output and "--treaty" not in result.output


def test_status_json_stays_an_array_and_notes_unknown_states_on_stderr(sqlite_url: str) -> None:
    result = run(sqlite_url, "status", "--treaty", "CCM", "--on", "2025-06-01", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert isinstance(rows, list)
    unknown = sum(1 for r in rows if r["status"] == "unknown")
    assert unknown > 0
    assert f"{unknown} states unknown" in result.stderr
    csv_out = run(sqlite_url, "status", "--treaty", "CCM", "--on", "2025-06-01", "--format", "csv")
    assert csv_out.stdout.splitlines()[0].startswith("iso3")
    assert "states unknown" in csv_out.stderr


def test_ingest_folder_passes_over_markdown(sqlite_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "NOTES.md").write_text("# Notes\n\n- The files here are articles.\n- More will follow.\n", encoding="utf-8")
    result = run(sqlite_url, "ingest", str(folder), "--no-extract", "--quiet", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["ingested"] == 1 and summary["skipped"] == []
    assert [s["input"] for s in summary["ignored"]] == [str(folder / "NOTES.md")]
