"""data_source_metrics: a metric runs on its home table's view and on views the mapping declares
equivalent; a CALCULATE override of an offered dimension makes the translation approximate."""

from __future__ import annotations

from sqlglot import exp

from tests.catalog.builders import compiled, measure, sum_of, summed, translation
from translator.catalog import build_catalog
from translator.readers.mapping import parse_mapping

EMPTY = parse_mapping("", "translator.toml")


def links(catalog) -> set[tuple[str, str]]:
    return {(l.source_key, l.metric_key) for l in catalog.data_source_metrics}


def entry(catalog, name):
    (found,) = [e for e in catalog.report if e.measure == name]
    return found


def codes(reasons) -> list[str]:
    return sorted(r.split(":")[0] for r in reasons)


REFUNDS = measure("Refunds", table="Refund Alerts")
APPROVALS = measure("Approvals")


def test_same_column_names_in_another_view_do_not_link():
    catalog, _ = build_catalog([compiled(summed(APPROVALS, "approvals"))], EMPTY)
    assert links(catalog) == {("order_summary", "approvals")}


def test_a_metric_declared_equivalent_on_another_view_runs_there_and_is_reported():
    mapping = parse_mapping('[metrics.Approvals]\nequivalent_sources = ["Refund Alerts"]\n', "t.toml")
    catalog, diagnostics = build_catalog([compiled(summed(APPROVALS, "approvals"))], mapping)
    assert links(catalog) == {("order_summary", "approvals"), ("refund_alerts", "approvals")}
    e = entry(catalog, "Approvals")
    assert "CAT330" in codes(e.reasons)
    (declared,) = [d for d in diagnostics if d.code == "CAT330"]
    assert (declared.location.file, declared.location.line) == ("t.toml", 1)


def test_a_pair_of_sources_declared_equivalent_works_both_ways():
    mapping = parse_mapping('[sources."Refund Alerts"]\nequivalent_sources = ["Orders"]\n', "t.toml")
    catalog, _ = build_catalog([compiled(summed(APPROVALS, "approvals"), summed(REFUNDS, "approvals"))], mapping)
    assert links(catalog) == {("order_summary", "approvals"), ("refund_alerts", "approvals"),
                              ("order_summary", "refunds"), ("refund_alerts", "refunds")}


def test_a_declared_view_without_the_columns_is_refused():
    mapping = parse_mapping('[metrics.Approvals]\nequivalent_sources = ["Refund Alerts"]\n', "t.toml")
    catalog, _ = build_catalog([compiled(summed(APPROVALS, "attempts"))], mapping)
    assert links(catalog) == {("order_summary", "approvals")}
    assert codes(entry(catalog, "Approvals").reasons) == ["CAT331"]


def test_a_count_over_a_one_side_table_never_runs_on_a_fact_view():
    count = measure("Campaign Count", table="Campaigns")
    t = translation(count, exp.Count(this=exp.Distinct(expressions=[exp.column("campaign_id", quoted=True)])),
                    columns=("campaign_id",))
    mapping = parse_mapping('[metrics."Campaign Count"]\nequivalent_sources = ["Orders"]\n', "t.toml")
    catalog, _ = build_catalog([compiled(t)], mapping)
    # Orders has campaign_id too, and the mapping even asks: DAX counts campaigns without orders
    assert links(catalog) == {("campaigns", "campaign_count")}
    assert codes(entry(catalog, "Campaign Count").reasons) == ["CAT331"]


def test_a_metric_reading_two_tables_has_no_home_view_unless_declared():
    both = measure("Approvals and Refunds")
    t = translation(both, exp.Add(this=sum_of("approvals"), expression=sum_of("refund")),
                    columns=("approvals", "refund"), components=("Approvals", "Refunds"))
    catalog, _ = build_catalog([compiled(summed(APPROVALS, "approvals"), summed(REFUNDS, "refund"), t)], EMPTY)
    assert ("order_summary", "approvals_and_refunds") not in links(catalog)
    assert "CAT306" in codes(entry(catalog, "Approvals and Refunds").reasons)


def initial(overridden: str = "sales_type"):
    m = measure("Initial Approvals")
    sql = exp.Filter(this=sum_of("approvals"), expression=exp.Where(this=exp.EQ(
        this=exp.column(overridden, quoted=True), expression=exp.Literal.string("initial"))))
    return translation(m, sql, columns=("approvals", overridden), overridden_columns=(overridden,))


OFFERED = "[dimensions.sales_type]\ninclude = true\n"


def test_an_override_of_an_offered_dimension_is_approximate_and_names_it():
    catalog, _ = build_catalog([compiled(initial())], parse_mapping(OFFERED, "t.toml"))
    assert "sales_type" in {d.dimension_key for d in catalog.dimensions}
    e = entry(catalog, "Initial Approvals")
    assert (e.status, e.placement, e.accepted) == ("approximate", "untranslated", False)
    assert e.sql is not None  # the proposed SQL is shown for review
    assert "CAT332" in codes(e.reasons)
    assert any("sales_type" in r for r in e.reasons if r.startswith("CAT332"))
    assert catalog.metrics == ()


def test_an_override_of_an_offered_dimension_can_be_accepted_by_name():
    mapping = parse_mapping(OFFERED + '[metrics."Initial Approvals"]\naccept_approximate = true\n', "t.toml")
    catalog, _ = build_catalog([compiled(initial())], mapping)
    e = entry(catalog, "Initial Approvals")
    assert (e.status, e.placement, e.accepted) == ("approximate", "metric", True)
    assert [m.metric_key for m in catalog.metrics] == ["initial_approvals"]


def test_an_override_of_a_column_no_source_offers_stays_exact():
    # sales_type is a detail of one view here, not a dimension
    catalog, _ = build_catalog([compiled(initial())], EMPTY)
    e = entry(catalog, "Initial Approvals")
    assert (e.status, e.placement) == ("exact", "metric")
    assert "CAT332" not in codes(e.reasons)
