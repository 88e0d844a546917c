"""The notebook API: minewatch.extract over strings and Documents, Knowledge(db) rows, and the README's example."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import minewatch
from minewatch.model import Document

REPO = Path(__file__).resolve().parents[2]

FIN = "Finland will leave the Mine Ban Treaty, the defence minister said on Tuesday."
NOISE = "The harbour reopened after the storm, the port authority said."


def test_extract_takes_a_string_a_list_and_documents() -> None:
    one = minewatch.extract(FIN, published="2025-04-01")
    assert [(c.actor.iso3, c.predicate) for c in one] == [("FIN", "treaty_withdrawal")]
    assert one[0].document_id == Document(FIN, FIN).id
    ev = one[0].evidence[0]
    assert FIN[ev.start : ev.end] == ev.text  # offsets index the text as given

    many = minewatch.extract([NOISE, FIN, Document(text=FIN + " It was decided.", original=FIN)])
    assert [c.actor.iso3 for c in many] == ["FIN", "FIN"]
    assert many[0].document_id == Document(FIN, FIN).id != many[1].document_id
    assert minewatch.extract([]) == [] and minewatch.extract(NOISE) == []
    with pytest.raises(TypeError):
        minewatch.extract([42])  # type: ignore[list-item]


def test_extract_rows_become_a_dataframe() -> None:
    pd = pytest.importorskip("pandas")
    df = minewatch.extract([FIN]).to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert df.loc[0, "actor.iso3"] == "FIN" and df.loc[0, "predicate"] == "treaty_withdrawal"
    assert "minister" in df.loc[0, "evidence"]


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    from minewatch.pipeline import ingest
    from minewatch.sample import sample_files
    from minewatch.store.repository import Store

    folder = tmp_path_factory.mktemp("kb")
    store = Store.open(str(folder / "minewatch.db"))
    ingest(store, [str(p) for p in sample_files()])
    store.engine.dispose()
    return folder


def test_knowledge_claims_are_dataclasses_newest_first(sample_db: Path) -> None:
    kb = minewatch.Knowledge(sample_db / "minewatch.db")
    rows = kb.claims(state="Lithuania")
    assert rows and all(isinstance(r, minewatch.ClaimRow) for r in rows)
    assert all("LTU" in (r.actor_iso3, r.counterpart_iso3) for r in rows)
    days = [r.published for r in rows if r.published]
    assert days == sorted(days, reverse=True)
    assert kb.claims(state="LTU", limit=3) == rows[:3]
    window = kb.claims(since="2025-06-01", until="2025-06-30")
    assert window and all(date(2025, 6, 1) <= r.published <= date(2025, 6, 30) for r in window)
    assert {r.predicate for r in kb.claims(predicate="production")} == {"production"}
    with pytest.raises(ValueError):
        kb.claims(state="Atlantis")
    with pytest.raises(ValueError):
        kb.claims(predicate="nonsense")
    facts = kb.facts(state="FIN")
    assert facts and all(isinstance(f, minewatch.FactRow) and f.independent_sources >= 1 for f in facts)
    kb.close()


def test_knowledge_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        minewatch.Knowledge(tmp_path / "typo.db")
    assert not (tmp_path / "typo.db").exists()


def test_the_readme_example_runs(sample_db: Path, monkeypatch, capsys) -> None:
    pytest.importorskip("pandas")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## In Python") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(sample_db)
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "FIN treaty_withdrawal planned" in out
    assert "outlet" in out and "published" in out
