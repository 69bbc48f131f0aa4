"""The emitted schema and seed on the real PostgreSQL: they apply, and re-applying is a no-op."""

from __future__ import annotations

import psycopg
import pytest

from tests.seed.catalogs import sample_catalog
from tests.seed.db import (
    active_catalog,
    create_prerequisites,
    expected_catalog,
    install,
    render_ok,
    run_psql,
    run_script,
    snapshot,
)
from translator.catalog.columns import SEED_TABLES, Kind

# From the appendix of the design document: the 18 report_builder tables.
DESIGN_TABLES = {
    "data_sources", "metrics", "dimensions", "data_source_metrics", "data_source_dimensions",
    "metric_toggles", "metric_toggle_options", "metric_variants", "report_templates",
    "saved_views", "filter_presets", "dashboards", "dashboard_widgets", "scheduled_reports",
    "export_jobs", "user_dimension_access", "dimension_access_audit", "client_modules",
}


def test_schema_creates_every_design_table_with_named_primary_keys(pg):
    create_prerequisites(pg)
    run_script(pg, render_ok(sample_catalog())["report_builder_schema.sql"])
    tables = {r[0] for r in pg.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema='report_builder'")}
    assert tables == DESIGN_TABLES
    primary_keys = {r[0] for r in pg.execute(
        "SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE n.nspname = 'report_builder' AND c.contype = 'p'")}
    assert primary_keys == {f"{t}_pk" for t in DESIGN_TABLES}
    added = pg.execute(
        "SELECT table_name, column_name, column_default FROM information_schema.columns "
        "WHERE table_schema = 'beast_insights_v2' AND column_name IN "
        "('report_mode', 'is_native_reports_enabled') ORDER BY 1").fetchall()
    assert added == [("client_features", "is_native_reports_enabled", "false"),
                     ("clients", "report_mode", "'powerbi'::character varying")]


def test_schema_rerun_changes_nothing(pg):
    create_prerequisites(pg)
    schema = render_ok(sample_catalog())["report_builder_schema.sql"]
    run_script(pg, schema)
    catalog_before = pg.execute(
        "SELECT c.relname, c.oid::int FROM pg_class c JOIN pg_namespace n "
        "ON n.oid = c.relnamespace WHERE n.nspname = 'report_builder' ORDER BY 1").fetchall()
    run_script(pg, schema)
    catalog_after = pg.execute(
        "SELECT c.relname, c.oid::int FROM pg_class c JOIN pg_namespace n "
        "ON n.oid = c.relnamespace WHERE n.nspname = 'report_builder' ORDER BY 1").fetchall()
    assert catalog_after == catalog_before


def test_column_limits_match_the_schema(pg):
    """columns.py states each seeded column's VARCHAR size; the DDL must say the same."""
    create_prerequisites(pg)
    run_script(pg, render_ok(sample_catalog())["report_builder_schema.sql"])
    sizes = {(t, c): n for t, c, n in pg.execute(
        "SELECT table_name, column_name, character_maximum_length FROM "
        "information_schema.columns WHERE table_schema = 'report_builder'")}
    types = {(t, c): n for t, c, n in pg.execute(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'report_builder' AND a.attnum > 0")}
    for table in SEED_TABLES:
        for column in table.columns:
            if column.kind is Kind.TEXT_ARRAY:  # VARCHAR(n)[]: the limit is the element's
                assert types[table.name, column.name] == f"character varying({column.max_length})[]"
            elif (table.name, column.name) in sizes:
                assert sizes[table.name, column.name] == column.max_length, (table.name, column)



def test_references_keys_and_timestamps_match_the_schema(pg):
    """columns.py declares which staged keys name another table's row (stored as an id), the
    natural key the upsert conflicts on, and which tables have updated_at: the DDL must say the same."""
    create_prerequisites(pg)
    run_script(pg, render_ok(sample_catalog())["report_builder_schema.sql"])
    foreign = {(t, c): parent for t, c, parent in pg.execute(
        "SELECT tc.table_name, kcu.column_name, ccu.table_name FROM information_schema.table_constraints tc "
        "JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name) "
        "JOIN information_schema.constraint_column_usage ccu USING (constraint_schema, constraint_name) "
        "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'report_builder'")}
    unique: dict[str, set[tuple[str, ...]]] = {}
    for table, columns in pg.execute(
            "SELECT c.relname, array_agg(a.attname ORDER BY k.n)::text[] FROM pg_constraint x "
            "JOIN pg_class c ON c.oid = x.conrelid JOIN pg_namespace ns ON ns.oid = c.relnamespace "
            "CROSS JOIN LATERAL unnest(x.conkey) WITH ORDINALITY AS k(attnum, n) "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
            "WHERE ns.nspname = 'report_builder' AND x.contype = 'u' GROUP BY x.oid, c.relname"):
        unique.setdefault(table, set()).add(tuple(columns))
    stamped = {t for (t,) in pg.execute(
        "SELECT table_name FROM information_schema.columns "
        "WHERE table_schema = 'report_builder' AND column_name = 'updated_at'")}
    for table in SEED_TABLES:
        declared = {(table.name, r.id_column): r.parent.name for r in table.references}
        assert declared == {key: parent for key, parent in foreign.items() if key[0] == table.name}
        assert table.target_key in unique[table.name], table.name
        assert table.stamped == (table.name in stamped), table.name

def test_seed_applies_and_reads_back(pg):
    catalog = sample_catalog()
    install(pg, catalog)
    assert active_catalog(pg) == expected_catalog(catalog)


def test_second_apply_changes_nothing(pg):
    files = install(pg, sample_catalog())
    before = snapshot(pg)
    assert before["metrics"] and before["metric_variants"]
    run_script(pg, files["seed_catalog.sql"])
    assert snapshot(pg) == before


def test_seed_applies_through_psql(pg, pg_url):
    catalog = sample_catalog()
    files = render_ok(catalog)
    create_prerequisites(pg)
    for name in ("report_builder_schema.sql", "seed_catalog.sql", "seed_catalog.sql"):
        result = run_psql(pg_url, files[name])
        assert result.returncode == 0, result.stderr
    assert active_catalog(pg) == expected_catalog(catalog)


def test_seed_without_schema_fails_cleanly(pg):
    create_prerequisites(pg)
    with pytest.raises(psycopg.errors.UndefinedTable):
        run_script(pg, render_ok(sample_catalog())["seed_catalog.sql"])
