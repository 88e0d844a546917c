"""Depositary records: the dated acts of states under each treaty, and armed conflicts.

Records come bundled (``data/*.csv``, public depositary facts with their
sources) and can be imported from CSV files with the same columns.  An import
is all or nothing: every line is checked, alone and against the records already
held, and any problem raises ``RecordsError`` naming the file and line, so the
caller never writes half a file into the knowledge base.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from minewatch.model import Treaty
from minewatch.output import csv_cell, csv_uncell
from minewatch.treaties.rules import resolve_treaty, treaty_definition
from minewatch.treaties.states import eligible_state


class Action(StrEnum):
    SIGNATURE = "signature"
    RATIFICATION = "ratification"
    ACCEPTANCE = "acceptance"
    APPROVAL = "approval"
    ACCESSION = "accession"
    SUCCESSION = "succession"
    ENTRY_INTO_FORCE = "entry_into_force"
    WITHDRAWAL_NOTIFICATION = "withdrawal_notification"
    WITHDRAWAL_EFFECTIVE = "withdrawal_effective"
    SUSPENSION_NOTIFICATION = "suspension_notification"


#: Instruments whose deposit makes a state a party (Art. 16; ICBL/ISU count from the deposit).
DEPOSIT_ACTIONS: frozenset[Action] = frozenset(
    {Action.RATIFICATION, Action.ACCEPTANCE, Action.APPROVAL, Action.ACCESSION, Action.SUCCESSION}
)

#: Dates fixed in advance by the rules (announced at deposit or notification): they may lie in the future.
SCHEDULED_ACTIONS: frozenset[Action] = frozenset({Action.ENTRY_INTO_FORCE, Action.WITHDRAWAL_EFFECTIVE})

#: Display and sort order of a state's acts on the same day.
ACTION_ORDER: dict[Action, int] = {a: i for i, a in enumerate(Action)}

#: Which depositary records can confirm a claim's (predicate, stage) (claims.md stages).  News
#: often says "ratified" for an accession and vice versa, so both map to any deposit; a notified
#: "withdrawal" may in fact be a suspension notification (Ukraine 2025), which the caller can tell
#: from the record's action.  Domestic steps (proposed, decided, approved) have no depositary record.
STAGE_ACTIONS: dict[tuple[str, str], frozenset[Action]] = {
    ("treaty_joining", "signed"): frozenset({Action.SIGNATURE}),
    ("treaty_joining", "ratified"): DEPOSIT_ACTIONS,
    ("treaty_joining", "acceded"): DEPOSIT_ACTIONS,
    ("treaty_joining", "in_force"): frozenset({Action.ENTRY_INTO_FORCE}),
    ("treaty_withdrawal", "proposed"): frozenset(),
    ("treaty_withdrawal", "decided"): frozenset(),
    ("treaty_withdrawal", "approved"): frozenset(),
    ("treaty_withdrawal", "notified"): frozenset(
        {Action.WITHDRAWAL_NOTIFICATION, Action.SUSPENSION_NOTIFICATION}
    ),
    ("treaty_withdrawal", "effective"): frozenset({Action.WITHDRAWAL_EFFECTIVE}),
}

NOT_PARTY_STATUSES = ("non_signatory", "signatory_only")

EVENT_COLUMNS = ("treaty", "state_iso3", "state_name", "action", "date", "source_url", "note")
EVENT_REQUIRED = ("treaty", "state_iso3", "action", "date", "source_url")
NOT_PARTY_COLUMNS = ("treaty", "state_iso3", "state_name", "status", "source_url")
NOT_PARTY_REQUIRED = ("treaty", "state_iso3", "status")
CONFLICT_COLUMNS = ("state_iso3", "opponent", "start", "end", "source_url", "note")
CONFLICT_REQUIRED = ("state_iso3", "opponent", "start")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class RecordsError(ValueError):
    """Records that cannot be accepted; ``errors`` holds (file, line, message) for every problem found."""

    def __init__(self, errors: Sequence[tuple[str, int, str]]):
        self.errors = list(errors)
        shown = [f"{f}:{n}: {m}" for f, n, m in self.errors[:50]]
        if len(self.errors) > 50:
            shown.append(f"... and {len(self.errors) - 50} more")
        super().__init__("\n".join(shown))


@dataclass(frozen=True)
class TreatyEvent:
    """One dated act of one state under one treaty, with the source that reports it."""

    treaty: Treaty
    iso3: str
    state_name: str
    action: Action
    date: date
    source_url: str
    note: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """At most one record per treaty, state and action (the store's unique key)."""
        return (str(self.treaty), self.iso3, str(self.action))

    @property
    def is_deposit(self) -> bool:
        return self.action in DEPOSIT_ACTIONS

    def to_dict(self) -> dict[str, Any]:
        return {
            "treaty": str(self.treaty),
            "iso3": self.iso3,
            "state_name": self.state_name,
            "action": str(self.action),
            "date": self.date.isoformat(),
            "source_url": self.source_url,
            "note": self.note,
        }

    def to_row(self) -> dict[str, str]:
        """The CSV/database column names (``state_iso3``), so a round trip needs no renaming."""
        return {
            "treaty": str(self.treaty),
            "state_iso3": self.iso3,
            "state_name": self.state_name,
            "action": str(self.action),
            "date": self.date.isoformat(),
            "source_url": self.source_url,
            "note": self.note,
        }


@dataclass(frozen=True)
class NotPartyRecord:
    """A sourced statement that a state has not joined (``non_signatory``) or only signed (``signatory_only``)."""

    treaty: Treaty
    iso3: str
    state_name: str
    status: str
    source_url: str = ""

    def to_row(self) -> dict[str, str]:
        return {
            "treaty": str(self.treaty),
            "state_iso3": self.iso3,
            "state_name": self.state_name,
            "status": self.status,
            "source_url": self.source_url,
        }


@dataclass(frozen=True)
class ArmedConflict:
    """A state's armed conflict; ``end`` is the last day (inclusive), ``None`` while it goes on."""

    iso3: str
    opponent: str
    start: date
    end: date | None
    source_url: str = ""
    note: str = ""

    def to_row(self) -> dict[str, str]:
        return {
            "state_iso3": self.iso3,
            "opponent": self.opponent,
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else "",
            "source_url": self.source_url,
            "note": self.note,
        }


# --- parsing helpers ---------------------------------------------------------------------------


class _LineError(Exception):
    pass


def _parse_date(value: str, column: str, today: date | None) -> date:
    v = value.strip()
    if not v:
        raise _LineError(f"{column}: missing date")
    if not _ISO_DATE.match(v):
        raise _LineError(f"{column}: unparsable date {v!r} (expected YYYY-MM-DD)")
    try:
        d = date.fromisoformat(v)
    except ValueError:
        raise _LineError(f"{column}: impossible date {v!r}") from None
    if today is not None and d > today:
        raise _LineError(f"{column}: date {v} is in the future (today is {today.isoformat()})")
    return d


def _state(value: str) -> tuple[str, str]:
    code = value.strip().upper()
    s = eligible_state(code)
    if s is None:
        raise _LineError(f"state_iso3: unknown state code {value.strip()!r} (not a state that can join)")
    return s.iso3, s.name


def _treaty(value: str) -> Treaty:
    t = resolve_treaty(value.strip())
    if t is None:
        raise _LineError(f"treaty: unknown treaty {value.strip()!r}")
    return t


def _rows(
    source: str | Path | io.TextIOBase, columns: Sequence[str], required: Sequence[str]
) -> tuple[str, list[tuple[int, dict[str, str]]], list[tuple[str, int, str]]]:
    """Rows with the physical line where each starts; header problems reported as line 1."""
    if isinstance(source, str | Path):
        name = str(source)
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise RecordsError([(name, 0, f"cannot read file: {exc}")]) from exc
    else:
        name = getattr(source, "name", "<stream>")
        text = source.read()
    reader = csv.reader(io.StringIO(text, newline=""))
    errors: list[tuple[str, int, str]] = []
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise RecordsError([(name, 1, "empty file: expected a header line")]) from None
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in columns]
    if missing or unknown:
        msg = []
        if missing:
            msg.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            msg.append(f"unknown column(s) {', '.join(unknown)}")
        raise RecordsError([(name, 1, "; ".join(msg) + f" (expected {','.join(columns)})")])
    rows: list[tuple[int, dict[str, str]]] = []
    prev = reader.line_num
    for cells in reader:
        start = prev + 1
        prev = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            errors.append((name, start, f"expected {len(header)} fields, found {len(cells)}"))
            continue
        rows.append((start, dict(zip(header, (csv_uncell(c) for c in cells), strict=True))))
    return name, rows, errors


