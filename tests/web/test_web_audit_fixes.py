"""The auditor's findings on the dashboard and API, each as an outcome a visitor or client sees."""

from __future__ import annotations

import csv
import io
import re

from web_kb import TOKEN

from minewatch.output import to_csv
from minewatch.web.render import html_id, snippet, story_copies


def _login(client) -> str:
    page = client.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"token": TOKEN, "csrf_token": csrf, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303
    return client.cookies.get("mw_csrf")


def _money_claim(text: str, needle: str, low: float, high: float) -> list[dict]:
    i = text.index(needle)
    return [{"evidence": [{"start": i, "end": i + len(needle), "text": needle}],
             "money": {"low": low, "high": high, "currency": "EUR", "text": needle}}]


def test_story_figures_in_words_differ_with_their_unit() -> None:
    texts = {
        "a": "The ministry said the new fence would cost tens of millions to build.",
        "b": "The ministry said the new fence would cost hundreds of millions of euros to build.",
        "c": "The ministry said the new fence would cost millions to build.",
    }
    claims = {
        "a": _money_claim(texts["a"], "tens of millions", 1e7, 9.9e7),
        "b": _money_claim(texts["b"], "hundreds of millions", 1e8, 9.99e8),
        "c": _money_claim(texts["c"], "millions", 1e6, 9.9e6),
    }
    copies, differing = story_copies([{"id": k, "text": v} for k, v in texts.items()], claims)
    assert '<mark class="differs">hundreds of millions of euros</mark>' in copies[1]["marked"]
    assert '<mark class="differs">tens of millions</mark>' in copies[0]["marked"]
    assert '<mark class="differs">millions</mark>' in copies[2]["marked"]
    assert len(differing) == 3


def test_story_same_value_in_digits_and_words_is_not_a_difference() -> None:
    a = "Officials put the bill at 5 million euros for the year."
    b = "Officials put the bill at 5,000,000 euros for the year."
    copies, differing = story_copies([{"id": "a", "text": a}, {"id": "b", "text": b}])
    assert differing == [] and "<mark" not in copies[0]["marked"]
    c = "Officials put the bill at 6 million euros for the year."
    copies, differing = story_copies([{"id": "a", "text": a}, {"id": "c", "text": c}])
    assert differing == ["5 million euros", "6 million euros"]


def test_state_timeline_separates_undated_facts_and_counts_sources_once(client) -> None:
    html = client.get("/states/LTU").text
    dated, undated = html.split('id="timeline-undated"', 1)
    assert "first reported" in undated.split("</ol>", 1)[0]
    assert "approved withdrawal" in undated.split("</ol>", 1)[0]
    assert "approved withdrawal" not in dated.split('id="timeline"', 1)[1]
    assert "independent source(s)" not in html
    assert 'id="timeline-axis"' in html and "<circle" in html
    assert "800 million euros" in undated


def test_review_form_corrects_actor_counterpart_time_money_and_shows_it(client) -> None:
    csrf = _login(client)
    cid = client.ids["ltu_money"]
    form = {"csrf_token": csrf, "verdict": "corrected", "reviewer": "ana", "note": "figures checked",
            "money_low": "100000000", "money_high": "999000000", "money_currency": "EUR", "money_text": "800 million euros",
            "counterpart_name": "Poland", "counterpart_iso3": "POL", "counterpart_kind": "state",
            "time_start": "2025-01-01", "time_end": "2025-12-31", "time_text": "",
            "actor_name": "Lithuania", "actor_iso3": "LTU", "actor_kind": "state"}
    # money text left as it was: the numbers changed, so the old words go
    assert client.post(f"/claims/{cid}/review", data=form, follow_redirects=False).status_code == 303
    claim = client.get(f"/api/claims/{cid}").json()
    assert claim["money"]["low"] == 1e8 and claim["money"].get("text") is None
    assert claim["counterpart"]["iso3"] == "POL" and claim["time"]["start"] == "2025-01-01"
    assert "actor" not in claim["review"]["corrections"]
    html = client.get(f"/claims/{cid}").text
    table = html.split('id="corrected-values"', 1)[1].split("</table>", 1)[0]
    assert "100,000,000–999,000,000 EUR" in table and "800 million euros" in table  # corrected and original
    assert "Poland (POL)" in table
    assert "800 million euros" not in html.split('class="claim"', 1)[1].split("</article>", 1)[0].split("<blockquote")[0]
    assert "UTC" in html and "{&#34;" not in html and '{"' not in html.split("Reviews", 1)[1]


