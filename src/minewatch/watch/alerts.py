"""Alert rules: new facts, new conflicts, status changes under a treaty; delivered once each.

Evaluation and delivery are two steps joined by the ``sent_alerts`` table (an
outbox).  Evaluating a rule inserts one ``pending`` row per new subject (a
fact id, a conflict id, a status change); the unique (rule, subject) pair is
what makes an alert happen once, whatever restarts in between.  Delivery then
sends the pending rows and marks them ``sent``; a webhook that is down keeps
its rows pending, retried with a growing delay on the next checks.  Each row
is claimed before it is sent (``pending`` → ``sending`` by a conditional
update), so two checks running at once never send the same alert; a process
killed while sending leaves its row ``sending`` until a lease runs out
(``SENDING_LEASE_S``), after which another check sends it again: the
receiver can recognise such a repeat by the ``X-Minewatch-Delivery`` header
(the row id).  One check spends at most ``DeliveryOptions.deadline_s``
delivering; what it did not reach stays pending.

A new rule does not announce what the knowledge base already held when it was
made: those subjects are recorded as ``baseline`` (``include_existing`` sends
them instead).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import httpx

from minewatch.model import Predicate
from minewatch.store.repository import (
    ClaimFilter,
    utcnow,  # the store's clock: naive UTC, as the columns hold
)
from minewatch.store.watching import (
    add_baseline,
    alert_failed,
    alert_released,
    alert_rows,
    alert_sent,
    alert_subjects,
    claim_alert,
    create_rule,
    delete_rule,
    due_alert_rows,
    knowledge_summary,
    record_evaluation,
    remember_statuses,
    rule_rows,
    rule_watermark,
    seen_statuses,
    set_rule_errors,
)
from minewatch.treaties import status as st
from minewatch.treaties.states import eligible_states

KINDS = ("fact", "conflict", "status")
DESTINATIONS = ("stdout", "file", "webhook")
TREATIES = ("APMBC", "CCM")
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
BASE_URL_ENV = "MINEWATCH_BASE_URL"
SECRET_ENV = "MINEWATCH_WEBHOOK_SECRET"
SIGNATURE_HEADER = "X-Minewatch-Signature"
DELIVERY_HEADER = "X-Minewatch-Delivery"
EVENT_HEADER = "X-Minewatch-Event"
#: The Standard Webhooks scheme (standardwebhooks.com): the signature covers id, timestamp and body, so a
#: captured POST cannot be replayed later; receivers verify it with any Standard Webhooks library.
WEBHOOK_ID_HEADER = "webhook-id"
WEBHOOK_TIMESTAMP_HEADER = "webhook-timestamp"
WEBHOOK_SIGNATURE_HEADER = "webhook-signature"
WEBHOOK_TOLERANCE_S = 300
#: Attempts of one webhook POST within a check, and the pauses between them (seconds).
WEBHOOK_RETRY_PAUSES = (0.5, 1.0, 2.0)
WEBHOOK_TIMEOUT_S = 10.0
#: Across checks, a pending alert waits this long after its n-th failed delivery (doubling, capped).
REDELIVERY_BASE_S = 60
REDELIVERY_MAX_S = 3600
#: How long a delivery may hold its row in state ``sending`` before another process may take it over
#: (a process killed mid-send leaves its row there).  Longer than any single delivery can take.
SENDING_LEASE_S = 600
#: Default bound on the time one check spends delivering; what is left stays pending for the next check.
DELIVERY_DEADLINE_S = 60.0
#: How many sources an alert lists (the count stays exact).
MAX_SOURCES = 20
#: The date field of a state's status that says since when it holds.
STATUS_SINCE = {
    "withdrawn": "withdrawal_effective",
    "withdrawing": "withdrawal_notification",
    "party": "deposit",
    "signatory": "signature",
}

_URL = re.compile(r"^https?://", re.IGNORECASE)


class AlertError(Exception):
    """A rule that cannot be added or found; the message says why."""


@dataclass
class AlertRule:
    id: int
    kind: str
    states: list[str] = field(default_factory=list)
    predicates: list[str] = field(default_factory=list)
    min_sources: int = 1
    treaty: str | None = None
    destination: str = "stdout"
    target: str | None = None
    secret: str | None = None
    base_url: str | None = None
    last_evaluated_on: date | None = None
    last_error: str | None = None
    created_at: datetime | None = None
    sent: int = 0
    pending: int = 0

    def to_dict(self) -> dict[str, Any]:
        """For listings: the secret is never printed, only whether there is one."""
        d = asdict(self)
        d["secret"] = "set" if self.secret else (f"from {SECRET_ENV}" if self.destination == "webhook" else None)
        for k, v in d.items():
            if isinstance(v, date | datetime):
                d[k] = v.isoformat()
        return d


def _split(values: Iterable[str] | str | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


def _rule(r: dict[str, Any], sent: int = 0, pending: int = 0) -> AlertRule:
    return AlertRule(
        id=r["id"], kind=r["kind"], states=list(r["states"] or []), predicates=list(r["predicates"] or []),
        min_sources=r["min_sources"], treaty=r["treaty"], destination=r["destination"], target=r["target"],
        secret=r["secret"], base_url=r["base_url"], last_evaluated_on=r["last_evaluated_on"],
        last_error=r["last_error"], created_at=r["created_at"], sent=sent, pending=pending,
    )


def add_rule(
    store,
    kind: str = "fact",
    *,
    states: Iterable[str] | str | None = None,
    predicates: Iterable[str] | str | None = None,
    min_sources: int = 1,
    treaty: str | None = None,
    file: str | None = None,
    webhook: str | None = None,
    secret: str | None = None,
    base_url: str | None = None,
    include_existing: bool = False,
    today: date | None = None,
) -> AlertRule:
    """Validate and store a rule; what already matches it becomes its baseline unless ``include_existing``."""
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise AlertError(f"unknown alert kind {kind!r}: use {', '.join(KINDS)}")
    iso = [s.upper() for s in _split(states)]
    known = eligible_states()
    bad = [s for s in iso if s not in known]
    if bad:
        raise AlertError(f"unknown state code(s) {', '.join(bad)} (use ISO 3166 alpha-3, e.g. LTU)")
    preds = [p.lower() for p in _split(predicates)]
    valid = {str(p) for p in Predicate}
    bad = [p for p in preds if p not in valid]
    if bad:
        raise AlertError(f"unknown predicate(s) {', '.join(bad)}: use {', '.join(sorted(valid))}")
    if preds and kind != "fact":
        raise AlertError("predicates apply to fact alerts only")
    if min_sources < 1:
        raise AlertError("min sources must be at least 1")
    code = treaty.strip().upper() if treaty else None
    if code and code not in TREATIES:
        raise AlertError(f"unknown treaty {treaty!r}: use APMBC or CCM")
    if file and webhook:
        raise AlertError("choose one destination: a file or a webhook")
    destination, target = "stdout", None
    if webhook:
        if not _URL.match(webhook):
            raise AlertError("a webhook is an http(s) URL")
        if not (secret or os.environ.get(SECRET_ENV)):
            raise AlertError(f"a webhook needs a shared secret: --secret or {SECRET_ENV}")
        destination, target = "webhook", webhook
    elif file:
        path = Path(file).expanduser().resolve()
        if not path.parent.is_dir():
            raise AlertError(f"folder {path.parent} does not exist")
        destination, target = "file", str(path)
    if base_url and not _URL.match(base_url):
        raise AlertError("the base URL is an http(s) URL")
    now = utcnow()
    rid = create_rule(
        store, kind=kind, states=iso, predicates=preds, min_sources=min_sources, treaty=code,
        destination=destination, target=target, secret=secret if webhook else None,
        base_url=base_url.rstrip("/") if base_url else None, last_evaluated_on=today or date.today(), created_at=now,
    )
    rule = get_rule(store, rid)
    if kind == "status":
        # The statuses at creation are what later changes are measured against.
        _, statuses = _status_changes(store, rule, today or date.today())
        remember_statuses(store, rid, statuses, today or date.today())
    if not include_existing and kind != "status":
        add_baseline(store, rid, sorted(_subject_ids(store, rule)), now)
    return rule


def get_rule(store, rule_id: int) -> AlertRule:
    rules = [r for r in list_rules(store) if r.id == rule_id]
    if not rules:
        raise AlertError(f"no alert rule {rule_id}")
    return rules[0]


def list_rules(store) -> list[AlertRule]:
    return [_rule(r, sent, pending) for r, sent, pending in rule_rows(store)]


def remove_rule(store, rule_id: int) -> bool:
    return delete_rule(store, rule_id)


# ---------------------------------------------------------------------------- matching


def _matching_facts(store, rule: AlertRule) -> list[dict[str, Any]]:
    rows: dict[str, dict] = {}
    for predicate in rule.predicates or [None]:
        for state in rule.states or [None]:
            for f in store.facts(state=state, predicate=predicate):
                rows[f["id"]] = f
    return [
        f for _, f in sorted(rows.items())
        if (f.get("independent_sources") or 0) >= rule.min_sources and (not rule.treaty or f.get("treaty") == rule.treaty)
    ]


def _matching_conflicts(store, rule: AlertRule) -> list[dict[str, Any]]:
    rows: dict[str, dict] = {}
    for state in rule.states or [None]:
        for c in store.conflicts(state=state):
            rows[c["id"]] = c
    out = []
    for _, c in sorted(rows.items()):
        if rule.treaty:
            record = c.get("record") or {}
            if record.get("treaty") not in (None, rule.treaty):
                continue
        out.append(c)
    return out


def _subject_ids(store, rule: AlertRule) -> set[str]:
    if rule.kind == "fact":
        return {f["id"] for f in _matching_facts(store, rule)}
    if rule.kind == "conflict":
        return {c["id"] for c in _matching_conflicts(store, rule)}
    return set()


def _current_statuses(store, rule: AlertRule, today: date) -> dict[tuple[str, str], Any]:
    """Each watched state's status under each watched treaty, from the records as they are now."""
    events, armed, not_party = store.treaty_events(), store.armed_conflicts(), store.not_party()
    wanted = set(rule.states)
    out: dict[tuple[str, str], Any] = {}
    for treaty in [rule.treaty] if rule.treaty else list(TREATIES):
        for now in st.all_statuses(treaty, today, events, armed, not_party):
            if not wanted or now.iso3 in wanted:
                out[(treaty, now.iso3)] = now
    return out


