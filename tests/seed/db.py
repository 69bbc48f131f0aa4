"""Helpers for running emitted SQL on the real PostgreSQL and reading the catalog back."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import psycopg

from tests.pgserver import find_pg_bin
from translator.catalog import check_catalog
from translator.catalog.rows import Catalog
from translator.diagnostics.render import human
from translator.emit import render

# The minimal beast_insights_v2 tables the schema refers to (the real ones have more columns):
# the development prerequisites file the README applies first.
PREREQUISITES_FILE = Path(__file__).resolve().parents[2] / "db" / "dev_prerequisites.sql"
PREREQUISITES = PREREQUISITES_FILE.read_text(encoding="utf-8")

SEEDED_TABLES = (
    "data_sources", "metrics", "dimensions", "metric_toggles", "metric_toggle_options",
    "metric_variants", "data_source_metrics", "data_source_dimensions",
)
USER_TABLES = ("report_templates", "saved_views", "dashboards", "dashboard_widgets",
               "user_dimension_access")


def render_ok(catalog: Catalog) -> dict[str, str]:
    problems = check_catalog(catalog)
    assert not problems, [human(d) for d in problems]
    files, diagnostics = render(catalog)
    assert not diagnostics, [human(d) for d in diagnostics]
    return files


def create_prerequisites(conn: psycopg.Connection) -> None:
    conn.execute(PREREQUISITES)


def run_script(conn: psycopg.Connection, sql: str) -> None:
    """Run a whole file as one simple query; on error roll back what the file began."""
    try:
        conn.execute(sql)
    except psycopg.Error:
        conn.execute("ROLLBACK")
        raise


def run_psql(url: str, sql: str) -> subprocess.CompletedProcess[str]:
    """Run a file the way production does: psql -v ON_ERROR_STOP=1 -f file."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", encoding="utf-8", delete=False) as f:
        f.write(sql)
    try:
        env = {**os.environ, "PGCLIENTENCODING": "UTF8"}
        return subprocess.run(
            [str(find_pg_bin() / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url,
             "-f", f.name], capture_output=True, text=True, env=env)
    finally:
        Path(f.name).unlink()


def install(conn: psycopg.Connection, catalog: Catalog) -> dict[str, str]:
    """Prerequisites, schema and the seed of `catalog` on an empty database."""
    files = render_ok(catalog)
    create_prerequisites(conn)
    run_script(conn, files["report_builder_schema.sql"])
    run_script(conn, files["seed_catalog.sql"])
    return files


def snapshot(conn: psycopg.Connection) -> dict[str, list[tuple]]:
    """Every row of every report_builder table with its xmin, and every sequence's state."""
    tables = [r[0] for r in conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'report_builder' "
        "ORDER BY table_name")]
    state: dict[str, list[tuple]] = {}
    for table in tables:
        state[table] = conn.execute(
            psycopg.sql.SQL("SELECT xmin::text, t.* FROM report_builder.{} AS t ORDER BY t::text")
            .format(psycopg.sql.Identifier(table))).fetchall()
    for (sequence,) in conn.execute(
            "SELECT sequence_name FROM information_schema.sequences "
            "WHERE sequence_schema = 'report_builder' ORDER BY 1").fetchall():
        state[f"sequence {sequence}"] = conn.execute(
            psycopg.sql.SQL("SELECT last_value, is_called FROM report_builder.{}")
            .format(psycopg.sql.Identifier(sequence))).fetchall()
    return state


# --- the catalog read back, keyed the way the catalog rows are -------------------------------

_ACTIVE_ROWS = {
    "data_sources": """
        SELECT source_key, display_name, view_pattern, date_column, client_id_column,
               refresh_frequency_minutes, description
        FROM report_builder.data_sources WHERE is_active""",
    "metrics": """
        SELECT metric_key, display_name, sql_expression, category, description, data_type,
               format_pattern, aggregation_type, is_derived, derived_formula, sort_order,
               is_invertable
        FROM report_builder.metrics WHERE is_active""",
    "dimensions": """
        SELECT dimension_key, display_name, column_expression, description, display_column,
               join_table, join_condition, data_type, filter_type, is_groupable, is_filterable,
               category, sort_order
        FROM report_builder.dimensions WHERE is_active""",
    "data_source_metrics": """
        SELECT ds.source_key, m.metric_key FROM report_builder.data_source_metrics x
        JOIN report_builder.data_sources ds ON ds.id = x.data_source_id
        JOIN report_builder.metrics m ON m.id = x.metric_id WHERE x.is_active""",
    "data_source_dimensions": """
        SELECT ds.source_key, d.dimension_key FROM report_builder.data_source_dimensions x
        JOIN report_builder.data_sources ds ON ds.id = x.data_source_id
        JOIN report_builder.dimensions d ON d.id = x.dimension_id WHERE x.is_active""",
    "toggles": """
        SELECT toggle_key, display_name, toggle_type, ui_component, description, sort_order
        FROM report_builder.metric_toggles WHERE is_active""",
    "toggle_options": """
        SELECT t.toggle_key, o.option_key, o.display_name, o.is_default, o.description,
               o.sort_order
        FROM report_builder.metric_toggle_options o
        JOIN report_builder.metric_toggles t ON t.id = o.toggle_id WHERE o.is_active""",
    "variants": """
        SELECT m.metric_key, t.toggle_key, o.option_key, v.sql_expression
        FROM report_builder.metric_variants v
        JOIN report_builder.metrics m ON m.id = v.metric_id
        JOIN report_builder.metric_toggle_options o ON o.id = v.toggle_option_id
        JOIN report_builder.metric_toggles t ON t.id = o.toggle_id WHERE v.is_active""",
}

# The catalog dataclass fields in the order the queries above select them.
_FIELDS = {
    "data_sources": ("source_key", "display_name", "view_pattern", "date_column",
                     "client_id_column", "refresh_frequency_minutes", "description"),
    "metrics": ("metric_key", "display_name", "sql_expression", "category", "description",
                "data_type", "format_pattern", "aggregation_type", "is_derived",
                "derived_formula", "sort_order", "is_invertable"),
    "dimensions": ("dimension_key", "display_name", "column_expression", "description",
                   "display_column", "join_table", "join_condition", "data_type", "filter_type",
                   "is_groupable", "is_filterable", "category", "sort_order"),
    "data_source_metrics": ("source_key", "metric_key"),
    "data_source_dimensions": ("source_key", "dimension_key"),
    "toggles": ("toggle_key", "display_name", "toggle_type", "ui_component", "description",
                "sort_order"),
    "toggle_options": ("toggle_key", "option_key", "display_name", "is_default", "description",
                       "sort_order"),
    "variants": ("metric_key", "toggle_key", "option_key", "sql_expression"),
}


def active_catalog(conn: psycopg.Connection) -> dict[str, set[tuple]]:
    return {name: set(conn.execute(query).fetchall()) for name, query in _ACTIVE_ROWS.items()}


def expected_catalog(catalog: Catalog) -> dict[str, set[tuple]]:
    return {name: {tuple(getattr(row, f) for f in fields) for row in getattr(catalog, name)}
            for name, fields in _FIELDS.items()}
