"""The test suite's PostgreSQL: the server named by DATABASE_URL, or the package's throwaway
cluster (translator/verify/cluster.py, the one implementation `translator verify` uses too).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import psycopg

from translator.verify.cluster import find_pg_bin, throwaway_cluster

__all__ = ["create_database", "find_pg_bin", "server_url", "throwaway_cluster"]


@contextlib.contextmanager
def server_url() -> Iterator[str]:
    """DATABASE_URL when set, otherwise a throwaway cluster."""
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url
    else:
        with throwaway_cluster() as started:
            yield started


def create_database(server: str) -> str:
    """A fresh, empty database on the server; returns its URL. Keeps tests independent."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # name is generated here, not user input
    return psycopg.conninfo.make_conninfo(server, dbname=name)
