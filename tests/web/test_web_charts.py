"""Charts: the numbers behind each SVG, checked against the rules and the store; the page itself."""

from __future__ import annotations

import re
from datetime import date

import pytest

from minewatch.export import status_history_rows
from minewatch.treaties import status as st
from minewatch.web.charts import casualties_by_year, parties_over_time, reports_per_week


def _on(steps, day: date) -> int:
    return next((s.parties for s in reversed(steps) if s.day <= day), 0)


@pytest.mark.parametrize("treaty", ["APMBC", "CCM"])
def test_parties_over_time_agrees_with_the_status_rules(kb, treaty) -> None:
    store, _ = kb
    steps = parties_over_time(status_history_rows(store), treaty)
    events, armed, not_party = store.treaty_events(), store.armed_conflicts(), store.not_party()
    for day in (date(1999, 3, 1), date(2005, 6, 1), date(2010, 8, 1), date(2025, 3, 6), date(2025, 7, 1),
                date(2025, 12, 26), date(2025, 12, 27), date(2026, 3, 1)):
        assert _on(steps, day) == st.count_parties(treaty, day, events, armed, not_party), (treaty, day)


def test_the_2025_exits_are_marked(kb) -> None:
    store, _ = kb
    steps = parties_over_time(status_history_rows(store), "APMBC")
    baltic = next(s for s in steps if s.day == date(2025, 12, 27))
    assert baltic.change == -3 and baltic.states == ("EST", "LTU", "LVA")


def test_reports_per_week(kb) -> None:
    store, _ = kb
    mondays, counts = reports_per_week(store)
    assert mondays == [date(2025, 6, 16), date(2025, 6, 23), date(2025, 6, 30)]
    assert counts["treaty_withdrawal"] == [2, 1, 1] and counts["procurement"] == [1, 0, 0]
    only_est = reports_per_week(store, "EST")[1]
    assert only_est == {"treaty_withdrawal": [1]}


def test_casualties_take_the_largest_figure_per_country_and_year() -> None:
    def fact(iso, low, start, polarity="affirmed"):
        return {"predicate": "casualties", "actor_iso3": iso, "polarity": polarity,
                "quantity": {"low": low, "high": low}, "time": {"start": start}}

    got = casualties_by_year([fact("MMR", 1000, "2024-01-01"), fact("MMR", 1003, "2024-01-01"),
                              fact("MMR", 900, "2023-01-01"), fact("SYR", 5, "2024-06-01", "negated"),
                              {"predicate": "production", "actor_iso3": "FIN"}])
    assert got == {"MMR": {2024: 1003.0, 2023: 900.0}}


def test_charts_page(client) -> None:
    r = client.get("/charts")
    assert r.status_code == 200
    html = r.text
    # parties and weekly reports drawn; the invented base has no casualty figure to draw
    assert html.count('<svg class="chart"') == 2 and "No casualty figures reported yet" in html
    assert "<script" not in html.split("<main>", 1)[1]
    today = date.today()
    store = client.store
    n = st.count_parties("APMBC", today, store.treaty_events(), store.armed_conflicts(), store.not_party())
    assert f">APMBC {n}<" in html
    assert re.search(r"2025-12-27: APMBC parties \d+ \(-3: EST, LTU, LVA\)", html)
    svg = "".join(re.findall(r"<svg.*?</svg>", html, re.S))
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in svg
    assert client.get("/charts", params={"state": "Estonia"}).status_code == 200
    assert client.get("/charts", params={"state": "Atlantis"}).status_code == 422  # never silently every state
    assert 'href="/charts"' in client.get("/").text
