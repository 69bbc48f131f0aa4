"""Issue 12, finding 1: `translator verify` never harms a database it did not create.

Without --dsn it runs on its own throwaway server; with --dsn it refuses a database that holds the
schemas it writes unless told the database is a scratch copy, and whatever it does is rolled back.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
from click.testing import CliRunner

from tests.seed.db import install
from tests.seed.catalogs import sample_catalog
from translator.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "pbix_exports"
PRODUCTION_ROWS = 5000


def _verify(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["verify", "--exports", str(SAMPLE), "--rows", "20", *args])
    return result.exit_code, result.stdout, result.stderr


def _production(conn: psycopg.Connection) -> None:
    """A database serving customers: the catalog, an admin's metric, a hand-edited description, a
    real reporting table of 5,000 rows and a reporting view."""
    install(conn, sample_catalog())
    conn.execute("INSERT INTO report_builder.metrics (metric_key, display_name, sql_expression, data_type, "
                 "category, aggregation_type) VALUES ('admin_metric', 'Admin', 'SUM(x)', 'number', "
                 "'sales', 'sum')")
    conn.execute("CREATE SCHEMA reporting")
    conn.execute("CREATE TABLE reporting.order_summary_1 AS SELECT g AS id FROM generate_series(1, %s) g",
                 (PRODUCTION_ROWS,))
    conn.execute("CREATE VIEW reporting.alert_summary_1 AS SELECT 1 AS id")


def _state(conn: psycopg.Connection) -> tuple:
    return (
        conn.execute("SELECT nspname FROM pg_namespace WHERE nspname IN "
                     "('report_builder', 'reporting', 'beast_insights_v2') ORDER BY 1").fetchall(),
        conn.execute("SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = "
                     "c.relnamespace WHERE n.nspname IN ('reporting', 'beast_insights_v2') ORDER BY 1").fetchall(),
        conn.execute("SELECT metric_key, description, is_active, xmin::text FROM report_builder.metrics "
                     "ORDER BY metric_key").fetchall(),
        conn.execute("SELECT count(*) FROM reporting.order_summary_1").fetchone(),
    )


def test_a_database_holding_the_catalog_is_refused_and_left_alone(pg, pg_url) -> None:
    _production(pg)
    before = _state(pg)
    code, stdout, stderr = _verify("--dsn", pg_url)
    assert code == 2
    assert "CLI608" in stderr and len(stderr.strip().splitlines()) == 1
    assert _state(pg) == before


def test_with_the_scratch_flag_everything_is_rolled_back(pg, pg_url) -> None:
    _production(pg)
    pg.execute("UPDATE report_builder.metrics SET description = 'edited by hand' WHERE metric_key = 'approvals'")
    before = _state(pg)
    code, stdout, stderr = _verify("--dsn", pg_url, "--overwrite-scratch-database", "--format", "json")
    assert code == 0, stderr
    assert json.loads(stdout)["counts"]["agree"] > 100  # it did run, over the table and the view
    assert _state(pg) == before  # same rows, same row versions, no extra tables, no stand-ins
    assert before[3] == (PRODUCTION_ROWS,)


def test_an_empty_database_is_left_empty(pg, pg_url) -> None:
    code, _, stderr = _verify("--dsn", pg_url)
    assert code == 0, stderr
    assert pg.execute("SELECT count(*) FROM pg_namespace WHERE nspname IN "
                      "('report_builder', 'reporting', 'beast_insights_v2')").fetchone() == (0,)


def test_without_dsn_verify_runs_on_its_own_server() -> None:
    code, stdout, stderr = _verify("--format", "json")
    assert code == 0, stderr
    assert json.loads(stdout)["counts"]["agree"] > 100


def test_a_bad_dsn_is_one_line_and_exit_2(pg_server) -> None:
    unreachable = psycopg.conninfo.make_conninfo(pg_server, port="1", connect_timeout="2")
    for dsn in ("not a url at all", "postgresql://nobody@127.0.0.1:1/x?connect_timeout=2", unreachable,
                "postgresql://[::1"):
        code, stdout, stderr = _verify("--dsn", dsn)
        assert code == 2, (dsn, stderr)
        assert "CLI607" in stderr and len(stderr.strip().splitlines()) == 1, (dsn, stderr)
        assert "Traceback" not in stderr