# --- treaty events -----------------------------------------------------------------------------


def _treaty_and_state(row: dict[str, str], problems: list[str]) -> tuple[Treaty | None, str | None, str | None]:
    """The line's treaty and (iso3, name) of its state; what is wrong with either goes to ``problems``."""
    treaty = iso3 = name = None
    try:
        treaty = _treaty(row["treaty"])
    except _LineError as e:
        problems.append(str(e))
    try:
        iso3, name = _state(row["state_iso3"])
    except _LineError as e:
        problems.append(str(e))
    return treaty, iso3, name


def _event_from_row(row: dict[str, str], today: date | None) -> TreatyEvent:
    problems: list[str] = []
    action = None
    when = None
    treaty, iso3, name = _treaty_and_state(row, problems)
    try:
        action = Action(row["action"].strip().lower())
    except ValueError:
        problems.append(
            f"action: unknown action {row['action'].strip()!r} (expected one of {', '.join(Action)})"
        )
    try:
        scheduled = action in SCHEDULED_ACTIONS
        when = _parse_date(row["date"], "date", None if scheduled else today)
    except _LineError as e:
        problems.append(str(e))
    url = row["source_url"].strip()
    if not url:
        problems.append("source_url: every record needs its source")
    elif not re.match(r"^https?://\S+$", url):
        problems.append(f"source_url: not an http(s) address: {url!r}")
    if treaty is not None and when is not None:
        adopted = treaty_definition(treaty).adopted
        if when < adopted:
            problems.append(
                f"date: impossible date {when.isoformat()}, before {treaty} was adopted ({adopted})"
            )
    if problems:
        raise _LineError("; ".join(problems))
    given_name = (row.get("state_name") or "").strip()
    return TreatyEvent(
        treaty=treaty,  # type: ignore[arg-type]
        iso3=iso3,  # type: ignore[arg-type]
        state_name=given_name or name,  # type: ignore[arg-type]
        action=action,  # type: ignore[arg-type]
        date=when,  # type: ignore[arg-type]
        source_url=url,
        note=(row.get("note") or "").strip(),
    )


