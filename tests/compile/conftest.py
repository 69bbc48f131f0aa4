"""Fixtures of the compiler tests: the fact table `sales` on the real PostgreSQL."""

from __future__ import annotations

import tomllib
from pathlib import Path

import psycopg
import pytest
from psycopg import sql as pgsql

from tests.compile.model import CUSTOMER_DDL, SALES_DDL, SALES_VIEW_DDL
from tests.pgserver import create_database

DATA = tomllib.loads((Path(__file__).parent / "data.toml").read_text())


@pytest.fixture(scope="module")
def sales_db(pg_server):
    """One database with the fact table `sales` and the lookup table `customer` filled from
    data.toml, and `sales_view`, which carries Customer's columns."""
    url = create_database(pg_server)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SALES_DDL)
        columns = pgsql.SQL(", ").join(pgsql.Identifier(c) for c in DATA["columns"])
        marks = pgsql.SQL(", ").join(pgsql.Placeholder() for _ in DATA["columns"])
        insert = pgsql.SQL("INSERT INTO sales ({}) VALUES ({})").format(columns, marks)
        for row in DATA["rows"]:
            conn.execute(insert, [None if v == "NULL" else v for v in row])
        conn.execute(CUSTOMER_DDL)
        for row in DATA["customer_rows"]:
            conn.execute("INSERT INTO customer VALUES (%s, %s, %s)", [None if v == "NULL" else v for v in row])
        conn.execute(SALES_VIEW_DDL)
        yield conn
