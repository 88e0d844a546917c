"""What every ``minewatch`` command shares: the chosen database, errors, dates, states and treaty codes.

A module of its own so that ``cli.py`` and ``watch/cli.py`` both import it
and neither has to import the other.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from minewatch.output import Format
from minewatch.store.database import DatabaseError, database_url
from minewatch.store.repository import Store
from minewatch.treaties.states import resolve_state

err = Console(stderr=True)
log = logging.getLogger("minewatch")


class State:
    db: str | None = None
    create: bool = False
    quiet: bool = False


STATE = State()

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table, json, jsonl or csv.")]


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    return typer.Exit(code)


def missing_database() -> str | None:
    """The SQLite file ``--db`` names when it does not exist (a typo must not become a new, empty base)."""
    try:
        url = database_url(STATE.db)
    except DatabaseError as exc:
        raise fail(str(exc), 2) from exc
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        return None
    path = Path(url[len("sqlite:///") :])
    return None if path.exists() else str(path)


def open_store(seed: bool = True, create: bool = False) -> Store:
    """The knowledge base; a command that only reads refuses a file that is not there, unless ``--create``."""
    if not (create or STATE.create):
        missing = missing_database()
        if missing:
            raise fail(
                f"no database at {missing}: check --db (or MINEWATCH_DB); `minewatch ingest` or "
                "`minewatch --create …` makes a new one",
                2,
            )
    try:
        store = Store.open(STATE.db, seed=seed)
    except DatabaseError as exc:
        raise fail(str(exc), 2) from exc
    log.info("knowledge base %s", store.engine.url.render_as_string(hide_password=True))
    return store


def state_code(value: str, param_hint: str = "--state") -> str:
    """ISO3 for a code or a name ('Lithuania', 'lt'); anything else is a usage error (exit 2), not an empty listing."""
    code = resolve_state(value)
    if code is None:
        raise typer.BadParameter(
            f"{value!r} is not a state that can join the treaties: use an ISO 3166 alpha-3 code (LTU) or a "
            "name (Lithuania); `minewatch status` lists them all",
            param_hint=param_hint,
        )
    return code


def parse_day(value: str | None, option: str) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option) from exc


def treaty_code(value: str, param_hint: str = "--treaty") -> str:
    """The treaty's code; ``param_hint`` names the argument as the command takes it."""
    v = value.strip().upper()
    if v not in ("APMBC", "CCM"):
        raise typer.BadParameter(f"{value!r}: use APMBC or CCM", param_hint=param_hint)
    return v
