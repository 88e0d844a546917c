"""Does each rule row's example need its row?  Neutralise one row at a time and rerun its example.

usage: python bench/rules_ablation.py [--language en] [--only ID_PREFIX]

The tests check that every row's example shows the row's effect; this script checks the other half,
that the effect goes away without the row, so an example that would pass anyway is found.  A row is
neutralised by a value that matches nothing (its patterns or words replaced, a flag flipped), the
extraction modules are reloaded over the changed tables, and the example rerun.  Rows whose effect
stays are listed: their example does not exercise them (or another row covers the same phrasing).
It reloads the modules once per row, so it takes minutes: a bench, not a test.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from datetime import date
from typing import Any

from minewatch.extract import rules
from minewatch.model import Document

NOTHING = r"(?!)"
MODULES = ("minewatch.extract.actors", "minewatch.extract.triggers", "minewatch.extract.modality",
           "minewatch.extract.speakers", "minewatch.extract.extractor")


def _neutral(row: dict[str, Any]) -> Any:
    kind = rules.TABLES[row["table"]]
    if kind == "flag":
        return not row["value"]
    if kind == "map":
        return {"\x00": next(iter(row["value"].values()))}
    if kind == "text":
        return NOTHING
    return ["\x00"] if row["table"] == "words" else [NOTHING]


def _extractor_over(rows: list[dict[str, Any]]) -> Any:
    tables = rules.build_tables(rows)
    original = rules.lexicon
    rules.lexicon = lambda language="en": tables  # type: ignore[assignment]
    try:
        mods = [importlib.reload(importlib.import_module(m)) for m in MODULES]
        return mods[-1].Extractor()
    finally:
        rules.lexicon = original  # type: ignore[assignment]


def _shows(extractor: Any, row: dict[str, Any]) -> bool:
    published = date.fromisoformat(row["published"]) if row.get("published") else None
    text = row["example"]
    claims = [rules.claim_fields(c) for c in
              extractor.extract(Document(text=text, original=text, published=published, language="en"))]
    effect = row["effect"]
    return all(any(rules.matches(c, w) for c in claims) for w in effect.get("expect", [])) and not any(
        rules.matches(c, u) for c in claims for u in effect.get("reject", []))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--language", default="en")
    ap.add_argument("--only", default="", help="only rows whose id starts with this")
    args = ap.parse_args()
    rows = rules.language_rows(args.language)
    started = time.perf_counter()
    # reloading reuses each module's namespace, so an extractor sees the tables of the last reload:
    # judge every example over the full rules first, then one neutralised row at a time
    baseline = _extractor_over(rows)
    chosen = [i for i, row in enumerate(rows) if row["id"].startswith(args.only)]
    broken = [rows[i]["id"] for i in chosen if not _shows(baseline, rows[i])]
    idle: list[str] = []
    needed = 0
    for i in chosen:
        row = rows[i]
        if row["id"] in broken:
            continue
        ablated = [dict(r, value=_neutral(r)) if j == i else r for j, r in enumerate(rows)]
        try:
            shows = _shows(_extractor_over(ablated), row)
        except Exception as exc:  # noqa: BLE001 - a mechanism that cannot run without the row needs it
            needed += 1
            print(f"needed (extraction fails without it: {exc.__class__.__name__})  {row['id']}")
            continue
        if shows:
            idle.append(row["id"])
            print(f"example passes without the row  {row['id']}")
        else:
            needed += 1
    _extractor_over(rows)  # leave the modules as they were
    print(f"\nrows {needed + len(idle) + len(broken)}: needed by their example {needed}, "
          f"example passes without the row {len(idle)}, example fails even with it {len(broken)} "
          f"({time.perf_counter() - started:.0f} s)")
    for rid in broken:
        print(f"  fails with the row: {rid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
