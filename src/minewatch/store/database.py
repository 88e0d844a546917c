"""Opening a knowledge base: URL rules, schema version checks, migrations.

A plain path or ``sqlite:///…`` is SQLite (the default, one file users can carry
around); ``postgresql://…`` is a server.  A new, empty database is created at
the current schema on first use; an existing one at an older schema is refused
with a message that says how to upgrade, so that no command half-works on it.

alembic is imported when a database is opened, not with this module: it takes
about 0.15 s, which ``minewatch --help`` and every usage error would otherwise
wait for.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_DB = "minewatch.db"


class DatabaseError(Exception):
    """A database that cannot be used as it is; the message says what to do."""


def database_url(db: str | None = None) -> str:
    """Turn what the user typed (``--db``, ``MINEWATCH_DB`` or nothing) into a SQLAlchemy URL."""
    value = db or os.environ.get("MINEWATCH_DB") or DEFAULT_DB
    if value.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        if value.startswith("postgres://"):
            value = "postgresql://" + value[len("postgres://") :]
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value[len("postgresql://") :]
        return value
    if value.startswith("sqlite://"):
        return value
    if "://" in value:
        raise DatabaseError(f"unsupported database URL {value!r}: use a file path, sqlite:///PATH or postgresql://…")
    return "sqlite:///" + str(Path(value).expanduser())


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    if url.startswith("postgresql+psycopg") and importlib.util.find_spec("psycopg") is None:
        raise DatabaseError("PostgreSQL needs the psycopg driver, an extra: pip install 'minewatch[postgresql]'")
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    # lazy: alembic (~0.15 s), needed only once a database is opened
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def migration_scripts(engine: Engine) -> ScriptDirectory:
    """The migrations this minewatch ships (``migrations/versions``)."""
    # lazy: alembic (~0.15 s), needed only once a database is opened
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine))


def head_revision(engine: Engine) -> str:
    return migration_scripts(engine).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    # lazy: alembic, needed only once a database is opened
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


FOREIGN_DATABASE = (
    "this database has tables but no minewatch schema version; "
    "it was not made by minewatch, or by a version before migrations"
)


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate to the newest schema; returns (before, after).

    A database with tables but no schema version is someone else's: migrating
    it would write minewatch's tables beside them, so it is refused.
    """
    before = current_revision(engine)
    if before is None and set(inspect(engine).get_table_names()) - {"alembic_version"}:
        raise DatabaseError(FOREIGN_DATABASE)
    # lazy: alembic, needed only once a database is opened
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return before, current_revision(engine) or ""


def open_engine(db: str | None = None) -> Engine:
    """Open the knowledge base, creating it when new, refusing an old schema."""
    url = database_url(db)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        parent = Path(url[len("sqlite:///") :]).parent
        if not parent.exists():
            raise DatabaseError(f"folder {parent} does not exist (database {url})")
    engine = make_engine(url)
    try:
        current = current_revision(engine)
    except Exception as exc:  # connection refused, bad credentials, not a database
        raise DatabaseError(f"cannot open database {engine.url.render_as_string(hide_password=True)}: {exc}") from exc
    head = head_revision(engine)
    if current == head:
        return engine
    if current is None:
        upgrade(engine)
        return engine
    known = {s.revision for s in migration_scripts(engine).walk_revisions()}
    if current not in known:
        raise DatabaseError(
            f"database schema {current} is newer than this minewatch knows ({head}); upgrade minewatch"
        )
    raise DatabaseError(
        f"database schema is at revision {current}, this minewatch needs {head}: "
        "run `minewatch db upgrade` (back the file up first)"
    )
