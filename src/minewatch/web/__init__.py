"""The web edge: JSON API, dashboard pages, server (``create_app``, ``run_server``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(db: str | None = None, **kw) -> FastAPI:
    # lazy: ``minewatch.web.server`` (the supervising process) and the CLI import this package without
    # needing FastAPI's modules and the app's (about a second)
    from minewatch.web.app import create_app as _create

    return _create(db, **kw)


__all__ = ["create_app"]
