"""Dashboard pages without a browser: escaping, the review form's protections, the story comparison."""

from __future__ import annotations

import re

from web_kb import TOKEN

from minewatch.web.render import evidence_in_paragraph, mark_spans, safe_url, story_copies


def _csrf(client) -> str:
    page = client.get("/login").text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _login(client) -> str:
    csrf = _csrf(client)
    r = client.post("/login", data={"token": TOKEN, "csrf_token": csrf, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303
    return client.cookies.get("mw_csrf")


def test_pages_render(client) -> None:
    ids = client.ids
    for path in ("/", "/?treaty=CCM&on=2026-01-01", "/states/LTU", "/stories/s-ltu", f"/claims/{ids['ltu_claim']}",
                 "/conflicts", "/search?q=Ottawa", f"/documents/{ids['ltu_doc']}", "/login"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "<script src=\"/static/map.js\"" in r.text or path != "/"
        assert "http://" not in r.text.replace("http://testserver", "") or path.startswith(("/states", "/claims", "/search", "/documents"))


def test_home_map_colours_states_for_the_date(client) -> None:
    before = client.get("/", params={"on": "2025-12-26"}).text
    after = client.get("/", params={"on": "2025-12-27"}).text
    for iso in ("EST", "LVA", "LTU"):
        assert re.search(rf'class="st st-withdrawing" data-iso3="{iso}"', before)
        assert re.search(rf'class="st st-withdrawn" data-iso3="{iso}"', after)


def test_article_text_is_escaped_everywhere(client) -> None:
    ids = client.ids
    for path in ("/states/FIN", f"/claims/{ids['fin_claim']}", f"/documents/{ids['fin_doc']}", "/search?q=pwned"):
        html = client.get(path).text
        assert "<script>window.__pwned" not in html, path
        assert "<img src=x" not in html, path
        assert 'href="javascript:' not in html, path
        assert "&lt;script&gt;" in html, path
    assert "<mark>&lt;script&gt;window.__pwned = 1;" in client.get("/states/FIN").text


def test_review_form_needs_session_and_csrf(client) -> None:
    cid = client.ids["est_claim"]
    form = {"verdict": "rejected", "reviewer": "ana", "note": "not what it says"}
    # no session, no csrf
    assert client.post(f"/claims/{cid}/review", data=form, follow_redirects=False).status_code == 403
    csrf = _login(client)
    # csrf missing or wrong
    assert client.post(f"/claims/{cid}/review", data=form, follow_redirects=False).status_code == 403
    assert client.post(f"/claims/{cid}/review", data=form | {"csrf_token": "x"}, follow_redirects=False).status_code == 403
    # cross-site, even with the right values
    r = client.post(f"/claims/{cid}/review", data=form | {"csrf_token": csrf}, headers={"Sec-Fetch-Site": "cross-site"},
                    follow_redirects=False)
    assert r.status_code == 403
    r = client.post(f"/claims/{cid}/review", data=form | {"csrf_token": csrf}, headers={"Origin": "https://evil.example"},
                    follow_redirects=False)
    assert r.status_code == 403
    assert client.get("/api/reviews").json()["items"] == []
    r = client.post(f"/claims/{cid}/review", data=form | {"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/facts", params={"state": "EST"}).json()["items"] == []
    assert "rejected" in client.get(f"/claims/{cid}").text


def test_review_form_correction_changes_only_edited_fields(client) -> None:
    csrf = _login(client)
    cid = client.ids["ltu_money"]
    claim = client.get(f"/api/claims/{cid}").json()
    form = {"csrf_token": csrf, "verdict": "corrected", "reviewer": "ana", "predicate": claim["predicate"], "stage": "",
            "treaty": "", "weapon": claim["weapon"], "modality": "actual", "polarity": "affirmed",
            "quantity_low": "", "quantity_high": "", "money_low": "750000000", "money_high": "800000000",
            "money_currency": "EUR", "speaker_name": "", "speaker_role": ""}
    assert client.post(f"/claims/{cid}/review", data=form, follow_redirects=False).status_code == 303
    review = client.get("/api/reviews").json()["items"][-1]
    # the old wording no longer describes the corrected numbers: it is dropped, not kept
    assert review["corrections"] == {"modality": "actual", "money": {"low": 750000000.0, "high": 800000000.0,
                                                                      "currency": "EUR"}}
    assert client.get(f"/api/claims/{cid}").json()["modality"] == "actual"


def test_login_refuses_wrong_token_and_no_token(client, monkeypatch) -> None:
    csrf = _csrf(client)
    assert client.post("/login", data={"token": "nope", "csrf_token": csrf}).status_code == 403
    monkeypatch.delenv("MINEWATCH_TOKEN")
    r = client.post("/login", data={"token": TOKEN, "csrf_token": csrf})
    assert r.status_code == 403 and "MINEWATCH_TOKEN" in r.text


def test_story_page_marks_figures_that_differ(client) -> None:
    html = client.get("/stories/s-ltu").text
    assert '<mark class="differs">800 million euros</mark>' in html
    assert '<mark class="differs">750 million euros</mark>' in html


def test_unknown_pages_are_404_html(client) -> None:
    r = client.get("/states/XYZ", headers={"Accept": "text/html"})
    assert r.status_code == 404 and "<html" in r.text
    assert client.get("/stories/nope", headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/claims/nope").status_code == 404


def test_render_helpers() -> None:
    assert mark_spans("a<b>c", [(1, 4)]) == "a<mark>&lt;b&gt;</mark>c"
    text = "first paragraph\nsecond <i>para</i> here\nthird"
    out = evidence_in_paragraph(text, text.index("<i>"), text.index("</i>") + 4)
    assert out == "second <mark>&lt;i&gt;para&lt;/i&gt;</mark> here"
    assert safe_url("javascript:alert(1)") is None and safe_url("https://x.example/a") == "https://x.example/a"
    assert safe_url('https://x.example/"onmouseover=') is None
    copies, differing = story_copies([{"id": "a", "text": "It cost $5 million in 2025."}, {"id": "b", "text": "It cost $6 million in 2025."}])
    assert differing == ["$5 million", "$6 million"] and "<mark" not in copies[0]["marked"].split("2025")[1]