def check_state_sequence(treaty: Treaty, events: Iterable[TreatyEvent]) -> list[tuple[TreatyEvent, str]]:
    """Order problems in one state's records under one treaty: (offending record, message).

    Kept separate from CSV reading so the store can re-check what it holds.
    """
    t = treaty_definition(treaty)
    by_action: dict[Action, TreatyEvent] = {}
    problems: list[tuple[TreatyEvent, str]] = []
    for e in events:
        by_action[e.action] = e
    deposits = [e for e in by_action.values() if e.is_deposit]
    deposits.sort(key=lambda e: (e.date, ACTION_ORDER[e.action]))
    if len(deposits) > 1:
        first = deposits[0]
        for other in deposits[1:]:
            problems.append(
                (
                    other,
                    f"second instrument for {other.iso3} under {treaty}: {other.action} {other.date} "
                    f"but {first.action} {first.date} is already recorded (one deposit per state)",
                )
            )
    deposit = deposits[0] if deposits else None
    sig = by_action.get(Action.SIGNATURE)
    if sig is not None:
        if sig.date < t.opened_for_signature:
            problems.append(
                (sig, f"signature {sig.date} before {treaty} opened for signature ({t.opened_for_signature})")
            )
        if sig.date > t.entry_into_force:
            problems.append(
                (
                    sig,
                    f"signature {sig.date} after {treaty} entered into force ({t.entry_into_force}): "
                    "signature had closed, states can only accede",
                )
            )
        if deposit is not None and deposit.date < sig.date and deposit.action != Action.ACCESSION:
            problems.append((deposit, f"{deposit.action} {deposit.date} before the signature {sig.date}"))
    eif = by_action.get(Action.ENTRY_INTO_FORCE)
    if eif is not None:
        if deposit is None:
            problems.append((eif, f"entry_into_force {eif.date} without any deposit of an instrument"))
        else:
            if deposit.action != Action.SUCCESSION and eif.date <= deposit.date:
                problems.append(
                    (eif, f"entry_into_force {eif.date} not after the {deposit.action} {deposit.date}")
                )
        if eif.date < t.entry_into_force:
            problems.append(
                (eif, f"entry_into_force {eif.date} before the treaty itself ({t.entry_into_force})")
            )
    notif = by_action.get(Action.WITHDRAWAL_NOTIFICATION)
    if notif is not None:
        if deposit is None:
            problems.append((notif, f"withdrawal_notification {notif.date} but {notif.iso3} never joined"))
        elif notif.date < deposit.date:
            problems.append(
                (
                    notif,
                    f"withdrawal_notification {notif.date} before joining ({deposit.action} {deposit.date})",
                )
            )
    eff = by_action.get(Action.WITHDRAWAL_EFFECTIVE)
    if eff is not None:
        if notif is None:
            problems.append((eff, f"withdrawal_effective {eff.date} without a withdrawal_notification"))
        elif eff.date <= notif.date:
            problems.append((eff, f"withdrawal_effective {eff.date} not after the notification {notif.date}"))
    susp = by_action.get(Action.SUSPENSION_NOTIFICATION)
    if susp is not None:
        if deposit is None:
            problems.append((susp, f"suspension_notification {susp.date} but {susp.iso3} never joined"))
        elif susp.date < deposit.date:
            problems.append((susp, f"suspension_notification {susp.date} before joining ({deposit.date})"))
    return problems


