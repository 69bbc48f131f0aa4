"""Issue 14: the sample's report pages become the 11 stock report_templates. They apply on
PostgreSQL, every key their layouts name exists in the same catalog (read back from the database),
each layout is valid against docs/layout.schema.json, and a second apply changes nothing."""

from __future__ import annotations

import dataclasses
import json

import jsonschema
import pytest

from tests.conftest import ROOT
from tests.seed.db import create_prerequisites, render_ok, run_script, snapshot
from translator.catalog.invariants import check_rows
from translator.catalog.rows import ReportTemplate
from translator.catalog.templates import layout_keys
from translator.pipeline import plan

STOCK = {  # section 4.9 of the design document: key -> (name, category, nav_section)
    "command-center": ("Command Center", "operations", "operations"),
    "real-time-pulse": ("Real-Time Pulse", "operations", "operations"),
    "revenue-analytics": ("Revenue Analytics", "analytics", "analytics"),
    "subscription-intelligence": ("Subscription Intelligence", "analytics", "analytics"),
    "customer-lifecycle": ("Customer Lifecycle", "lifecycle", "lifecycle"),
    "churn-analysis": ("Churn & Retention", "lifecycle", "lifecycle"),
    "payment-health-recovery": ("Payment Health & Recovery", "risk", "risk"),
    "channel-acquisition": ("Channel & Acquisition", "analytics", "analytics"),
    "financial-performance": ("Financial Performance", "financial", "financial"),
    "product-plan-performance": ("Product & Plan Performance", "analytics", "analytics"),
    "transaction-explorer": ("Transaction Explorer", "operations", "operations"),
}
SCHEMA = json.loads((ROOT / "docs" / "layout.schema.json").read_text(encoding="utf-8"))

_KEYS_IN_DB = {
    "metric": "SELECT metric_key FROM report_builder.metrics WHERE is_active",
    "dimension": "SELECT dimension_key FROM report_builder.dimensions WHERE is_active",
    "toggle": "SELECT toggle_key FROM report_builder.metric_toggles WHERE is_active",
    "source": "SELECT source_key FROM report_builder.data_sources WHERE is_active",
}


@pytest.fixture(scope="module")
def sample():
    built = plan(ROOT / "pbix_exports")
    assert built.ok
    return built


def dangling(pg, template_key: str) -> dict[str, set[str]]:
    """Keys the seeded layout names that the seeded catalog does not hold, by kind."""
    layout, default_filters, sources, toggles = pg.execute(
        "SELECT layout::text, default_filters::text, required_data_sources, required_toggles "
        "FROM report_builder.report_templates WHERE template_key = %s", (template_key,)).fetchone()
    row = ReportTemplate(template_key, "", "", layout, default_filters=default_filters,
                         required_data_sources=tuple(sources), required_toggles=tuple(toggles or ()))
    found = layout_keys(row)
    known = {kind: {k for (k,) in pg.execute(query)} for kind, query in _KEYS_IN_DB.items()}
    return {kind: keys - known[kind] for kind, keys in found.items() if keys - known[kind]}


def test_sample_seeds_the_11_stock_templates_with_every_key_in_the_catalog(pg, sample):
    create_prerequisites(pg)
    run_script(pg, sample.files["report_builder_schema.sql"])
    run_script(pg, sample.files["seed_catalog.sql"])
    rows = pg.execute("SELECT template_key, name, category, nav_section, layout "
                      "FROM report_builder.report_templates WHERE is_active").fetchall()
    assert {key: (name, category, nav) for key, name, category, nav, _ in rows} == STOCK
    for key, *_, layout in rows:
        jsonschema.validate(layout, SCHEMA)
        assert dangling(pg, key) == {}, key
        widgets = [w for s in layout["sections"] for w in s["widgets"]]
        assert any(w["metrics"] for w in widgets), key  # a dashboard, not only text
    # Section 4.9's data sources: the stock templates read the views the design names.
    sources = dict(pg.execute("SELECT template_key, required_data_sources FROM report_builder.report_templates"))
    assert sources["real-time-pulse"] == ["hourly_revenue"]
    assert sources["command-center"] == ["hourly_revenue", "order_summary"]
    assert sources["payment-health-recovery"] == ["decline_recovery", "mid_summary"]
    assert sources["transaction-explorer"] == ["order_details"]
    before = snapshot(pg)
    run_script(pg, sample.files["seed_catalog.sql"])
    assert snapshot(pg) == before  # idempotent: no new row version, no updated_at bump


