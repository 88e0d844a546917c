"""Fixtures shared by the whole suite: temporary databases and the shared folder."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()


def shared_path(*parts: str) -> Path:
    """A path inside ../shared, or a clean skip where it is absent (users' clones)."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} is absent (../shared is only beside developer and CI checkouts)")
    return p


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kb.db'}"


@pytest.fixture
def pg_databases():
    """A maker of fresh PostgreSQL databases on the server named by MINEWATCH_TEST_PG, all dropped afterwards."""
    base = os.environ.get("MINEWATCH_TEST_PG")
    if not base:
        pytest.skip("no PostgreSQL server: set MINEWATCH_TEST_PG=postgresql://user@127.0.0.1:PORT/postgres (.ci/run does)")
    try:
        import psycopg

        admin = psycopg.connect(base, autocommit=True, connect_timeout=3)
    except Exception as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"PostgreSQL at {base} is not reachable: {exc}")
    names: list[str] = []

    def make() -> str:
        name = "mw_test_" + uuid.uuid4().hex[:10]
        admin.execute(f'CREATE DATABASE "{name}"')
        names.append(name)
        return base.rsplit("/", 1)[0] + "/" + name

    try:
        yield make
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def pg_url(pg_databases) -> str:
    """A fresh PostgreSQL database (see ``pg_databases``)."""
    return pg_databases()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request, tmp_path: Path) -> str:
    """The store tests run on SQLite and, where a server is reachable, on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kb.db'}"
    return request.getfixturevalue("pg_url")
