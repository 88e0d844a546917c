"""What command-line users expect: --version, help on every option, usage errors with exit 2, no silent new files."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import socket
import sqlite3
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from minewatch.cli import app
from minewatch.export import TABLES

runner = CliRunner()

_spec = importlib.util.spec_from_file_location("web_kb_cli", Path(__file__).parents[1] / "web" / "web_kb.py")
_kb = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(_kb)  # type: ignore[union-attr]


@pytest.fixture
def kb(tmp_path: Path):
    from minewatch.store.repository import Store

    path = tmp_path / "kb.db"
    store = Store.open(str(path))
    ids = _kb.fill(store)
    store.engine.dispose()
    return str(path), ids


def mw(db: str, *args: str):
    return runner.invoke(app, ["--db", db, *args])


def _commands(group, prefix: tuple[str, ...] = ()):
    for name, cmd in group.commands.items():
        path = (*prefix, name)
        yield path, cmd
        if hasattr(cmd, "commands"):  # a group (typer has its own click classes)
            yield from _commands(cmd, path)


def test_version() -> None:
    from minewatch import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"minewatch {__version__}"


def test_every_option_has_help_and_no_flag_shows_a_type() -> None:
    root = typer.main.get_command(app)
    missing = []
    commands = [((), root), *_commands(root)]
    assert len(commands) > 25
    for path, cmd in commands:
        for p in cmd.params:
            if p.param_type_name == "option" and not (p.help or "").strip():
                missing.append(f"{' '.join(path)} {p.opts[0]}")
        out = runner.invoke(app, [*path, "--help"]).stdout
        assert "<bool>" not in out, path
        assert "--help" in out and "Show this message and exit." in out
    assert missing == []


def test_unknown_predicate_kind_format_and_state_are_usage_errors(kb) -> None:
    db, _ = kb
    assert mw(db, "claims", "--predicate", "nonsense").exit_code == 2
    assert mw(db, "facts", "--predicate", "nonsense").exit_code == 2
    assert mw(db, "conflicts", "--kind", "nonsense").exit_code == 2
    assert mw(db, "claims", "--format", "xml").exit_code == 2
    assert mw(db, "export", "--format", "xlsx").exit_code == 2
    bad = mw(db, "claims", "--state", "Atlantis")
    assert bad.exit_code == 2 and "Atlantis" in bad.output and "ISO" in bad.output
    assert mw(db, "timeline", "ZZZ").exit_code == 2
    assert mw(db, "status", "--state", "Narnia").exit_code == 2


def test_state_names_map_to_codes(kb) -> None:
    db, ids = kb
    by_code = json.loads(mw(db, "claims", "--state", "LTU", "--format", "json").stdout)
    by_name = json.loads(mw(db, "claims", "--state", "Lithuania", "--format", "json").stdout)
    by_alpha2 = json.loads(mw(db, "claims", "--state", "lt", "--format", "json").stdout)
    assert {c["id"] for c in by_code} == {ids["ltu_claim"], ids["ltu_claim_b"], ids["ltu_money"]}
    assert by_name == by_code == by_alpha2
    timeline = mw(db, "timeline", "Lithuania", "--format", "json")
    assert timeline.exit_code == 0
    assert any(r.get("action") == "withdrawal_notification" for r in json.loads(timeline.stdout))
    status = json.loads(mw(db, "status", "--state", "Estonia", "--on", "2026-01-01", "--format", "json").stdout)
    assert [r["iso3"] for r in status] == ["EST"]


def test_claims_limit_until_outlet(kb) -> None:
    db, ids = kb
    newest = json.loads(mw(db, "claims", "--limit", "2", "--format", "json").stdout)
    assert [c["document"]["published"] for c in newest] == ["2025-07-01", "2025-06-27"]
    until = json.loads(mw(db, "claims", "--until", "2025-06-17", "--format", "json").stdout)
    assert {c["id"] for c in until} == {ids["ltu_claim"], ids["ltu_money"]}
    outlet = json.loads(mw(db, "claims", "--outlet", "Example Tribune", "--format", "json").stdout)
    assert [c["id"] for c in outlet] == [ids["ltu_claim_b"]]
    assert mw(db, "claims", "--since", "2025-07-01", "--until", "2025-06-01").exit_code == 2
    assert mw(db, "claims", "--limit", "0").exit_code == 2


def test_reading_commands_refuse_a_missing_database(tmp_path: Path) -> None:
    typo = tmp_path / "kb_typo.db"
    for args in (["claims"], ["facts"], ["status"], ["export", "-o", str(tmp_path / "x")], ["timeline", "LTU"]):
        result = mw(str(typo), *args)
        assert result.exit_code == 2, args
        assert "no database" in result.output and "--create" in result.output
        assert not typo.exists()
    made = runner.invoke(app, ["--db", str(typo), "--create", "claims", "--format", "json"])
    assert made.exit_code == 0 and json.loads(made.stdout) == [] and typo.exists()


def test_ingest_still_creates_the_database(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Testland leaves the treaty\n\nTestland's parliament voted to withdraw from the Mine Ban Treaty.\n",
                       encoding="utf-8")
    db = tmp_path / "new.db"
    result = mw(str(db), "ingest", str(article), "--no-extract", "-q", "--format", "json")
    assert result.exit_code == 0, result.output
    assert db.exists() and json.loads(result.stdout)["ingested"] == 1


def test_export_to_standard_output(kb, tmp_path: Path, monkeypatch) -> None:
    db, ids = kb
    monkeypatch.chdir(tmp_path)
    result = mw(db, "export", "-f", "csv", "-t", "claims", "-o", "-")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["id"] for r in rows} >= {ids["ltu_claim"], ids["est_claim"]}
    assert not (tmp_path / "-").exists()
    everything = json.loads(mw(db, "export", "-f", "json", "-o", "-").stdout)
    assert set(everything) == set(TABLES)
    assert any(c["id"] == ids["ltu_claim"] for c in everything["claims"])
    refused = mw(db, "export", "-f", "csv", "-o", "-")
    assert refused.exit_code == 2 and "--table" in refused.output
    assert mw(db, "export", "-f", "sqlite", "-t", "claims", "-o", "-").exit_code == 2  # one database, every table
    assert mw(db, "export", "-f", "csv", "-t", "nonsense", "-o", "-").exit_code == 2
    binary = mw(db, "export", "-f", "sqlite", "-o", "-")
    assert binary.exit_code == 0 and binary.stdout_bytes.startswith(b"SQLite format 3\x00")
    parquet = mw(db, "export", "-f", "parquet", "-t", "facts", "-o", "-")
    assert parquet.exit_code == 0 and parquet.stdout_bytes[:4] == b"PAR1"
    assert not (tmp_path / "-").exists() and not (tmp_path / "export").exists()


def test_sqlite_export_to_a_file_writes_nothing_beside_it(kb, tmp_path: Path) -> None:
    db, _ = kb
    out = tmp_path / "out"
    out.mkdir()
    (out / "metadata.json").write_text('{"mine": true}', encoding="utf-8")
    result = mw(db, "export", "-f", "sqlite", "-o", str(out / "kb.sqlite"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["kb.sqlite", "metadata.json"]
    assert json.loads((out / "metadata.json").read_text(encoding="utf-8")) == {"mine": True}
    con = sqlite3.connect(out / "kb.sqlite")
    assert con.execute("SELECT count(*) FROM claims").fetchone()[0] == 5
    con.close()
    with_meta = mw(db, "export", "-f", "sqlite", "-o", str(out / "kb2.sqlite"), "--metadata", str(out / "kb2.json"))
    assert with_meta.exit_code == 0
    assert "databases" in json.loads((out / "kb2.json").read_text(encoding="utf-8"))


def test_serve_refuses_a_busy_port_before_serving(kb) -> None:
    db, _ = kb
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    try:
        result = mw(db, "serve", "--port", str(port))
    finally:
        holder.close()
    assert result.exit_code == 2
    assert f"127.0.0.1:{port}" in result.output and "serving" not in result.output


def test_verbose_logs_and_quiet_does_not(kb) -> None:
    db, _ = kb
    loud = runner.invoke(app, ["-v", "--db", db, "facts", "--format", "json"])
    assert loud.exit_code == 0 and "knowledge base" in loud.stderr
    json.loads(loud.stdout)  # the log stays off standard output
    hushed = runner.invoke(app, ["-q", "--db", db, "facts", "--format", "json"])
    assert hushed.exit_code == 0 and hushed.stderr == ""


def test_extract_all_reports_progress(kb) -> None:
    from minewatch.pipeline import reextract
    from minewatch.store.repository import Store

    db, _ = kb
    store = Store.open(db)
    seen: list[tuple[int, int]] = []
    counts = reextract(store, store.document_ids(), on_progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (4, 4) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert counts["documents"] == 4
    result = mw(db, "extract", "--all")
    assert result.exit_code == 0 and "re-extracted 4 documents" in result.output


def test_alert_rules_take_state_names(tmp_path: Path) -> None:
    db = str(tmp_path / "alerts.db")
    made = mw(db, "alerts", "add", "--state", "Lithuania, finland", "--state", "EST")
    assert made.exit_code == 0, made.output
    [rule] = json.loads(mw(db, "alerts", "list", "--format", "json").stdout)
    assert rule["states"] == ["LTU", "FIN", "EST"]
    assert mw(db, "alerts", "add", "--state", "Atlantis").exit_code == 2


def test_outlet_given_as_a_host_name_finds_its_registered_domain(tmp_path: Path) -> None:
    """Outlets are stored by registered domain; a filter written as any host of the site finds them."""
    page = tmp_path / "a.jsonl"
    page.write_text(json.dumps({
        "title": "Vote", "url": "https://edition.example.co.uk/world/vote?utm_source=x", "published": "2025-03-05",
        "text": "Vilnius, 5 March 2025. Lithuania's parliament voted to withdraw from the Ottawa Convention "
                "banning anti-personnel mines."}) + "\n", encoding="utf-8")
    db = str(tmp_path / "kb.db")
    assert mw(db, "ingest", str(page)).exit_code == 0
    for given in ("example.co.uk", "www.example.co.uk", "edition.example.co.uk", "EDITION.example.co.uk"):
        found = json.loads(mw(db, "claims", "--outlet", given, "--format", "json").stdout)
        assert found and {c["document"]["outlet"] for c in found} == {"example.co.uk"}, given
        assert {c["document"]["url"] for c in found} == {"https://edition.example.co.uk/world/vote"}
    assert json.loads(mw(db, "claims", "--outlet", "other.co.uk", "--format", "json").stdout) == []
