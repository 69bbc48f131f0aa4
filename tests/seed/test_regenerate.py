"""Issue 7: regenerating the catalog under rows users built on it, failures, and races."""

from __future__ import annotations

import dataclasses
import threading

import psycopg
import pytest

from tests.pgserver import create_database
from tests.seed.catalogs import sample_catalog
from tests.seed.db import (
    USER_TABLES,
    active_catalog,
    expected_catalog,
    install,
    render_ok,
    run_psql,
    run_script,
    snapshot,
)
from translator.catalog.rows import Catalog, DataSourceMetric, Metric
from translator.emit.seed import SEED_LOCK_KEY


def version_two(v1: Catalog) -> Catalog:
    """v1 with revenue renamed (new key), refund_rate removed, approvals' SQL changed, the
    approval_mode option `net` (and its variant) removed, and the campaign_id dimension gone."""
    def metric(m: Metric) -> Metric:
        if m.metric_key == "revenue":
            return dataclasses.replace(m, metric_key="gross_revenue", display_name="Gross Revenue")
        if m.metric_key == "approvals":
            return dataclasses.replace(m, sql_expression="SUM(approvals) + SUM(net_approvals)")
        return m

    def link(x: DataSourceMetric) -> DataSourceMetric:
        return dataclasses.replace(x, metric_key="gross_revenue") if x.metric_key == "revenue" else x

    return dataclasses.replace(
        v1,
        metrics=tuple(metric(m) for m in v1.metrics if m.metric_key != "refund_rate"),
        data_source_metrics=tuple(link(x) for x in v1.data_source_metrics
                                  if x.metric_key != "refund_rate"),
        toggle_options=tuple(o for o in v1.toggle_options if o.option_key != "net"),
        variants=tuple(v for v in v1.variants if v.option_key != "net"),
        dimensions=tuple(d for d in v1.dimensions if d.dimension_key != "campaign_id"),
        data_source_dimensions=tuple(x for x in v1.data_source_dimensions
                                     if x.dimension_key != "campaign_id"),
    )


def add_user_rows(conn: psycopg.Connection) -> None:
    """What users build on the catalog: a saved view, a pinned widget, dimension access."""
    conn.execute("""
        INSERT INTO beast_insights_v2.users (id) VALUES ('usr_123');
        INSERT INTO beast_insights_v2.clients (id) VALUES (42);
        INSERT INTO report_builder.report_templates
            (template_key, name, category, layout, required_data_sources)
        VALUES ('revenue-analytics', 'Revenue Analytics', 'analytics', '{}', '{order_summary}');
        INSERT INTO report_builder.saved_views (user_id, template_id, client_id, name, toggles)
        SELECT 'usr_123', id, 42, 'My Q4 View', '{"approval_mode": "net"}'
        FROM report_builder.report_templates;
        INSERT INTO report_builder.dashboards (user_id, client_id, name)
        VALUES ('usr_123', 42, 'Mine');
        INSERT INTO report_builder.dashboard_widgets
            (dashboard_id, source_template_id, widget_type, widget_config, position)
        SELECT d.id, t.id, 'metric_card', '{"metrics": ["revenue", "refund_rate"]}',
               '{"x": 0, "y": 0, "w": 2, "h": 1}'
        FROM report_builder.dashboards d, report_builder.report_templates t;
        INSERT INTO report_builder.user_dimension_access
            (user_id, client_id, dimension_id, allowed_values)
        SELECT 'usr_123', 42, id, '[101, 205]' FROM report_builder.dimensions
        WHERE dimension_key = 'campaign_id';
    """)


