"""Fixtures of the web tests: a small invented knowledge base, an app over it."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_kb import TOKEN, fill

from minewatch.store.repository import Store


@pytest.fixture
def kb(tmp_path: Path):
    store = Store.open(f"sqlite:///{tmp_path / 'web.db'}")
    ids = fill(store)
    return store, ids


@pytest.fixture
def client(kb, monkeypatch):
    from fastapi.testclient import TestClient

    from minewatch.web import create_app

    monkeypatch.setenv("MINEWATCH_TOKEN", TOKEN)
    store, ids = kb
    app = create_app(store=store)
    with TestClient(app) as tc:
        tc.ids = ids  # type: ignore[attr-defined]
        tc.store = store  # type: ignore[attr-defined]
        yield tc
