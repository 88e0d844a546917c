"""The command line: parses, calls the stages and the store, prints.  Nothing else."""

from __future__ import annotations

import logging
import socket
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from minewatch import __version__
from minewatch.cli_common import (
    STATE,
    FormatOpt,
    err,
    fail,
    log,
    open_store,
    parse_day,
    state_code,
    treaty_code,
)
from minewatch.export import TABLES, export_all, export_stream
from minewatch.ingest.meta import outlet_name
from minewatch.model import Predicate
from minewatch.output import Format, emit, to_json
from minewatch.reconcile import timeline as build_timeline
from minewatch.sample import sample_files
from minewatch.store.database import DatabaseError, database_url, make_engine, upgrade
from minewatch.store.repository import ClaimFilter
from minewatch.treaties import status as st
from minewatch.treaties.records import RecordsError, read_conflicts_csv, read_events_csv
from minewatch.watch.cli import alerts_app, watch_app

# Plain click help (rich_markup_mode=None): typer's rich panels print "<bool>" after every flag, --help included.
app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
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

def setup_logging(verbose: int, quiet: bool) -> None:
    """minewatch's log on standard error through rich; -v shows what it does, -vv also its libraries' debug."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    handler = RichHandler(console=err, show_time=verbose >= 2, show_path=verbose >= 2, markup=False,
                          rich_tracebacks=False, log_time_format="%H:%M:%S")
    root = logging.getLogger()
    for h in list(root.handlers):
        if isinstance(h, RichHandler):
            root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING if not quiet else logging.ERROR)
    log.setLevel(level)


def version_callback(value: bool) -> None:
    if value:
        print(f"minewatch {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="MINEWATCH_DB", metavar="PATH|URL",
                     help="Database: a path or sqlite:///PATH (SQLite), or postgresql://… (default: minewatch.db)."),
    ] = None,
    create: Annotated[bool, typer.Option("--create", help="Make the database file if it does not exist "
                                         "(ingest, demo and imports always do; reading commands refuse a missing file).")] = False,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="Say more on standard error (-vv: debug).")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Errors only on standard error; no progress bars.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    STATE.db = db
    STATE.create = create
    STATE.quiet = quiet
    setup_logging(verbose, quiet)


# ---------------------------------------------------------------------------- treaties
def _status_note(r: dict) -> str | None:
    if r.get("suspension"):
        return f"suspension notified {r['suspension']['date']}: contested, counted as a party"
    return None


@app.command()
def status(
    treaty: Annotated[str, typer.Option("--treaty", "-t", help="APMBC or CCM.")] = "APMBC",
    on: Annotated[str | None, typer.Option("--on", help="Date, YYYY-MM-DD (default: today).")] = None,
    state: Annotated[str | None, typer.Option("--state", "-s", metavar="STATE", help="One state: ISO3 code or name.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Status of every state under a treaty on a date, with the records behind it."""
    code = treaty_code(treaty)
    day = parse_day(on, "--on")
    store = open_store()
    events, armed, not_party = store.treaty_events(), store.armed_conflicts(), store.not_party()
    iso = state_code(state) if state else None
    if iso:
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
    store = open_store(create=True)
    try:
        events = read_events_csv(file, existing=store.treaty_events())
    except (RecordsError, OSError) as exc:
        raise fail(str(exc)) from exc
    n = store.import_events(events)
    Console().print(f"imported {n} depositary records from {file}")


@conflicts_rec_app.command("import")
def armed_conflicts_import(file: Annotated[Path, typer.Argument(help="CSV with the columns of armed_conflicts.csv.")]) -> None:
    """Add or correct armed-conflict records; the whole file or nothing."""
    store = open_store(create=True)
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
        if self.quiet or STATE.quiet:
            return
        if self.progress is None and self.count > self.THRESHOLD:
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


