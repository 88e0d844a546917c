"""Delivery under pressure: concurrent checks, slow receivers, backdated records, rules left alone when nothing changed."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from minewatch.model import Actor, Claim, Document, Evidence
from minewatch.pipeline import reconcile_pending
from minewatch.store.repository import Store
from minewatch.watch import alerts as al
from minewatch.watch.alerts import DeliveryOptions, add_rule, check_alerts, deliver_pending

SECRET = "delivery-secret-not-real"
NO_PAUSE = (0.0, 0.0, 0.0)
SRC = Path(__file__).resolve().parents[2] / "src"


def report(store, text: str, url: str, published: date, **claim_args) -> None:
    doc = Document(text=text, original=text, url=url, outlet="Example Wire", published=published, language="en")
    claim = Claim(document_id=doc.id, evidence=[Evidence(0, len(text), text)], **claim_args)
    assert store.add_document(doc, claims=[claim])
    reconcile_pending(store)


def three_facts(store) -> None:
    report(store, "Finland will produce anti-personnel mines, the minister said.", "https://w.example/1",
           date(2026, 10, 1), actor=Actor("state", "FIN", "Finland"), predicate="production", weapon="ap_mine")
    report(store, "Lithuania will produce anti-personnel mines, the ministry said.", "https://w.example/2",
           date(2026, 10, 2), actor=Actor("state", "LTU", "Lithuania"), predicate="production", weapon="ap_mine")
    report(store, "Finland will transfer anti-personnel mines to Ukraine, officials said.", "https://w.example/3",
           date(2026, 10, 3), actor=Actor("state", "FIN", "Finland"), predicate="transfer", weapon="ap_mine",
           counterpart=Actor("state", "UKR", "Ukraine"))


DELIVER = """
import sys
from minewatch.store.repository import Store
from minewatch.watch.alerts import deliver_pending
r = deliver_pending(Store.open(sys.argv[1]), pauses=(0.0, 0.0, 0.0))
print(r.sent, r.failed)
"""


def test_two_concurrent_checks_send_each_alert_once(server, store, any_db_url):
    add_rule(store, "fact", states="FIN,LTU", webhook=server.url("/hook"), secret=SECRET)
    three_facts(store)
    assert al.evaluate(store) == 3
    server.hook_delay_s = 0.6  # slow receiver: both processes are delivering at the same time
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    procs = [subprocess.Popen([sys.executable, "-c", DELIVER, any_db_url], stdout=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    outs = [p.communicate(timeout=120)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sum(int(o[0]) for o in outs) == 3 and sum(int(o[1]) for o in outs) == 0
    ids = [h["headers"]["X-Minewatch-Delivery"] for h in server.hooks]
    assert len(ids) == 3 and len(set(ids)) == 3  # every alert POSTed exactly once
    assert len(al.alerts_of(store, state="sent")) == 3 and not al.alerts_of(store, state="pending")


def test_a_stale_sending_row_is_taken_over_after_its_lease(store):
    out = io.StringIO()
    add_rule(store, "fact", states="FIN,LTU")
    three_facts(store)
    al.evaluate(store)
    first = al.alerts_of(store, state="pending")[0]
    # A sender that died after claiming: the row is `sending` with a lease in the future.
    now = al.utcnow()
    assert al._claim_row(store, first, now)
    assert deliver_pending(store, out=out).sent == 2  # the claimed row is left alone
    later = now + timedelta(seconds=al.SENDING_LEASE_S + 1)
    assert deliver_pending(store, out=out, now=later).sent == 1
    assert len(out.getvalue().splitlines()) == 3


def test_a_hanging_webhook_is_bounded_by_the_delivery_deadline(server, store):
    add_rule(store, "fact", states="FIN,LTU", webhook=server.url("/hook"), secret=SECRET)
    three_facts(store)
    server.hook_delay_s = 2.0  # every POST outlives its timeout
    options = DeliveryOptions(timeout_s=0.5, attempts=2, deadline_s=1.2)
    start = time.monotonic()
    r = check_alerts(store, options=options, force=True)
    assert time.monotonic() - start < 4.0  # not 3 alerts x 2 attempts x the receiver's stall
    assert r.sent == 0 and r.failed >= 1 and r.failed + r.deferred == 3
    assert len(al.alerts_of(store, state="pending")) == 3  # nothing lost, nothing marked sent


def test_retry_pauses_follow_the_attempts_option():
    assert al.retry_pauses(1) == ()
    assert al.retry_pauses(4) == (0.5, 1.0, 2.0)
    with pytest.raises(ValueError):
        al.retry_pauses(0)


def test_backdated_depositary_record_raises_a_status_alert(store):
    from minewatch.treaties.records import TreatyEvent

    today = date(2026, 11, 10)
    add_rule(store, "status", states="NOR", treaty="APMBC", today=today - timedelta(days=1))
    out = io.StringIO()
    assert check_alerts(store, out=out, today=today).sent == 0
    # Imported today, dated four days earlier: the status "as of yesterday" changes too.
    notified = TreatyEvent("APMBC", "NOR", "Norway", "withdrawal_notification", today - timedelta(days=4),
                           "https://treaties.example/nor")
    store.import_events([notified])
    r = check_alerts(store, out=out, today=today)
    payloads = [json.loads(x) for x in out.getvalue().splitlines()]
    assert r.sent == 1 and [p["status"]["iso3"] for p in payloads] == ["NOR"]
    assert (payloads[0]["status"]["before"], payloads[0]["status"]["after"]) == ("party", "withdrawing")
    assert payloads[0]["status"]["since"] == (today - timedelta(days=4)).isoformat()
    assert check_alerts(store, out=out, today=today).sent == 0  # seen now: not again


def test_rules_are_not_evaluated_when_nothing_changed(store, monkeypatch):
    add_rule(store, "fact", states="FIN,LTU")
    add_rule(store, "conflict")
    calls: list[str] = []
    real_facts, real_conflicts = al._matching_facts, al._matching_conflicts
    monkeypatch.setattr(al, "_matching_facts", lambda s, r: calls.append("f") or real_facts(s, r))
    monkeypatch.setattr(al, "_matching_conflicts", lambda s, r: calls.append("c") or real_conflicts(s, r))
    out = io.StringIO()
    check_alerts(store, out=out)
    assert sorted(calls) == ["c", "f"]  # first check after creation
    calls.clear()
    check_alerts(store, out=out)
    check_alerts(store, out=out)
    assert calls == []  # nothing ingested, nothing reconciled: no fact scan
    report(store, "Finland will produce anti-personnel mines, the minister said.", "https://w.example/1",
           date(2026, 10, 1), actor=Actor("state", "FIN", "Finland"), predicate="production", weapon="ap_mine")
    assert check_alerts(store, out=out).sent == 1 and sorted(calls) == ["c", "f"]


def test_watch_run_once_exits_1_when_delivery_fails(server, tmp_path, monkeypatch):
    from minewatch.cli import app

    db = f"sqlite:///{tmp_path / 'kb.db'}"
    store = Store.open(db)
    add_rule(store, "fact", states="FIN,LTU", webhook=server.url("/hook"), secret=SECRET)
    three_facts(store)
    store.engine.dispose()
    server.hook_failures = 100
    args = ["--db", db, "watch", "run", "--once", "-q", "--webhook-attempts", "1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    server.hook_failures = 0
    monkeypatch.setattr(al, "utcnow", lambda: al.datetime.now() + timedelta(hours=3))  # redelivery due
    assert CliRunner().invoke(app, args).exit_code == 0
    assert CliRunner().invoke(app, [*args[:4], "--webhook-attempts", "0"]).exit_code == 2