def _status_changes(store, rule: AlertRule, today: date) -> tuple[list[dict[str, Any]], dict[tuple[str, str], str]]:
    """States whose status differs from the one this rule last saw, and the statuses seen now.

    Comparing with what the rule saw (not with the status recomputed for the
    last evaluation date from today's records) is what catches a backdated
    record: a withdrawal notification imported today but dated four days ago
    changes the status "as of" both days, so a date-to-date comparison misses it.
    A rule without seen statuses (``alert_seen_statuses``; made before they
    existed) starts from the statuses on its last evaluation date.
    """
    current = _current_statuses(store, rule, today)
    seen = seen_statuses(store, rule.id)
    fallback: dict[tuple[str, str], str] = {}
    since = rule.last_evaluated_on or today
    if not seen and since < today:
        events, armed, not_party = store.treaty_events(), store.armed_conflicts(), store.not_party()
        for treaty in {tr for tr, _ in current}:
            for old in st.all_statuses(treaty, since, events, armed, not_party):
                fallback[(treaty, old.iso3)] = str(old.status)
    changes = []
    statuses: dict[tuple[str, str], str] = {}
    for (treaty, iso3), now in sorted(current.items()):
        statuses[(treaty, iso3)] = str(now.status)
        before = seen.get((treaty, iso3)) or fallback.get((treaty, iso3))
        if before is None or before == str(now.status):
            continue
        d = now.to_dict()
        since_field = STATUS_SINCE.get(str(now.status))
        changes.append({"treaty": treaty, "iso3": iso3, "before": before, "after": d,
                        "since": d.get(since_field) if since_field else None})
    return changes, statuses


