"""A worker's first-request costs are paid before it serves; cached answers keep their ETag."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient

from minewatch.web import create_app, pages
from minewatch.web.cache import ApiResponseCache, DataVersion


def _response_cache(app) -> ApiResponseCache:
    node = app.middleware_stack
    while node is not None and not isinstance(node, ApiResponseCache):
        node = getattr(node, "app", None)
    assert node is not None
    return node


def _tag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def test_warm_up_answers_before_the_first_request(kb) -> None:
    store, _ = kb
    DataVersion._shared.clear()
    pages._PAGES.entries.clear()
    pages._PAGES.bytes = 0
    app = create_app(store=store, warm_up=True)
    with TestClient(app) as client:  # the lifespan start-up runs the warm-up
        assert len(pages._PAGES.entries) == 1  # the newest claim's state page, rendered once
        # its API answers were not kept: a listing's next_url names the host the request named
        assert not _response_cache(app).entries
        page = client.get("/api/claims", params={"limit": 1})
        assert page.json()["next_url"].startswith("http://testserver/api/claims?")
        assert page.headers["etag"] == _tag(page.content)


def test_without_warm_up_nothing_is_answered_in_advance(kb) -> None:
    store, _ = kb
    app = create_app(store=store)
    with TestClient(app):
        assert not _response_cache(app).entries


def test_a_cached_answer_keeps_its_tag_and_answers_304(client) -> None:
    miss = client.get("/api/claims", params={"state": "LTU"})
    hit = client.get("/api/claims", params={"state": "LTU"})
    assert miss.headers["etag"] == hit.headers["etag"] == _tag(hit.content)
    assert [k for k, _ in hit.headers.raw].count(b"etag") == 1
    again = client.get("/api/claims", params={"state": "LTU"}, headers={"If-None-Match": f'W/{miss.headers["etag"]}'})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == miss.headers["etag"]
    assert "content-length" not in again.headers or again.headers["content-length"] == "0"


def test_a_cached_state_page_keeps_its_tag_and_answers_304(client) -> None:
    pages._PAGES.entries.clear()
    pages._PAGES.bytes = 0
    first = client.get("/states/LTU")
    kept = client.get("/states/LTU")
    assert first.headers["etag"] == kept.headers["etag"] == _tag(kept.content)
    assert [k for k, _ in kept.headers.raw].count(b"etag") == 1
    assert client.get("/states/LTU", headers={"If-None-Match": kept.headers["etag"]}).status_code == 304
    assert client.get("/states/EST", headers={"If-None-Match": kept.headers["etag"]}).status_code == 200


def test_workers_share_the_answers_they_compute(kb, tmp_path) -> None:
    """What one worker computed, another answers from the shared file without asking the store."""
    store, ids = kb
    DataVersion._shared.clear()
    shared = str(tmp_path / "answers.sqlite")
    first, second = create_app(store=store, shared_answers=shared), create_app(store=store, shared_answers=shared)
    calls = []
    real = store.claims

    def counted(f=None):
        calls.append(f)
        return real(f)

    store.claims = counted  # type: ignore[method-assign]
    with TestClient(first) as a, TestClient(second) as b:
        computed = a.get("/api/claims", params={"state": "LTU"})
        assert computed.status_code == 200 and len(calls) == 1
        read = b.get("/api/claims", params={"state": "LTU"})
        assert len(calls) == 1, "the second worker read the first one's answer"
        assert read.content == computed.content and read.headers["etag"] == computed.headers["etag"]
        assert read.headers["content-type"] == computed.headers["content-type"]
        assert b.get("/api/claims", params={"state": "EST"}).status_code == 200 and len(calls) == 2
        # new data: the shared answer of the old data is not served
        store.add_review(ids["ltu_claim"], "verified", "ana", "checked")
        DataVersion._shared.clear()
        again = b.get("/api/claims", params={"state": "LTU"})
        assert again.status_code == 200 and len(calls) == 3 and again.content != computed.content


def test_a_shared_answers_file_that_cannot_be_opened_is_skipped(kb, tmp_path) -> None:
    from minewatch.web.cache import SharedAnswers

    broken = SharedAnswers(str(tmp_path / "missing-folder" / "answers.sqlite"))
    assert broken.conn is None and broken.get(("/api/x", (), None)) is None
    broken.put(("/api/x", (), None), (200, [], b"{}"))  # no error: nothing is shared
    store, _ = kb
    app = create_app(store=store, shared_answers=str(tmp_path / "missing-folder" / "answers.sqlite"))
    with TestClient(app) as client:
        assert client.get("/api/claims").status_code == 200


def test_workers_share_the_state_pages_they_render(kb, tmp_path) -> None:
    store, _ = kb
    DataVersion._shared.clear()
    shared = str(tmp_path / "answers.sqlite")
    first, second = create_app(store=store, shared_answers=shared), create_app(store=store, shared_answers=shared)
    calls = []
    real = store.claims

    def counted(f=None):
        calls.append(f)
        return real(f)

    store.claims = counted  # type: ignore[method-assign]
    with TestClient(first) as a, TestClient(second) as b:
        pages._PAGES.entries.clear()
        rendered = a.get("/states/LTU")
        assert rendered.status_code == 200 and calls
        n = len(calls)
        pages._PAGES.entries.clear()  # as in another process: its own page cache is empty
        pages._PAGES.bytes = 0
        read = b.get("/states/LTU")
        assert len(calls) == n, "the page came from the shared file, not from the store"
        assert read.text == rendered.text and read.headers["etag"] == rendered.headers["etag"]
        assert "Lithuania" in read.text


def test_a_kept_state_page_is_answered_before_routing(client) -> None:
    """The second anonymous visit never reaches the router; a signed-in or parameterised one does."""
    from minewatch.web.pages import StatePageHits

    node = client.app.middleware_stack
    while not isinstance(node, StatePageHits):
        node = node.app
    reached = []
    inner = node.app

    async def counting(scope, receive, send):
        reached.append(scope["path"])
        await inner(scope, receive, send)

    node.app = counting
    pages._PAGES.entries.clear()
    pages._PAGES.bytes = 0
    first = client.get("/states/LTU")
    assert reached == ["/states/LTU"]
    client.cookies.clear()
    kept = client.get("/states/LTU")
    assert reached == ["/states/LTU"], "answered from the page cache before routing"
    assert kept.text == first.text and kept.headers["etag"] == first.headers["etag"]
    assert kept.headers["content-security-policy"] == first.headers["content-security-policy"]
    assert "csrf" in kept.headers.get("set-cookie", "").lower()  # a visitor without a cookie still gets one
    assert client.get("/states/LTU", headers={"If-None-Match": kept.headers["etag"]}).status_code == 304
    client.get("/states/LTU", params={"on": "2025-01-01"})
    assert reached[-1] == "/states/LTU"  # with parameters: the endpoint
    assert client.get("/states/ZZZ").status_code == 404 and reached[-1] == "/states/ZZZ"


def test_the_shared_answers_stay_within_their_bytes(tmp_path) -> None:
    from minewatch.web.cache import SharedAnswers

    shared = SharedAnswers(str(tmp_path / "answers.sqlite"), max_bytes=40_000)
    version = ((1, 2), None)
    for i in range(60):
        shared.put((f"/api/claims/{i}", (), version), (200, [(b"etag", b'"x"')], b"x" * 2_000))
    total = shared.conn.execute("SELECT sum(length(body)) FROM answers").fetchone()[0]
    assert total <= 40_000 + 10_000  # checked every quarter of the bound
    assert shared.get(("/api/claims/59", (), version))[2] == b"x" * 2_000  # the newest stay
    shared.put(("/api/claims/new", (), ((3, 4), None)), (200, [], b"y"))
    for i in range(60):  # new data: the old data's answers go at the next check
        shared.put((f"/api/facts/{i}", (), ((3, 4), None)), (200, [], b"z" * 2_000))
    assert shared.get(("/api/claims/59", (), version)) is None


def test_a_server_worker_hands_the_gil_over_sooner(tmp_path, monkeypatch) -> None:
    """Each worker the server spawns shortens the GIL switch interval, so its event loop answers cached
    pages between the threads computing new ones (bench/api.py's cold start)."""
    import sys

    from minewatch.web import server

    monkeypatch.setenv("MINEWATCH_DB", f"sqlite:///{tmp_path / 'kb.db'}")
    before = sys.getswitchinterval()
    try:
        app = server.app_factory()
        assert app.title == "minewatch"
        assert sys.getswitchinterval() == server.GIL_SWITCH_S < before
    finally:
        sys.setswitchinterval(before)