class _CountBar:
    """A bar with a known total (re-extraction knows its documents up front)."""

    def __init__(self, label: str, total: int, quiet: bool) -> None:
        self.progress = None
        if quiet:
            return
        self.progress = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 TimeRemainingColumn(), console=err, transient=True)
        self.progress.start()
        self.task = self.progress.add_task(label, total=total)

    def update(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.update(self.task, completed=done, total=total)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


@app.command()
def ingest(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders, feeds (path or http(s) URL), JSONL, WARC, or - for stdin.")],
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="Skip inputs larger than this (each file, page, JSONL line, WARC record, after decompression).")] = 10_000_000,
    follow: Annotated[bool, typer.Option("--follow", help="Fetch each feed entry's page.")] = False,
    max_inflated_bytes: Annotated[int, typer.Option("--max-inflated-bytes", help="Stop reading a .gz file past this many decompressed bytes.")] = 2_000_000_000,
    allow_private_hosts: Annotated[bool, typer.Option("--allow-private-hosts", help="Let links found in feeds (--follow) and redirects name private or loopback hosts (also MINEWATCH_ALLOW_PRIVATE_HOSTS=1).")] = False,
    no_extract: Annotated[bool, typer.Option("--no-extract", help="Store documents without extracting claims.")] = False,
    processes: Annotated[int, typer.Option("--processes", "-j", help="Processes for extraction.")] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Summary as table or json.")] = Format.table,
    engine: Annotated[str, typer.Option("--engine", help="single (this process) or ray (a Ray cluster; needs PostgreSQL).")] = "single",
    address: Annotated[
        str | None, typer.Option("--address", help="With --engine ray: local:N, auto or ray://HOST:10001 (default: local, all CPUs).")
    ] = None,
) -> None:
    """Ingest articles, group syndicated copies into stories, extract claims, reconcile."""
    # lazy: the pipeline loads datasketch, scipy and the extractor (~0.5 s) that --help and the reading commands never use
    from minewatch.pipeline import IngestOptions
    from minewatch.pipeline import ingest as run_ingest

    if max_bytes <= 0 or max_inflated_bytes <= 0:
        raise fail("--max-bytes and --max-inflated-bytes must be positive", 2)
    if engine not in ("single", "ray"):
        raise fail("--engine must be single or ray", 2)
    if address is not None and engine != "ray":
        raise fail("--address is for --engine ray (the single engine runs in this process)", 2)
    options = IngestOptions(max_bytes=max_bytes, follow=follow, extract=not no_extract, n_process=max(1, processes),
                            max_inflated=max_inflated_bytes, allow_private_hosts=allow_private_hosts)
    if engine == "ray":
        from minewatch.scale.ray_engine import ScaleError, run_ray_ingest  # lazy: Ray, an optional dependency

        progress = _Progress(quiet or fmt is not Format.table)
        try:
            summary = run_ray_ingest(STATE.db, inputs, address, options, on_progress=progress)
        except (ScaleError, DatabaseError) as exc:
            raise fail(str(exc), 2) from exc
        finally:
            progress.stop()
    else:
        store = open_store(create=True)
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
    processes: Annotated[int, typer.Option("--processes", "-j", help="Processes for extraction.")] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Run extraction again on stored documents (after an upgrade of the rules)."""
    # lazy: the pipeline and the extractor (~0.5 s), as for ingest
    from minewatch.pipeline import reextract

    if not all_docs and not document:
        raise fail("say --all or --document ID", 2)
    store = open_store()
    ids = store.document_ids() if all_docs else [document]
    if document and not store.document(document):
        raise fail(f"no document {document}", 1)
    bar = _CountBar("extracting", len(ids), quiet or STATE.quiet or len(ids) <= _Progress.THRESHOLD)
    try:
        counts = reextract(store, ids, n_process=max(1, processes), on_progress=bar.update)
    finally:
        bar.stop()
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
            {"story_id": r["id"], "agencies": list(r["agencies"] or []), "first_published": r["first_published"],
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


StateOpt = Annotated[
    str | None, typer.Option("--state", "-s", metavar="STATE", help="Actor or counterpart: ISO3 code or name (LTU, Lithuania).")
]
PredicateOpt = Annotated[Predicate | None, typer.Option("--predicate", "-p", help="What the claim is about.")]


@app.command()
def claims(
    state: StateOpt = None,
    predicate: PredicateOpt = None,
    since: Annotated[str | None, typer.Option("--since", metavar="DATE", help="Published on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--until", metavar="DATE", help="Published on or before YYYY-MM-DD.")] = None,
    outlet: Annotated[str | None, typer.Option("--outlet", help="Only this outlet (as `claims` shows it, e.g. lrt.lt).")] = None,
    document: Annotated[str | None, typer.Option("--document", "-d", help="Only this document id.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most this many claims, newest first.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Claims extracted from the documents (jsonl is the contract's export)."""
    iso = state_code(state) if state else None
    first = parse_day(since, "--since") if since else None
    last = parse_day(until, "--until") if until else None
    if first and last and first > last:
        raise typer.BadParameter(f"--since {first} is after --until {last}", param_hint="--until")
    store = open_store()
    rows = store.claims(
        ClaimFilter(state=iso, predicate=predicate.value if predicate else None, since=first, until=last,
                    outlet=outlet_name(outlet), document=document, limit=limit, order="newest" if limit else None)
    )
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