def _fingerprints(store, today: date) -> dict[str, Any]:
    """Cheap summaries of what rules read: unchanged means nothing to evaluate (one aggregate query each).

    ``kb`` changes when documents are ingested, facts or conflicts rebuilt
    (reconcile) or facts gain sources; ``records`` when depositary records
    are imported or corrected; ``date`` once a day (statuses depend on it).
    """
    kb_summary, events = knowledge_summary(store)
    kb = json.dumps(kb_summary, default=str)
    records = hashlib.sha256(json.dumps(events, default=str).encode()).hexdigest()
    return {"kb": hashlib.sha256(kb.encode()).hexdigest(), "records": records, "date": today.isoformat()}


def _needs_evaluation(rule: AlertRule, last: dict[str, Any] | None, now: dict[str, Any]) -> bool:
    if not last:
        return True
    if rule.kind == "status":
        return last.get("records") != now["records"] or last.get("date") != now["date"]
    return last.get("kb") != now["kb"]


# ---------------------------------------------------------------------------- payloads


def _link(base: str, path: str) -> str:
    return base.rstrip("/") + path


def _source(s: dict[str, Any]) -> dict[str, Any]:
    published = s.get("published")
    return {
        "document_id": s.get("document_id") or s.get("id"),
        "outlet": s.get("outlet"),
        "url": s.get("url"),
        "published": published.isoformat() if isinstance(published, date) else published,
    }


