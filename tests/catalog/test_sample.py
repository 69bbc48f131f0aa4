"""End to end on the sample export: read -> parse -> compile -> build_catalog.

The expectations are structural facts stated by the design document (sections 4.1 and 4.6), not
the program's output."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from translator.catalog import build_catalog, check_completeness
from translator.compile import compile_model
from translator.dax import parse_model
from translator.readers import read_exports
from translator.readers.mapping import load_mapping

EXPORTS = Path(__file__).resolve().parents[2] / "pbix_exports"
SAMPLE = EXPORTS / "BeastInsights.SemanticModel"

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="the sample export is not in pbix_exports yet")

SECTION_4_1_SOURCES = {
    "order_summary", "mid_summary", "cohort_summary", "cb_refund_alert", "decline_recovery",
    "hourly_revenue", "alert_summary", "alert_details", "order_details", "products",
}
SECTION_4_6_TOGGLES = {
    # toggle_key: (toggle_type, ui_component)
    "approval_mode": ("metric_variant", "pill_group"),
    "date_basis": ("metric_variant", "pill_group"),
    "time_granularity": ("dimension_switch", "dropdown"),
    "profitability_view": ("metric_variant", "dropdown"),
    "retention_base": ("metric_variant", "pill_group"),
    "display_mode": ("metric_variant", "pill_group"),
}

SECTION_4_7_OPTIONS = {
    # toggle_key: (default, other options)
    "approval_mode": ("standard", {"organic", "net"}),
    "date_basis": ("transaction_date", {"initial_date", "cb_date", "refund_date"}),
    "time_granularity": ("day", {"week", "month"}),
    "profitability_view": ("gross", {"net", "detailed"}),
    "retention_base": ("initials", {"rebills"}),
    "display_mode": ("count", {"dollar", "percentage"}),
}


@pytest.fixture(scope="module")
def built():
    models, _ = read_exports(EXPORTS)
    mapping = load_mapping(EXPORTS / "translator.toml")[0]
    compiled = [compile_model(parse_model(m)[0], mapping.semantics, mapping=mapping)[0] for m in models]
    catalog, diagnostics = build_catalog(compiled, mapping)
    return compiled, catalog, diagnostics


def test_every_measure_is_in_the_report_exactly_once(built):
    compiled, catalog, diagnostics = built
    inputs = Counter((c.export, m.table.casefold(), m.name.casefold()) for c in compiled for m in c.model.measures)
    listed = Counter((e.export, e.table.casefold(), e.measure.casefold()) for e in catalog.report)
    assert listed == inputs
    assert sum(Counter(e.status for e in catalog.report).values()) == sum(inputs.values())
    assert check_completeness(compiled, catalog) == []
    assert "CAT313" not in {d.code for d in diagnostics}


# Slicer tables as Power BI users build them (issue 13): an "Enter data" table and a what-if
# parameter (GENERATESERIES), read with SELECTEDVALUE and a default.
USER_BUILT_TOGGLES = {
    "revenue_basis": ("metric_variant", "pill_group"),
    "target_growth": ("metric_variant", "pill_group"),
}


def test_the_six_toggles_of_section_4_6(built):
    _, catalog, _ = built
    expected = {**SECTION_4_6_TOGGLES, **USER_BUILT_TOGGLES}
    assert {t.toggle_key: (t.toggle_type, t.ui_component) for t in catalog.toggles} == expected
    defaults = Counter(o.toggle_key for o in catalog.toggle_options if o.is_default)
    assert defaults == Counter(expected.keys())
    options = {o.toggle_key: set() for o in catalog.toggle_options}
    for o in catalog.toggle_options:
        options[o.toggle_key].add(o.display_name)
    assert options["revenue_basis"] == {"Gross", "Net of Refunds"}  # decoded from the Enter-data M
    assert len(options["target_growth"]) == 4  # GENERATESERIES(0, 0.3, 0.1)


def test_the_options_of_section_4_7(built):
    _, catalog, _ = built
    found: dict[str, tuple[str | None, set[str]]] = {}
    for key in SECTION_4_7_OPTIONS:
        options = [o for o in catalog.toggle_options if o.toggle_key == key]
        default = next((o.option_key for o in options if o.is_default), None)
        found[key] = (default, {o.option_key for o in options if not o.is_default})
    assert found == SECTION_4_7_OPTIONS


def test_the_mapping_accepts_and_supplies_by_name(built):
    _, catalog, _ = built
    by_name = {e.measure: e for e in catalog.report}
    manual = by_name["Chargebacks by CB Date"]
    assert (manual.status, manual.placement) == ("manual", "metric")
    accepted = by_name["Hour Share of Today"]
    assert (accepted.status, accepted.placement, accepted.accepted) == ("approximate", "metric", True)
    waiting = by_name["Revenue % of Grand Total"]
    assert (waiting.status, waiting.placement, waiting.metric_key) == ("approximate", "untranslated", None)
    assert waiting.sql  # the proposed SQL is shown for review
    assert {"approvals", "attempts", "revenue"} <= {m.metric_key for m in catalog.metrics}


def test_the_ten_sources_of_section_4_1(built):
    _, catalog, _ = built
    assert {s.source_key for s in catalog.data_sources} == SECTION_4_1_SOURCES
    assert all(s.view_pattern == f"reporting.{s.source_key}_{{client_id}}" for s in catalog.data_sources)
    products = next(s for s in catalog.data_sources if s.source_key == "products")
    assert products.date_column is None


def test_every_metric_has_a_source_and_rows_join_by_key(built):
    _, catalog, _ = built
    metric_keys = {m.metric_key for m in catalog.metrics}
    linked = {link.metric_key for link in catalog.data_source_metrics}
    assert metric_keys and linked == metric_keys
    options = {(o.toggle_key, o.option_key) for o in catalog.toggle_options}
    assert all(v.metric_key in metric_keys and (v.toggle_key, v.option_key) in options for v in catalog.variants)
    dimension_keys = {d.dimension_key for d in catalog.dimensions}
    source_keys = {s.source_key for s in catalog.data_sources}
    assert all(l.dimension_key in dimension_keys and l.source_key in source_keys for l in catalog.data_source_dimensions)


def test_variants_differ_from_their_metric(built):
    _, catalog, _ = built
    default = {m.metric_key: m.sql_expression for m in catalog.metrics}
    assert catalog.variants
    assert all(v.sql_expression != default[v.metric_key] for v in catalog.variants)


def test_building_twice_gives_the_same_catalog(built):
    compiled, catalog, diagnostics = built
    again, again_diagnostics = build_catalog(compiled, load_mapping(EXPORTS / "translator.toml")[0])
    assert again == catalog and again_diagnostics == diagnostics


def test_derived_formulas_name_components_by_metric_key(built):
    """Components are bare identifiers naming metric keys; the view's columns stay quoted."""
    import sqlglot
    from sqlglot import exp

    _, catalog, _ = built
    keys = {m.metric_key for m in catalog.metrics}
    derived = [m for m in catalog.metrics if m.is_derived]
    assert derived
    for m in derived:
        columns = list(sqlglot.parse_one(m.derived_formula, read="postgres").find_all(exp.Column))
        bare = {c.name for c in columns if not c.this.quoted}
        assert bare and bare <= keys, m.metric_key



