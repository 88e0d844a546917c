"""Identical concurrent uncached requests are answered from one computation, off the event loop."""

from __future__ import annotations

import asyncio
import threading

import httpx

from minewatch.web import create_app


def test_concurrent_identical_listings_compute_once(kb) -> None:
    store, ids = kb
    app = create_app(store=store)
    calls, threads = [], set()
    real = store.claims
    gate = threading.Event()

    def counted(f=None):
        calls.append(f)
        threads.add(threading.get_ident())
        gate.wait(5)  # hold the first computation until the others have arrived
        return real(f)

    store.claims = counted  # type: ignore[method-assign]

    async def main() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            tasks = [asyncio.create_task(client.get("/api/claims", params={"state": "EST", "limit": 5}))
                     for _ in range(10)]
            while not calls:  # the first request is computing (in a worker thread: the loop is free)
                await asyncio.sleep(0.01)
            for _ in range(20):
                await asyncio.sleep(0)
            gate.set()
            return await asyncio.gather(*tasks)

    answers = asyncio.run(main())
    assert [r.status_code for r in answers] == [200] * 10
    assert len({r.content for r in answers}) == 1
    assert answers[0].json()["items"], "EST has claims in the test base"
    assert len(calls) == 1
    assert threading.get_ident() not in threads


def test_concurrent_identical_state_pages_render_once(kb) -> None:
    store, ids = kb
    app = create_app(store=store)
    calls = []
    real = store.claims
    gate = threading.Event()

    def counted(f=None):
        calls.append(f)
        gate.wait(5)
        return real(f)

    store.claims = counted  # type: ignore[method-assign]

    async def main() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            tasks = [asyncio.create_task(client.get("/states/EST")) for _ in range(8)]
            while not calls:
                await asyncio.sleep(0.01)
            for _ in range(20):
                await asyncio.sleep(0)
            gate.set()
            return await asyncio.gather(*tasks)

    answers = asyncio.run(main())
    assert [r.status_code for r in answers] == [200] * 8
    assert len({r.text for r in answers}) == 1
    assert "Estonia" in answers[0].text
    assert len(calls) == 1