def _fact_summary(f: dict[str, Any]) -> str:
    actor = f.get("actor_name") or f.get("actor_iso3") or "?"
    if f.get("actor_iso3") and f.get("actor_iso3") != actor:
        actor += f" ({f['actor_iso3']})"
    what = f["predicate"].replace("_", " ") + (f" ({f['stage']})" if f.get("stage") else "")
    obj = f.get("weapon") or f.get("treaty")
    if obj:
        what += f" — {obj.replace('_', ' ')}"
    if f.get("counterpart_name") or f.get("counterpart_iso3"):
        what += f", counterpart {f.get('counterpart_name') or f.get('counterpart_iso3')}"
    neg = " (negated)" if f.get("polarity") == "negated" else ""
    n = f.get("independent_sources") or 0
    return f"{actor}: {what}, {f.get('modality')}{neg}; {n} independent source{'s' if n != 1 else ''}"


def fact_payload(rule: AlertRule, f: dict[str, Any], base_url: str) -> dict[str, Any]:
    detail = f.get("detail") or {}
    # The page of the state the rule watches (a transfer to a watched state links to that state).
    candidates = [c for c in (f.get("actor_iso3"), f.get("counterpart_iso3")) if c]
    iso = next((c for c in candidates if c in rule.states), candidates[0] if candidates else None)
    return {
        "type": "fact",
        "rule": rule.id,
        "subject": f["id"],
        "summary": _fact_summary(f),
        "fact": {
            "id": f["id"],
            "actor": {"iso3": f.get("actor_iso3"), "name": f.get("actor_name")},
            "predicate": f["predicate"],
            "stage": f.get("stage"),
            "treaty": f.get("treaty"),
            "weapon": f.get("weapon"),
            "counterpart": {"iso3": f.get("counterpart_iso3"), "name": f.get("counterpart_name")}
            if (f.get("counterpart_iso3") or f.get("counterpart_name")) else None,
            "modality": f.get("modality"),
            "polarity": f.get("polarity"),
            "quantity": detail.get("quantity"),
            "money": detail.get("money"),
            "time": detail.get("time"),
            "first_reported": _iso(f.get("first_reported")),
            "last_reported": _iso(f.get("last_reported")),
            "verified": bool(f.get("verified")),
        },
        "independent_sources": f.get("independent_sources"),
        "document_count": f.get("document_count"),
        "sources": [_source(s) for s in (detail.get("sources") or [])[:MAX_SOURCES]],
        "link": _link(base_url, f"/states/{iso}") if iso else _link(base_url, "/claims/" + (f.get("claim_ids") or [""])[0]),
    }


def conflict_payload(store, rule: AlertRule, c: dict[str, Any], base_url: str) -> dict[str, Any]:
    claims = store.claims(ClaimFilter(claim_ids=list(c.get("claim_ids") or []))) if c.get("claim_ids") else []
    docs: dict[str, dict] = {}
    stories: set[str] = set()
    for cl in claims:
        d = cl["document"]
        docs.setdefault(d["id"], d)
        stories.add(d.get("story_id") or d["id"])
    record = c.get("record") or None
    sources = [_source(d) for _, d in sorted(docs.items(), key=lambda kv: (kv[1].get("published") or "", kv[0]))]
    return {
        "type": "conflict",
        "rule": rule.id,
        "subject": c["id"],
        "summary": f"{c['kind'].replace('_', ' ')} ({c['severity']})"
        + (f" about {c['actor_iso3']}" if c.get("actor_iso3") else "") + f": {c['explanation']}",
        "conflict": {
            "id": c["id"],
            "kind": c["kind"],
            "severity": c["severity"],
            "actor_iso3": c.get("actor_iso3"),
            "fact_id": c.get("fact_id"),
            "explanation": c["explanation"],
            "record": record,
            "claims": [{"id": cid, "link": _link(base_url, f"/claims/{cid}")} for cid in c.get("claim_ids") or []],
        },
        "independent_sources": len(stories),
        "document_count": len(docs),
        "sources": sources[:MAX_SOURCES],
        "link": _link(base_url, f"/conflicts#{c['id']}"),
    }