def test_a_metric_reading_no_column_links_only_to_its_own_tables_view(built):
    _, catalog, _ = built
    # COUNTROWS('Order Details') counts order_details' rows; on any other view it would count something else.
    linked = {link.source_key for link in catalog.data_source_metrics if link.metric_key == "order_count"}
    assert linked == {"order_details"}


def test_a_toggled_measure_lists_its_variants_in_the_report(built):
    _, catalog, _ = built
    # 'Total Approvals' is SWITCH(SELECTEDVALUE('Approval Mode'...), "Organic", ..., "Net", ..., default).
    entry = next(e for e in catalog.report if e.measure == "Total Approvals")
    assert {(toggle, option) for toggle, option, _ in entry.variants} == {
        ("approval_mode", "organic"), ("approval_mode", "net")}
    seeded = {(v.toggle_key, v.option_key, v.sql_expression) for v in catalog.variants
              if v.metric_key == entry.metric_key}
    assert set(entry.variants) == seeded


def test_presentation_constants_time_intelligence_and_root_causes(built):
    """Issue 13: not-metrics get their own status and are never seeded; time intelligence and
    blocking measures are data in the report's summary."""
    from translator.emit.report import summary

    _, catalog, _ = built
    by_name = {e.measure: e for e in catalog.report}
    assert {(n, by_name[n].status, by_name[n].placement) for n in ("Revenue Trend Colour", "Revenue Title",
            "Target Margin Rate")} == {("Revenue Trend Colour", "presentation", "untranslated"),
                                       ("Revenue Title", "presentation", "untranslated"),
                                       ("Target Margin Rate", "constant", "untranslated")}
    metric_names = {m.display_name for m in catalog.metrics}
    assert not metric_names & {"Revenue Trend Colour", "Revenue Title", "Target Margin Rate"}
    assert by_name["Target Margin"].placement == "metric"  # the constant is inlined
    facts = summary(catalog)
    # the sample's time intelligence, counted by hand from its DAX: Revenue LY, MoM (PREVIOUSMONTH),
    # Approvals vs Prior Week (DATEADD); YTD; 3M Rolling; Running Total and Cumulative Today Revenue
    assert facts["time_intelligence_by_kind"] == {
        "period_to_date": 1, "shifted_period": 3, "parallel_period": 0, "rolling_window": 1,
        "running_total": 2, "custom_date_filter": 0,
    }
    assert by_name["Revenue YoY %"].blocked_by == "Revenue LY"
    # a filter through Order Summary -> Campaigns: the lookup column a view would need
    assert (by_name["Nutra Revenue"].lookups, by_name["Nutra Revenue"].lookup_fact) == (
        ("'Campaigns'[vertical_name]",), "Order Summary")
    # ... and one the mapping declares the view carries: exact, reading the view column
    for name in ("Trial Campaign Revenue", "Trial Campaign Attempts"):
        assert by_name[name].status == "exact" and by_name[name].lookups == ()
        metric = next(m for m in catalog.metrics if m.display_name == name)
        assert '"campaign_type"' in metric.sql_expression
        assert {d.source_key for d in catalog.data_source_metrics if d.metric_key == metric.metric_key} == {
            "order_summary"}
