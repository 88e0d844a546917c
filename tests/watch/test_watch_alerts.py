"""Alert rules: facts, conflicts and status changes, each alert delivered once, webhooks signed and retried."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta

import pytest

from minewatch.model import Actor, Claim, Document, Evidence
from minewatch.pipeline import reconcile_pending
from minewatch.store.repository import Store
from minewatch.watch import alerts as al
from minewatch.watch.alerts import AlertError, add_rule, check_alerts, deliver_pending, verify_signature

SECRET = "test-secret-not-real"
NO_PAUSE = (0.0, 0.0, 0.0)


def add_report(store, text: str, outlet: str, url: str, published: date, claim_args: dict) -> str:
    """A document and its claim through the store, then reconciliation: facts without the NLP stage."""
    doc = Document(text=text, original=text, url=url, outlet=outlet, published=published, language="en")
    claim = Claim(document_id=doc.id, evidence=[Evidence(0, len(text), text)], **claim_args)
    assert store.add_document(doc, claims=[claim])
    reconcile_pending(store)
    return doc.id


FIN_PRODUCTION = dict(actor=Actor("state", "FIN", "Finland"), predicate="production", weapon="ap_mine", modality="planned",
                      confidence=0.8)
RUS_WITHDRAWAL = dict(actor=Actor("state", "RUS", "Russia"), predicate="treaty_withdrawal", stage="notified", treaty="APMBC",
                      confidence=0.8)


def test_fact_alert_sent_once_to_a_signed_webhook(server, store, monkeypatch):
    monkeypatch.delenv(al.SECRET_ENV, raising=False)
    hook = server.url("/hook")
    rule = add_rule(store, "fact", states="LTU,FIN", predicates=["production,transfer"], webhook=hook, secret=SECRET)
    other = add_rule(store, "fact", states=["FIN"], min_sources=2, webhook=hook, secret=SECRET)
    assert rule.states == ["LTU", "FIN"] and rule.predicates == ["production", "transfer"]

    add_report(store, "Finland will produce anti-personnel mines, the defence minister said.", "Helsinki Daily",
               "https://daily.example/fin-1", date(2026, 10, 1), FIN_PRODUCTION)
    report = check_alerts(store, base_url="https://monitor.example", pauses=NO_PAUSE)
    assert (report.queued, report.sent, report.failed) == (1, 1, 0)
    [hit] = server.hooks
    assert verify_signature(hit["body"], SECRET, hit["headers"]["X-Minewatch-Signature"])
    assert not verify_signature(hit["body"], "another secret", hit["headers"]["X-Minewatch-Signature"])
    payload = json.loads(hit["body"])
    assert payload["type"] == "fact" and payload["rule"] == rule.id
    assert payload["fact"]["actor"]["iso3"] == "FIN" and payload["fact"]["predicate"] == "production"
    assert payload["link"] == "https://monitor.example/states/FIN"
    assert payload["independent_sources"] == 1
    assert payload["sources"] == [{"document_id": payload["sources"][0]["document_id"], "outlet": "Helsinki Daily",
                                   "url": "https://daily.example/fin-1", "published": "2026-10-01"}]
    assert hit["headers"]["X-Minewatch-Event"] == "fact"

    # Nothing new: nothing sent.  A second, independent report grows the same fact: still no repeat
    # for the first rule, and now the fact passes the second rule's two sources.
    assert check_alerts(store, pauses=NO_PAUSE).sent == 0
    add_report(store, "Helsinki plans to manufacture anti-personnel mines from next year, a ministry paper shows.",
               "Nordic Post", "https://post.example/fin-2", date(2026, 10, 3), FIN_PRODUCTION)
    report = check_alerts(store, pauses=NO_PAUSE)
    assert (report.queued, report.sent) == (1, 1)
    second = json.loads(server.hooks[-1]["body"])
    assert second["rule"] == other.id and second["independent_sources"] == 2
    assert {s["outlet"] for s in second["sources"]} == {"Helsinki Daily", "Nordic Post"}
    assert len(server.hooks) == 2

    # Restart-safe: a fresh Store on the same file sends nothing again.
    again = Store(store.engine)
    assert check_alerts(again, pauses=NO_PAUSE).sent == 0 and len(server.hooks) == 2


def test_webhook_retries_then_keeps_the_alert_pending(server, store):
    add_rule(store, "fact", states="FIN", webhook=server.url("/hook"), secret=SECRET)
    add_report(store, "Finland will produce anti-personnel mines, the defence minister said.", "Helsinki Daily",
               "https://daily.example/fin-1", date(2026, 10, 1), FIN_PRODUCTION)
    pauses: list[float] = []
    server.hook_failures = 2  # two 500s, then success: retried within the same check
    report = check_alerts(store, sleep=pauses.append)
    assert report.sent == 1 and [h["status"] for h in server.hooks] == [500, 500, 204]
    assert pauses == [0.5, 1.0]  # growing pauses between attempts
    ids = {h["headers"]["X-Minewatch-Delivery"] for h in server.hooks}
    assert len(ids) == 1  # the same delivery id on each attempt: receivers can drop repeats

    # Receiver down for longer than a check: the alert stays pending with the error, then goes out once.
    add_report(store, "Finland signed a deal to transfer anti-personnel mines to Ukraine, officials said.",
               "Helsinki Daily", "https://daily.example/fin-3", date(2026, 10, 5),
               dict(actor=Actor("state", "FIN", "Finland"), predicate="transfer", weapon="ap_mine",
                    counterpart=Actor("state", "UKR", "Ukraine")))
    server.hook_failures = 10
    report = check_alerts(store, pauses=NO_PAUSE)
    assert (report.queued, report.sent, report.failed) == (1, 0, 1) and "HTTP 500" in report.errors[0]
    [pending] = al.alerts_of(store, state="pending")
    assert pending["attempts"] == 1 and pending["next_attempt_at"] is not None
    assert al.list_rules(store)[0].last_error.endswith("HTTP 500")
    server.hook_failures = 0
    assert deliver_pending(store, pauses=NO_PAUSE).sent == 0  # not due yet: redelivery waits
    later = datetime.now() + timedelta(hours=2)
    assert deliver_pending(store, now=later, pauses=NO_PAUSE).sent == 1
    assert deliver_pending(store, now=later, pauses=NO_PAUSE).sent == 0
    assert al.list_rules(store)[0].last_error is None


def test_conflict_alert_names_sources_and_links_the_conflict(store):
    out = io.StringIO()
    rule = add_rule(store, "conflict")
    add_report(store, "Russia notified the depositary of its withdrawal from the Mine Ban Treaty, an envoy said.",
               "Wire One", "https://one.example/rus", date(2026, 3, 1), RUS_WITHDRAWAL)
    report = check_alerts(store, out=out, base_url="http://127.0.0.1:8000")
    assert report.sent == 1
    [line] = out.getvalue().splitlines()
    payload = json.loads(line)
    conflict = store.conflicts()[0]
    assert payload["type"] == "conflict" and payload["rule"] == rule.id and payload["subject"] == conflict["id"]
    assert payload["conflict"]["kind"] == "record_contradiction" and payload["conflict"]["actor_iso3"] == "RUS"
    assert payload["link"] == f"http://127.0.0.1:8000/conflicts#{conflict['id']}"
    assert payload["sources"][0]["outlet"] == "Wire One" and payload["independent_sources"] == 1
    assert payload["conflict"]["claims"][0]["link"].startswith("http://127.0.0.1:8000/claims/c-")
    assert check_alerts(store, out=out).sent == 0 and len(out.getvalue().splitlines()) == 1


def test_new_rules_start_from_a_baseline_unless_asked(store, tmp_path):
    add_report(store, "Finland will produce anti-personnel mines, the defence minister said.", "Helsinki Daily",
               "https://daily.example/fin-1", date(2026, 10, 1), FIN_PRODUCTION)
    log = tmp_path / "alerts.jsonl"
    quiet = add_rule(store, "fact", states="FIN", file=str(log))
    loud = add_rule(store, "fact", states="FIN", file=str(log), include_existing=True)
    check_alerts(store)
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    assert [x["rule"] for x in lines] == [loud.id]
    assert al.list_rules(store)[0].id == quiet.id and al.list_rules(store)[0].sent == 0


def test_status_change_alert_when_a_withdrawal_takes_effect(store):
    # The 2025 Baltic withdrawals from the APMBC took effect on 27 December 2025 (bundled records).
    rule = add_rule(store, "status", states="LTU,FIN", treaty="APMBC", today=date(2025, 12, 1))
    out = io.StringIO()
    report = check_alerts(store, out=out, today=date(2026, 1, 5))
    payloads = [json.loads(x) for x in out.getvalue().splitlines()]
    assert report.sent == 1 and [p["status"]["iso3"] for p in payloads] == ["LTU"]
    p = payloads[0]
    assert (p["status"]["before"], p["status"]["after"]) == ("withdrawing", "withdrawn")
    assert p["status"]["since"] == "2025-12-27" and p["link"].endswith("/states/LTU")
    assert any(s["url"].startswith("http") for s in p["sources"])
    assert al.get_rule(store, rule.id).last_evaluated_on == date(2026, 1, 5)
    assert check_alerts(store, out=out, today=date(2026, 1, 6)).sent == 0


def test_rules_are_validated(store, monkeypatch):
    monkeypatch.delenv(al.SECRET_ENV, raising=False)
    with pytest.raises(AlertError, match="state"):
        add_rule(store, "fact", states="XXX")
    with pytest.raises(AlertError, match="predicate"):
        add_rule(store, "fact", predicates="dancing")
    with pytest.raises(AlertError, match="secret"):
        add_rule(store, "fact", webhook="https://hooks.example/x")
    with pytest.raises(AlertError, match="http"):
        add_rule(store, "fact", webhook="file:///etc/passwd", secret="x")
    with pytest.raises(AlertError, match="kind"):
        add_rule(store, "rumour")
    with pytest.raises(AlertError, match="treaty"):
        add_rule(store, "status", treaty="NPT")
    rule = add_rule(store, "fact", webhook="https://hooks.example/x", secret="x")
    assert rule.to_dict()["secret"] == "set"
    assert al.remove_rule(store, rule.id) and not al.remove_rule(store, rule.id)