def ids(conn: psycopg.Connection) -> dict[str, dict[tuple, tuple[int, bool]]]:
    """Natural key -> (id, is_active) for every seeded table."""
    queries = {
        "data_sources": "SELECT ROW(source_key), id, is_active FROM report_builder.data_sources",
        "metrics": "SELECT ROW(metric_key), id, is_active FROM report_builder.metrics",
        "dimensions": "SELECT ROW(dimension_key), id, is_active FROM report_builder.dimensions",
        "toggles": "SELECT ROW(toggle_key), id, is_active FROM report_builder.metric_toggles",
        "options": """SELECT ROW(t.toggle_key, o.option_key), o.id, o.is_active
                      FROM report_builder.metric_toggle_options o
                      JOIN report_builder.metric_toggles t ON t.id = o.toggle_id""",
        "variants": """SELECT ROW(m.metric_key, o.option_key), v.id, v.is_active
                       FROM report_builder.metric_variants v
                       JOIN report_builder.metrics m ON m.id = v.metric_id
                       JOIN report_builder.metric_toggle_options o ON o.id = v.toggle_option_id""",
        "data_source_metrics": """SELECT ROW(ds.source_key, m.metric_key), x.id, x.is_active
                       FROM report_builder.data_source_metrics x
                       JOIN report_builder.data_sources ds ON ds.id = x.data_source_id
                       JOIN report_builder.metrics m ON m.id = x.metric_id""",
        "data_source_dimensions": """SELECT ROW(ds.source_key, d.dimension_key), x.id, x.is_active
                       FROM report_builder.data_source_dimensions x
                       JOIN report_builder.data_sources ds ON ds.id = x.data_source_id
                       JOIN report_builder.dimensions d ON d.id = x.dimension_id""",
    }
    return {name: {key: (row_id, active) for key, row_id, active in conn.execute(q)}
            for name, q in queries.items()}


def test_regeneration_keeps_ids_deactivates_and_leaves_user_rows(pg):
    v1 = sample_catalog()
    v2 = version_two(v1)
    install(pg, v1)
    add_user_rows(pg)
    before_ids = ids(pg)
    before_users = {t: snapshot(pg)[t] for t in USER_TABLES}

    run_script(pg, render_ok(v2)["seed_catalog.sql"])

    after_ids = ids(pg)
    assert active_catalog(pg) == expected_catalog(v2)
    for table, rows in before_ids.items():
        for key, (row_id, _) in rows.items():
            assert after_ids[table][key][0] == row_id, (table, key)  # nothing deleted or re-keyed
    gone = {
        "metrics": [("revenue",), ("refund_rate",)],
        "options": [("approval_mode", "net")],
        "variants": [("approvals", "net")],
        "dimensions": [("campaign_id",)],
        "data_source_metrics": [("order_summary", "revenue"), ("cohort_summary", "refund_rate")],
        "data_source_dimensions": [("order_summary", "campaign_id")],
    }
    for table, keys in gone.items():
        for key in keys:
            assert after_ids[table][key][1] is False, (table, key)
    assert after_ids["metrics"][("gross_revenue",)][1] is True
    assert after_ids["metrics"][("approvals",)][1] is True
    assert pg.execute("SELECT sql_expression FROM report_builder.metrics "
                      "WHERE metric_key = 'approvals'").fetchone() == (
        "SUM(approvals) + SUM(net_approvals)",)
    assert {t: snapshot(pg)[t] for t in USER_TABLES} == before_users

    # v1 again: the rows come back, active, under their first ids.
    run_script(pg, render_ok(v1)["seed_catalog.sql"])
    assert active_catalog(pg) == expected_catalog(v1)
    again = ids(pg)
    for table, rows in before_ids.items():
        assert {k: v for k, v in again[table].items() if k in rows} == rows, table


def _fail_late(conn: psycopg.Connection) -> None:
    """Make the variants statement (late in the seed) fail, after metrics were rewritten."""
    conn.execute("ALTER TABLE report_builder.metric_variants ADD CONSTRAINT test_fail_late "
                 "CHECK (sql_expression NOT LIKE '%+ 0')")


def _with_failing_variant(catalog: Catalog) -> Catalog:
    v2 = version_two(catalog)
    return dataclasses.replace(v2, variants=tuple(
        dataclasses.replace(v, sql_expression="SUM(approvals_organic) + 0") for v in v2.variants))


