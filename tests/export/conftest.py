"""The export tests reuse the web tests' invented knowledge base."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from minewatch.store.repository import Store

_spec = importlib.util.spec_from_file_location("web_kb_fixture", Path(__file__).parents[1] / "web" / "web_kb.py")
_kb = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(_kb)  # type: ignore[union-attr]


@pytest.fixture
def filled(tmp_path: Path):
    store = Store.open(f"sqlite:///{tmp_path / 'kb.db'}")
    ids = _kb.fill(store)
    return store, ids