def test_ccm_header_says_at_least_when_records_are_partial(client) -> None:
    treaties = {t["treaty"]: t for t in client.get("/api/treaties").json()["items"]}
    html = client.get("/", params={"treaty": "CCM", "on": "2025-06-01"}).text
    partial = treaties["CCM"]["parties_is_lower_bound"]
    assert ('id="parties-bound" class="lower-bound">at least' in html) == partial
    status = client.get("/api/status", params={"treaty": "CCM"}).json()
    assert status["parties_is_lower_bound"] == partial
    css = client.get("/static/style.css").text
    unknown = re.search(r"--unknown:(#[0-9a-f]+)", css).group(1)
    assert unknown not in (re.search(r"--not_party:(#[0-9a-f]+)", css).group(1), re.search(r"--na:(#[0-9a-f]+)", css).group(1))


def test_bad_cursor_is_a_clear_422(client) -> None:
    for path in ("/api/claims", "/api/facts", "/api/documents", "/api/conflicts", "/api/stories"):
        r = client.get(path, params={"cursor": "garbage"})
        assert r.status_code == 422 and "cursor" in r.json()["detail"], path


def test_csv_header_is_fixed_by_the_schema(client) -> None:
    empty = client.get("/api/claims", params={"state": "USA", "format": "csv"}).text
    full = client.get("/api/claims", params={"format": "csv"}).text
    head = empty.splitlines()[0]
    assert head and head == full.splitlines()[0]
    cols = head.split(",")
    assert len(cols) == len(set(cols)) and "time" not in cols and "time.start" in cols and "money.currency" in cols
    facts = client.get("/api/facts", params={"format": "csv"}).text.splitlines()[0].split(",")
    assert not any(c.startswith("detail") for c in facts) and "money.low" in facts and "document_ids" in facts
    timeline = client.get("/api/timeline/LTU", params={"format": "csv"}).text.splitlines()[0].split(",")
    assert len(timeline) == len(set(timeline))
    rows = list(csv.DictReader(io.StringIO(full)))
    assert rows and all(set(r) == set(cols) for r in rows)


def test_cli_csv_never_repeats_a_parent_column() -> None:
    out = to_csv([{"id": 1, "time": None, "record": None}, {"id": 2, "time": {"start": "2025-01-01"}, "record": {"a": {"b": 1}}}])
    head = out.splitlines()[0].split(",")
    assert head == ["id", "time.start", "record.a.b"]
    assert to_csv([], ["a", "b"]) == "a,b\n"


def test_conflict_rows_have_ids_the_watch_links_find(client) -> None:
    assert html_id("x-0123abcd") == "x-0123abcd"
    assert html_id("a b<c") == "a_20_b_3c_c" and html_id("9z") == "id-9z"


def test_favicon_paging_snippets(client) -> None:
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg")
    assert 'rel="icon"' in client.get("/").text
    html = client.get("/search", params={"q": "Seimas"}).text
    assert '<mark class="hit">Seimas</mark>' in html
    s = snippet("a <b>x</b> Ottawa Convention end", "ottawa")
    assert '<mark class="hit">Ottawa</mark>' in s and "&lt;b&gt;" in s
    html = client.get("/states/LTU").text
    assert "shown of 3" in html


