"""Analysts dismiss a conflict ("not a conflict", with a note) through POST /api/reviews and the
conflicts page; the dismissal survives re-reconciliation and is exported."""

from __future__ import annotations

import json
import re
from datetime import date

from web_kb import TOKEN

from minewatch.model import Actor, Claim, Document, Evidence
from minewatch.store.reconciling import reconcile_pending

AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT = "Russia has notified the depositary of its withdrawal from the Mine Ban Treaty, an envoy said."


def _conflict(store) -> str:
    doc = Document(text=TEXT, original=TEXT, outlet="Wire One", published=date(2026, 3, 1), language="en")
    claim = Claim(doc.id, Actor("state", "RUS", "Russia"), "treaty_withdrawal", stage="notified", treaty="APMBC",
                  evidence=[Evidence(0, len(TEXT), TEXT)], confidence=0.9)
    store.add_document(doc, claims=[claim], extracted=True)
    reconcile_pending(store)
    (x,) = store.conflicts(state="RUS")
    return x["id"]


def test_dismissing_a_conflict_hides_it_keeps_it_and_survives_reconciliation(client, tmp_path) -> None:
    cid = _conflict(client.store)
    body = {"conflict_id": cid, "verdict": "not_a_conflict", "reviewer": "ana", "note": "the envoy spoke of a plan"}
    assert client.post("/api/reviews", json=body).status_code == 401
    r = client.post("/api/reviews", json=body, headers=AUTH)
    assert r.status_code == 200, r.text
    assert r.json()["review"]["verdict"] == "not_a_conflict" and r.json()["conflict"]["id"] == cid
    assert all(x["id"] != cid for x in client.get("/api/conflicts").json()["items"])
    (kept,) = client.store.conflicts(ids=[cid], dismissed=True)
    assert kept["review"]["note"] == "the envoy spoke of a plan"
    # re-reconciliation from scratch gives the conflict the same id: it stays dismissed
    from sqlalchemy import delete, update

    from minewatch.store import schema as t

    with client.store.engine.begin() as conn:
        conn.execute(delete(t.conflicts))
        conn.execute(update(t.documents).values(reconciled=False))
    reconcile_pending(client.store)
    assert client.store.conflicts(state="RUS") == []
    assert [x["id"] for x in client.store.conflicts(state="RUS", dismissed=True)] == [cid]
    # exported, with the verdict
    from minewatch.export import table_rows

    assert [(r["conflict_id"], r["verdict"]) for r in table_rows(client.store, "conflict_reviews", nested=False)] == [
        (cid, "not_a_conflict")]
    (row,) = [x for x in table_rows(client.store, "conflicts", nested=False) if x["id"] == cid]
    assert row["review_verdict"] == "not_a_conflict"
    # reopened: open again
    r = client.post("/api/reviews", json={**body, "verdict": "reopened", "note": None}, headers=AUTH)
    assert r.status_code == 200 and [x["id"] for x in client.store.conflicts(state="RUS")] == [cid]


def test_conflict_review_validation(client) -> None:
    cid = _conflict(client.store)
    bad = [
        {"conflict_id": cid, "verdict": "verified", "reviewer": "a"},
        {"claim_id": client.ids["est_claim"], "verdict": "not_a_conflict", "reviewer": "a"},
        {"claim_id": client.ids["est_claim"], "conflict_id": cid, "verdict": "not_a_conflict", "reviewer": "a"},
        {"verdict": "not_a_conflict", "reviewer": "a"},
    ]
    for body in bad:
        assert client.post("/api/reviews", json=body, headers=AUTH).status_code == 422, body
    r = client.post("/api/reviews", json={"conflict_id": "x-nope", "verdict": "not_a_conflict", "reviewer": "a"}, headers=AUTH)
    assert r.status_code == 404


def test_the_conflicts_page_dismisses_with_a_note(client) -> None:
    cid = _conflict(client.store)
    page = client.get("/conflicts")
    assert "Not a conflict" not in page.text  # not signed in: no form
    login = client.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"token": TOKEN, "csrf_token": csrf, "next": "/conflicts"}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get("/conflicts")
    assert f'action="/conflicts/{cid}/review"' in page.text
    csrf = client.cookies.get("mw_csrf")
    r = client.post(f"/conflicts/{cid}/review", data={"csrf_token": csrf, "verdict": "not_a_conflict",
                                                      "reviewer": "ana", "note": "a plan, not a deposit"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get("/conflicts")
    assert "Dismissed by analysts" in page.text and "a plan, not a deposit" in page.text
    assert all(x["id"] != cid for x in json.loads(client.get("/api/conflicts").text)["items"])


def test_the_conflicts_page_quotes_each_side_with_a_link(client) -> None:
    cid = _conflict(client.store)
    page = client.get("/conflicts").text
    row = page[page.index(f'id="{cid}"'):]
    assert "<q>Russia has notified the depositary" in row and "/documents/" in row
    (x,) = [x for x in client.get("/api/conflicts").json()["items"] if x["id"] == cid]
    assert x["detail"]["check"] == "withdrawal_by_non_party"


def test_a_plan_carried_out_is_shown_as_the_facts_history(client) -> None:
    nor = Actor("state", "NOR", "Norway")
    for text, published, modality in (("Norway will produce mines, a minister said.", date(2025, 3, 1), "planned"),
                                      ("Norway has produced its first mines.", date(2025, 11, 2), "actual")):
        doc = Document(text=text, original=text, outlet=f"Outlet {modality}", published=published, language="en")
        claim = Claim(doc.id, nor, "production", weapon="ap_mine", modality=modality,
                      evidence=[Evidence(0, len(text), text)], confidence=0.9)
        client.store.add_document(doc, claims=[claim], extracted=True)
    reconcile_pending(client.store)
    assert client.store.conflicts(state="NOR") == []
    (fact,) = client.get("/api/facts", params={"state": "NOR"}).json()["items"]
    assert fact["history"]["text"] == "reported as planned on 1 March 2025, then reported done on 2 November 2025"
    assert "reported as planned on 1 March 2025, then reported done on 2 November 2025" in client.get("/states/NOR").text
