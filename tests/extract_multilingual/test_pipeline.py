"""The ingest path: non-English documents with rules get claims; without rules, the summary says so."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from minewatch.cli import app

runner = CliRunner()

LT = ("title: Seimas balsavo\nlanguage: lt\npublished: 2025-05-15\n\n"
      "Seimas pritarė Lietuvos pasitraukimui iš Otavos konvencijos, draudžiančios priešpėstines minas.\n")
SV = ("title: Riksdagen\nlanguage: sv\npublished: 2025-05-15\n\n"
      "Regeringen vill att Sverige lämnar Ottawakonventionen om truppminor.\n")


def test_ingest_extracts_lithuanian_and_reports_swedish(sqlite_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "lt.txt").write_text(LT, encoding="utf-8")
    (folder / "sv.txt").write_text(SV, encoding="utf-8")
    result = runner.invoke(app, ["--db", sqlite_url, "ingest", str(folder), "--quiet", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["not_english"] == 2
    assert summary["not_extracted_language"] == {"sv": 1}
    out = runner.invoke(app, ["--db", sqlite_url, "claims", "--format", "jsonl"])
    claims = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert [(c["actor"]["iso3"], c["predicate"], c["stage"], c["treaty"]) for c in claims] == [
        ("LTU", "treaty_withdrawal", "approved", "APMBC")]
    doc_text = LT.split("\n\n", 1)[1]
    ev = claims[0]["evidence"][0]
    assert ev["text"] in doc_text and claims[0]["document"]["path"].endswith("lt.txt")
    assert claims[0]["document"]["language"] == "lt"
