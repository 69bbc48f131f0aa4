from __future__ import annotations

import pytest
from sqlglot import exp

from dataclasses import replace

from tests.catalog.builders import (
    ORDERS, REFUNDS, col, compiled, measure, ratio, sum_of, summed, translation, variant,
)
from translator.catalog import build_catalog, check_completeness
from translator.catalog.sql import to_sql
from translator.compile.translation import Status
from translator.functions import Aggregation
from translator.diagnostics import Diagnostic, Severity, SourceLocation
from translator.readers.mapping import parse_mapping

EMPTY = parse_mapping("", "translator.toml")
# Orders computes margin in the model; here another view imports a margin column.
REFUNDS_WITH_MARGIN = replace(REFUNDS, columns=(*REFUNDS.columns, col("margin", "double")))


def build(*models, mapping=EMPTY):
    return build_catalog(list(models), mapping)


def codes(diagnostics):
    return sorted(d.code for d in diagnostics)


def entry(catalog, name):
    (found,) = [e for e in catalog.report if e.measure == name]
    return found


def metric(catalog, key):
    (found,) = [m for m in catalog.metrics if m.metric_key == key]
    return found


APPROVALS = measure("Approvals")
ATTEMPTS = measure("Attempts")
RATE = measure("Approval %", fmt="0.00%")


def derived_rate():
    formula = ratio(exp.column("Approvals"), exp.column("Attempts"))
    sql = ratio(sum_of("approvals"), sum_of("attempts"))
    return translation(RATE, sql, derived_formula=formula, components=("Approvals", "Attempts"),
                       columns=(), aggregation=Aggregation.RATIO)


def test_exact_measure_becomes_a_metric_with_its_sql():
    catalog, _ = build(compiled(summed(APPROVALS, "approvals")))
    m = metric(catalog, "approvals")
    assert m.sql_expression == 'SUM("approvals")'
    assert (m.display_name, m.aggregation_type, m.is_derived, m.derived_formula) == ("Approvals", "sum", False, None)
    e = entry(catalog, "Approvals")
    assert (e.status, e.placement, e.metric_key) == ("exact", "metric", "approvals")


def test_derived_formula_names_metric_keys():
    catalog, _ = build(compiled(summed(APPROVALS, "approvals"), summed(ATTEMPTS, "attempts"), derived_rate()))
    m = metric(catalog, "approval_pct")
    assert m.is_derived
    assert m.derived_formula == "CAST(approvals AS DOUBLE PRECISION) / NULLIF(attempts, 0)"
    assert m.sql_expression == 'CAST(SUM("approvals") AS DOUBLE PRECISION) / NULLIF(SUM("attempts"), 0)'
    assert (m.data_type, m.format_pattern, m.aggregation_type) == ("percentage", "0.00%", "ratio")


def test_derived_formula_uses_pinned_component_keys():
    mapping = parse_mapping('[metrics.Attempts]\nkey = "attempts_total"\n', "t.toml")
    catalog, _ = build(compiled(summed(APPROVALS, "approvals"), summed(ATTEMPTS, "attempts"), derived_rate()),
                       mapping=mapping)
    assert metric(catalog, "approval_pct").derived_formula == "CAST(approvals AS DOUBLE PRECISION) / NULLIF(attempts_total, 0)"


def test_derived_metric_on_a_missing_component_is_not_a_metric():
    approx = translation(ATTEMPTS, sum_of("attempts"), Status.APPROXIMATE, columns=("attempts",))
    catalog, diagnostics = build(compiled(summed(APPROVALS, "approvals"), approx, derived_rate()))
    assert [m.metric_key for m in catalog.metrics] == ["approvals"]
    e = entry(catalog, "Approval %")
    assert (e.status, e.placement, e.metric_key) == ("exact", "untranslated", None)
    assert any(r.startswith("CAT305") for r in e.reasons)
    assert "CAT305" in codes(diagnostics)


def test_metrics_link_only_to_their_home_tables_view():
    catalog, _ = build(compiled(summed(APPROVALS, "approvals"), summed(ATTEMPTS, "attempts"), derived_rate()))
    links = {(l.source_key, l.metric_key) for l in catalog.data_source_metrics}
    # Refund Alerts' view also has a column `approvals`, but it holds refund alerts' rows
    assert links == {("order_summary", "approvals"), ("order_summary", "attempts"), ("order_summary", "approval_pct")}


