"""Fixtures of the watch tests: the local feed server and a store on each database."""

from __future__ import annotations

import pytest
from watch_testserver import start_server, stop_server

from minewatch.store.repository import Store


@pytest.fixture
def server():
    s = start_server()
    yield s
    stop_server(s)


@pytest.fixture
def store(any_db_url):
    s = Store.open(any_db_url)  # SQLite, and PostgreSQL where MINEWATCH_TEST_PG names a server
    yield s
    s.engine.dispose()