def merge_events(existing: Iterable[TreatyEvent], new: Iterable[TreatyEvent]) -> list[TreatyEvent]:
    """Existing records with ``new`` applied: same treaty+state+action corrects (replaces), else adds."""
    merged: dict[tuple[str, str, str], TreatyEvent] = {e.key: e for e in existing}
    for e in new:
        merged[e.key] = e
    return sort_events(merged.values())


def diff_events(
    existing: Iterable[TreatyEvent], new: Iterable[TreatyEvent]
) -> list[tuple[str, TreatyEvent, TreatyEvent | None]]:
    """What an import would do, per record: ("added"|"corrected"|"unchanged", new, old)."""
    held = {e.key: e for e in existing}
    out: list[tuple[str, TreatyEvent, TreatyEvent | None]] = []
    for e in new:
        old = held.get(e.key)
        if old is None:
            out.append(("added", e, None))
        elif old == e:
            out.append(("unchanged", e, old))
        else:
            out.append(("corrected", e, old))
    return out


def records_for_claim(
    events: Iterable[TreatyEvent], treaty: str | None, iso3: str | None, predicate: str, stage: str | None
) -> list[TreatyEvent]:
    """The depositary records a treaty claim can be checked against (empty: nothing to check).

    Without a stage every record of a mapped predicate counts; without a treaty both treaties do.
    """
    if not iso3:
        return []
    if stage is None:
        actions = frozenset().union(*(a for (p, _), a in STAGE_ACTIONS.items() if p == predicate))
    else:
        actions = STAGE_ACTIONS.get((predicate, stage), frozenset())
    wanted = resolve_treaty(treaty) if treaty else None
    return sort_events(
        e
        for e in events
        if e.iso3 == iso3 and e.action in actions and (wanted is None or str(e.treaty) == str(wanted))
    )


def sort_events(events: Iterable[TreatyEvent]) -> list[TreatyEvent]:
    return sorted(events, key=lambda e: (str(e.treaty), e.iso3, e.date, ACTION_ORDER[e.action]))