def test_approximate_waits_for_acceptance_with_its_sql_in_the_report():
    t = translation(APPROVALS, sum_of("approvals"), Status.APPROXIMATE, columns=("approvals",))
    catalog, diagnostics = build(compiled(t))
    assert catalog.metrics == ()
    e = entry(catalog, "Approvals")
    assert (e.status, e.placement, e.sql, e.accepted) == ("approximate", "untranslated", 'SUM("approvals")', False)
    assert "CAT304" in codes(diagnostics)


def test_approximate_accepted_by_name_is_a_metric():
    mapping = parse_mapping('[metrics.approvals]\naccept_approximate = true\n', "t.toml")
    t = translation(APPROVALS, sum_of("approvals"), Status.APPROXIMATE, columns=("approvals",))
    catalog, diagnostics = build(compiled(t), mapping=mapping)
    assert [m.metric_key for m in catalog.metrics] == ["approvals"]
    e = entry(catalog, "Approvals")
    assert (e.status, e.placement, e.accepted) == ("approximate", "metric", True)
    assert "CAT304" not in codes(diagnostics)


def test_untranslated_and_parse_errors_are_reported_with_reasons():
    why = Diagnostic("CMP201", Severity.WARNING, "DATEADD is time intelligence")
    bad = Diagnostic("DAX101", Severity.ERROR, "expected ')'", SourceLocation("m.tmdl", 7, 3))
    loc = SourceLocation("m.tmdl", 7, 3)
    catalog, _ = build(compiled(
        translation(APPROVALS, None, Status.UNTRANSLATED, reasons=(why,)),
        translation(measure("Broken", location=loc), None, Status.PARSE_ERROR, reasons=(bad,)),
    ))
    assert catalog.metrics == ()
    a, b = entry(catalog, "Approvals"), entry(catalog, "Broken")
    assert (a.status, a.placement, a.sql) == ("untranslated", "untranslated", None)
    assert a.reasons[0] == "CMP201: DATEADD is time intelligence"
    assert (b.status, b.location, b.reasons[0]) == ("parse_error", SourceLocation("m.tmdl", 7, 3), "DAX101: expected ')'")


def test_manual_sql_makes_an_untranslated_measure_a_metric():
    mapping = parse_mapping('[metrics.Approvals]\nsql = "sum(Approvals) * 2"\n', "t.toml")
    catalog, diagnostics = build(compiled(translation(APPROVALS, None, Status.UNTRANSLATED)), mapping=mapping)
    m = metric(catalog, "approvals")
    assert m.sql_expression == 'SUM("approvals") * 2'  # unquoted names fold to lower case
    assert (m.aggregation_type, m.is_derived) == ("custom", False)
    e = entry(catalog, "Approvals")
    assert (e.status, e.placement) == ("manual", "metric")
    assert "CAT314" in codes(diagnostics)


@pytest.mark.parametrize("sql", ["SUM(approvals", "SUM(x) || 'unterminated", "SELECT SUM(x) FROM reporting.t"])
def test_mapping_sql_that_is_not_one_expression_costs_that_measure_only(sql):
    """The mapping's reader only reads the text; the catalog checks it where it uses it (CAT393)."""
    mapping = parse_mapping(f'[metrics.Approvals]\nsql = "{sql}"\n', "t.toml")
    assert mapping.metric("Approvals").sql == sql  # read as it is: no exit 2 for one measure's SQL
    catalog, diagnostics = build(compiled(summed(APPROVALS, "approvals"), summed(measure("Revenue"), "revenue")),
                                 mapping=mapping)
    assert [m.metric_key for m in catalog.metrics] == ["revenue"]  # not the translation it was to replace
    e = entry(catalog, "Approvals")
    assert (e.status, e.placement, e.sql) == ("untranslated", "untranslated", None)
    [refused] = [d for d in diagnostics if d.code == "CAT393"]
    assert (refused.severity, refused.location) == (Severity.ERROR, SourceLocation("t.toml", 1))
    assert any(r.startswith("CAT393: ") for r in e.reasons)
    assert "CAT313" not in codes(diagnostics)


