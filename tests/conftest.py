from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, settings

from tests.pgserver import create_database, server_url

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# CI: bounded time. long: the local proof run (`pytest --hypothesis-profile=long`).
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The build cache stays off for the suite (tests patch code the cache key cannot see);
# tests/test_cache.py turns it on in a temporary folder.
os.environ["TRANSLATOR_CACHE_DIR"] = ""


@pytest.fixture(scope="session")
def pg_server():
    """A libpq URL of a real PostgreSQL server for the whole session."""
    with server_url() as url:
        yield url


@pytest.fixture
def pg_url(pg_server):
    """A fresh empty database for one test."""
    return create_database(pg_server)


@pytest.fixture
def pg(pg_url):
    """An autocommit connection to a fresh empty database."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        yield conn
