"""The dashboard in a real browser (Debian's Chromium through Playwright).

Screenshots go to artifacts/screenshots/ at the repository root.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import pytest
from web_kb import HOSTILE_TEXT, TOKEN, fill

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "artifacts" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path, monkeypatch):
    import uvicorn

    from minewatch.store.repository import Store
    from minewatch.web import create_app

    monkeypatch.setenv("MINEWATCH_TOKEN", TOKEN)
    store = Store.open(f"sqlite:///{tmp_path / 'browser.db'}")
    ids = fill(store)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(store=store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "server did not start"
    yield f"http://127.0.0.1:{port}", ids
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    base, _ = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run"],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.dialogs = []  # type: ignore[attr-defined]
        pg.outside = []  # type: ignore[attr-defined]
        pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
        pg.on("request", lambda r: None if r.url.startswith((base, "data:")) else pg.outside.append(r.url))
        yield pg
        context.close()
        browser.close()


def _status(pg, iso3: str) -> tuple[str, str]:
    return pg.evaluate(
        "iso => { const p = document.querySelector(`#map path[data-iso3=\"${iso}\"]`);"
        " return [p.dataset.status, getComputedStyle(p).fill]; }",
        iso3,
    )


def _move_slider_to(pg, day: str) -> None:
    pg.evaluate(
        "day => { const s = document.getElementById('day');"
        " const start = Date.parse(s.dataset.start + 'T00:00:00Z');"
        " s.value = String(Math.round((Date.parse(day + 'T00:00:00Z') - start) / 86400000));"
        " s.dispatchEvent(new Event('input', {bubbles: true})); }",
        day,
    )
    pg.wait_for_selector(f'#map[data-on="{day}"]', timeout=10000)


def test_map_date_moves_the_baltic_withdrawals_and_ccm_layer(server, page) -> None:
    base, _ = server
    page.goto(f"{base}/?treaty=APMBC&on=2025-12-20")
    before = {iso: _status(page, iso) for iso in ("EST", "LVA", "LTU")}
    assert all(s == "withdrawing" for s, _ in before.values())
    page.screenshot(path=str(SHOTS / "map-2025-12-20.png"))
    _move_slider_to(page, "2025-12-26")
    assert _status(page, "EST")[0] == "withdrawing"
    _move_slider_to(page, "2025-12-27")
    after = {iso: _status(page, iso) for iso in ("EST", "LVA", "LTU")}
    for iso in ("EST", "LVA", "LTU"):
        assert after[iso][0] == "withdrawn"
        assert after[iso][1] != before[iso][1], f"{iso} kept its colour"
    assert page.text_content("#on-label") == "2025-12-27"
    page.screenshot(path=str(SHOTS / "map-2025-12-27.png"))
    # the CCM layer: Lithuania left the CCM in 2025, Estonia never joined
    page.check("input[name=treaty][value=CCM]")
    page.wait_for_selector('#map[data-treaty="CCM"]')
    assert _status(page, "LTU")[0] == "withdrawn" and _status(page, "EST")[0] == "not_party"
    page.screenshot(path=str(SHOTS / "map-ccm-2025-12-27.png"))
    assert page.outside == [] and page.dialogs == []


def test_open_lithuania_and_find_its_withdrawal(server, page) -> None:
    base, _ = server
    page.goto(f"{base}/?treaty=APMBC&on=2026-01-15")
    page.click('#map a[href="/states/LTU"] path', force=True)
    page.wait_for_url(re.compile(r".*/states/LTU$"))
    assert "Lithuania" in page.text_content("h1")
    entries = page.locator("#timeline li.entry[data-action^=withdrawal]")
    assert entries.count() >= 2
    texts = " ".join(entries.all_text_contents()).lower()
    assert "withdraw" in texts and "2025-12-27" in texts
    # reported facts without an event date sit in their own section, labelled by the date first reported
    assert page.locator("#timeline li.kind-fact, #timeline-undated li.kind-fact").count() >= 1
    assert "first reported" in page.text_content("#timeline-undated")
    assert page.locator("#timeline-axis circle").count() >= 2
    marks = page.locator("blockquote.evidence mark").all_text_contents()
    assert any(m.startswith("The Seimas voted") for m in marks)
    page.screenshot(path=str(SHOTS / "state-LTU.png"), full_page=True)
    assert page.outside == []


def test_review_a_claim_and_see_the_fact_change(server, page) -> None:
    base, ids = server
    page.goto(f"{base}/states/EST")
    assert page.locator("table.facts tbody tr[data-fact]").count() == 1
    page.goto(f"{base}/claims/{ids['est_claim']}")
    page.click("text=Sign in with the analyst token")
    page.fill("input[name=token]", TOKEN)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("#review-form")
    page.check("input[name=verdict][value=rejected]")
    page.fill("input[name=reviewer]", "analyst one")
    page.fill("textarea[name=note]", "the article says the opposite")
    page.screenshot(path=str(SHOTS / "claim-review-form.png"), full_page=True)
    page.click("button:has-text('Save review')")
    page.wait_for_selector(".reviews .review-rejected")
    assert "analyst one" in page.text_content(".reviews")
    page.goto(f"{base}/states/EST")
    assert page.locator("table.facts tbody tr[data-fact]").count() == 0
    page.screenshot(path=str(SHOTS / "state-EST-after-review.png"), full_page=True)
    # a second reviewer rejects one of two Lithuanian reports (copies of one wire story): the fact keeps one claim
    page.goto(f"{base}/states/LTU")
    row = page.locator("table.facts tbody tr[data-fact]", has_text="approved")
    assert row.locator("td.claims a").count() == 2
    page.goto(f"{base}/claims/{ids['ltu_claim_b']}")
    page.check("input[name=verdict][value=rejected]")
    page.fill("input[name=reviewer]", "analyst two")
    page.click("button:has-text('Save review')")
    page.wait_for_selector(".reviews .review-rejected")
    page.goto(f"{base}/states/LTU")
    row = page.locator("table.facts tbody tr[data-fact]", has_text="approved")
    assert row.locator("td.claims a").count() == 1
    assert row.locator("td.sources").text_content().strip() == "1"
    page.screenshot(path=str(SHOTS / "state-LTU-after-review.png"), full_page=True)


def test_hostile_article_runs_nothing(server, page, tmp_path) -> None:
    import httpx

    base, ids = server
    hostile = HOSTILE_TEXT.replace("Hostile markup test article", "Uploaded hostile article about Norway") + (
        "\nNorway said on Monday it would stay in the Ottawa Convention.\n"
        '<iframe src="javascript:parent.__pwned=7"></iframe><svg onload="window.__pwned=8"></svg>\n')
    r = httpx.post(f"{base}/api/ingest", headers={"Authorization": f"Bearer {TOKEN}"},
                   files=[("files", ("hostile.html.txt", hostile.encode(), "text/plain"))], timeout=120)
    assert r.status_code == 200, r.text
    uploaded = r.json()["documents"]
    title = "minewatch"
    paths = ["/states/FIN", f"/claims/{ids['fin_claim']}", f"/documents/{ids['fin_doc']}", "/search?q=pwned",
             "/search?q=%3Cscript%3E", *(f"/documents/{d}" for d in uploaded)]
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert "pwned" not in page.title(), path
        assert title in page.title()
        for a in page.locator("a").all():
            href = a.get_attribute("href") or ""
            assert not href.lower().startswith("javascript:"), (path, href)
    page.goto(f"{base}/documents/{ids['fin_doc']}")
    page.screenshot(path=str(SHOTS / "hostile-document.png"), full_page=True)
    assert page.dialogs == []
    assert "<script>window.__pwned" in page.text_content(".text")  # shown as text, not run


def test_charts_render_in_chromium_without_outside_requests(server, page) -> None:
    base, _ = server
    page.goto(f"{base}/charts")
    charts = page.locator("svg.chart")
    assert charts.count() == 2  # the invented base has no casualty figures
    box = charts.first.bounding_box()
    assert box and box["width"] > 400 and box["height"] > 150
    assert page.locator('circle.exit[data-treaty="APMBC"]').count() >= 3  # the 2025-26 exits
    assert page.locator("rect.bar").count() > 0
    page.screenshot(path=str(SHOTS / "charts.png"), full_page=True)
    assert page.outside == [] and page.dialogs == []