def test_a_dangling_key_is_found(pg, sample):
    """The check above can fail: a layout naming a metric the catalog lacks is caught in the
    database, and the catalog's final row check refuses such a template (EMT505)."""
    create_prerequisites(pg)
    run_script(pg, sample.files["report_builder_schema.sql"])
    run_script(pg, sample.files["seed_catalog.sql"])
    pg.execute("""UPDATE report_builder.report_templates
                  SET layout = jsonb_set(layout, '{sections,0,widgets,0,metrics}', '["no_such_metric"]')
                  WHERE template_key = 'revenue-analytics'""")
    assert dangling(pg, "revenue-analytics") == {"metric": {"no_such_metric"}}

    template = next(t for t in sample.catalog.report_templates if t.template_key == "revenue-analytics")
    layout = json.loads(template.layout)
    layout["sections"][0]["widgets"][0]["dimensions"].append("no_such_dimension")
    broken = dataclasses.replace(template, layout=json.dumps(layout))
    diagnostics = check_rows(dataclasses.replace(sample.catalog, report_templates=(broken,)))
    assert [(d.code, "no_such_dimension" in d.message) for d in diagnostics] == [("EMT505", True)]


def test_a_template_no_longer_produced_is_deactivated_not_deleted(pg, sample):
    create_prerequisites(pg)
    run_script(pg, sample.files["report_builder_schema.sql"])
    run_script(pg, sample.files["seed_catalog.sql"])
    ids = dict(pg.execute("SELECT template_key, id FROM report_builder.report_templates"))
    fewer = dataclasses.replace(sample.catalog, report_templates=tuple(
        t for t in sample.catalog.report_templates if t.template_key != "real-time-pulse"))
    run_script(pg, render_ok(fewer)["seed_catalog.sql"])
    after = {key: (row_id, active) for key, row_id, active in
             pg.execute("SELECT template_key, id, is_active FROM report_builder.report_templates")}
    assert after["real-time-pulse"] == (ids["real-time-pulse"], False)
    assert all(after[key] == (ids[key], True) for key in ids if key != "real-time-pulse")
    run_script(pg, sample.files["seed_catalog.sql"])  # produced again: back, under its first id
    assert pg.execute("SELECT id, is_active FROM report_builder.report_templates "
                      "WHERE template_key = 'real-time-pulse'").fetchone() == (ids["real-time-pulse"], True)


def test_layout_schema_rejects_a_widget_without_position(sample):
    layout = json.loads(sample.catalog.report_templates[0].layout)
    del layout["sections"][0]["widgets"][0]["position"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(layout, SCHEMA)


def test_a_template_built_in_the_report_builder_is_left_alone(pg, sample):
    create_prerequisites(pg)
    run_script(pg, sample.files["report_builder_schema.sql"])
    run_script(pg, sample.files["seed_catalog.sql"])
    pg.execute("""INSERT INTO report_builder.report_templates
                      (template_key, name, category, layout, required_data_sources)
                  VALUES ('my-board', 'Mine', 'analytics', '{"version": 1, "sections": []}', '{order_summary}')""")
    run_script(pg, sample.files["seed_catalog.sql"])
    assert pg.execute("SELECT is_active FROM report_builder.report_templates "
                      "WHERE template_key = 'my-board'").fetchone() == (True,)
