"""Measures that are not metrics (presentation, constants), the time-intelligence inventory and
the measure that blocks another (issue 13)."""

from __future__ import annotations

from tests.compile.model import build
from translator.compile import compile_model, to_sql
from translator.compile.translation import Status


def _by_name(measures: dict[str, str]):
    compiled, _ = compile_model(build(measures))
    return {t.measure.name: t for t in compiled.translations}


def test_presentation_measures_get_their_own_status_and_kind():
    t = _by_name({
        "Colour": 'IF([Total Sales] > 0, "#2E7D32", "#C62828")',
        "Icon": '"data:image/svg+xml;utf8,<svg></svg>"',
        "Link": 'IF([Total Sales] > 0, "https://example.com/a")',
        "Title": '"Sales: " & FORMAT([Total Sales], "#,0")',
        "Culture": 'SWITCH(USERCULTURE(), "fr-FR", "Ventes", "Sales")',
        "Title Colour": "[Colour]",
        "Status Label": 'VAR r = [Total Sales] RETURN IF(ISBLANK(r), BLANK(), IF(r > 10, "High", "Low"))',
    })
    kinds = {name: (t[name].status, t[name].presentation) for name in
             ("Colour", "Icon", "Link", "Title", "Culture", "Title Colour", "Status Label")}
    assert kinds == {
        "Colour": (Status.PRESENTATION, "colour"),
        "Icon": (Status.PRESENTATION, "image"),
        "Link": (Status.PRESENTATION, "url"),
        "Title": (Status.PRESENTATION, "label"),
        "Culture": (Status.PRESENTATION, "label"),
        "Title Colour": (Status.PRESENTATION, "colour"),
        "Status Label": (Status.PRESENTATION, "label"),
    }
    assert [r.code for r in t["Colour"].reasons] == ["CMP219"] and t["Colour"].sql is None


def test_a_numeric_measure_on_text_filters_stays_a_metric():
    t = _by_name({"Initial": 'CALCULATE([Total Sales], Sales[status] = "Initial")'})
    assert t["Initial"].status is Status.EXACT


def test_constants_are_not_metrics_and_are_inlined_where_used():
    t = _by_name({"Rate": "0.25", "Nothing": "BLANK()", "Margin": "[Total Sales] * [Rate]"})
    assert (t["Rate"].status, t["Rate"].constant) == (Status.CONSTANT, 0.25)
    assert (t["Nothing"].status, t["Nothing"].constant) == (Status.CONSTANT, None)
    assert [r.code for r in t["Rate"].reasons] == ["CMP220"]
    margin = t["Margin"]
    assert margin.status is Status.EXACT and margin.components == ("Total Sales",)  # not Rate
    assert to_sql(margin.derived_formula) == '("Total Sales") * 0.25'
    assert to_sql(margin.sql) == '(SUM("amount")) * 0.25'


