"""Serving the app with uvicorn (``minewatch serve``)."""

from __future__ import annotations

import os

from minewatch.store.database import database_url


def app_factory():
    """For uvicorn's worker processes: each builds its own app from the environment."""
    from minewatch.web.app import create_app

    return create_app(os.environ.get("MINEWATCH_DB"))


def run_server(db: str | None, host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve until interrupted; the address is printed first so a user can click it."""
    import uvicorn

    from minewatch.store.repository import Store

    url = database_url(db)
    Store.open(url)  # create/check the database once, before the workers start
    os.environ["MINEWATCH_DB"] = url
    where = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    writes = "writes enabled (token set)" if os.environ.get("MINEWATCH_TOKEN") else "read-only (set MINEWATCH_TOKEN to enable writes)"
    print(f"minewatch: serving {url} on {where} ({writes})", flush=True)
    uvicorn.run(
        "minewatch.web.server:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=max(1, workers),
        log_level="warning",
        proxy_headers=False,
    )
