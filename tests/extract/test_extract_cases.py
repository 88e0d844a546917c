"""Extraction capabilities as data: every case in tests/extract/cases/*.jsonl runs here.

A case is one text with the claims that must come out of it (`expect`) and those that must not (`reject`),
grouped by capability (one file each), so that a new phrasing is a new line, not a new test function.
A case with ``xfail`` (its reason) is a known miss of today's extractor, expected to fail until fixed.
An `expect` entry holds when some claim has every field it names; a `reject` entry fails when any claim does.
A field's value is compared for equality, or is one operator: {"not": v}, {"lt": n}, {"gt": n}, {"contains": s}
(the same partial claims as the effects of the rule rows, ``minewatch.extract.rules``).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from minewatch.extract.rules import RuleError, check_partial, claim_fields, matches

CASES_DIR = Path(__file__).parent / "cases"
CASE_KEYS = {"id", "text", "published", "language", "expect", "reject", "reason", "xfail"}
REQUIRED_KEYS = {"id", "text", "reason"}


class CaseError(RuleError):
    """A malformed case line, named by file and line so it can be fixed."""


def _check_partial(where: str, partial: Any) -> None:
    try:
        check_partial(where, partial)
    except RuleError as exc:
        raise CaseError(str(exc)) from None


def load_cases(path: Path) -> list[dict[str, Any]]:
    """Read and validate one case file; a bad line raises CaseError naming the file and the line."""
    cases = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{n}"
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CaseError(f"{where}: not JSON ({exc})") from exc
        if not isinstance(case, dict):
            raise CaseError(f"{where}: a case must be an object")
        missing, unknown = REQUIRED_KEYS - set(case), set(case) - CASE_KEYS
        if missing or unknown:
            raise CaseError(f"{where}: missing {sorted(missing)}, unknown {sorted(unknown)}")
        where = f"{where} ({case['id']})"
        if not case.get("expect") and not case.get("reject"):
            raise CaseError(f"{where}: a case needs at least one expect or reject entry")
        for kind in ("expect", "reject"):
            if not isinstance(case.get(kind, []), list):
                raise CaseError(f"{where}: {kind} must be a list")
            for i, partial in enumerate(case.get(kind, [])):
                _check_partial(f"{where} {kind}[{i}]", partial)
        if "xfail" in case and (not isinstance(case["xfail"], str) or not case["xfail"].strip()):
            raise CaseError(f"{where}: xfail must say why the case fails today")
        if "published" in case:
            try:
                date.fromisoformat(case["published"])
            except (TypeError, ValueError) as exc:
                raise CaseError(f"{where}: published must be YYYY-MM-DD") from exc
        cases.append(case)
    return cases


def _all_cases() -> list[Any]:
    out, seen = [], set()
    for path in sorted(CASES_DIR.glob("*.jsonl")):
        for case in load_cases(path):
            if case["id"] in seen:
                raise CaseError(f"{path.name}: duplicate case id {case['id']!r}")
            seen.add(case["id"])
            # a known miss stays a case: strict, so the day it is fixed the test says so
            marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
            out.append(pytest.param(case, id=f"{path.stem}/{case['id']}", marks=marks))
    return out


@pytest.mark.parametrize("case", _all_cases())
def test_case(case, claims_of):
    published = date.fromisoformat(case["published"]) if case.get("published") else None
    claims = [claim_fields(c) for c in claims_of(case["text"], published=published, language=case.get("language", "en"))]
    shown = "\n".join(f"  {c}" for c in claims) or "  (no claims)"
    for want in case.get("expect", []):
        assert any(matches(c, want) for c in claims), f"{case['reason']}: no claim matches {want}; got\n{shown}"
    for unwanted in case.get("reject", []):
        bad = [c for c in claims if matches(c, unwanted)]
        assert not bad, f"{case['reason']}: claim(s) match rejected {unwanted}:\n" + "\n".join(f"  {c}" for c in bad)


def test_case_files_are_many_and_valid():
    assert len(_all_cases()) >= 140


@pytest.mark.parametrize("line, fragment", [
    ('{"id": "x", "text": "t", "reason": "r"}', "at least one expect or reject"),
    ('{"id": "x", "text": "t", "reason": "r", "expect": [{"actr": "NOR"}]}', "unknown claim field(s) ['actr']"),
    ('{"id": "x", "text": "t", "reason": "r", "reject": [{"actor": {"ne": "NOR"}}]}', "one operator"),
    ('{"id": "x", "text": "t", "expect": [{"actor": "NOR"}]}', "missing ['reason']"),
    ('{"id": "x", "text": "t", "reason": "r", "expect": [{"actor": "NOR"}], "published": "May"}', "YYYY-MM-DD"),
    ('not json', "not JSON"),
    ('{"id": "x", "text": "t", "reason": "r", "expect": [{"actor": "NOR"}], "xfail": ""}', "xfail must say why"),
])
def test_a_bad_case_line_is_named(tmp_path, line, fragment):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "text": "t", "reason": "r", "reject": [{"actor": "NOR"}]}\n' + line + "\n")
    with pytest.raises(CaseError) as err:
        load_cases(path)
    assert "bad.jsonl:2" in str(err.value) and fragment in str(err.value)


def test_operators():
    fields = {"actor": "CHL", "quantity_low": 250.0, "time_text": "on 9 July", "time": None}
    assert matches(fields, {"actor": {"not": "PER"}, "quantity_low": {"lt": 300}, "time_text": {"contains": "9 July"}})
    assert not matches(fields, {"time": {"not": None}})
    assert not matches(fields, {"quantity_low": {"gt": 300}})
