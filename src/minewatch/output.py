"""One way to print every listing: table, json, jsonl or csv.

Listings are lists of plain dicts; the same dicts go to the API, so a field
named in the terminal is the field named in JSON.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def _default(o: Any) -> Any:
    if isinstance(o, date | datetime):
        return o.isoformat()
    if isinstance(o, set | frozenset | tuple):
        return list(o)
    if hasattr(o, "to_dict"):
        return o.to_dict()
    return str(o)


def to_json(obj: Any, indent: int | None = None) -> str:
    return json.dumps(obj, ensure_ascii=False, default=_default, indent=indent)


def flatten(row: dict[str, Any], prefix: str = "", leaves: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """Nested dicts become dotted columns; lists become JSON text (for CSV).

    A key named in ``leaves`` stays one column even when its value is a dict
    (it is written as JSON), so a schema's free-form field is not split.
    """
    out: dict[str, Any] = {}
    for k, v in row.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            if key in leaves:
                out[key] = to_json(v)
            else:
                out.update(flatten(v, key + ".", leaves))
        elif isinstance(v, list | tuple):
            out[key] = to_json(list(v))  # CSV's one list encoding, also for lists of strings (["AP", "AFP"])
        elif isinstance(v, date | datetime):
            out[key] = v.isoformat()
        else:
            out[key] = v
    return out


def csv_header(flat_rows: Sequence[dict[str, Any]]) -> list[str]:
    """Columns in first-seen order, without a parent that also appears split ("time" and "time.start").

    A null nested value flattens to one column named like its parent; once any
    row carries that value as a dict, only the dotted columns are kept.
    """
    seen: dict[str, None] = {}
    for r in flat_rows:
        for k in r:
            seen.setdefault(k, None)
    parents = {k.rsplit(".", 1)[0] for k in seen if "." in k}
    prefixes = set()
    for p in parents:
        parts = p.split(".")
        prefixes.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    cols = [k for k in seen if k not in prefixes]
    # a nested field's columns stay together, where the field first appears
    top: dict[str, int] = {}
    for k in seen:
        top.setdefault(k.split(".", 1)[0], len(top))
    return sorted(cols, key=lambda k: top[k.split(".", 1)[0]])


#: First characters that make a spreadsheet read a text cell as a formula (tab and CR hide one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text, never runs: a leading ``'`` before a formula start.

    Titles, quotes and outlets come from untrusted articles; ``=HYPERLINK(…)`` in a
    title would otherwise run when an analyst opens the export.  Numbers are left
    alone (they are not text, and ``-5`` is a number).  ``csv_uncell`` undoes it.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_uncell(value: str) -> str:
    """A cell read back from a CSV the project wrote: the ``'`` that ``csv_cell`` added removed."""
    if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """CSV with a header row always (also for no rows); ``columns`` fixes the header (a schema's order).

    Every text cell goes through ``csv_cell`` (no formula runs in a spreadsheet)."""
    leaves = frozenset(columns) if columns is not None else frozenset()
    flat = [flatten(r, leaves=leaves) for r in rows]
    if columns is None:
        columns = csv_header(flat)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in flat:
        w.writerow({k: ("" if r.get(k) is None else csv_cell(r.get(k))) for k in columns})
    return buf.getvalue()


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: Format | str,
    *,
    columns: Sequence[tuple[str, str | Callable[[dict], Any]]] | None = None,
    title: str | None = None,
    out: TextIO | None = None,
    caption: str | None = None,
) -> None:
    """Print rows; ``columns`` picks and labels what the table shows (json/csv get everything)."""
    out = out or sys.stdout
    fmt = Format(fmt)
    if fmt is Format.json:
        out.write(to_json(list(rows), indent=2) + "\n")
    elif fmt is Format.jsonl:
        for r in rows:
            out.write(to_json(r) + "\n")
    elif fmt is Format.csv:
        out.write(to_csv(rows))
    else:
        # Piped output (files, CI logs) gets a wide table rather than 80 squeezed columns.
        wide = None if getattr(out, "isatty", lambda: False)() else 220
        console = Console(file=out, soft_wrap=False, width=wide)
        table = Table(title=title, caption=caption, show_lines=False, expand=False)
        cols = columns or [(k, k) for k in (rows[0].keys() if rows else [])]
        for label, _ in cols:
            table.add_column(label, overflow="fold")
        for r in rows:
            cells = []
            for _, getter in cols:
                v = getter(r) if callable(getter) else r.get(getter)
                cells.append("" if v is None else (v.isoformat() if isinstance(v, date) else str(v)))
            table.add_row(*cells)
        console.print(table)
