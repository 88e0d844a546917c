from __future__ import annotations

import csv
import io

import pytest
from web_kb import TOKEN


@pytest.mark.parametrize("sort", ["newest", "oldest", "id", None])
def test_claims_pages_with_stable_cursors_cover_everything_once(client, sort) -> None:
    seen, days, cursor = [], [], None
    for _ in range(10):
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {}) | ({"sort": sort} if sort else {})
        page = client.get("/api/claims", params=params).json()
        seen.extend(c["id"] for c in page["items"])
        days.extend(c["document"]["published"] for c in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5
    if sort == "id":
        assert seen == sorted(seen)
    else:  # newest first unless asked otherwise
        assert days == sorted(days, reverse=sort != "oldest")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "ltu"}, {"ltu_claim", "ltu_claim_b", "ltu_money"}),
        ({"predicate": "procurement"}, {"ltu_money"}),
        ({"modality": "planned"}, {"ltu_money"}),
        ({"since": "2025-06-18", "until": "2025-06-30"}, {"ltu_claim_b", "est_claim"}),
        ({"outlet": "Baltic Wire"}, {"est_claim"}),
        ({"text": "Secretary-General"}, {"est_claim"}),
    ],
)
def test_claim_filters(client, params, expected) -> None:
    items = client.get("/api/claims", params=params).json()["items"]
    assert {c["id"] for c in items} == {client.ids[k] for k in expected}


def test_every_listing_is_also_csv(client) -> None:
    for path in ("/api/claims", "/api/facts", "/api/documents", "/api/stories", "/api/states", "/api/status",
                 "/api/treaties", "/api/conflicts", "/api/reviews", "/api/timeline/LTU"):
        r = client.get(path, params={"format": "csv"})
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(r.text)))
        if path == "/api/claims":
            assert {row["id"] for row in rows} >= {client.ids["ltu_claim"]}
            assert "actor.iso3" in rows[0]


def test_status_on_a_date_shows_the_baltic_withdrawals(client) -> None:
    before = {s["iso3"]: s["status"] for s in client.get("/api/status", params={"treaty": "APMBC", "on": "2025-12-26"}).json()["items"]}
    after = client.get("/api/status", params={"treaty": "APMBC", "on": "2025-12-27"}).json()
    now = {s["iso3"]: s["status"] for s in after["items"]}
    for iso in ("EST", "LVA", "LTU"):
        assert (before[iso], now[iso]) == ("withdrawing", "withdrawn")
    assert after["parties"] < client.get("/api/status", params={"treaty": "APMBC", "on": "2025-12-26"}).json()["parties"]
    states = {s["iso3"]: s for s in client.get("/api/states", params={"on": "2026-01-01"}).json()["items"]}
    assert states["LTU"]["APMBC"] == "withdrawn" and states["LTU"]["CCM"] == "withdrawn" and len(states) == 197


def test_state_document_story_claim_and_timeline(client) -> None:
    state = client.get("/api/states/ltu").json()
    assert state["iso3"] == "LTU" and state["statuses"]["APMBC"]["treaty"] == "APMBC" and state["claim_count"] == 3
    doc = client.get(f"/api/documents/{client.ids['ltu_doc']}").json()
    assert doc["outlet"] == "Example Daily" and len(doc["claims"]) == 2 and "minhash" not in doc
    story = client.get("/api/stories/s-ltu").json()
    assert {d["id"] for d in story["documents"]} == {client.ids["ltu_doc"], client.ids["ltu_doc_b"]}
    claim = client.get(f"/api/claims/{client.ids['ltu_claim']}").json()
    assert claim["predicate"] == "treaty_withdrawal" and claim["reviews"] == []
    timeline = client.get("/api/timeline/LTU", params={"treaty": "APMBC"}).json()["items"]
    assert any(e["kind"] == "record" and e["action"] == "withdrawal_notification" for e in timeline)
    assert any(e["kind"] == "fact" for e in timeline)


