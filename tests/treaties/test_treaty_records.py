"""Import validation: every problem named by file and line, nothing accepted partially."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from minewatch.model import JOINING_STAGES, WITHDRAWAL_STAGES
from minewatch.treaties import (
    STAGE_ACTIONS,
    Action,
    RecordsError,
    TreatyEvent,
    diff_events,
    load_bundled_conflicts,
    load_bundled_events,
    load_bundled_not_party,
    merge_events,
    read_conflicts_csv,
    read_events_csv,
    read_not_party_csv,
    records_for_claim,
    write_events_csv,
)

HEADER = "treaty,state_iso3,state_name,action,date,source_url,note\n"
TODAY = date(2026, 6, 1)
URL = "https://example.org/depositary-notice"


def _write(tmp_path: Path, body: str, name: str = "events.csv", header: str = HEADER) -> Path:
    p = tmp_path / name
    p.write_text(header + body, encoding="utf-8")
    return p


def _error(path: Path, existing: list[TreatyEvent] | None = None) -> RecordsError:
    with pytest.raises(RecordsError) as info:
        read_events_csv(path, existing, today=TODAY)
    return info.value


def test_valid_file_parses(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        f"CCM,KEN,Kenya,signature,2008-12-03,{URL},\n"
        f'CCM,KEN,,ratification,2026-01-20,{URL},"a note, with comma"\n'
        f"CCM,KEN,Kenya,entry_into_force,2026-07-01,{URL},announced at deposit\n",
    )
    events = read_events_csv(p, today=TODAY)
    assert [e.action for e in events] == [Action.SIGNATURE, Action.RATIFICATION, Action.ENTRY_INTO_FORCE]
    assert events[1].state_name == "Kenya" and events[1].note == "a note, with comma"


def test_unknown_state_code(tmp_path: Path) -> None:
    p = _write(tmp_path, f"APMBC,ZZZ,Nowhere,accession,2020-01-01,{URL},\n")
    err = _error(p)
    assert f"{p}:2:" in str(err) and "unknown state code 'ZZZ'" in str(err)
    assert err.errors[0][1] == 2


def test_unknown_treaty_and_action(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        f"CCM,KEN,Kenya,signature,2008-12-03,{URL},\n"
        f"ATT,KEN,Kenya,accession,2020-01-01,{URL},\n"
        f"CCM,GHA,Ghana,adhesion,2020-01-01,{URL},\n",
    )
    err = _error(p)
    lines = {n: m for _, n, m in err.errors}
    assert "unknown treaty 'ATT'" in lines[3] and "unknown action 'adhesion'" in lines[4]


def test_future_date(tmp_path: Path) -> None:
    p = _write(tmp_path, f"CCM,KEN,Kenya,accession,2026-06-02,{URL},\n")
    assert f"{p}:2:" in str(_error(p)) and "in the future" in str(_error(p))


def test_unparsable_and_impossible_dates(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        f"CCM,KEN,Kenya,accession,12/03/2020,{URL},\n"
        f"CCM,GHA,Ghana,accession,2021-02-30,{URL},\n"
        f"APMBC,GHA,Ghana,accession,1996-01-01,{URL},\n",
    )
    msgs = {n: m for _, n, m in _error(p).errors}
    assert "unparsable" in msgs[2] and "impossible" in msgs[3] and "before APMBC was adopted" in msgs[4]


def test_withdrawal_before_joining(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        f"CCM,KEN,Kenya,accession,2020-03-01,{URL},\n"
        f"CCM,KEN,Kenya,withdrawal_notification,2019-05-05,{URL},\n"
        f"CCM,GHA,Ghana,withdrawal_notification,2019-05-05,{URL},\n",
    )
    msgs = {n: m for _, n, m in _error(p).errors}
    assert "before joining" in msgs[3]
    assert "never joined" in msgs[4]


def test_two_accessions_in_one_file(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        f"CCM,KEN,Kenya,accession,2020-03-01,{URL},\nCCM,KEN,Kenya,accession,2021-03-01,{URL},\n",
    )
    err = _error(p)
    assert f"{p}:3: duplicate record: accession of KEN under CCM already on line 2" in str(err)


def test_second_deposit_against_existing_records(tmp_path: Path) -> None:
    existing = [TreatyEvent("CCM", "KEN", "Kenya", Action.RATIFICATION, date(2019, 1, 10), URL)]
    p = _write(tmp_path, f"CCM,KEN,Kenya,accession,2020-03-01,{URL},\n")
    err = _error(p, existing)
    assert f"{p}:2:" in str(err) and "second instrument" in str(err)


def test_effective_before_notification_against_existing(tmp_path: Path) -> None:
    existing = [
        TreatyEvent("APMBC", "KEN", "Kenya", Action.ACCESSION, date(2005, 1, 10), URL),
        TreatyEvent("APMBC", "KEN", "Kenya", Action.WITHDRAWAL_NOTIFICATION, date(2025, 1, 10), URL),
    ]
    p = _write(tmp_path, f"APMBC,KEN,Kenya,withdrawal_effective,2024-12-31,{URL},\n")
    assert "not after the notification 2025-01-10" in str(_error(p, existing))
    ok = _write(tmp_path, f"APMBC,KEN,Kenya,withdrawal_effective,2025-07-10,{URL},\n", name="ok.csv")
    assert read_events_csv(ok, existing, today=TODAY)[0].date == date(2025, 7, 10)


def test_correction_replaces_and_is_revalidated(tmp_path: Path) -> None:
    existing = [
        TreatyEvent("APMBC", "KEN", "Kenya", Action.ACCESSION, date(2005, 1, 10), URL),
        TreatyEvent("APMBC", "KEN", "Kenya", Action.WITHDRAWAL_NOTIFICATION, date(2025, 1, 10), URL),
    ]
    # moving the accession after the withdrawal notification is refused
    bad = _write(tmp_path, f"APMBC,KEN,Kenya,accession,2025-02-01,{URL},\n")
    assert "before joining" in str(_error(bad, existing))
    fix = _write(
        tmp_path, "APMBC,KEN,Kenya,accession,2005-01-11,https://example.org/better,\n", name="fix.csv"
    )
    new = read_events_csv(fix, existing, today=TODAY)
    merged = merge_events(existing, new)
    assert len(merged) == 2
    assert merged[0].date == date(2005, 1, 11) and merged[0].source_url == "https://example.org/better"
    assert [k for k, _, _ in diff_events(existing, new)] == ["corrected"]
    assert [k for k, _, _ in diff_events(merged, new)] == ["unchanged"]


def test_every_bad_line_reported_and_nothing_returned(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        f"CCM,KEN,Kenya,accession,2020-03-01,{URL},\n"
        f"CCM,XXX,X,accession,2020-03-01,{URL},\n"
        f"CCM,GHA,Ghana,accession,2020-03-01,,\n"
        f"CCM,TGO,Togo,accession,2020-03-01,{URL}\n",
    )
    err = _error(p)
    assert [n for _, n, _ in err.errors] == [3, 4, 5]
    assert "needs its source" in err.errors[1][2] and "expected 7 fields" in err.errors[2][2]


def test_quoted_multiline_note_keeps_start_line(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        f'CCM,KEN,Kenya,accession,2020-03-01,{URL},"two\nlines"\nCCM,QQQ,Q,accession,2020-03-01,{URL},\n',
    )
    assert _error(p).errors[0][1] == 4


def test_bad_header(tmp_path: Path) -> None:
    p = _write(tmp_path, "", header="treaty,iso,action,date\n")
    err = _error(p)
    assert err.errors[0][1] == 1 and "missing column(s) state_iso3, source_url" in str(err)


def test_signature_after_treaty_entry_into_force(tmp_path: Path) -> None:
    p = _write(tmp_path, f"APMBC,KEN,Kenya,signature,2001-01-01,{URL},\n")
    assert "signature had closed" in str(_error(p))


def test_conflicts_csv(tmp_path: Path) -> None:
    head = "state_iso3,opponent,start,end,source_url,note\n"
    ok = _write(tmp_path, f"KEN,an armed group,2030-01-01,,{URL},\n", "c.csv", head)
    assert read_conflicts_csv(ok, today=date(2031, 1, 1))[0].end is None
    bad = _write(
        tmp_path,
        f"KEN,x,2030-01-01,2029-01-01,{URL},\nABC,x,2030-01-01,,,\nKEN,x,2030-01-01,2032-01-01,,\n",
        "bad.csv",
        head,
    )
    with pytest.raises(RecordsError) as info:
        read_conflicts_csv(bad, today=date(2031, 1, 1))
    msgs = {n: m for _, n, m in info.value.errors}
    assert "before start" in msgs[2] and "unknown state code" in msgs[3] and "future" in msgs[4]


def test_not_party_csv(tmp_path: Path) -> None:
    head = "treaty,state_iso3,state_name,status,source_url\n"
    p = _write(tmp_path, "CCM,KEN,Kenya,observer,\n", "np.csv", head)
    with pytest.raises(RecordsError) as info:
        read_not_party_csv(p)
    assert "np.csv:2:" in str(info.value) and "unknown status" in str(info.value)


def test_bundled_records_load_and_roundtrip(tmp_path: Path) -> None:
    events = load_bundled_events()
    assert len(events) == 549
    assert len(load_bundled_not_party()) == 39
    assert [c.iso3 for c in load_bundled_conflicts()] == ["UKR"]
    out = tmp_path / "export.csv"
    write_events_csv(out, events)
    again = read_events_csv(out, events, today=date(2030, 1, 1))
    assert sorted(again, key=lambda e: e.key) == sorted(events, key=lambda e: e.key)
    # re-importing the bundled records on top of themselves changes nothing
    assert {k for k, _, _ in diff_events(events, again)} == {"unchanged"}


def test_records_for_claim_stages() -> None:
    events = load_bundled_events()
    assert [e.date for e in records_for_claim(events, "APMBC", "FIN", "treaty_joining", "ratified")] == [
        date(2012, 1, 9)  # Finland acceded; news often says "ratified"
    ]
    notified = records_for_claim(events, "Ottawa Convention", "UKR", "treaty_withdrawal", "notified")
    assert [e.action for e in notified] == [Action.SUSPENSION_NOTIFICATION]
    assert records_for_claim(events, "APMBC", "POL", "treaty_withdrawal", "decided") == []
    assert [e.date for e in records_for_claim(events, "CCM", "LTU", "treaty_withdrawal", "effective")] == [
        date(2025, 3, 6)
    ]
    both = records_for_claim(events, None, "LTU", "treaty_withdrawal", None)
    assert {(str(e.treaty), str(e.action)) for e in both} == {
        ("APMBC", "withdrawal_notification"),
        ("APMBC", "withdrawal_effective"),
        ("CCM", "withdrawal_notification"),
        ("CCM", "withdrawal_effective"),
    }
    assert set(STAGE_ACTIONS) >= {("treaty_joining", s) for s in JOINING_STAGES}
    assert set(STAGE_ACTIONS) >= {("treaty_withdrawal", s) for s in WITHDRAWAL_STAGES}
