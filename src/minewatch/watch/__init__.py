"""Watching feeds: scheduled ingest of new entries, and alerts on new facts, conflicts and status changes.

``feeds`` polls the watched feeds and paths (conditional requests, back-off,
entries ingested once); ``alerts`` turns what reconciliation produced into
alerts, each sent once per rule.  ``run_cycle`` is one turn of both and
``run_watcher`` repeats it on the watches' schedules.  All state is in the
knowledge base (the watch tables, read and written only by
``minewatch.store.watching``), so the watcher
can be stopped and started at any time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TextIO

from minewatch.watch.alerts import (
    AlertError,
    AlertRule,
    CheckReport,
    DeliveryOptions,
    add_rule,
    check_alerts,
    list_rules,
    remove_rule,
    signature,
    verify_signature,
)
from minewatch.watch.feeds import (
    PollOptions,
    PollResult,
    Watch,
    WatchError,
    add_watch,
    list_watches,
    parse_every,
    poll_due,
    remove_watch,
    seconds_until_next_poll,
)

__all__ = [
    "AlertError",
    "AlertRule",
    "CheckReport",
    "CycleReport",
    "DeliveryOptions",
    "PollOptions",
    "PollResult",
    "Watch",
    "WatchError",
    "add_rule",
    "add_watch",
    "check_alerts",
    "list_rules",
    "list_watches",
    "parse_every",
    "poll_due",
    "remove_rule",
    "remove_watch",
    "run_cycle",
    "run_watcher",
    "signature",
    "verify_signature",
]

#: Bounds of the pause between cycles of ``watch run`` (seconds).
MIN_PAUSE_S = 1.0
MAX_PAUSE_S = 60.0


@dataclass
class CycleReport:
    polls: list[PollResult] = field(default_factory=list)
    alerts: CheckReport | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "polls": [p.to_dict() for p in self.polls],
            "alerts": self.alerts.to_dict() if self.alerts else None,
        }


def run_cycle(
    store, *, options: PollOptions | None = None, alerts: bool = True, base_url: str | None = None,
    out: TextIO | None = None, today: date | None = None,
    on_result: Callable[[PollResult], None] | None = None, delivery: DeliveryOptions | None = None,
) -> CycleReport:
    """Poll the due watches, then evaluate the alert rules (those whose inputs changed) and deliver what is pending."""
    report = CycleReport(polls=poll_due(store, options=options, on_result=on_result))
    if alerts:
        report.alerts = check_alerts(store, base_url=base_url, out=out, today=today, options=delivery)
    return report


def run_watcher(
    store, *, once: bool = False, options: PollOptions | None = None, alerts: bool = True,
    base_url: str | None = None, out: TextIO | None = None,
    on_cycle: Callable[[CycleReport], None] | None = None, sleep: Callable[[float], None] = time.sleep,
    max_cycles: int | None = None, delivery: DeliveryOptions | None = None,
) -> int:
    """Cycle until stopped (or once); sleeps until the next watch is due, within bounds. Returns cycles run."""
    cycles = 0
    while True:
        report = run_cycle(store, options=options, alerts=alerts, base_url=base_url, out=out,
                           delivery=delivery)
        cycles += 1
        if on_cycle:
            on_cycle(report)
        if once or (max_cycles is not None and cycles >= max_cycles):
            return cycles
        wait = seconds_until_next_poll(store)
        sleep(MAX_PAUSE_S if wait is None else min(MAX_PAUSE_S, max(MIN_PAUSE_S, wait)))