def status_payload(rule: AlertRule, change: dict[str, Any], base_url: str) -> dict[str, Any]:
    after = change["after"]
    since = change.get("since")
    return {
        "type": "status",
        "rule": rule.id,
        "subject": f"status:{change['treaty']}:{change['iso3']}:{after['status']}:{since or ''}",
        "summary": f"{after['name']} ({change['iso3']}) under the {change['treaty']}: {change['before']} → {after['status']}"
        + (f" since {since}" if since else "") + f" (on {after['on']})",
        "status": {
            "treaty": change["treaty"],
            "iso3": change["iso3"],
            "name": after["name"],
            "before": change["before"],
            "after": after["status"],
            "since": since,
            "on": after["on"],
            "withdrawal_notification": after.get("withdrawal_notification"),
            "withdrawal_effective": after.get("withdrawal_effective"),
        },
        "independent_sources": None,
        "sources": [{"depositary": True, "action": e["action"], "date": e["date"], "url": e["source_url"]}
                    for e in after.get("events") or []],
        "link": _link(base_url, f"/states/{change['iso3']}"),
    }


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else v


def resolve_base_url(rule: AlertRule, base_url: str | None = None) -> str:
    return (rule.base_url or base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")


# ---------------------------------------------------------------------------- evaluation


def evaluate(store, *, base_url: str | None = None, today: date | None = None, force: bool = False) -> int:
    """Queue one pending alert per new (rule, subject); returns how many were queued.

    A rule is evaluated only when what it reads changed since its last
    evaluation (see ``_fingerprints``): a watcher polling every minute would
    otherwise scan every fact for every rule on every cycle.  ``force``
    evaluates every rule.
    """
    today = today or date.today()
    queued = 0
    rules = list_rules(store)
    if not rules:
        return 0
    prints = _fingerprints(store, today)
    for rule in rules:
        base = resolve_base_url(rule, base_url)
        known = alert_subjects(store, rule.id)
        watermark = rule_watermark(store, rule.id)
        if not force and not _needs_evaluation(rule, watermark, prints):
            continue
        payloads: list[dict[str, Any]] = []
        statuses: dict[tuple[str, str], str] = {}
        if rule.kind == "fact":
            payloads = [fact_payload(rule, f, base) for f in _matching_facts(store, rule) if f["id"] not in known]
        elif rule.kind == "conflict":
            payloads = [conflict_payload(store, rule, c, base) for c in _matching_conflicts(store, rule) if c["id"] not in known]
        else:
            changes, statuses = _status_changes(store, rule, today)
            payloads = [status_payload(rule, ch, base) for ch in changes]
            payloads = [p for p in payloads if p["subject"] not in known]
        now = utcnow()
        for p in payloads:
            p["created_at"] = now.isoformat(timespec="seconds")
        # What the rule saw goes in the same transaction as the alerts it led to.
        queued += record_evaluation(
            store, rule.id, payloads, statuses=statuses, watermark=prints, today=today, now=now,
            evaluated_on=today if rule.kind == "status" and (rule.last_evaluated_on or today) < today else None,
        )
    return queued


# ---------------------------------------------------------------------------- delivery


class DeliveryError(Exception):
    pass


def signature(body: bytes, secret: str) -> str:
    """The value of the signature header: HMAC-SHA256 of the exact body bytes."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, secret: str, header: str | None) -> bool:
    """For receivers (and tests): constant-time comparison of the header with the body's HMAC."""
    return bool(header) and hmac.compare_digest(signature(body, secret), header or "")


def _webhook_key(secret: str) -> bytes:
    """A ``whsec_…`` secret is base64 (as Standard Webhooks issues them); any other is used as its UTF-8 bytes."""
    return base64.b64decode(secret[len("whsec_"):]) if secret.startswith("whsec_") else secret.encode("utf-8")


def webhook_signature(msg_id: str, timestamp: int, body: bytes, secret: str) -> str:
    """``v1,`` and the base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}`` (the Standard Webhooks signature)."""
    mac = hmac.new(_webhook_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode("ascii")


def webhook_headers(msg_id: str, body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {WEBHOOK_ID_HEADER: msg_id, WEBHOOK_TIMESTAMP_HEADER: str(ts),
            WEBHOOK_SIGNATURE_HEADER: webhook_signature(msg_id, ts, body, secret)}


def verify_webhook(body: bytes, headers: Any, secret: str, *, tolerance_s: int = WEBHOOK_TOLERANCE_S,
                   now: float | None = None) -> bool:
    """For receivers: the signature matches and the timestamp is recent (a replayed POST fails the second test)."""
    get = headers.get
    msg_id, ts, sigs = get(WEBHOOK_ID_HEADER), get(WEBHOOK_TIMESTAMP_HEADER), get(WEBHOOK_SIGNATURE_HEADER)
    if not (msg_id and ts and sigs) or not str(ts).isdigit():
        return False
    if abs((time.time() if now is None else now) - int(ts)) > tolerance_s:
        return False
    expected = webhook_signature(msg_id, int(ts), body, secret)
    return any(hmac.compare_digest(expected, s) for s in str(sigs).split())


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def retry_pauses(attempts: int) -> tuple[float, ...]:
    """The pauses between ``attempts`` POSTs of one alert within a check (0.5 s, doubling, capped at 8 s)."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    return tuple(min(8.0, 0.5 * 2**i) for i in range(attempts - 1))


def post_webhook(
    url: str, body: bytes, secret: str, *, delivery_id: str, event: str, client=None,
    pauses: tuple[float, ...] = WEBHOOK_RETRY_PAUSES, sleep: Callable[[float], None] = time.sleep,
    timeout_s: float = WEBHOOK_TIMEOUT_S, deadline: float | None = None,
) -> int:
    """POST a signed body; retried with growing pauses on network errors, 5xx, 408 and 429.

    ``deadline`` (a ``time.monotonic()`` value) bounds the whole call: no
    attempt starts after it and each request's timeout is cut to what is
    left, so a hanging receiver cannot hold the watcher's cycle.
    """
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "minewatch/0.1 (alerts)",
        SIGNATURE_HEADER: signature(body, secret),
        DELIVERY_HEADER: delivery_id,
        EVENT_HEADER: event,
    }
    own = client is None
    if own:
        client = httpx.Client(timeout=httpx.Timeout(timeout_s), follow_redirects=False)
    last = ""
    try:
        for attempt in range(len(pauses) + 1):
            if attempt:
                if deadline is not None and time.monotonic() + pauses[attempt - 1] >= deadline:
                    last += " (delivery deadline of this check reached)"
                    break
                sleep(pauses[attempt - 1])
            timeout = timeout_s
            if deadline is not None:
                timeout = min(timeout_s, deadline - time.monotonic())
                if timeout <= 0:
                    last = last or "delivery deadline of this check reached"
                    break
            try:
                # signed afresh per attempt: the timestamp says when this POST left
                resp = client.post(url, content=body, headers={**headers, **webhook_headers(delivery_id, body, secret)},
                                   timeout=timeout)
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}: {exc}"
                continue
            if 200 <= resp.status_code < 300:
                return resp.status_code
            last = f"HTTP {resp.status_code}"
            if resp.status_code < 500 and resp.status_code not in (408, 429):
                break  # the receiver refuses this request; asking again now will not help
        raise DeliveryError(f"webhook {url}: {last}")
    finally:
        if own:
            client.close()


@dataclass
class DeliveryOptions:
    """How hard one check tries: per-request timeout, POSTs per alert, and a bound on the whole delivery step.

    The bound (``deadline_s``) is what keeps a slow or hanging webhook from
    stalling the watcher's polling: when it is reached, the alerts not yet
    tried stay pending (without counting a failed attempt) for the next check.
    """

    timeout_s: float = WEBHOOK_TIMEOUT_S
    attempts: int = len(WEBHOOK_RETRY_PAUSES) + 1
    deadline_s: float | None = DELIVERY_DEADLINE_S

    def pauses(self) -> tuple[float, ...]:
        return retry_pauses(self.attempts)


@dataclass
class CheckReport:
    queued: int = 0
    sent: int = 0
    failed: int = 0
    deferred: int = 0  # left pending: the delivery deadline of this check was reached
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _claim_row(store, row: dict[str, Any], now: datetime) -> bool:
    """Take one row for sending: only the process whose conditional update lands sends it.

    The row moves to ``sending`` with ``next_attempt_at`` as the end of a
    lease; a process that dies while sending leaves it there, and once the
    lease is over another check takes it again (the receiver recognises a
    repeat by the ``X-Minewatch-Delivery`` header).
    """
    return claim_alert(store, row, now + timedelta(seconds=SENDING_LEASE_S))


def deliver_pending(
    store, *, out: TextIO | None = None, client=None, now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep, pauses: tuple[float, ...] | None = None,
    options: DeliveryOptions | None = None,
) -> CheckReport:
    """Send the pending alerts that are due, each claimed first, so concurrent checks never send one twice."""
    now = now or utcnow()
    options = options or DeliveryOptions()
    pauses = options.pauses() if pauses is None else pauses
    deadline = time.monotonic() + options.deadline_s if options.deadline_s is not None else None
    report = CheckReport()
    rules = {r.id: r for r in list_rules(store)}
    rows = due_alert_rows(store, now)
    rule_errors: dict[int, str | None] = {}
    for row in rows:
        rule = rules.get(row["rule_id"])
        if rule is None:
            continue
        if deadline is not None and time.monotonic() >= deadline:
            report.deferred += 1
            continue
        if not _claim_row(store, row, now):
            continue  # another process took it
        body = encode(row["payload"])
        try:
            if rule.destination == "webhook":
                secret = rule.secret or os.environ.get(SECRET_ENV)
                if not secret:
                    raise DeliveryError(f"no webhook secret (set {SECRET_ENV})")
                post_webhook(rule.target or "", body, secret, delivery_id=str(row["id"]),
                             event=row["payload"].get("type", ""), client=client, pauses=pauses, sleep=sleep,
                             timeout_s=options.timeout_s, deadline=deadline)
            elif rule.destination == "file":
                try:
                    with open(rule.target or "", "ab") as fh:
                        fh.write(body + b"\n")
                except OSError as exc:
                    raise DeliveryError(f"cannot write {rule.target}: {exc.strerror or exc}") from exc
            else:
                stream = out or sys.stdout
                stream.write(body.decode("utf-8") + "\n")
                stream.flush()
        except DeliveryError as exc:
            attempts = row["attempts"] + 1
            delay = min(REDELIVERY_BASE_S * 2 ** (attempts - 1), REDELIVERY_MAX_S)
            alert_failed(store, row["id"], attempts=attempts, error=str(exc), retry_at=now + timedelta(seconds=delay))
            report.failed += 1
            report.errors.append(f"rule {rule.id}, {row['subject']}: {exc}")
            rule_errors[rule.id] = str(exc)
            continue
        except BaseException:
            # Interrupted mid-send (Ctrl-C): hand the row back at once rather than after the lease.
            alert_released(store, row["id"], row["next_attempt_at"] if row["state"] == "pending" else None)
            raise
        alert_sent(store, row["id"], attempts=row["attempts"] + 1, now=utcnow())
        report.sent += 1
        rule_errors.setdefault(rule.id, None)
    set_rule_errors(store, rule_errors)
    return report


def check_alerts(
    store, *, base_url: str | None = None, out: TextIO | None = None, today: date | None = None,
    client=None, sleep: Callable[[float], None] = time.sleep, pauses: tuple[float, ...] | None = None,
    options: DeliveryOptions | None = None, force: bool = False,
) -> CheckReport:
    """Evaluate the rules whose inputs changed, then deliver what is pending (after each poll cycle, or ``alerts check``)."""
    queued = evaluate(store, base_url=base_url, today=today, force=force)
    report = deliver_pending(store, out=out, client=client, sleep=sleep, pauses=pauses, options=options)
    report.queued = queued
    return report


def alerts_of(store, rule_id: int | None = None, state: str | None = None) -> list[dict[str, Any]]:
    """The outbox as rows (for `alerts log` and tests)."""
    return alert_rows(store, rule_id, state)