def _tables_only(state: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    # Sequences are not transactional in PostgreSQL: a rolled-back insert still uses up ids.
    return {k: v for k, v in state.items() if not k.startswith("sequence ")}


def test_seed_failing_halfway_leaves_database_as_it_was(pg):
    install(pg, sample_catalog())
    add_user_rows(pg)
    _fail_late(pg)
    before = snapshot(pg)
    with pytest.raises(psycopg.errors.CheckViolation, match="test_fail_late"):
        run_script(pg, render_ok(_with_failing_variant(sample_catalog()))["seed_catalog.sql"])
    assert _tables_only(snapshot(pg)) == _tables_only(before)


def test_seed_failing_halfway_through_psql(pg, pg_url):
    install(pg, sample_catalog())
    _fail_late(pg)
    before = snapshot(pg)
    result = run_psql(pg_url, render_ok(_with_failing_variant(sample_catalog()))["seed_catalog.sql"])
    assert result.returncode != 0 and "test_fail_late" in result.stderr
    assert _tables_only(snapshot(pg)) == _tables_only(before)


def _apply_concurrently(url: str, seeds: list[str]) -> list[BaseException]:
    barrier = threading.Barrier(len(seeds))
    errors: list[BaseException] = []

    def apply(seed: str) -> None:
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                barrier.wait()
                run_script(conn, seed)
        except BaseException as e:  # noqa: BLE001 - reported to the test below
            errors.append(e)

    threads = [threading.Thread(target=apply, args=(seed,)) for seed in seeds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def row_counts(conn: psycopg.Connection) -> dict[str, int]:
    return {t: conn.execute(psycopg.sql.SQL("SELECT count(*) FROM report_builder.{}").format(
        psycopg.sql.Identifier(t))).fetchone()[0] for t in (
        "data_sources", "metrics", "dimensions", "metric_toggles", "metric_toggle_options",
        "metric_variants", "data_source_metrics", "data_source_dimensions")}


def test_two_applies_at_once_end_as_one(pg, pg_url, pg_server):
    catalog = sample_catalog()
    files = render_ok(catalog)
    install(pg, Catalog())  # schema, empty catalog
    errors = _apply_concurrently(pg_url, [files["seed_catalog.sql"]] * 2)
    assert errors == []
    assert active_catalog(pg) == expected_catalog(catalog)
    # Compare with one apply on another fresh database: same rows, no duplicates.
    with psycopg.connect(create_database(pg_server), autocommit=True) as single:
        install(single, catalog)
        assert row_counts(pg) == row_counts(single)


def test_racing_versions_end_in_one_of_them(pg, pg_url):
    v1 = sample_catalog()
    v2 = version_two(v1)
    install(pg, v1)
    errors = _apply_concurrently(pg_url, [render_ok(v1)["seed_catalog.sql"],
                                          render_ok(v2)["seed_catalog.sql"]])
    assert errors == []
    assert active_catalog(pg) in (expected_catalog(v1), expected_catalog(v2))


def test_apply_waits_for_the_advisory_lock(pg, pg_url):
    """The seed's first act is to take the lock: while someone holds it, the seed waits."""
    install(pg, Catalog())
    seed = render_ok(sample_catalog())["seed_catalog.sql"]
    with psycopg.connect(pg_url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (SEED_LOCK_KEY,))
        done = threading.Event()

        def apply() -> None:
            with psycopg.connect(pg_url, autocommit=True) as conn:
                run_script(conn, seed)
            done.set()

        thread = threading.Thread(target=apply)
        thread.start()
        waiting = 0
        for _ in range(100):
            waiting = pg.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                                 "AND NOT granted").fetchone()[0]
            if waiting:
                break
            threading.Event().wait(0.05)
        assert waiting == 1 and not done.is_set()
        assert pg.execute("SELECT count(*) FROM report_builder.metrics").fetchone() == (0,)
        holder.execute("SELECT pg_advisory_unlock(%s)", (SEED_LOCK_KEY,))
        thread.join(30)
    assert done.is_set()
    assert active_catalog(pg) == expected_catalog(sample_catalog())
