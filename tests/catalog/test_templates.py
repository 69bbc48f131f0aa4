"""Issue 14: report pages -> report_templates rows: which pages, how fields resolve to catalog
keys, positions on the grid, merging pages, and the per-visual account."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.readers.report_writers import write_pbir
from tests.readers.test_reports import EVERYTHING
from translator.catalog.templates import GRID_COLUMNS, WIDGET_RULES, grid_position, slug
from translator.pipeline import plan
from translator.model.layout import FieldKind, FieldRef, Page, Position, Projection, Visual

EXPORTS = Path(__file__).resolve().parents[2] / "pbix_exports"
MODEL = EXPORTS / "BeastInsights.SemanticModel"


@pytest.fixture(scope="module")
def sample():
    return plan(EXPORTS)


def template(built, key):
    row = next(t for t in built.catalog.report_templates if t.template_key == key)
    return row, {w["key"]: w for s in json.loads(row.layout)["sections"] for w in s["widgets"]}


def test_fields_resolve_to_catalog_keys(sample):
    _, widgets = template(sample, "subscription-intelligence")
    # Campaigns[campaign_name] beside cohort measures: the cohort view's trial campaign.
    assert widgets["si_cohorts"]["dimensions"] == ["trial_campaign_name"]
    assert widgets["si_cohorts"]["metrics"] == ["cohort_approvals", "cohort_value", "retention_rate"]
    assert widgets["si_approval_mode"]["widget_type"] == "slicer"
    assert widgets["si_approval_mode"]["toggles"] == ["approval_mode"]
    _, widgets = template(sample, "command-center")
    assert widgets["cc_campaigns"]["dimensions"] == ["campaign_name"]  # order summary's own campaign
    assert widgets["cc_daily"]["dimensions"] == ["date"]  # Date[Date] -> Order Summary[date]
    assert widgets["cc_hourly"]["sort"] == {"by": "hour", "direction": "asc"}
    _, widgets = template(sample, "payment-health-recovery")
    assert widgets["ph_recovery"]["dimensions"] == ["date"]
    assert widgets["ph_mids"]["dimensions"] == ["gateway_alias"]
    _, widgets = template(sample, "transaction-explorer")
    assert widgets["tx_date"]["dimensions"] == ["date_of_sale"]  # the page's facts: Order Details


def test_topn_sort_and_page_filters(sample):
    row, widgets = template(sample, "revenue-analytics")
    assert (widgets["ra_campaigns"]["top_n"], widgets["ra_campaigns"]["sort"]) == (
        10, {"by": "revenue", "direction": "desc"})
    row, _ = template(sample, "channel-acquisition")
    section = json.loads(row.layout)["sections"][0]
    assert section["filters"] == [{"dimension": "sales_type", "operator": "in", "values": ["Initial"]}]


def test_unresolved_fields_keep_the_widget_and_say_why(sample):
    _, widgets = template(sample, "transaction-explorer")
    orders = widgets["tx_orders"]
    assert orders["widget_type"] == "data_table"
    assert orders["dimensions"] == ["order_id", "date_of_sale", "bill_email", "gateway_alias"]
    assert [u["field"] for u in orders["unresolved"]] == ["'Order Details'[order_status]",
                                                         "SUM('Order Details'[order_total])"]
    _, widgets = template(sample, "revenue-analytics")
    assert widgets["ra_card_4"]["metrics"] == []
    assert widgets["ra_card_4"]["unresolved"][0]["field"] == "'Order Summary'[Revenue YoY %]"
    assert "CMP209" in widgets["ra_card_4"]["unresolved"][0]["reason"]


def test_every_visual_of_the_sample_is_accounted_for(sample):
    pages = {p.page: p for p in sample.catalog.pages}
    assert len(pages) == 13
    assert (pages["Campaign Drillthrough"].template_key, pages["Campaign Drillthrough"].excluded) == (None, "hidden page")
    assert (pages["Revenue Tooltip"].template_key, pages["Revenue Tooltip"].excluded) == (None, "tooltip page")
    statuses = {(p.page, v.visual): v.status for p in pages.values() for v in p.visuals}
    partly = {k for k, s in statuses.items() if s == "partly_converted"}
    # untranslated measures, a presentation (label) measure, a column without a dimension
    assert partly == {("Real-Time Pulse", "rt_cumulative"), ("Revenue Analytics", "ra_card_4"),
                      ("Payment Health & Recovery", "ph_card_5"), ("Payment Health & Recovery", "ph_mids"),
                      ("Channel & Acquisition", "ca_table"), ("Transaction Explorer", "tx_orders")}
    assert {k for k, s in statuses.items() if s == "not_converted"} == {("Product & Plan Performance", "pp_logo")}
    part = json.loads(sample.files["translation_report.json"])["report_pages"]
    assert sum(len(p["visuals"]) for p in part["pages"]) == len(statuses)
    # 97 visuals: 1 group (not a visual), 2 on the hidden and tooltip pages, 7 not fully converted
    assert part["visuals"] == {"converted": len(statuses) - 9, "partly_converted": 6, "not_converted": 1}
    rows = json.loads(sample.files["translation_report.json"])["catalog"]["report_templates"]
    assert [t["template_key"] for t in rows] == sorted(t.template_key for t in sample.catalog.report_templates)
    codes = {(d.code, d.message.split(", visual ")[1].split(" ")[0]) for d in sample.diagnostics
             if d.code in ("CAT340", "CAT341")}
    assert codes == {("CAT340", v) for _, v in partly} | {("CAT341", "pp_logo")}


def test_the_markdown_report_has_a_section_per_page(sample):
    markdown = sample.files["translation_report.md"]
    pages = markdown.split("## Report pages", 1)[1]
    assert pages.count("\n### Page ") == 13
    assert "| `pp_logo` | `image` | not converted | none |" in pages


@pytest.fixture
def exports(tmp_path):
    """The sample model with a report of the hand-made layout (tests/readers/test_reports.py)."""
    shutil.copytree(MODEL, tmp_path / "Model.SemanticModel")
    return tmp_path


def measure(name):
    return Projection("Values", FieldRef(FieldKind.MEASURE, "Order Summary", name))


def page(name, display, *visuals, **extra):
    return Page(name, display, int(name[1:]), visuals=tuple(visuals), **extra)


def card(name, *projections, x=0, y=0):
    return Visual(name, "card", Position(x, y, 200, 100), tuple(projections))


def test_pages_with_one_template_key_merge_into_sections_and_include_overrides(exports):
    layout = replace(EVERYTHING, pages=(
        page("p0", "Revenue", card("a", measure("Total Revenue"))),
        page("p1", "Revenue by Product", card("b", measure("Approval Rate"))),
        page("p2", "Secret", card("c", measure("Total Revenue")), is_hidden=True),
        page("p3", "Dropped", card("d", measure("Total Revenue"))),
    ))
    write_pbir(layout, exports)
    (exports / "translator.toml").write_text("""
