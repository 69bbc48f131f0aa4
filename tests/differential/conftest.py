from __future__ import annotations

import psycopg
import pytest

from tests.pgserver import create_database


@pytest.fixture(scope="module")
def module_pg(pg_server):
    """One database for a whole test module: each example TRUNCATEs and COPYs its rows."""
    with psycopg.connect(create_database(pg_server), autocommit=True) as conn:
        yield conn