def test_a_metric_no_data_source_can_run_costs_that_measure_only():
    # manual SQL reads a column (cancel) no source has: the measure is untranslated (EMT515 at
    # its location), the other measure is a metric and the catalog is complete
    mapping = parse_mapping('[metrics.Approvals]\nsql = "sum(Approvals) - sum(cancel)"\n', "t.toml")
    approvals = measure("Approvals", location=SourceLocation("m.tmdl", 12, 5))
    catalog, diagnostics = build(compiled(translation(approvals, None, Status.UNTRANSLATED),
                                          summed(measure("Revenue"), "revenue")), mapping=mapping)
    assert [m.metric_key for m in catalog.metrics] == ["revenue"]
    e = entry(catalog, "Approvals")
    assert (e.status, e.placement, e.metric_key) == ("manual", "untranslated", None)
    refused = [d for d in diagnostics if d.code == "EMT515"]
    assert len(refused) == 1 and refused[0].severity is Severity.ERROR
    assert refused[0].location == SourceLocation("m.tmdl", 12, 5)
    assert any(r.startswith("EMT515: ") for r in e.reasons)
    assert {"CAT306", "CAT314"} <= set(codes(diagnostics))
    assert "CAT313" not in codes(diagnostics)
    assert all(link.metric_key == "revenue" for link in catalog.data_source_metrics)


def test_key_collision_gets_a_suffix_and_a_diagnostic():
    a = measure("Net Revenue", fmt="$#,##0.00")
    b = measure("Net-Revenue", table="Refund Alerts")
    catalog, diagnostics = build(compiled(summed(a, "revenue"), summed(b, "refund")))
    assert [m.metric_key for m in catalog.metrics] == ["net_revenue", "net_revenue_2"]
    assert metric(catalog, "net_revenue_2").display_name == "Net-Revenue"
    assert codes(diagnostics).count("CAT301") == 1


def test_pinned_key_wins_over_a_derived_one():
    a = measure("Net Revenue")
    b = measure("Net-Revenue", table="Refund Alerts")
    mapping = parse_mapping('[metrics."Net-Revenue"]\nkey = "net_revenue"\n', "t.toml")
    catalog, _ = build(compiled(summed(a, "revenue"), summed(b, "refund")), mapping=mapping)
    assert metric(catalog, "net_revenue").display_name == "Net-Revenue"
    assert metric(catalog, "net_revenue_2").display_name == "Net Revenue"


def test_same_measure_in_two_exports_is_one_metric():
    one = compiled(summed(APPROVALS, "approvals"), export="A")
    two = compiled(summed(APPROVALS, "approvals", export="B"), export="B")
    catalog, diagnostics = build(one, two)
    assert [m.metric_key for m in catalog.metrics] == ["approvals"]
    assert [(e.export, e.metric_key, e.placement) for e in catalog.report] == [
        ("A", "approvals", "metric"), ("B", "approvals", "metric")]
    assert "CAT301" not in codes(diagnostics)
    assert check_completeness([one, two], catalog) == []


def test_a_report_that_misses_repeats_or_invents_a_measure_is_incomplete():
    one = compiled(summed(APPROVALS, "approvals"), export="A")
    two = compiled(summed(APPROVALS, "approvals", export="B"), export="B")
    catalog, _ = build(one, two)
    a, b = catalog.report
    invented = replace(b, measure="Invented")
    for report, problems in (((a,), 1), ((a, b, b), 1), ((a, b, invented), 1), ((a, invented), 2)):
        found = check_completeness([one, two], replace(catalog, report=report))
        assert [d.code for d in found] == ["CAT313"] * problems


def test_format_category_and_invertable_rules():
    cb = measure("CB Rate", folder="Chargebacks", fmt="0.00%")
    recovered = measure("Recovered Declines $", folder="Recovery", fmt='\\$#,0.00;(\\$#,0.00);\\$#,0.00')
    live = measure("Today Revenue", folder="Real Time\\Hourly", fmt="#,0.0")
    catalog, _ = build(compiled(summed(cb, "approvals"), summed(recovered, "revenue"), summed(live, "revenue")))
    m = metric(catalog, "cb_rate")
    assert (m.category, m.data_type, m.is_invertable) == ("chargebacks", "percentage", True)
    m = metric(catalog, "recovered_declines_dollar")
    assert (m.category, m.data_type, m.format_pattern, m.is_invertable) == ("recovery", "currency", "$#,0.00", False)
    m = metric(catalog, "today_revenue")
    assert (m.category, m.data_type, m.is_invertable) == ("real_time", "decimal", False)


