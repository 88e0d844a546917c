"""`minewatch watch …` and `minewatch alerts …` end to end on a loopback feed."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner
from watch_testserver import Route, rss

from minewatch.cli import STATE
from minewatch.watch.cli import alerts_app, watch_app

runner = CliRunner()

ITEMS = [
    ("cli-001", "Latvia mines", "Tue, 03 Nov 2026 07:00:00 GMT",
     "RIGA (Desk) - Latvia will buy anti-personnel mines for its eastern border, the defence ministry said."),
    ("cli-002", "Ukraine transfer", "Tue, 03 Nov 2026 08:00:00 GMT",
     "KYIV (Desk) - Ukraine received a transfer of anti-tank mines from a partner state, officials said."),
]


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    monkeypatch.setattr(STATE, "db", url)
    return url


def test_watch_commands(server, db):
    server.routes["/desk.xml"] = Route(rss("Desk", ITEMS))
    r = runner.invoke(watch_app, ["add", server.url("/desk.xml"), "--every", "10m", "--name", "desk"])
    assert r.exit_code == 0, r.output
    assert "desk" in r.output and "600s" in r.output
    r = runner.invoke(watch_app, ["add", server.url("/desk.xml")])
    assert r.exit_code == 2 and "watched already" in r.output
    r = runner.invoke(watch_app, ["run", "--once", "--no-extract", "--no-alerts"])
    assert r.exit_code == 0, r.output
    assert "2 new entries, 2 ingested" in r.stderr
    r = runner.invoke(watch_app, ["run", "--once", "--no-extract", "--no-alerts"])  # nothing due
    assert r.exit_code == 0 and server.get_count("/desk.xml") == 1
    [row] = json.loads(runner.invoke(watch_app, ["list", "--format", "json"]).output)
    assert row["name"] == "desk" and row["seen_entries"] == 2 and row["failures"] == 0
    assert row["every_seconds"] == 600 and row["etag"]
    assert runner.invoke(watch_app, ["remove", "desk"]).exit_code == 0
    assert runner.invoke(watch_app, ["remove", "desk"]).exit_code == 1
    assert json.loads(runner.invoke(watch_app, ["list", "--format", "json"]).output) == []


def test_watch_run_once_exits_1_when_a_feed_fails(server, db):
    server.routes["/down.xml"] = Route(b"no", status=503, content_type="text/plain")
    assert runner.invoke(watch_app, ["add", server.url("/down.xml"), "--name", "down"]).exit_code == 0
    r = runner.invoke(watch_app, ["run", "--once", "--no-extract", "--timeout", "2"])
    assert r.exit_code == 1 and "HTTP 503" in r.stderr


def test_alerts_commands(db, tmp_path):
    r = runner.invoke(alerts_app, ["add", "--state", "LTU,FIN", "--predicate", "production,transfer",
                                   "--min-sources", "1"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(alerts_app, ["add", "--on", "status", "--treaty", "APMBC", "--file", str(tmp_path / "a.jsonl")])
    assert r.exit_code == 0, r.output
    r = runner.invoke(alerts_app, ["add", "--state", "ATLANTIS"])
    assert r.exit_code == 2 and "unknown state" in r.output
    rows = json.loads(runner.invoke(alerts_app, ["list", "--format", "json"]).output)
    assert [(x["kind"], x["destination"]) for x in rows] == [("fact", "stdout"), ("status", "file")]
    assert rows[0]["states"] == ["LTU", "FIN"] and rows[0]["predicates"] == ["production", "transfer"]
    r = runner.invoke(alerts_app, ["check"])
    assert r.exit_code == 0 and "0 new, 0 sent" in r.stderr and r.stdout == ""
    assert runner.invoke(alerts_app, ["remove", str(rows[0]["id"])]).exit_code == 0
    assert runner.invoke(alerts_app, ["remove", str(rows[0]["id"])]).exit_code == 1
