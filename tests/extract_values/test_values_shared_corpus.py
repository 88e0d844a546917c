"""Against the shared gold: the values and dates the annotators wrote are among those found."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from minewatch.extract.values import find_dates, find_values

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not (SHARED / "gold" / "dev.jsonl").exists(), reason="needs ../shared beside the checkout"),
]


def _article(doc: str) -> tuple[str, date | None]:
    for folder in ("corpus/dev", "seeds"):
        path = SHARED / folder / doc
        if path.exists():
            raw = path.read_text(encoding="utf-8")
            if raw.startswith("url:"):
                head, _, body = raw.partition("\n\n")
                m = re.search(r"published: (\d{4}-\d{2}-\d{2})", head)
                return body, date.fromisoformat(m.group(1)) if m else None
            return raw, None
    raise FileNotFoundError(doc)


def _gold() -> list[dict]:
    rows = []
    for name in ("dev.jsonl", "seeds.jsonl"):
        for line in (SHARED / "gold" / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if not row.get("none"):
                rows.append(row)
    return rows


def test_gold_values_are_found() -> None:
    total = hit = 0
    for row in _gold():
        for key in ("quantity", "money"):
            if key not in row:
                continue
            body, _ = _article(row["doc"])
            want = row[key]
            total += 1
            hit += any(
                v.low == want["low"] and v.high == want["high"] and v.currency == want.get("currency")
                for v in find_values(body)
            )
    assert total > 20
    assert hit / total >= 0.9, (hit, total)


def test_gold_times_are_found() -> None:
    total = hit = 0
    for row in _gold():
        if "time" not in row:
            continue
        body, published = _article(row["doc"])
        want = (row["time"]["start"], row["time"]["end"])
        total += 1
        hit += any((str(d.start_date), str(d.end_date)) == want for d in find_dates(body, published))
    assert total > 40
    assert hit / total >= 0.85, (hit, total)