def test_unknown_folder_is_kept_and_reported_once():
    a, b = measure("A1", folder="Fancy Stuff\\Deep"), measure("A2", folder="Fancy Stuff")
    catalog, diagnostics = build(compiled(summed(a, "approvals"), summed(b, "attempts")))
    assert {m.category for m in catalog.metrics} == {"fancy_stuff"}
    assert codes(diagnostics).count("CAT302") == 2  # two distinct folder spellings


def test_mapping_maps_folders_and_overrides_fields():
    mapping = parse_mapping(
        '[categories]\n"Fancy Stuff" = "sales"\n'
        '[metrics.A1]\ncategory = "ltv"\ndisplay_name = "Alpha"\ndata_type = "integer"\n'
        'is_invertable = true\nsort_order = 9\naggregation_type = "custom"\ndescription = "d"\n',
        "t.toml",
    )
    a, b = measure("A1", folder="Fancy Stuff"), measure("A2", folder="Fancy Stuff", fmt="0.0")
    catalog, diagnostics = build(compiled(summed(a, "approvals"), summed(b, "attempts")), mapping=mapping)
    a1, a2 = metric(catalog, "a1"), metric(catalog, "a2")
    assert (a1.category, a1.display_name, a1.data_type, a1.is_invertable, a1.sort_order,
            a1.aggregation_type, a1.description) == ("ltv", "Alpha", "integer", True, 9, "custom", "d")
    assert (a2.category, a2.data_type) == ("sales", "decimal")
    assert "CAT302" not in codes(diagnostics)


def test_sort_order_is_model_order_within_category():
    ms = [measure("Z", folder="Sales"), measure("Y", folder="Revenue"), measure("X", folder="Sales")]
    catalog, _ = build(compiled(*(summed(m, "approvals") for m in ms)))
    assert {m.metric_key: m.sort_order for m in catalog.metrics} == {"z": 1, "y": 1, "x": 2}


def test_variants_rows_per_differing_option():
    # the compiler's columns cover every variant's (the metric is linked where all of them are)
    t = summed(APPROVALS, "approvals", variants=(
        variant("Organic", sum_of("approvals_organic")),
        variant("Net", ratio(sum_of("approvals"), sum_of("attempts"))),
    ), toggles=("Approval Mode",), columns=("approvals", "approvals_organic", "attempts"))
    catalog, diagnostics = build(compiled(t))
    assert [(v.metric_key, v.toggle_key, v.option_key, v.sql_expression) for v in catalog.variants] == [
        ("approvals", "approval_mode", "net", to_sql(ratio(sum_of("approvals"), sum_of("attempts")))),
        ("approvals", "approval_mode", "organic", 'SUM("approvals_organic")'),
    ]
    assert [d for d in diagnostics if d.severity is not Severity.INFO] == []


def test_variant_equal_to_default_or_unknown_toggle_gives_no_row():
    t = summed(APPROVALS, "approvals", variants=(
        variant("Organic", sum_of("approvals")),
        variant("Gross", sum_of("revenue")),
        variant("Organic", sum_of("revenue"), table="Nowhere"),
    ))
    catalog, diagnostics = build(compiled(t))
    assert catalog.variants == ()
    assert codes(diagnostics).count("CAT308") == 1
    assert codes(diagnostics).count("CAT307") == 2


def test_hidden_branch_measure_is_placed_as_variant():
    organic = measure("Approvals Organic", is_hidden=True)
    parent = summed(APPROVALS, "approvals", branch_measures=("Approvals Organic",),
                    variants=(variant("Organic", sum_of("approvals_organic")),),
                    columns=("approvals", "approvals_organic"))
    catalog, _ = build(compiled(parent, summed(organic, "approvals_organic")))
    assert [m.metric_key for m in catalog.metrics] == ["approvals"]
    e = entry(catalog, "Approvals Organic")
    assert (e.placement, e.metric_key, e.status) == ("variant", "approvals", "exact")