@pytest.mark.parametrize(
    "path",
    ["/api/claims/c-nope", "/api/documents/d-nope", "/api/stories/s-nope", "/api/states/XYZ", "/api/timeline/ZZZ"],
)
def test_unknown_ids_are_404(client, path) -> None:
    r = client.get(path)
    assert r.status_code == 404 and r.json()["detail"]


@pytest.mark.parametrize(
    ("path", "params", "needle"),
    [
        ("/api/claims", {"limit": 0}, "limit"),
        ("/api/claims", {"limit": 100000}, "limit"),
        ("/api/claims", {"since": "2025-13-01"}, "since"),
        ("/api/claims", {"since": "2025-07-01", "until": "2025-01-01"}, "after until"),
        ("/api/claims", {"predicate": "dance"}, "predicate"),
        ("/api/status", {"on": "1850-01-01"}, "between"),
        ("/api/status", {"treaty": "NPT"}, "treaty"),
        ("/api/claims", {"cursor": "a b"}, "cursor"),
    ],
)
def test_bad_parameters_are_422_with_a_message(client, path, params, needle) -> None:
    r = client.get(path, params=params)
    assert r.status_code == 422
    assert needle in r.json()["detail"]


def test_writes_refused_without_configured_token(client, monkeypatch) -> None:
    monkeypatch.delenv("MINEWATCH_TOKEN")
    r = client.post("/api/reviews", json={"claim_id": client.ids["est_claim"], "verdict": "verified", "reviewer": "a"},
                    headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403 and "MINEWATCH_TOKEN" in r.json()["detail"]


def test_writes_need_the_bearer_token(client) -> None:
    body = {"claim_id": client.ids["est_claim"], "verdict": "verified", "reviewer": "a"}
    assert client.post("/api/reviews", json=body).status_code == 401
    assert client.post("/api/reviews", json=body, headers={"Authorization": "Bearer nope"}).status_code == 403
    assert client.post("/api/reviews", json=body, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_rejecting_the_only_claim_of_a_fact_removes_the_fact(client) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    est = client.get("/api/facts", params={"state": "EST"}).json()["items"]
    assert len(est) == 1 and est[0]["independent_sources"] == 1
    r = client.post("/api/reviews", headers=auth,
                    json={"claim_id": client.ids["est_claim"], "verdict": "rejected", "reviewer": "ana", "note": "misread"})
    assert r.status_code == 200
    assert r.json()["claim"]["review"]["verdict"] == "rejected"
    assert client.get("/api/facts", params={"state": "EST"}).json()["items"] == []
    reviews = client.get("/api/reviews").json()["items"]
    assert reviews[0]["reviewer"] == "ana" and reviews[0]["claim_id"] == client.ids["est_claim"]


def test_correction_moves_a_claim_to_another_fact(client) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    ltu = {f["stage"]: f for f in client.get("/api/facts", params={"state": "LTU", "predicate": "treaty_withdrawal"}).json()["items"]}
    assert ltu["approved"]["claim_count"] == 2
    r = client.post("/api/reviews", headers=auth, json={
        "claim_id": client.ids["ltu_claim_b"], "verdict": "corrected", "reviewer": "ana",
        "corrections": {"stage": "decided"}})
    assert r.status_code == 200 and r.json()["claim"]["stage"] == "decided"
    ltu = {f["stage"]: f for f in client.get("/api/facts", params={"state": "LTU", "predicate": "treaty_withdrawal"}).json()["items"]}
    assert ltu["approved"]["claim_count"] == 1 and ltu["decided"]["claim_count"] == 1


def test_review_validation(client) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    bad = [
        {"claim_id": client.ids["est_claim"], "verdict": "maybe", "reviewer": "a"},
        {"claim_id": client.ids["est_claim"], "verdict": "corrected", "reviewer": "a"},
        {"claim_id": client.ids["est_claim"], "verdict": "corrected", "reviewer": "a", "corrections": {"colour": "red"}},
        {"claim_id": client.ids["est_claim"], "verdict": "corrected", "reviewer": "a", "corrections": {"predicate": "x"}},
    ]
    for body in bad:
        assert client.post("/api/reviews", json=body, headers=auth).status_code == 422
    r = client.post("/api/reviews", json={"claim_id": "c-nope", "verdict": "verified", "reviewer": "a"}, headers=auth)
    assert r.status_code == 404


def test_oversized_body_is_413(client) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = client.post("/api/reviews", content=b"x" * 2_000_000, headers=auth | {"content-type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["detail"]

    def chunks():
        for _ in range(30):
            yield b"y" * 100_000

    r = client.post("/api/reviews", content=chunks(), headers=auth | {"content-type": "application/json"})
    assert r.status_code == 413


def test_security_headers_on_every_response(client) -> None:
    for path in ("/", "/api/claims", "/static/style.css", "/api/claims/c-nope"):
        r = client.get(path)
        assert "default-src 'self'" in r.headers["content-security-policy"], path
        assert r.headers["x-content-type-options"] == "nosniff"


def test_openapi_describes_every_route(client) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/states", "/api/states/{iso3}", "/api/status", "/api/treaties", "/api/documents",
                 "/api/documents/{doc_id}", "/api/stories", "/api/stories/{story_id}", "/api/claims",
                 "/api/claims/{claim_id}", "/api/facts", "/api/conflicts", "/api/timeline/{iso3}", "/api/reviews",
                 "/api/ingest"):
        assert path in spec["paths"], path
    assert "post" in spec["paths"]["/api/reviews"] and "get" in spec["paths"]["/api/reviews"]
    params = {p["name"]: p for p in spec["paths"]["/api/claims"]["get"]["parameters"]}
    assert {"state", "predicate", "modality", "since", "until", "outlet", "text", "limit", "cursor", "format"} <= set(params)


def test_ingest_upload_goes_through_the_pipeline(client) -> None:
    pytest.importorskip("minewatch.extract", reason="extraction not available")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    text = (b"Norway weighs treaty question\n\nOslo, 3 March 2026 - Norway's foreign minister said on Tuesday "
            b"that the government has no plans to leave the Mine Ban Treaty.\n")
    r = client.post("/api/ingest", headers=auth, files=[("files", ("norway.txt", text, "text/plain"))])
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["ingested"] == 1 and len(out["documents"]) == 1
    assert client.get(f"/api/documents/{out['documents'][0]}").status_code == 200
    again = client.post("/api/ingest", headers=auth, files=[("files", ("again.txt", text, "text/plain"))]).json()
    assert again["duplicates"] == 1
    assert client.post("/api/ingest", files=[("files", ("x.txt", text, "text/plain"))]).status_code == 401


def test_cached_answers_follow_writes_from_another_process(client) -> None:
    """The response cache keys on the SQLite files, so a write through another connection is seen.

    The files' version is kept for 100 ms per process (``DataVersion.ttl``), so the write shows once that passed.
    """
    import time

    from minewatch.store.reconciling import reconcile_pending
    from minewatch.store.repository import Store
    from minewatch.web.cache import DataVersion

    first = client.get("/api/facts", params={"state": "EST"}).json()["items"]
    assert client.get("/api/facts", params={"state": "EST"}).json()["items"] == first  # served again
    other = Store.open(str(client.store.engine.url))
    other.add_review(client.ids["est_claim"], "rejected", "elsewhere")
    reconcile_pending(other)
    time.sleep(DataVersion(None).ttl * 1.5)  # the kept version expires (a write through this app shows at once)
    assert client.get("/api/facts", params={"state": "EST"}).json()["items"] == []
    assert "rejected" in client.get(f"/claims/{client.ids['est_claim']}").text
