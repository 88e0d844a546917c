"""``minewatch watch …`` and ``minewatch alerts …``: thin commands over ``minewatch.watch``.

``minewatch.cli`` mounts these apps; both take the shared helpers
(``open_store``, ``fail``) from ``minewatch.cli_common``.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from minewatch.cli_common import FormatOpt, err, fail, open_store
from minewatch.output import Format, emit, to_json
from minewatch.treaties.states import resolve_state
from minewatch.watch import (
    AlertError,
    DeliveryOptions,
    PollOptions,
    PollResult,
    WatchError,
    add_rule,
    add_watch,
    check_alerts,
    list_rules,
    list_watches,
    remove_rule,
    remove_watch,
    run_watcher,
)

watch_app = typer.Typer(no_args_is_help=True, help="Watch feeds and paths: scheduled, conditional ingest.")
alerts_app = typer.Typer(no_args_is_help=True, help="Alerts on new facts, new conflicts and status changes.")

BaseUrlOpt = Annotated[
    str | None,
    typer.Option("--base-url", envvar="MINEWATCH_BASE_URL", help="Dashboard address for alert links (default http://127.0.0.1:8000)."),
]


# ---------------------------------------------------------------------------- watch


def _delivery(timeout: float, attempts: int, deadline: float):
    if timeout <= 0 or attempts < 1 or deadline <= 0:
        raise fail("--webhook-timeout and --delivery-deadline must be positive, --webhook-attempts at least 1", 2)
    return DeliveryOptions(timeout_s=timeout, attempts=attempts, deadline_s=deadline)


def _entries(n: int) -> str:
    return f"{n} new entr{'y' if n == 1 else 'ies'}"


@watch_app.command("add")
def watch_add(
    source: Annotated[str, typer.Argument(help="Feed URL (http/https) or a local file or folder.")],
    every: Annotated[str, typer.Option("--every", help="Interval: 90s, 15m, 2h, 1d.")] = "15m",
    name: Annotated[str | None, typer.Option("--name", help="Name of the watch (default: from the URL).")] = None,
    follow: Annotated[bool, typer.Option("--follow", help="Fetch each new entry's page.")] = False,
) -> None:
    """Watch a feed or path; its first poll is due at once."""
    store = open_store(create=True)
    try:
        watch = add_watch(store, source, every, name=name, follow=follow)
    except WatchError as exc:
        raise fail(str(exc), 2) from exc
    Console().print(f"watching {watch.url} as {watch.name!r} every {watch.every_seconds}s"
                    + (" (following links)" if watch.follow else ""), highlight=False)


@watch_app.command("list")
def watch_list(fmt: FormatOpt = Format.table) -> None:
    """Watches with their schedule, last result and errors."""
    rows = [w.to_dict() for w in list_watches(open_store())]
    emit(rows, fmt, title=f"{len(rows)} watches", columns=[
        ("name", "name"), ("source", "url"), ("every (s)", "every_seconds"), ("follow", "follow"),
        ("entries seen", "seen_entries"), ("last polled", "last_polled_at"), ("last result", "last_result"),
        ("failures", "failures"), ("next poll", "next_poll_at"),
    ])


@watch_app.command("remove")
def watch_remove(name: Annotated[str, typer.Argument(help="The watch's name (see watch list).")]) -> None:
    """Stop watching; documents already ingested stay."""
    if not remove_watch(open_store(), name):
        raise fail(f"no watch named {name!r}")
    Console().print(f"removed watch {name!r}", highlight=False)


@watch_app.command("run")
def watch_run(
    once: Annotated[bool, typer.Option("--once", help="One cycle: poll what is due, check alerts, exit.")] = False,
    no_alerts: Annotated[bool, typer.Option("--no-alerts", help="Poll only; leave the alert rules alone.")] = False,
    base_url: BaseUrlOpt = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds a feed request may take.")] = 20.0,
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="Largest feed or page accepted.")] = 10_000_000,
    no_extract: Annotated[bool, typer.Option("--no-extract", help="Store documents without extracting claims.")] = False,
    allow_private_hosts: Annotated[bool, typer.Option("--allow-private-hosts", help="Let entry links (--follow) and redirects name private or loopback hosts (also MINEWATCH_ALLOW_PRIVATE_HOSTS=1).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No poll report on standard error.")] = False,
    webhook_timeout: Annotated[float, typer.Option("--webhook-timeout", help="Seconds one webhook POST may take.")] = 10.0,
    webhook_attempts: Annotated[int, typer.Option("--webhook-attempts", help="POSTs of one alert per check (pauses 0.5 s, doubling).")] = 4,
    delivery_deadline: Annotated[float, typer.Option("--delivery-deadline", help="Seconds one check may spend delivering; the rest stays pending.")] = 60.0,
) -> None:
    """Poll watches on their schedules and send alerts (alerts to stdout are JSON lines; reports go to stderr)."""
    if timeout <= 0 or max_bytes <= 0:
        raise fail("--timeout and --max-bytes must be positive", 2)
    delivery = _delivery(webhook_timeout, webhook_attempts, delivery_deadline)
    store = open_store()
    errors = 0

    def on_cycle(report) -> None:
        nonlocal errors
        for r in report.polls:
            errors += r.outcome == "error"
            if not quiet:
                _print_poll(r)
        errors += report.alerts.failed if report.alerts else 0  # as `alerts check`: a failed delivery fails --once
        a = report.alerts
        if a and not quiet and (a.queued or a.sent or a.failed):
            err.print(f"alerts: {a.queued} new, {a.sent} sent, {a.failed} failed", highlight=False)
        if a:
            for e in a.errors:
                err.print(f"alert delivery failed: {e}", highlight=False, markup=False)

    def _print_poll(r: PollResult) -> None:
        if r.outcome == "error":
            err.print(f"{r.watch}: error: {r.error}; next poll {r.next_poll_at:%Y-%m-%d %H:%M:%S}",
                      highlight=False, markup=False)
        elif r.outcome == "new":
            err.print(f"{r.watch}: {_entries(r.new_entries)}, {r.ingested} ingested, {r.claims} claims",
                      highlight=False, markup=False)
        elif r.outcome != "busy":
            err.print(f"{r.watch}: {r.outcome.replace('_', ' ')}", highlight=False, markup=False)

    try:
        run_watcher(
            store, once=once, alerts=not no_alerts, base_url=base_url, out=sys.stdout, on_cycle=on_cycle,
            options=PollOptions(timeout_s=timeout, max_bytes=max_bytes, extract=not no_extract,
                                allow_private_hosts=allow_private_hosts),
            delivery=delivery,
        )
    except KeyboardInterrupt:
        err.print("stopped", highlight=False)
    raise typer.Exit(1 if (once and errors) else 0)


# ---------------------------------------------------------------------------- alerts


@alerts_app.command("add")
def alerts_add(
    on: Annotated[str, typer.Option("--on", help="fact (default), conflict or status.")] = "fact",
    state: Annotated[list[str] | None, typer.Option("--state", "-s", help="States: ISO3 codes or names, comma-separated or repeated.")] = None,
    predicate: Annotated[list[str] | None, typer.Option("--predicate", "-p", help="Fact predicates, e.g. production,transfer.")] = None,
    min_sources: Annotated[int, typer.Option("--min-sources", help="Independent sources a fact needs.")] = 1,
    treaty: Annotated[str | None, typer.Option("--treaty", "-t", help="APMBC or CCM.")] = None,
    file: Annotated[str | None, typer.Option("--file", help="Append JSON lines to this file.")] = None,
    webhook: Annotated[str | None, typer.Option("--webhook", help="POST each alert as JSON to this URL.")] = None,
    secret: Annotated[str | None, typer.Option("--secret", help="Webhook HMAC secret (or MINEWATCH_WEBHOOK_SECRET).")] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Dashboard address for this rule's links.")] = None,
    include_existing: Annotated[bool, typer.Option("--include-existing", help="Also alert on what already matches.")] = False,
) -> None:
    """Add an alert rule (standard output unless --file or --webhook)."""
    if state:  # names as well as codes ("Lithuania,FIN"); what matches nothing is refused by add_rule
        state = [resolve_state(x) or x.strip() for item in state for x in item.split(",") if x.strip()]
    store = open_store(create=True)
    try:
        rule = add_rule(
            store, on, states=state, predicates=predicate, min_sources=min_sources, treaty=treaty, file=file,
            webhook=webhook, secret=secret, base_url=base_url, include_existing=include_existing,
        )
    except AlertError as exc:
        raise fail(str(exc), 2) from exc
    where = f"{rule.destination} {rule.target}" if rule.target else "standard output"
    Console().print(f"alert rule {rule.id}: {rule.kind} → {where}", highlight=False)


@alerts_app.command("list")
def alerts_list(fmt: FormatOpt = Format.table) -> None:
    """Alert rules with how many alerts each has sent and has pending."""
    rows = [r.to_dict() for r in list_rules(open_store())]
    emit(rows, fmt, title=f"{len(rows)} alert rules", columns=[
        ("id", "id"), ("on", "kind"), ("states", lambda r: ",".join(r["states"]) or "any"),
        ("predicates", lambda r: ",".join(r["predicates"]) or ("any" if r["kind"] == "fact" else "")),
        ("min sources", "min_sources"), ("treaty", "treaty"),
        ("destination", lambda r: r["destination"] + (f" {r['target']}" if r["target"] else "")),
        ("sent", "sent"), ("pending", "pending"), ("last error", "last_error"),
    ])


@alerts_app.command("remove")
def alerts_remove(rule_id: Annotated[int, typer.Argument(help="The rule's id (see alerts list).")]) -> None:
    """Delete an alert rule and its record of sent alerts."""
    if not remove_rule(open_store(), rule_id):
        raise fail(f"no alert rule {rule_id}")
    Console().print(f"removed alert rule {rule_id}", highlight=False)


@alerts_app.command("check")
def alerts_check(
    base_url: BaseUrlOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report as table or json (on stderr).")] = Format.table,
    webhook_timeout: Annotated[float, typer.Option("--webhook-timeout", help="Seconds one webhook POST may take.")] = 10.0,
    webhook_attempts: Annotated[int, typer.Option("--webhook-attempts", help="POSTs of one alert per check (pauses 0.5 s, doubling).")] = 4,
    delivery_deadline: Annotated[float, typer.Option("--delivery-deadline", help="Seconds one check may spend delivering; the rest stays pending.")] = 60.0,
) -> None:
    """Evaluate every rule once and deliver what is new or still pending."""
    delivery = _delivery(webhook_timeout, webhook_attempts, delivery_deadline)
    report = check_alerts(open_store(), base_url=base_url, out=sys.stdout, options=delivery, force=True)
    if fmt is Format.table:
        err.print(f"alerts: {report.queued} new, {report.sent} sent, {report.failed} failed", highlight=False)
        for e in report.errors:
            err.print(f"alert delivery failed: {e}", highlight=False, markup=False)
    else:
        err.print(to_json(report.to_dict(), indent=2), highlight=False, markup=False)
    raise typer.Exit(1 if report.failed else 0)