def read_events_csv(
    path: str | Path | io.TextIOBase,
    existing: list[TreatyEvent] | None = None,
    today: date | None = None,
) -> list[TreatyEvent]:
    """Parse and validate a file of treaty events; all lines or nothing.

    Each line is checked alone (state, treaty, action, date, source) and then,
    merged with ``existing`` as ``merge_events`` would merge it, for order:
    joining before withdrawing, one deposit, effective after notification.
    Dates of acts may not lie after ``today`` (default: the system date);
    entry into force and withdrawal effective dates may, since the depositary
    announces them in advance.
    """
    today = date.today() if today is None else today
    return _read_events(path, existing or [], today)


def _read_events(
    path: str | Path | io.TextIOBase, existing: Sequence[TreatyEvent], today: date | None
) -> list[TreatyEvent]:
    name, rows, errors = _rows(path, EVENT_COLUMNS, EVENT_REQUIRED)
    parsed: list[TreatyEvent] = []
    line_of: dict[tuple[str, str, str], int] = {}
    for line, row in rows:
        try:
            ev = _event_from_row(row, today)
        except _LineError as e:
            errors.append((name, line, str(e)))
            continue
        if ev.key in line_of:
            errors.append(
                (
                    name,
                    line,
                    f"duplicate record: {ev.action} of {ev.iso3} under {ev.treaty} "
                    f"already on line {line_of[ev.key]}",
                )
            )
            continue
        line_of[ev.key] = line
        parsed.append(ev)
    touched = {(str(e.treaty), e.iso3) for e in parsed}
    combined: dict[tuple[str, str], list[TreatyEvent]] = defaultdict(list)
    for e in merge_events([x for x in existing if (str(x.treaty), x.iso3) in touched], parsed):
        combined[(str(e.treaty), e.iso3)].append(e)
    new_keys = set(line_of)
    for (treaty, _iso3), evs in combined.items():
        for ev, msg in check_state_sequence(Treaty(treaty), evs):
            if ev.key in new_keys and ev in parsed:
                errors.append((name, line_of[ev.key], msg))
            else:
                # The problem sits in a held record: blame the new lines of that state, first one.
                lines = sorted(line_of[e.key] for e in evs if e.key in new_keys)
                errors.append((name, lines[0], msg + " (conflicts with records already held)"))
    if errors:
        raise RecordsError(sorted(set(errors), key=lambda x: (x[1], x[2])))
    return parsed


def write_events_csv(path: str | Path, events: Iterable[TreatyEvent]) -> None:
    """Write records in the import format, so an export can be corrected and re-imported."""
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=EVENT_COLUMNS, lineterminator="\n")
        w.writeheader()
        for e in sort_events(events):
            w.writerow({k: csv_cell(v) for k, v in e.to_row().items()})


# --- states not party --------------------------------------------------------------------------


def read_not_party_csv(path: str | Path | io.TextIOBase) -> list[NotPartyRecord]:
    """Parse and validate a states_not_party file; all lines or nothing."""
    name, rows, errors = _rows(path, NOT_PARTY_COLUMNS, NOT_PARTY_REQUIRED)
    out: list[NotPartyRecord] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        problems: list[str] = []
        treaty, iso3, sname = _treaty_and_state(row, problems)
        status = row["status"].strip().lower()
        if status not in NOT_PARTY_STATUSES:
            problems.append(f"status: unknown status {status!r} (expected {' or '.join(NOT_PARTY_STATUSES)})")
        if problems:
            errors.append((name, line, "; ".join(problems)))
            continue
        key = (str(treaty), iso3)
        if key in seen:
            errors.append(
                (name, line, f"duplicate record for {iso3} under {treaty}, already on line {seen[key]}")
            )
            continue
        seen[key] = line  # type: ignore[index]
        out.append(
            NotPartyRecord(
                treaty=treaty,  # type: ignore[arg-type]
                iso3=iso3,  # type: ignore[arg-type]
                state_name=(row.get("state_name") or "").strip() or sname,  # type: ignore[arg-type]
                status=status,
                source_url=(row.get("source_url") or "").strip(),
            )
        )
    if errors:
        raise RecordsError(errors)
    return out


