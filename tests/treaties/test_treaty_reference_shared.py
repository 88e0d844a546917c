"""The bundled data against the shared reference folder (skipped where ../shared is absent)."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest

from minewatch.treaties import (
    count_parties,
    load_bundled_events,
    read_conflicts_csv,
    read_events_csv,
    read_not_party_csv,
)

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
REFERENCE = SHARED / "reference"
DATA = Path(__file__).resolve().parents[2] / "src" / "minewatch" / "treaties" / "data"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not REFERENCE.is_dir(), reason="needs ../shared/reference beside the checkout"),
]


@pytest.mark.parametrize("name", ["treaty_events.csv", "states_not_party.csv", "armed_conflicts.csv"])
def test_bundled_copy_matches_reference(name: str) -> None:
    with (REFERENCE / name).open(encoding="utf-8") as a, (DATA / name).open(encoding="utf-8") as b:
        assert list(csv.DictReader(a)) == list(csv.DictReader(b))


def test_reference_files_pass_import_validation() -> None:
    events = read_events_csv(REFERENCE / "treaty_events.csv", today=date(2026, 3, 1))
    assert len(events) == len(load_bundled_events())
    assert read_not_party_csv(REFERENCE / "states_not_party.csv")
    assert read_conflicts_csv(REFERENCE / "armed_conflicts.csv", today=date(2026, 3, 1))


def test_counts_stated_in_treaty_rules() -> None:
    """Counts the reference document states (164 → 165 → 166, then 163, 162, 161)."""
    text = (REFERENCE / "treaty_rules.md").read_text(encoding="utf-8")
    assert re.search(r"\*\*166\*\* after Tonga", text) and "**161 from 2026-02-20**" in text
    assert count_parties("APMBC", date(2018, 6, 1)) == 164
    assert count_parties("APMBC", date(2025, 3, 12)) == 165
    assert count_parties("APMBC", date(2025, 6, 25)) == 166
    assert count_parties("APMBC", date(2025, 12, 27)) == 163
    assert count_parties("APMBC", date(2026, 1, 10)) == 162
    assert count_parties("APMBC", date(2026, 2, 20)) == 161
