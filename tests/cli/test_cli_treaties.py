"""The treaty commands end to end: a fresh database, the bundled records, imports."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from minewatch.cli import app

runner = CliRunner()


def run(db: str, *args: str):
    # --create: these tests start from a new, empty file (reading commands refuse a missing one without it)
    return runner.invoke(app, ["--db", db, "--create", *args])


def test_status_works_on_a_new_database_without_setup(sqlite_url):
    result = run(sqlite_url, "status", "--treaty", "APMBC", "--on", "2026-01-01", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    by = {r["iso3"]: r for r in rows}
    assert len(rows) == 197
    for key in ("iso3", "name", "status", "in_force_from", "events"):
        assert key in by["LTU"]
    assert by["LTU"]["status"] == "withdrawn"
    assert by["FIN"]["status"] == "withdrawing"
    assert by["UKR"]["status"] == "party" and by["UKR"]["suspension"]["date"] == "2025-07-18"
    assert by["RUS"]["status"] == "not_party"
    assert all(e["source_url"].startswith("http") for e in by["LTU"]["events"])


def test_status_of_one_state_in_every_format(sqlite_url):
    js = json.loads(run(sqlite_url, "status", "--state", "ltu", "--on", "2025-12-26", "--format", "json").output)
    assert [r["status"] for r in js] == ["withdrawing"]
    jl = run(sqlite_url, "status", "--state", "LTU", "--on", "2025-12-27", "--format", "jsonl").output.strip().splitlines()
    assert json.loads(jl[0])["status"] == "withdrawn"
    csv_out = run(sqlite_url, "status", "--state", "LTU", "--treaty", "CCM", "--on", "2025-03-06", "--format", "csv").output
    header, row = csv_out.strip().splitlines()[:2]
    assert "iso3" in header and "withdrawn" in row
    table = run(sqlite_url, "status", "--state", "LTU", "--on", "2026-01-01").output
    assert "withdrawn" in table and "2025-12-27" in table


def test_status_rejects_bad_input(sqlite_url):
    assert run(sqlite_url, "status", "--state", "XXX").exit_code == 2
    assert run(sqlite_url, "status", "--on", "2026-13-01").exit_code == 2
    assert run(sqlite_url, "status", "--treaty", "NPT").exit_code == 2


def test_treaty_show_counts_parties(sqlite_url):
    out = run(sqlite_url, "treaty", "show", "APMBC", "--on", "2025-07-01").output
    assert "Parties on 2025-07-01: 166" in out
    js = json.loads(run(sqlite_url, "treaty", "show", "APMBC", "--on", "2026-03-01", "--format", "json").output)
    assert js["parties"] == 161


def test_records_import_is_all_or_nothing(sqlite_url, tmp_path):
    header = "treaty,state_iso3,state_name,action,date,source_url,note\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        header
        + "APMBC,FIN,Finland,withdrawal_effective,2026-01-11,https://example.org/a,corrected\n"
        + "APMBC,XXX,Nowhere,accession,2020-01-01,https://example.org/b,unknown state\n",
        encoding="utf-8",
    )
    result = run(sqlite_url, "records", "import", str(bad))
    assert result.exit_code == 1
    assert "bad.csv:3" in result.output
    js = json.loads(run(sqlite_url, "status", "--state", "FIN", "--format", "json").output)
    assert js[0]["withdrawal_effective"] == "2026-01-10"  # the good first line was not written either

    good = tmp_path / "good.csv"
    good.write_text(header + "APMBC,FIN,Finland,withdrawal_effective,2026-01-11,https://example.org/a,corrected\n")
    assert run(sqlite_url, "records", "import", str(good)).exit_code == 0
    js = json.loads(run(sqlite_url, "status", "--state", "FIN", "--on", "2026-01-10", "--format", "json").output)
    assert js[0]["withdrawal_effective"] == "2026-01-11" and js[0]["status"] == "withdrawing"


def test_armed_conflict_record_holds_a_withdrawal(sqlite_url, tmp_path):
    """A synthetic withdrawal: notified while the state is at war, it waits for the war's end (art. 20(3))."""
    notice = tmp_path / "notice.csv"
    notice.write_text(
        "treaty,state_iso3,state_name,action,date,source_url,note\n"
        "APMBC,NOR,Norway,withdrawal_notification,2026-01-05,https://example.org/n,synthetic\n",
        encoding="utf-8",
    )
    war = tmp_path / "war.csv"
    war.write_text(
        "state_iso3,opponent,start,end,source_url,note\n"
        "NOR,Testland,2025-11-01,,https://example.org/c,synthetic conflict for the test\n",
        encoding="utf-8",
    )
    assert run(sqlite_url, "records", "import", str(notice)).exit_code == 0
    assert run(sqlite_url, "armed-conflicts", "import", str(war)).exit_code == 0

    def status_on(day: str) -> dict:
        return json.loads(run(sqlite_url, "status", "--state", "NOR", "--on", day, "--format", "json").output)[0]

    held = status_on("2026-08-01")
    assert held["status"] == "withdrawing" and "pending" in held["pending_reason"]
    war.write_text(
        "state_iso3,opponent,start,end,source_url,note\n"
        "NOR,Testland,2025-11-01,2026-09-30,https://example.org/c,synthetic conflict ended\n",
        encoding="utf-8",
    )
    assert run(sqlite_url, "armed-conflicts", "import", str(war)).exit_code == 0
    assert status_on("2026-09-30")["status"] == "withdrawing"
    ended = status_on("2026-10-01")
    assert ended["status"] == "withdrawn" and ended["withdrawal_effective"] == "2026-10-01"