# --- armed conflicts ---------------------------------------------------------------------------


def read_conflicts_csv(path: str | Path | io.TextIOBase, today: date | None = None) -> list[ArmedConflict]:
    """Parse and validate armed-conflict records; all lines or nothing.

    An ``end`` may not lie in the future: a conflict has ended only once it has.
    """
    today = date.today() if today is None else today
    return _read_conflicts(path, today)


def _read_conflicts(path: str | Path | io.TextIOBase, today: date | None) -> list[ArmedConflict]:
    name, rows, errors = _rows(path, CONFLICT_COLUMNS, CONFLICT_REQUIRED)
    out: list[ArmedConflict] = []
    seen: dict[tuple[str, str, date], int] = {}
    for line, row in rows:
        problems: list[str] = []
        iso3 = start = end = None
        try:
            iso3, _ = _state(row["state_iso3"])
        except _LineError as e:
            problems.append(str(e))
        opponent = row["opponent"].strip()
        if not opponent:
            problems.append("opponent: missing")
        try:
            start = _parse_date(row["start"], "start", today)
        except _LineError as e:
            problems.append(str(e))
        if (row.get("end") or "").strip():
            try:
                end = _parse_date(row["end"], "end", today)
            except _LineError as e:
                problems.append(str(e))
        if start and end and end < start:
            problems.append(f"end {end} before start {start}")
        if problems:
            errors.append((name, line, "; ".join(problems)))
            continue
        key = (iso3, opponent, start)
        if key in seen:
            errors.append((name, line, f"duplicate conflict record, already on line {seen[key]}"))  # type: ignore[index]
            continue
        seen[key] = line  # type: ignore[index]
        out.append(
            ArmedConflict(
                iso3=iso3,  # type: ignore[arg-type]
                opponent=opponent,
                start=start,  # type: ignore[arg-type]
                end=end,
                source_url=(row.get("source_url") or "").strip(),
                note=(row.get("note") or "").strip(),
            )
        )
    if errors:
        raise RecordsError(errors)
    return out


def merge_conflicts(existing: Iterable[ArmedConflict], new: Iterable[ArmedConflict]) -> list[ArmedConflict]:
    """Same state+opponent+start replaces (e.g. closing a conflict by giving its end), else adds."""
    merged = {(c.iso3, c.opponent, c.start): c for c in existing}
    for c in new:
        merged[(c.iso3, c.opponent, c.start)] = c
    return sorted(merged.values(), key=lambda c: (c.iso3, c.start, c.opponent))


# --- bundled data ------------------------------------------------------------------------------


def _bundled(name: str) -> io.StringIO:
    text = resources.files("minewatch.treaties").joinpath(f"data/{name}").read_text(encoding="utf-8")
    s = io.StringIO(text)
    s.name = f"minewatch/treaties/data/{name}"  # type: ignore[misc]
    return s


@cache
def _bundled_events() -> tuple[TreatyEvent, ...]:
    return tuple(sort_events(_read_events(_bundled("treaty_events.csv"), [], None)))


@cache
def _bundled_not_party() -> tuple[NotPartyRecord, ...]:
    return tuple(read_not_party_csv(_bundled("states_not_party.csv")))


@cache
def _bundled_conflicts() -> tuple[ArmedConflict, ...]:
    return tuple(_read_conflicts(_bundled("armed_conflicts.csv"), None))


def load_bundled_events() -> list[TreatyEvent]:
    """The depositary records shipped with minewatch (validated like an import, no date check)."""
    return list(_bundled_events())


def load_bundled_not_party() -> list[NotPartyRecord]:
    return list(_bundled_not_party())


def load_bundled_conflicts() -> list[ArmedConflict]:
    return list(_bundled_conflicts())


def with_state_names(events: Iterable[TreatyEvent]) -> list[TreatyEvent]:
    """Records with blank names filled from the eligible-states table."""
    out = []
    for e in events:
        if not e.state_name:
            s = eligible_state(e.iso3)
            e = replace(e, state_name=s.name if s else e.iso3)
        out.append(e)
    return out