def test_time_intelligence_is_inventoried_as_data():
    t = _by_name({
        "LY": "CALCULATE([Total Sales], SAMEPERIODLASTYEAR('Date'[Date]))",
        "YTD": "TOTALYTD([Total Sales], 'Date'[Date])",
        "Prev Q": "CALCULATE([Total Sales], DATEADD('Date'[Date], -1, QUARTER))",
        "Rolling": "CALCULATE(SUM(Sales[amount]), DATESINPERIOD('Date'[Date], MAX('Date'[Date]), -3, MONTH))",
        "Running": "CALCULATE([Total Sales], FILTER(ALL('Date'[Date]), 'Date'[Date] <= MAX('Date'[Date])))",
        "Parallel": "CALCULATE([Total Sales], PARALLELPERIOD('Date'[Date], -12, MONTH))",
        "Between": "CALCULATE([Total Sales], DATESBETWEEN('Date'[Date], DATE(2024, 1, 1), DATE(2024, 6, 30)))",
    })
    uses = {name: [u.as_dict() for u in t[name].time_intelligence] for name in
            ("LY", "YTD", "Prev Q", "Rolling", "Running", "Parallel", "Between")}
    expected = {
        "LY": ("shifted_period", "SAMEPERIODLASTYEAR", "[Total Sales]", "year", -1),
        "YTD": ("period_to_date", "TOTALYTD", "[Total Sales]", "year", 0),
        "Prev Q": ("shifted_period", "DATEADD", "[Total Sales]", "quarter", -1),
        "Rolling": ("rolling_window", "DATESINPERIOD", "SUM(Sales[amount])", "month", -3),
        "Running": ("running_total", "FILTER", "[Total Sales]", None, None),
        "Parallel": ("parallel_period", "PARALLELPERIOD", "[Total Sales]", "month", -12),
        "Between": ("custom_date_filter", "DATESBETWEEN", "[Total Sales]", None, None),
    }
    for name, (kind, function, base, period, offset) in expected.items():
        assert t[name].status is Status.UNTRANSLATED
        (use,) = uses[name]
        assert (use["kind"], use["function"], use["base"], use["period"], use["offset"]) == (
            kind, function, base, period, offset), name
        assert use["date_column"] == "Date[Date]"


def test_the_measure_that_blocks_another_is_recorded():
    t = _by_name({
        "LY": "CALCULATE([Total Sales], SAMEPERIODLASTYEAR('Date'[Date]))",
        "Growth": "DIVIDE([Total Sales] - [LY], [LY])",
        "Growth Label Base": "CALCULATE([Growth], Sales[status] = \"Initial\")",
    })
    assert t["LY"].blocked_by is None
    assert t["Growth"].blocked_by == "LY"
    assert t["Growth Label Base"].blocked_by in ("Growth", "LY")


def test_a_measure_comparing_a_selected_label_inlines_it():
    """A label measure is not a metric, but a measure that tests it still translates."""
    t = _by_name({
        "Mode Label": 'IF(SELECTEDVALUE(\'Approval Mode\'[Mode]) = "Organic", "Organic approvals", "Approvals")',
        "Shown": 'IF([Mode Label] = "Organic approvals", [Approvals Organic], [Approvals])',
    })
    assert t["Mode Label"].status is Status.PRESENTATION
    shown = t["Shown"]
    assert shown.status is Status.EXACT
    assert {v.option: to_sql(v.sql) for v in shown.variants} == {"Organic": 'SUM("approvals_organic")'}


def test_a_filter_through_a_many_to_one_relationship_names_the_lookup_columns_it_needs():
    """Without a view that carries the lookup column the measure stays untranslated; the
    translation says which columns (data for the report's "Lookup columns" part)."""
    t = _by_name({
        "Segment A": 'CALCULATE([Total Sales], Customer[segment] = "A")',
        "Per Customer": 'CALCULATE(COUNTROWS(Customer), Sales[status] = "Initial")',
    })
    segment = t["Segment A"]
    assert segment.status is Status.UNTRANSLATED and [r.code for r in segment.reasons] == ["CMP240"]
    assert (segment.lookups, segment.lookup_fact) == (("'Customer'[segment]",), "Sales")
    # the other way: Customer is the one side; filters on Sales do not reach it
    per_customer = t["Per Customer"]
    assert per_customer.status is Status.UNTRANSLATED and per_customer.lookups == ()


def test_an_inactive_relationship_offers_no_lookup_column():
    import dataclasses

    from translator.dax import parse_model

    parsed = build({"Segment A": 'CALCULATE([Total Sales], Customer[segment] = "A")'})
    model = parsed.model
    inactive = tuple(dataclasses.replace(r, is_active=False) for r in model.relationships)
    compiled, _ = compile_model(parse_model(dataclasses.replace(model, relationships=inactive))[0])
    segment = next(t for t in compiled.translations if t.measure.name == "Segment A")
    assert segment.status is Status.UNTRANSLATED and segment.lookups == ()
