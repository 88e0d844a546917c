"""The store on SQLite and on a real PostgreSQL server: creation, versions, round trips."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from minewatch.model import Actor, Claim, DateRange, Document, Evidence, Money, Range, Speaker
from minewatch.store.database import (
    DatabaseError,
    alembic_config,
    current_revision,
    database_url,
    head_revision,
    make_engine,
    open_engine,
)
from minewatch.store.repository import ClaimFilter, Store


def test_database_url_forms(tmp_path, monkeypatch):
    monkeypatch.delenv("MINEWATCH_DB", raising=False)
    assert database_url(None) == "sqlite:///minewatch.db"
    assert database_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    assert database_url("sqlite:////x/y.db") == "sqlite:////x/y.db"
    assert database_url("postgresql://u@h/db").startswith("postgresql+psycopg://u@h/db")
    monkeypatch.setenv("MINEWATCH_DB", "env.db")
    assert database_url(None) == "sqlite:///env.db"
    with pytest.raises(DatabaseError):
        database_url("mysql://u@h/db")


def test_new_database_is_created_at_head_with_every_table(any_db_url):
    engine = open_engine(any_db_url)
    assert current_revision(engine) == head_revision(engine)
    tables = set(inspect(engine).get_table_names())
    for name in ("documents", "stories", "claims", "evidence", "facts", "conflicts", "reviews",
                 "treaty_events", "armed_conflicts", "states_not_party", "reconcile_queue"):
        assert name in tables
    engine.dispose()


def test_old_schema_is_refused_until_upgraded(any_db_url):
    engine = make_engine(database_url(any_db_url))
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()
    with pytest.raises(DatabaseError, match="minewatch db upgrade"):
        open_engine(any_db_url)
    from typer.testing import CliRunner

    from minewatch.cli import app

    result = CliRunner().invoke(app, ["--db", any_db_url, "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "0001" in result.output and head_revision(make_engine(database_url(any_db_url))) in result.output
    engine = open_engine(any_db_url)
    assert current_revision(engine) == head_revision(engine)
    engine.dispose()


def test_foreign_tables_are_not_taken_over(tmp_path):
    import sqlite3

    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("create table notes (x int)").connection.commit()
    with pytest.raises(DatabaseError, match="not made by minewatch"):
        open_engine(str(path))


def _doc(text: str, **kw) -> Document:
    return Document(text=text, original=text, **kw)


def test_document_and_claim_round_trip(any_db_url):
    store = Store.open(any_db_url)
    text = "Lithuania plans to buy anti-tank mines worth 20 million euros in 2026, the minister said."
    doc = _doc(text, path="fixtures/a.txt", url="https://example.org/a", outlet="Example Post",
               published=date(2025, 7, 2), language="en", via=["Reuters"], story_id="s-1")
    claim = Claim(
        document_id=doc.id,
        actor=Actor("state", "LTU", "Lithuania"),
        predicate="procurement",
        weapon="at_mine",
        modality="planned",
        money=Money(20_000_000, 20_000_000, "EUR", "20 million euros"),
        quantity=Range(None, None, "mines", None),
        time=DateRange(date(2026, 1, 1), date(2026, 12, 31), "in 2026"),
        speaker=Speaker("Jonas Example", "minister"),
        evidence=[Evidence(0, len(text), text)],
        confidence=0.8,
    )
    assert store.add_document(doc, claims=[claim]) is True
    assert store.add_document(doc, claims=[claim]) is False  # same text: stored once
    [out] = store.claims(ClaimFilter(state="LTU"))
    assert out["id"] == claim.id
    assert out["document"] == {
        "id": doc.id, "path": "fixtures/a.txt", "url": "https://example.org/a", "outlet": "Example Post",
        "published": "2025-07-02", "story_id": "s-1", "via": ["Reuters"], "language": "en",
    }
    assert out["money"] == {"low": 20000000, "high": 20000000, "currency": "EUR", "text": "20 million euros"}
    assert out["time"]["start"] == "2026-01-01" and out["time"]["end"] == "2026-12-31"
    assert out["speaker"] == {"name": "Jonas Example", "role": "minister"}
    assert out["evidence"][0]["text"] == text[out["evidence"][0]["start"]: out["evidence"][0]["end"]]
    for key in ("stage", "treaty", "counterpart"):
        assert key in out and out[key] is None
    assert store.claims(ClaimFilter(state="FIN")) == []
    assert store.claims(ClaimFilter(text="anti-tank"))[0]["id"] == claim.id
    assert store.claims(ClaimFilter(text="100%_")) == []
    [story] = store.stories()
    assert story["agencies"] == ["Reuters"] and story["documents"][0]["path"] == "fixtures/a.txt"
    store.engine.dispose()


def test_reviews_survive_re_extraction(any_db_url):
    store = Store.open(any_db_url)
    text = "Finland will produce anti-personnel mines."
    doc = _doc(text, path="b.txt", language="en")
    claim = Claim(document_id=doc.id, actor=Actor("state", "FIN", "Finland"), predicate="production",
                  weapon="ap_mine", modality="planned", evidence=[Evidence(0, len(text), text)])
    store.add_document(doc, claims=[claim])
    store.add_review(claim.id, "corrected", "analyst", note="it is considered", corrections={"modality": "considered"})
    store.replace_claims(doc.id, [claim])
    out = store.claim(claim.id)
    assert out["modality"] == "considered"
    assert out["review"]["verdict"] == "corrected" and out["review"]["reviewer"] == "analyst"
    with pytest.raises(KeyError):
        store.add_review("c-missing", "verified", "analyst")
    store.engine.dispose()


def test_migrations_keep_the_data(any_db_url):
    """Down to the previous schema and up again: a migration must never lose stored claims.

    SQLite table rebuilds drop the old table, and with foreign keys on its ON DELETE CASCADE
    would empty the tables that reference it; this catches a migration that does that.
    """
    store = Store.open(any_db_url)
    text = "Finland plans to produce anti-personnel mines from 2026, the defence minister said."
    doc = _doc(text, path="fixtures/m.txt", published=date(2025, 9, 1), language="en", story_id="s-m")
    claim = Claim(document_id=doc.id, actor=Actor("state", "FIN", "Finland"), predicate="production",
                  weapon="ap_mine", modality="planned", evidence=[Evidence(0, len(text), text)])
    assert store.add_document(doc, claims=[claim]) is True
    before = store.claims(ClaimFilter())
    engine = store.engine
    cfg = alembic_config(engine)
    revisions = [s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()]  # newest first
    for target in revisions[1:2] + ["head"]:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            (command.downgrade if target != "head" else command.upgrade)(cfg, target)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("select count(*) from claims").scalar() == 1, target
            assert conn.exec_driver_sql("select count(*) from evidence").scalar() == 1, target
    assert Store.open(any_db_url).claims(ClaimFilter()) == before
    engine.dispose()


def test_migrations_build_exactly_the_declared_schema(any_db_url):
    """schema.py and the Alembic chain must not drift: the tables code writes are the tables users get."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from minewatch.store import schema

    engine = open_engine(any_db_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), schema.metadata) == []
    engine.dispose()