def test_branch_measure_used_as_a_component_stays_a_metric():
    organic = measure("Approvals Organic", is_hidden=True)
    parent = summed(APPROVALS, "approvals", branch_measures=("Approvals Organic",))
    share = measure("Organic Share", fmt="0%")
    uses = translation(share, ratio(sum_of("approvals_organic"), sum_of("approvals")),
                       derived_formula=ratio(exp.column("Approvals Organic"), exp.column("Approvals")),
                       components=("Approvals Organic", "Approvals"))
    catalog, _ = build(compiled(parent, summed(organic, "approvals_organic"), uses))
    assert entry(catalog, "Approvals Organic").placement == "metric"
    assert metric(catalog, "organic_share").derived_formula == "CAST(approvals_organic AS DOUBLE PRECISION) / NULLIF(approvals, 0)"


def test_every_measure_is_reported_exactly_once():
    missing = measure("Forgotten")  # in the model, but the compiler returned nothing for it
    model = compiled(summed(APPROVALS, "approvals"), translation(ATTEMPTS, None, Status.UNTRANSLATED),
                     extra_measures=(missing,))
    catalog, diagnostics = build(model)
    assert sorted(e.measure for e in catalog.report) == ["Approvals", "Attempts", "Forgotten"]
    assert entry(catalog, "Forgotten").status == "untranslated"
    assert "CAT315" in codes(diagnostics)
    assert "CAT313" not in codes(diagnostics)
    assert check_completeness([model], catalog) == []


def test_mapping_naming_an_unknown_measure_is_reported_with_its_line():
    mapping = parse_mapping('\n[metrics."No Such"]\nkey = "x"\n', "t.toml")
    _, diagnostics = build(compiled(summed(APPROVALS, "approvals")), mapping=mapping)
    (d,) = [d for d in diagnostics if d.code == "CAT309"]
    assert d.location == SourceLocation("t.toml", 2)


def test_same_input_gives_equal_catalogs():
    def make():
        return compiled(summed(APPROVALS, "approvals"), summed(ATTEMPTS, "attempts"), derived_rate(),
                        summed(measure("Net-Revenue"), "revenue"), summed(measure("Net Revenue"), "revenue"))
    first, d1 = build(make())
    second, d2 = build(make())
    assert first == second and d1 == d2
    for rows, key in ((first.metrics, "metric_key"), (first.report, "measure")):
        keys = [getattr(r, key) for r in rows]
        assert keys == sorted(keys, key=str.casefold)


def test_a_calculated_column_aggregate_costs_only_that_measure():
    here = SourceLocation("Sample.SemanticModel/definition/tables/Orders.tmdl", 40, 24)
    margin = measure("Gross Margin", location=here)
    rate = measure("Margin per Approval")
    per = translation(rate, ratio(sum_of("margin"), sum_of("approvals")), derived_formula=ratio(
        exp.column("Gross Margin"), exp.column("Approvals")), components=("Gross Margin", "Approvals"),
        aggregation=Aggregation.RATIO)
    catalog, diagnostics = build(compiled(summed(margin, "margin"), summed(APPROVALS, "approvals"), per))
    assert [m.metric_key for m in catalog.metrics] == ["approvals"]
    gross = entry(catalog, "Gross Margin")
    assert (gross.status, gross.placement) == ("untranslated", "untranslated")
    (found,) = [d for d in diagnostics if d.code == "CAT319" and "'Gross Margin'" in d.message]
    assert found.location == here
    assert "'Orders'[margin]" in found.message
    assert any(r.startswith("CAT319") for r in gross.reasons)
    # the derived measure on it is not a metric either, for the same reason
    derived = entry(catalog, "Margin per Approval")
    assert derived.placement == "untranslated"
    assert any(r.startswith("CAT319") for r in derived.reasons)


def test_a_calculated_column_a_view_has_is_read_from_the_view():
    catalog, diagnostics = build(compiled(summed(measure("Gross Margin", table="Refund Alerts"), "margin"),
                                          tables=(ORDERS, REFUNDS_WITH_MARGIN)))
    assert [m.metric_key for m in catalog.metrics] == ["gross_margin"]
    assert "CAT319" not in codes(diagnostics)