def test_state_claims_page_on(client, monkeypatch) -> None:
    import minewatch.web.pages as pages

    monkeypatch.setattr(pages, "STATE_PAGE_CLAIMS", 2)
    first = client.get("/states/LTU").text
    nxt = re.search(r'href="(/states/LTU\?after=[^"#]+)#claims"', first).group(1)
    second = client.get(nxt.replace("&amp;", "&")).text
    seen1 = set(re.findall(r'data-claim="([^"]+)"', first))
    seen2 = set(re.findall(r'data-claim="([^"]+)"', second))
    assert len(seen1) == 2 and len(seen2) == 1 and not seen1 & seen2


def test_upload_keeps_the_file_name(client) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    text = "Norway's foreign minister said on Monday that Norway remains committed to the Ottawa Convention."
    out = client.post("/api/ingest", headers=auth, files=[("files", ("../../oslo report?.txt", text, "text/plain"))]).json()
    doc = client.get(f"/api/documents/{out['documents'][0]}").json()
    assert doc["path"] == "oslo report_.txt"
    bad = client.post("/api/ingest", headers=auth, files=[("files", ("empty.txt", b"", "text/plain"))]).json()
    assert all("minewatch-upload" not in str(s) for s in bad["skipped"]) and "empty.txt" in str(bad["skipped"])


def test_openapi_describes_listing_items(client) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert {"ClaimOut", "FactOut", "ConflictOut", "DocumentOut", "StoryOut", "TimelineEntry", "ReviewRow"} <= set(schemas)
    assert "money" in schemas["ClaimOut"]["properties"] and "counterpart_name" in schemas["FactOut"]["properties"]
    ok = spec["paths"]["/api/claims/{claim_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("ClaimDetail")


def test_state_and_predicate_filter_finds_counterparts_too(client) -> None:
    from datetime import date

    from minewatch.model import Actor, Claim, Document, Evidence
    from minewatch.store.reconciling import reconcile_pending

    text = "Transfer report\nPoland said it handed old stock to Lithuania for destruction last week."
    doc = Document(text=text, original=text, title="Transfer report", outlet="Sample Wire", published=date(2025, 7, 2),
                   language="en")
    i = text.index("Poland said")
    claim = Claim(doc.id, Actor("state", "POL", "Poland"), "transfer", weapon="mine",
                  counterpart=Actor("state", "LTU", "Lithuania"), evidence=[Evidence(i, len(text), text[i:])])
    client.store.add_document(doc, claims=[claim], extracted=True)
    reconcile_pending(client.store)
    got = client.get("/api/claims", params={"state": "LTU", "predicate": "transfer"}).json()["items"]
    assert [c["id"] for c in got] == [claim.id]
    assert client.get("/api/claims", params={"state": "POL", "predicate": "transfer"}).json()["items"][0]["id"] == claim.id
    both = client.get("/api/claims", params={"state": "LTU", "predicate": "treaty_withdrawal", "limit": 1,
                                             "sort": "id"}).json()
    nxt = client.get("/api/claims", params={"state": "LTU", "predicate": "treaty_withdrawal", "limit": 1,
                                            "sort": "id", "cursor": both["next_cursor"]}).json()
    assert len(both["items"]) == len(nxt["items"]) == 1 and both["items"][0]["id"] < nxt["items"][0]["id"]


def test_conflict_record_is_one_csv_column() -> None:
    from minewatch.web.api import ConflictOut, csv_columns

    cols = csv_columns(ConflictOut)
    rows = [{"id": "x-1", "kind": "record_contradiction", "severity": "high", "record": {"action": "signature", "date": "1999-02-26"},
             "claim_ids": ["c-1", "c-2"]}, {"id": "x-2", "kind": "value_contradiction", "severity": "low", "record": None}]
    out = list(csv.DictReader(io.StringIO(to_csv(rows, cols))))
    assert list(out[0]) == cols and "record.action" not in cols
    assert '"action": "signature"' in out[0]["record"] and out[1]["record"] == ""


def test_cli_csv_keeps_a_nested_fields_columns_together() -> None:
    rows = [{"id": "x-1", "record": {"a": 1}, "note": "n"}, {"id": "x-2", "record": {"a": 2, "b": 3}, "note": None}]
    assert to_csv(rows).splitlines()[0] == "id,record.a,record.b,note"
