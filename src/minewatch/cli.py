"""The command line: parses, calls the stages and the store, prints.  Nothing else."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from minewatch.output import Format, emit, to_json
from minewatch.watch.cli import alerts_app, watch_app

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
app.add_typer(watch_app, name="watch")
app.add_typer(alerts_app, name="alerts")

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


def treaty_code(value: str, param_hint: str = "--treaty") -> str:
    """The treaty's code; ``param_hint`` names the argument as the command takes it."""
    v = value.strip().upper()
    if v not in ("APMBC", "CCM"):
        raise typer.BadParameter(f"{value!r}: use APMBC or CCM", param_hint=param_hint)
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
def _status_note(r: dict) -> str | None:
    if r.get("suspension"):
        return f"suspension notified {r['suspension']['date']}: contested, counted as a party"
    return None


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
                ("note", _status_note),
            ],
        )
    else:
        unknown = sum(1 for r in dicts if r["status"] == "unknown")
        if unknown:  # on stderr: the JSON stays an array, the CSV a table
            err.print(f"note: {unknown} states unknown (the {code} records bundled are partial)",
                      highlight=False, markup=False)
        emit(dicts, fmt)


@treaty_app.command("show")
def treaty_show(
    treaty: Annotated[str, typer.Argument(help="APMBC or CCM.")],
    on: Annotated[str | None, typer.Option("--on", help="Date for the count of parties (default: today).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The treaty's rules in words and the number of parties on a date."""
    from minewatch.treaties import status as st

    code = treaty_code(treaty, param_hint="TREATY")
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


# ---------------------------------------------------------------------------- ingest and listings
class _Progress:
    """A progress bar that appears only once a run has more than a few documents."""

    THRESHOLD = 5

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.count = 0
        self.progress = None
        self.task = None

    def __call__(self, label: str, n: int) -> None:
        self.count += 1
        if self.quiet:
            return
        if self.progress is None and self.count > self.THRESHOLD:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.progress = Progress(
                SpinnerColumn(), TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TextColumn("{task.description}"), console=err, transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("", total=None, completed=self.count)
        if self.progress is not None:
            self.progress.update(self.task, completed=self.count, description=label[-60:])

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


@app.command()
def ingest(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders, feeds (path or http(s) URL), JSONL, WARC, or - for stdin.")],
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="Skip inputs larger than this.")] = 10_000_000,
    follow: Annotated[bool, typer.Option("--follow", help="Fetch each feed entry's page.")] = False,
    no_extract: Annotated[bool, typer.Option("--no-extract", help="Store documents without extracting claims.")] = False,
    processes: Annotated[int, typer.Option("--processes", "-j", help="Processes for extraction.")] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Summary as table or json.")] = Format.table,
    engine: Annotated[str, typer.Option("--engine", help="single (this process) or ray (Ray Data; needs PostgreSQL).")] = "single",
    address: Annotated[
        str | None, typer.Option("--address", help="With --engine ray: local:N, auto or ray://HOST:10001 (default: local, all CPUs).")
    ] = None,
) -> None:
    """Ingest articles, group syndicated copies into stories, extract claims, reconcile."""
    from minewatch.pipeline import IngestOptions
    from minewatch.pipeline import ingest as run_ingest

    if max_bytes <= 0:
        raise fail("--max-bytes must be positive", 2)
    if engine not in ("single", "ray"):
        raise fail("--engine must be single or ray", 2)
    if address is not None and engine != "ray":
        raise fail("--address is for --engine ray (the single engine runs in this process)", 2)
    options = IngestOptions(max_bytes=max_bytes, follow=follow, extract=not no_extract, n_process=max(1, processes))
    if engine == "ray":
        from minewatch.scale.ray_engine import ScaleError, run_ray_ingest
        from minewatch.store.database import DatabaseError

        progress = _Progress(quiet or fmt is not Format.table)
        try:
            summary = run_ray_ingest(STATE.db, inputs, address, options, on_progress=progress)
        except (ScaleError, DatabaseError) as exc:
            raise fail(str(exc), 2) from exc
        finally:
            progress.stop()
    else:
        store = open_store()
        progress = _Progress(quiet or fmt is not Format.table)
        try:
            summary = run_ingest(store, inputs, options, stdin=sys.stdin, on_progress=progress)
        finally:
            progress.stop()
    if fmt is Format.table:
        c = Console()
        c.print(
            f"ingested {summary.ingested}, duplicates {summary.duplicates}, skipped {len(summary.skipped)}, "
            f"claims {summary.claims}" + (f", not English {summary.not_english}" if summary.not_english else ""),
            highlight=False,
        )
        if summary.duplicates and not summary.ingested:
            c.print("nothing new: every document was already in the knowledge base", highlight=False)
        for lang, n in sorted(summary.not_extracted_language.items()):
            err.print(f"not_extracted_language {lang}: {n} relevant document(s) stored without claims "
                      f"(no extraction rules for this language)", highlight=False, markup=False)
        for s in summary.skipped:
            err.print(f"skipped {s['input']}: {s['reason']}", highlight=False, markup=False)
        for s in summary.pages_not_fetched:
            err.print(f"warning {s['input']}: {s['reason']}", highlight=False, markup=False)
        for s in summary.ignored:
            err.print(f"ignored {s['input']}: {s['reason']}", highlight=False, markup=False)
        for e in summary.extraction_errors:
            err.print(f"extraction failed for {e['input'] or e['document']}: {e['error']}", highlight=False, markup=False)
    else:
        print(to_json(summary.to_dict(), indent=2))
    raise typer.Exit(summary.exit_code)


@app.command()
def extract(
    all_docs: Annotated[bool, typer.Option("--all", help="Every stored document.")] = False,
    document: Annotated[str | None, typer.Option("--document", "-d", help="One document id.")] = None,
    processes: Annotated[int, typer.Option("--processes", "-j")] = 1,
) -> None:
    """Run extraction again on stored documents (after an upgrade of the rules)."""
    from minewatch.pipeline import reextract

    if not all_docs and not document:
        raise fail("say --all or --document ID", 2)
    store = open_store()
    ids = store.document_ids() if all_docs else [document]
    if document and not store.document(document):
        raise fail(f"no document {document}", 1)
    counts = reextract(store, ids, n_process=max(1, processes))
    Console().print(
        f"re-extracted {counts['documents']} documents: {counts['claims']} claims, {counts['errors']} errors", highlight=False
    )


@app.command()
def stories(fmt: FormatOpt = Format.table) -> None:
    """Stories: syndicated copies of one story grouped, with their agencies and dates."""
    store = open_store()
    rows = store.stories()
    if fmt is Format.table:
        emit(
            rows,
            fmt,
            title="Stories",
            columns=[
                ("story", "id"),
                ("copies", "document_count"),
                ("agencies", lambda r: ", ".join(r["agencies"] or [])),
                ("first", "first_published"),
                ("last", "last_published"),
                ("documents", lambda r: "\n".join(
                    f"{d['id']}  {d['path'] or d['url'] or ''}  {d['outlet'] or ''}  {d['published'] or ''}" for d in r["documents"]
                )),
            ],
        )
    elif fmt is Format.csv:
        flat = [
            {"story_id": r["id"], "agencies": "; ".join(r["agencies"] or []), "first_published": r["first_published"],
             "last_published": r["last_published"], "document_id": d["id"], "path": d["path"], "url": d["url"],
             "outlet": d["outlet"], "published": d["published"]}
            for r in rows for d in r["documents"]
        ]
        emit(flat, fmt)
    else:
        emit(rows, fmt)


def _values(r: dict) -> str:
    parts = []
    for key in ("quantity", "money", "time"):
        v = r.get(key)
        if v and v.get("text"):
            parts.append(f"{key}: {v['text']}")
    return "; ".join(parts)


def _snippet(r: dict, width: int = 110) -> str:
    ev = r.get("evidence") or []
    text = " ".join((ev[0]["text"] if ev else "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command()
def claims(
    state: Annotated[str | None, typer.Option("--state", "-s")] = None,
    predicate: Annotated[str | None, typer.Option("--predicate", "-p")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Published on or after YYYY-MM-DD.")] = None,
    document: Annotated[str | None, typer.Option("--document", "-d")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Claims extracted from the documents (jsonl is the contract's export)."""
    from minewatch.store.repository import ClaimFilter

    store = open_store()
    rows = store.claims(
        ClaimFilter(state=state, predicate=predicate, since=parse_day(since, "--since") if since else None, document=document)
    )
    if fmt is Format.table:
        emit(
            rows,
            fmt,
            title=f"{len(rows)} claims",
            columns=[
                ("actor", lambda r: r["actor"]["iso3"] or r["actor"]["name"]),
                ("predicate", lambda r: r["predicate"] + (f"/{r['stage']}" if r.get("stage") else "")),
                ("modality", lambda r: r["modality"] + (" (negated)" if r["polarity"] == "negated" else "")),
                ("weapon/treaty", lambda r: r.get("weapon") or r.get("treaty")),
                ("counterpart", lambda r: (r.get("counterpart") or {}).get("iso3")),
                ("values", _values),
                ("speaker", lambda r: (r.get("speaker") or {}).get("name")),
                ("outlet", lambda r: r["document"].get("outlet")),
                ("evidence", _snippet),
            ],
        )
    else:
        emit(rows, fmt)


@app.command()
def facts(
    state: Annotated[str | None, typer.Option("--state", "-s")] = None,
    predicate: Annotated[str | None, typer.Option("--predicate", "-p")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Facts: the same claim across documents, with the number of independent sources."""
    store = open_store()
    rows = store.facts(state=state, predicate=predicate)
    if fmt is Format.table:
        emit(
            rows,
            fmt,
            title=f"{len(rows)} facts",
            columns=[
                ("actor", lambda r: r["actor_iso3"] or r["actor_name"]),
                ("predicate", lambda r: r["predicate"] + (f"/{r['stage']}" if r.get("stage") else "")),
                ("modality", lambda r: r["modality"] + (" (negated)" if r["polarity"] == "negated" else "")),
                ("weapon/treaty", lambda r: r.get("weapon") or r.get("treaty")),
                ("counterpart", "counterpart_iso3"),
                ("independent sources", "independent_sources"),
                ("documents", "document_count"),
                ("first reported", "first_reported"),
                ("last reported", "last_reported"),
            ],
        )
    else:
        emit(rows, fmt)


@app.command()
def conflicts(
    state: Annotated[str | None, typer.Option("--state", "-s")] = None,
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="value_contradiction, record_contradiction, modality_drift.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Contradictions between sources, and against the depositary record."""
    store = open_store()
    rows = store.conflicts(state=state, kind=kind)
    if fmt is Format.table:
        emit(
            rows,
            fmt,
            title=f"{len(rows)} conflicts",
            columns=[("kind", "kind"), ("severity", "severity"), ("actor", "actor_iso3"), ("explanation", "explanation")],
        )
    else:
        emit(rows, fmt)


@app.command()
def timeline(
    state: Annotated[str, typer.Argument(help="ISO 3166 alpha-3.")],
    treaty: Annotated[str | None, typer.Option("--treaty", "-t")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """One dated line per event: depositary records and reported facts, in date order."""
    from minewatch.reconcile import timeline as build

    iso = state.strip().upper()
    code = treaty_code(treaty) if treaty else None
    store = open_store()
    entries = build(iso, store.treaty_events(), store.fact_objects(state=iso), treaty=code, armed_conflicts=store.armed_conflicts())
    rows = [e.to_dict() for e in entries]
    if fmt is Format.table:
        emit(
            rows,
            fmt,
            title=f"Timeline of {iso}" + (f" ({code})" if code else ""),
            columns=[
                ("date", lambda r: (r["date"] or "") + (" (first reported)" if r.get("undated") else "")),
                ("kind", "kind"),
                ("event", "description"),
                ("independent sources", "independent_sources"),
                ("sources", lambda r: "\n".join(
                    s.get("source_url") or s.get("url") or s.get("document_id") or "" for s in (r.get("sources") or [])[:3]
                )),
            ],
        )
    else:
        emit(rows, fmt)


@app.command()
def demo(
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the dashboard afterwards.")] = True,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
) -> None:
    """Build the knowledge base from the bundled sample and show it (what `make run` does)."""
    from minewatch.pipeline import ingest as run_ingest
    from minewatch.sample import sample_files
    from minewatch.treaties import status as st

    c = Console()
    store = open_store()
    c.rule("[bold]minewatch[/bold] — bundled sample")
    c.print(f"knowledge base: {store.engine.url.render_as_string(hide_password=True)}", highlight=False)
    summary = run_ingest(store, [str(p) for p in sample_files()])
    c.print(
        f"ingested {summary.ingested} documents ({summary.duplicates} already there), {summary.claims} claims, "
        f"{len(summary.skipped)} skipped",
        highlight=False,
    )
    for s in summary.skipped:
        c.print(f"  skipped {s['input']}: {s['reason']}", highlight=False, markup=False)

    today = date.today()
    events, armed, not_party = store.treaty_events(), store.armed_conflicts(), store.not_party()
    c.rule("Mine Ban Treaty (APMBC): the 2025 withdrawals")
    rows = []
    for iso in sorted({e.iso3 for e in events if e.treaty == "APMBC" and e.action in ("withdrawal_notification", "suspension_notification")}):
        s_ = st.state_status("APMBC", iso, today, events, armed, not_party).to_dict()
        rows.append(s_)
    emit(
        rows,
        Format.table,
        columns=[
            ("state", "iso3"), ("name", "name"), (f"status on {today}", "status"),
            ("notified", "withdrawal_notification"),
            ("effective", lambda r: r.get("withdrawal_effective") or r.get("pending_reason")),
            ("note", _status_note),
        ],
        out=sys.stdout,
    )
    for day in (date(2025, 7, 1), date(2026, 3, 1), today):
        c.print(f"APMBC parties on {day}: [bold]{st.count_parties('APMBC', day, events, armed, not_party)}[/bold]")
    c.rule("APMBC status of European states on " + today.isoformat())
    europe = ["EST", "LVA", "LTU", "FIN", "POL", "UKR", "BLR", "RUS", "NOR", "SWE", "DEU"]
    emit(
        [st.state_status("APMBC", iso, today, events, armed, not_party).to_dict() for iso in europe],
        Format.table,
        columns=[("state", "iso3"), ("name", "name"), ("status", "status"), ("in force from", "in_force_from"),
                 ("withdrawal effective", "withdrawal_effective")],
    )
    c.rule("Stories with several copies")
    multi = [s for s in store.stories() if s["document_count"] > 1]
    emit(multi, Format.table, columns=[
        ("story", "id"), ("copies", "document_count"), ("agencies", lambda r: ", ".join(r["agencies"] or [])),
        ("outlets", lambda r: ", ".join(d["outlet"] or "?" for d in r["documents"])),
    ])
    c.rule("Facts with the most independent sources")
    top = sorted(store.facts(), key=lambda r: (-r["independent_sources"], -r["document_count"], r["id"]))[:15]
    emit(top, Format.table, columns=[
        ("actor", lambda r: r["actor_iso3"] or r["actor_name"]),
        ("predicate", lambda r: r["predicate"] + (f"/{r['stage']}" if r.get("stage") else "")),
        ("modality", "modality"), ("weapon/treaty", lambda r: r.get("weapon") or r.get("treaty")),
        ("independent sources", "independent_sources"), ("documents", "document_count"),
    ])
    c.rule("Conflicts")
    emit(store.conflicts(), Format.table, columns=[("kind", "kind"), ("severity", "severity"), ("actor", "actor_iso3"), ("explanation", "explanation")])
    counts = store.counts()
    c.print(
        f"\n{counts['documents']} documents, {counts['stories']} stories, {counts['claims']} claims, "
        f"{counts['facts']} facts, {counts['conflicts']} conflicts in {store.engine.url.database}",
        highlight=False,
    )
    c.print("Try: minewatch status --treaty APMBC --on 2026-01-01 --state LTU | minewatch claims --state LTU | "
            "minewatch conflicts | minewatch timeline LTU", highlight=False)
    if serve_after:
        from minewatch.web.server import run_server

        run_server(STATE.db, host=host, port=port)


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    parquet = "parquet"
    sqlite = "sqlite"


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="csv, json, parquet or sqlite.")] = ExportFormat.sqlite,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder (csv, json, parquet) or file (sqlite).")] = Path("export"),
) -> None:
    """Export claims, facts, conflicts, documents, stories and records."""
    from minewatch.export import export_all

    store = open_store()
    try:
        written = export_all(store, fmt.value, out)
    except (OSError, ValueError) as exc:
        raise fail(f"export failed: {exc}") from exc
    Console().print(to_json(written, indent=2), highlight=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="Server processes.")] = 1,
) -> None:
    """Serve the dashboard and the JSON API (writes need MINEWATCH_TOKEN)."""
    from minewatch.web.server import run_server

    run_server(STATE.db, host=host, port=port, workers=max(1, workers))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate an existing database to this version's schema."""
    from minewatch.store.database import DatabaseError, database_url, make_engine, upgrade

    try:
        engine = make_engine(database_url(STATE.db))
        before, after = upgrade(engine)  # refuses a database minewatch did not make
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
