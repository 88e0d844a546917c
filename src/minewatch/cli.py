"""The command line: parses, calls the stages and the store, prints.  Nothing else."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from minewatch.output import Format, emit, to_json

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="minewatch: a monitor for the Mine Ban Treaty (APMBC) and the Convention on Cluster Munitions (CCM).",
    pretty_exceptions_enable=False,
)
treaty_app = typer.Typer(no_args_is_help=True, help="Treaty rules and counts.")
records_app = typer.Typer(no_args_is_help=True, help="Depositary records.")
conflicts_rec_app = typer.Typer(no_args_is_help=True, help="Armed-conflict records (APMBC/CCM art. 20(3)).")
db_app = typer.Typer(no_args_is_help=True, help="The knowledge-base file or server.")
app.add_typer(treaty_app, name="treaty")
app.add_typer(records_app, name="records")
app.add_typer(conflicts_rec_app, name="armed-conflicts")
app.add_typer(db_app, name="db")

err = Console(stderr=True)


class State:
    db: str | None = None


STATE = State()

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table, json, jsonl or csv.")]


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    return typer.Exit(code)


def open_store(seed: bool = True):
    from minewatch.store.database import DatabaseError
    from minewatch.store.repository import Store

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


def treaty_code(value: str) -> str:
    v = value.strip().upper()
    if v not in ("APMBC", "CCM"):
        raise typer.BadParameter(f"{value!r}: use APMBC or CCM", param_hint="--treaty")
    return v


@app.callback()
def main_options(
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="MINEWATCH_DB", help="Database: a path or sqlite:///PATH (SQLite), or postgresql://… (default: minewatch.db)."),
    ] = None,
) -> None:
    STATE.db = db


# ---------------------------------------------------------------------------- treaties
@app.command()
def status(
    treaty: Annotated[str, typer.Option("--treaty", "-t", help="APMBC or CCM.")] = "APMBC",
    on: Annotated[str | None, typer.Option("--on", help="Date, YYYY-MM-DD (default: today).")] = None,
    state: Annotated[str | None, typer.Option("--state", "-s", help="One state, ISO 3166 alpha-3.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Status of every state under a treaty on a date, with the records behind it."""
    from minewatch.treaties import status as st

    code = treaty_code(treaty)
    day = parse_day(on, "--on")
    store = open_store()
    events, armed, not_party = store.treaty_events(), store.armed_conflicts(), store.not_party()
    if state:
        iso = state.strip().upper()
        from minewatch.treaties.states import eligible_states

        if iso not in eligible_states():
            raise fail(f"unknown state code {state!r} (use ISO 3166 alpha-3, e.g. LTU)", 2)
        rows = [st.state_status(code, iso, day, events, armed, not_party)]
    else:
        rows = st.all_statuses(code, day, events, armed, not_party)
    dicts = [r.to_dict() for r in rows]
    if fmt is Format.table:
        parties = st.count_parties(code, day, events, armed, not_party)
        unknown = sum(1 for r in dicts if r["status"] == "unknown")
        caption = f"{parties} parties to the {code} on {day.isoformat()}"
        if unknown:
            caption += f"; {unknown} states unknown (the {code} records bundled are partial)"
        emit(
            dicts,
            fmt,
            title=f"{code} status on {day.isoformat()}",
            caption=caption,
            columns=[
                ("state", "iso3"),
                ("name", "name"),
                ("status", "status"),
                ("signed", "signature"),
                ("deposit", lambda r: f"{r['deposit']} ({r['deposit_kind']})" if r.get("deposit") else None),
                ("in force from", "in_force_from"),
                ("withdrawal notified", "withdrawal_notification"),
                ("withdrawal effective", lambda r: r.get("withdrawal_effective") or r.get("pending_reason")),
                ("note", lambda r: (r.get("suspension") or {}).get("statement") if r.get("suspension") else None),
            ],
        )
    else:
        emit(dicts, fmt)


@treaty_app.command("show")
def treaty_show(
    treaty: Annotated[str, typer.Argument(help="APMBC or CCM.")],
    on: Annotated[str | None, typer.Option("--on", help="Date for the count of parties (default: today).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The treaty's rules in words and the number of parties on a date."""
    from minewatch.treaties import status as st

    code = treaty_code(treaty)
    day = parse_day(on, "--on")
    store = open_store()
    summary = st.treaty_summary(code, day, store.treaty_events(), store.armed_conflicts(), store.not_party())
    if fmt is Format.table:
        c = Console()
        c.print(f"[bold]{summary['name']}[/bold] ({code})", highlight=False)
        for rule in summary["rules"]:
            c.print(f"  • {rule}", highlight=False)
        c.print(f"\nParties on {day.isoformat()}: [bold]{summary['parties']}[/bold]", highlight=False)
        if summary.get("records_completeness") == "partial":
            c.print(f"Records bundled for the {code} are partial: {summary.get('unknown', 0)} states unknown.")
    else:
        emit([summary], fmt) if fmt is not Format.json else print(to_json(summary, indent=2))


@records_app.command("import")
def records_import(file: Annotated[Path, typer.Argument(help="CSV with the columns of treaty_events.csv.")]) -> None:
    """Add or correct depositary records; the whole file or nothing."""
    from minewatch.treaties.records import RecordsError, read_events_csv

    store = open_store()
    try:
        events = read_events_csv(file, existing=store.treaty_events())
    except (RecordsError, OSError) as exc:
        raise fail(str(exc)) from exc
    n = store.import_events(events)
    Console().print(f"imported {n} depositary records from {file}")


@conflicts_rec_app.command("import")
def armed_conflicts_import(file: Annotated[Path, typer.Argument(help="CSV with the columns of armed_conflicts.csv.")]) -> None:
    """Add or correct armed-conflict records; the whole file or nothing."""
    from minewatch.treaties.records import RecordsError, read_conflicts_csv

    store = open_store()
    try:
        rows = read_conflicts_csv(file)
    except (RecordsError, OSError) as exc:
        raise fail(str(exc)) from exc
    n = store.import_armed_conflicts(rows)
    Console().print(f"imported {n} armed-conflict records from {file}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate an existing database to this version's schema."""
    from minewatch.store.database import DatabaseError, database_url, make_engine, upgrade

    try:
        before, after = upgrade(make_engine(database_url(STATE.db)))
    except DatabaseError as exc:
        raise fail(str(exc), 2) from exc
    Console().print(f"schema {before or '(empty)'} → {after}" if before != after else f"schema already at {after}")


def main() -> None:
    try:
        app()
    except BrokenPipeError:  # `minewatch claims | head`
        sys.exit(0)


if __name__ == "__main__":
    main()