@app.command()
def facts(
    state: StateOpt = None,
    predicate: PredicateOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Facts: the same claim across documents, with the number of independent sources."""
    iso = state_code(state) if state else None
    store = open_store()
    rows = store.facts(state=iso, predicate=predicate.value if predicate else None)
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


class ConflictKind(StrEnum):
    value_contradiction = "value_contradiction"
    record_contradiction = "record_contradiction"
    modality_drift = "modality_drift"


@app.command()
def conflicts(
    state: Annotated[str | None, typer.Option("--state", "-s", metavar="STATE", help="State concerned: ISO3 code or name.")] = None,
    kind: Annotated[ConflictKind | None, typer.Option("--kind", "-k", help="Kind of disagreement.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Contradictions between sources, and against the depositary record."""
    iso = state_code(state) if state else None
    store = open_store()
    rows = store.conflicts(state=iso, kind=kind.value if kind else None)
    emit(
        rows,
        fmt,
        title=f"{len(rows)} conflicts",
        columns=[("kind", "kind"), ("severity", "severity"), ("actor", "actor_iso3"), ("explanation", "explanation")],
    )


@app.command()
def timeline(
    state: Annotated[str, typer.Argument(metavar="STATE", help="ISO3 code or name (LTU, Lithuania).")],
    treaty: Annotated[str | None, typer.Option("--treaty", "-t", help="APMBC or CCM (default: both).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """One dated line per event: depositary records and reported facts, in date order."""
    iso = state_code(state, param_hint="STATE")
    code = treaty_code(treaty) if treaty else None
    store = open_store()
    entries = build_timeline(iso, store.treaty_events(), store.fact_objects(state=iso), treaty=code, armed_conflicts=store.armed_conflicts())
    rows = [e.to_dict() for e in entries]
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


@app.command()
def demo(
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the dashboard afterwards.")] = True,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8000,
) -> None:
    """Build the knowledge base from the bundled sample and show it (what `make run` does)."""
    # lazy: the pipeline and the extractor (~0.5 s), as for ingest
    from minewatch.pipeline import ingest as run_ingest

    if serve_after:
        check_port(host, port)
    c = Console()
    store = open_store(create=True)
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
        from minewatch.web.server import run_server  # lazy: uvicorn and the web app, for serving only

        run_server(STATE.db, host=host, port=port)


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    parquet = "parquet"
    sqlite = "sqlite"


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="csv, json, parquet or sqlite.")] = ExportFormat.sqlite,
    out: Annotated[str, typer.Option("--out", "-o", metavar="PATH",
                                     help="Folder (csv, json, parquet), file (sqlite) or - for standard output.")] = "export",
    table: Annotated[str | None, typer.Option("--table", "-t", help="One table only (claims, facts, …; csv, json, "
                                                                    "parquet); needed for -o - with csv or parquet.")] = None,
    metadata: Annotated[Path | None, typer.Option("--metadata", "-m", help="With sqlite to a file: also write "
                                                  "Datasette's metadata.json here.")] = None,
) -> None:
    """Export claims, facts, conflicts, documents, stories, records, treaty status and its history."""
    if table is not None and table not in TABLES:
        raise typer.BadParameter(f"{table!r}: use one of {', '.join(TABLES)}", param_hint="--table")
    if table is not None and fmt is ExportFormat.sqlite:
        raise typer.BadParameter("the SQLite export is one database with every table", param_hint="--table")
    if out == "-":
        if fmt in (ExportFormat.csv, ExportFormat.parquet) and table is None:
            raise typer.BadParameter(f"standard output takes one table in {fmt.value}: add --table "
                                     f"({', '.join(TABLES)})", param_hint="--table")
        store = open_store()
        try:
            export_stream(store, fmt.value, sys.stdout, table=table)
        except (OSError, ValueError) as exc:
            raise fail(f"export failed: {exc}") from exc
        return
    store = open_store()
    try:
        written = export_all(store, fmt.value, Path(out), tables=[table] if table else None, metadata=metadata)
    except (OSError, ValueError) as exc:
        raise fail(f"export failed: {exc}") from exc
    log.info("exported %s to %s", fmt.value, out)
    Console().print(to_json(written, indent=2), highlight=False)


def check_port(host: str, port: int) -> None:
    """Refuse a port something else holds before anything is printed or loaded (uvicorn would exit 3 after)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise fail(f"cannot listen on {host}: {exc}", 2) from exc
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is no conflict
        try:
            sock.bind(address)
        except OSError as exc:
            raise fail(f"cannot listen on {host}:{port}: {exc.strerror or exc} (another server there? try --port)", 2) from exc


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="Server processes.")] = 1,
    cors: Annotated[list[str] | None, typer.Option("--cors", help="Allow browser pages from this origin to read the "
                                                   "API (repeat, or * for any).")] = None,
) -> None:
    """Serve the dashboard and the JSON API (writes need MINEWATCH_TOKEN)."""
    from minewatch.web.server import run_server  # lazy: uvicorn and the web app, for serving only

    check_port(host, port)
    open_store()  # a missing file is refused here, not created by the server
    run_server(STATE.db, host=host, port=port, workers=max(1, workers), cors=cors or None)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate an existing database to this version's schema."""
    try:
        engine = make_engine(database_url(STATE.db))
        before, after = upgrade(engine)  # refuses a database minewatch did not make
    except DatabaseError as exc:
        raise fail(str(exc), 2) from exc
    Console().print(f"schema {before or '(empty)'} → {after}" if before != after else f"schema already at {after}")


@db_app.command("prune-story-keys")
def db_prune_story_keys(
    before: Annotated[str, typer.Option("--before", help="Drop the keys of documents dated before this day (YYYY-MM-DD).")],
) -> None:
    """Drop old rows of the story-candidate index (PostgreSQL), which grows by about twice the documents.

    A document's keys are needed only while documents dated within 7 days of it can still
    arrive: after a backfill in date order, or for a stream past those dates, prune them.
    Documents dated before ``--before`` are then no longer found as copies by later Ray runs.
    """
    day = parse_day(before, "--before")
    store = open_store()
    if not store.indexes_stories:
        raise fail("a SQLite knowledge base has no story-key index (the Ray engine needs PostgreSQL)", 2)
    dropped = store.prune_story_keys(day)
    Console().print(f"dropped {dropped} story-key rows of documents dated before {day}")


def main() -> None:
    try:
        app()
    except BrokenPipeError:  # `minewatch claims | head`
        sys.exit(0)


if __name__ == "__main__":
    main()