[templates."Revenue"]
template_key = "revenue-analytics"
nav_icon = "trending-up"
[templates."Revenue by Product"]
template_key = "revenue-analytics"
section_title = "By product"
category = "financial"
[templates."Secret"]
include = true
[templates."Dropped"]
include = false
[templates."No Such Page"]
name = "x"
""", encoding="utf-8")
    built = plan(exports)
    rows = {t.template_key: t for t in built.catalog.report_templates}
    assert sorted(rows) == ["revenue-analytics", "secret"]
    merged = rows["revenue-analytics"]
    layout_json = json.loads(merged.layout)
    assert [(s["title"], [w["key"] for w in s["widgets"]]) for s in layout_json["sections"]] == [
        ("Revenue", ["a"]), ("By product", ["b"])]
    assert (merged.name, merged.category, merged.nav_icon, merged.nav_section) == (
        "Revenue", "financial", "trending-up", "financial")
    assert merged.required_data_sources == ("order_summary",)
    dropped = next(p for p in built.catalog.pages if p.page == "Dropped")
    assert dropped.template_key is None and "mapping" in dropped.excluded
    assert [d.code for d in built.diagnostics if "No Such Page" in d.message] == ["CAT309"]


def test_a_report_on_a_remote_model_keeps_its_layout_with_every_field_unresolved(exports):
    folder = write_pbir(replace(EVERYTHING, pages=(page("p0", "Revenue", card("a", measure("Total Revenue"))),)),
                        exports)
    (folder / "definition.pbir").write_text(json.dumps(
        {"version": "4.0", "datasetReference": {"byConnection": {"connectionString": "Data Source=pbiazure://x"}}}))
    built = plan(exports)
    (row,) = built.catalog.report_templates
    (widget,) = json.loads(row.layout)["sections"][0]["widgets"]
    assert widget["metrics"] == [] and widget["unresolved"][0]["field"] == "'Order Summary'[Total Revenue]"
    assert [d.code for d in built.diagnostics if d.code == "CAT342"] == ["CAT342"]
    assert built.catalog.pages[0].visuals[0].status == "partly_converted"


def test_grid_positions():
    assert grid_position(Position(0, 0, 1280, 720), 1280) == {"x": 0, "y": 0, "w": 24, "h": 36}
    assert grid_position(Position(640, 360, 640, 360), 1280) == {"x": 12, "y": 18, "w": 12, "h": 18}
    # the same proportions on a page twice as wide give the same grid
    assert grid_position(Position(1280, 720, 1280, 720), 2560) == {"x": 12, "y": 18, "w": 12, "h": 18}
    # a sliver still gets one cell; a visual hanging off the right edge is clamped
    assert grid_position(Position(1270, 0, 2, 2), 1280) == {"x": 23, "y": 0, "w": 1, "h": 1}


@given(x=st.floats(-100, 3000), y=st.floats(-100, 3000), w=st.floats(0, 3000), h=st.floats(0, 3000),
       width=st.sampled_from([320, 1280, 1920]))
def test_grid_positions_stay_on_the_grid(x, y, w, h, width):
    p = grid_position(Position(x, y, w, h), width)
    assert 0 <= p["x"] and p["w"] >= 1 and p["x"] + p["w"] <= GRID_COLUMNS
    assert p["y"] >= 0 and p["h"] >= 1


def test_slugs_and_the_widget_table():
    assert slug("Payment Health & Recovery") == "payment-health-and-recovery"
    assert slug("2024 Review") == "page-2024-review"
    assert {r.widget_type for r in WIDGET_RULES.values()} == {"metric_card", "chart", "data_table", "slicer",
                                                               "text", None}


def test_pages_of_the_same_name_get_their_own_templates_unless_the_mapping_merges_them(exports):
    one = replace(EVERYTHING, name="One", pages=(page("p0", "Overview", card("a", measure("Total Revenue"))),))
    two = replace(EVERYTHING, name="Two", pages=(page("p0", "Overview", card("b", measure("Approval Rate"))),))
    write_pbir(one, exports)
    write_pbir(two, exports)
    built = plan(exports)
    assert [t.template_key for t in built.catalog.report_templates] == ["overview", "overview-2"]
    assert [(d.code, d.location.file) for d in built.diagnostics if d.code == "CAT343"] == [
        ("CAT343", "Two.Report/definition/pages/p0/page.json")]


def test_a_sentence_long_page_name_still_fits(exports):
    name = "Revenue " * 40
    write_pbir(replace(EVERYTHING, pages=(page("p0", name.strip(), card("a", measure("Total Revenue"))),)), exports)
    built = plan(exports)
    assert built.ok
    (row,) = built.catalog.report_templates
    assert len(row.template_key) <= 100 and len(row.name) <= 200 and row.name.endswith("\u2026")
    assert row.template_key == slug(name) and row.template_key.startswith("revenue-revenue-")
