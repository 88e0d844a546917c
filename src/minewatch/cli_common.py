"""What every ``minewatch`` command shares: the chosen database, errors, dates and treaty codes.

A module of its own so that ``cli.py`` and ``watch/cli.py`` both import it
and neither has to import the other.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console

from minewatch.output import Format
from minewatch.store.database import DatabaseError
from minewatch.store.repository import Store

err = Console(stderr=True)


class State:
    db: str | None = None


STATE = State()

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table, json, jsonl or csv.")]


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    return typer.Exit(code)


def open_store(seed: bool = True) -> Store:
    try:
        return Store.open(STATE.db, seed=seed)
    except DatabaseError as exc:
        raise fail(str(exc), 2) from exc


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
