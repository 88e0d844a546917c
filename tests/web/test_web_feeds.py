"""Atom feeds of facts and conflicts and the iCalendar of treaty dates, read back by the libraries readers use."""

from __future__ import annotations

from datetime import date

import feedparser
import pytest


def test_state_feed_lists_the_states_facts(client) -> None:
    r = client.get("/states/ltu/feed.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "minewatch: Lithuania"
    facts = client.store.facts(state="LTU")
    assert {e.id.rsplit("#", 1)[1] for e in feed.entries} == {f["id"] for f in facts}
    withdrawal = next(e for e in feed.entries if "treaty withdrawal" in e.title)
    assert "1 independent source" in withdrawal.title  # two copies of one wire story count once
    assert "https://news.example/ltu-1" in withdrawal.content[0].value
    assert "https://tribune.example/ltu" in withdrawal.content[0].value
    assert withdrawal.link.endswith("/states/LTU#" + withdrawal.id.rsplit("#", 1)[1])
    assert client.get("/states/ZZZ/feed.atom").status_code == 404


def test_state_feed_is_stable_and_tagged(client) -> None:
    first = client.get("/states/LTU/feed.atom")
    assert client.get("/states/LTU/feed.atom").content == first.content
    assert client.get("/states/LTU/feed.atom", headers={"If-None-Match": first.headers["etag"]}).status_code == 304


def test_conflicts_feed(client) -> None:
    feed = feedparser.parse(client.get("/conflicts/feed.atom").content)
    assert not feed.bozo
    assert len(feed.entries) == len(client.store.conflicts())
    for e in feed.entries:
        assert "/conflicts#x-" in e.link and e.updated


def test_calendar_has_withdrawals_and_entries_into_force(client) -> None:
    icalendar = pytest.importorskip("icalendar")
    r = client.get("/calendar.ics", params={"treaty": "APMBC"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(r.content)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    ltu = events["apmbc-ltu-withdrawal-effective@minewatch"]
    assert ltu.decoded("dtstart") == date(2025, 12, 27)
    assert "Lithuania" in str(ltu["summary"]) and "2025-06-27" in str(ltu["description"])
    assert events["apmbc-ltu-in-force-from@minewatch"].decoded("dtstart") == date(2003, 11, 1)
    assert not any(uid.startswith("ccm-") for uid in events)
    one = icalendar.Calendar.from_ical(client.get("/calendar.ics", params={"state": "FIN"}).content)
    assert {str(e["uid"]).split("-")[1] for e in one.walk("VEVENT")} == {"fin"}
