"""compile_model over a whole model: one translation per measure, statuses, toggles, locations."""

from __future__ import annotations

import dataclasses

from tests.compile.model import build
from translator.compile import Status, ToggleKind, compile_expression, compile_model, to_sql
from translator.dax import parse_model
from translator.diagnostics import SourceLocation
from translator.model.semantic import Column, Measure, Relationship, Table, TableKind

MODE = '''SWITCH(SELECTEDVALUE('Approval Mode'[Mode], "Standard"), "Organic", [Approvals Organic], [Approvals])'''


def test_every_measure_gets_exactly_one_translation_in_order():
    parsed = build({"Bad": "SUM(Sales[amount]", "Mode": MODE})
    compiled, _ = compile_model(parsed)
    assert [t.measure.name for t in compiled.translations] == [pm.measure.name for pm in parsed.measures]
    by_name = {t.measure.name: t for t in compiled.translations}
    assert by_name["Total Sales"].status is Status.EXACT
    assert by_name["Broken"].status is Status.UNTRANSLATED
    assert by_name["Bad"].status is Status.PARSE_ERROR
    assert by_name["Bad"].reasons[0].code.startswith("DAX1")
    assert by_name["Bad"].sql is None


def test_slicer_toggles_are_discovered_with_options_and_default():
    compiled, _ = compile_model(build({"Mode": MODE}))
    toggles = {t.table: t for t in compiled.toggles}
    assert set(toggles) == {"Approval Mode", "Date Basis", "Revenue Basis", "Discount"}  # not Markup: 101 values
    mode = toggles["Approval Mode"]
    assert (mode.column, mode.kind, mode.options, mode.default) == ("Mode", ToggleKind.SLICER, ("Standard", "Organic"), "Standard")
    basis = toggles["Date Basis"]
    assert (basis.column, basis.options, basis.default) == ("Basis", ("Order Date", "Ship Date"), None)
    entered = toggles["Revenue Basis"]  # "Enter data": rows decoded from the M source
    assert (entered.column, entered.kind, entered.options) == ("Revenue Basis", ToggleKind.SLICER, ("Gross", "Net"))
    what_if = toggles["Discount"]  # GENERATESERIES(0, 0.2, 0.1)
    assert (what_if.column, what_if.kind, what_if.options) == ("Discount", ToggleKind.SLICER, ("0", "0.1", "0.2"))


def test_a_calculated_table_with_a_relationship_is_not_a_toggle():
    parsed = build()
    model = parsed.model
    related = dataclasses.replace(
        model, relationships=(*model.relationships, Relationship("Sales", "region", "Date Basis", "Basis"))
    )
    compiled, _ = compile_model(parse_model(related)[0])
    assert {t.table for t in compiled.toggles} == {"Approval Mode", "Revenue Basis", "Discount"}


def test_dmv_state_other_than_ready_is_untranslated():
    parsed = build()
    model = parsed.model
    sales = model.tables[0]
    stale = Measure("Sales", "Stale", "SUM(Sales[amount])", state="SemanticError", error_message="column missing")
    tables = (dataclasses.replace(sales, measures=(*sales.measures, stale)), *model.tables[1:])
    compiled, _ = compile_model(parse_model(dataclasses.replace(model, tables=tables))[0])
    t = compiled.translations[-1]
    assert t.status is Status.UNTRANSLATED
    assert [r.code for r in t.reasons] == ["CMP212"]
    assert t.reasons[0].notes == ("column missing",)


def test_reason_location_is_the_measure_location_plus_the_node_line():
    parsed = build({"Two Lines": "SUM(Sales[amount])\n    + SUM(Returns[refund])"})
    t = next(t for t in compile_model(parsed)[0].translations if t.measure.name == "Two Lines")
    assert [r.code for r in t.reasons] == ["CMP205"]
    measure_line = t.measure.location.line
    assert t.reasons[0].location == SourceLocation("model.bim", measure_line + 1, 7)


def test_reason_location_on_the_first_line_adds_the_column():
    parsed = build({"Ti": "1 + TOTALYTD(SUM(Sales[amount]), 'Date'[Date])"})
    t = next(t for t in compile_model(parsed)[0].translations if t.measure.name == "Ti")
    assert t.reasons[0].code == "CMP202"
    assert t.reasons[0].location == SourceLocation("model.bim", t.measure.location.line, 5 + 4)


def test_output_is_deterministic():
    measures = {"Mode": MODE, "Margin": "[Total Sales] - [Total Cost]"}
    first, _ = compile_model(build(measures))
    second, _ = compile_model(build(measures))
    render = lambda cm: [(t.status, t.sql and to_sql(t.sql), [to_sql(v.sql) for v in t.variants]) for t in cm.translations]  # noqa: E731
    assert render(first) == render(second)


def test_compile_expression_reports_parse_errors():
    t = compile_expression("SUM(", build())
    assert t.status is Status.PARSE_ERROR
    assert t.reasons and t.reasons[0].code.startswith("DAX1")


def test_table_constructor_slicer_with_two_columns_uses_model_column_names():
    parsed = build()
    model = parsed.model
    extra = Table(
        "Metric Picker",
        kind=TableKind.CALCULATED,
        columns=(Column("Metric", "string"), Column("Order", "int64")),
        expression='{("Sales", 1), ("Cost", 2)}',
    )
    compiled, _ = compile_model(parse_model(dataclasses.replace(model, tables=(*model.tables, extra)))[0])
    picker = next(t for t in compiled.toggles if t.table == "Metric Picker")
    assert (picker.column, picker.options) == ("Metric", ("Sales", "Cost"))


def test_field_parameter_options_and_nameof_values():
    # (numbers, not text: a measure returning a label is presentation, not a metric)
    parsed = build({"Picked": '''IF(SELECTEDVALUE('Metric Field'[Fields]) = "'Sales'[Total Sales]", 1, 2)'''})
    model = parsed.model
    field = Table(
        "Metric Field",
        kind=TableKind.FIELD_PARAMETER,
        columns=(Column("Metric Field", "string"), Column("Fields", "string"), Column("Order", "int64")),
        expression="{(\"Orders\", NAMEOF('Sales'[Orders]), 0), (\"Total Sales\", NAMEOF('Sales'[Total Sales]), 1)}",
    )
    compiled, _ = compile_model(parse_model(dataclasses.replace(model, tables=(*model.tables, field)))[0])
    toggle = next(t for t in compiled.toggles if t.table == "Metric Field")
    assert (toggle.kind, toggle.options) == (ToggleKind.FIELD_PARAMETER, ("Orders", "Total Sales"))
    picked = next(t for t in compiled.translations if t.measure.name == "Picked")
    assert to_sql(picked.sql) == "2"
    assert [(v.option, to_sql(v.sql)) for v in picked.variants] == [("Total Sales", "1")]


def test_an_internal_error_costs_only_that_measure(monkeypatch):
    from translator.compile import rules

    def broken_rule(cx, call, scope):
        raise ZeroDivisionError("injected")

    monkeypatch.setitem(rules.SCALAR, "COUNTROWS", broken_rule)
    compiled, _ = compile_model(build({"Per Order": "DIVIDE([Total Sales], [Orders])"}))
    by_name = {t.measure.name: t for t in compiled.translations}
    orders = by_name["Orders"]
    assert orders.status is Status.UNTRANSLATED and orders.sql is None
    assert [r.code for r in orders.reasons] == ["CMP299"]
    assert orders.reasons[0].notes == ("ZeroDivisionError: injected",)
    assert orders.reasons[0].location == orders.measure.location
    assert [r.code for r in by_name["Per Order"].reasons] == ["CMP209"]  # built on the broken one
    for name in ("Total Sales", "Total Cost", "Approvals", "Initial Sales"):
        assert by_name[name].status is Status.EXACT, name
    assert len(compiled.translations) == len(by_name)


def test_the_bundled_sample_has_no_internal_compiler_error():
    from pathlib import Path

    from translator.readers import read_exports

    models, _ = read_exports(Path(__file__).parents[2] / "pbix_exports")
    assert models
    for model in models:
        compiled, _ = compile_model(parse_model(model)[0])
        assert len(compiled.translations) == len(model.measures)
        internal = [t.measure.name for t in compiled.translations if any(r.code == "CMP299" for r in t.reasons)]
        assert internal == []


def test_a_derived_formula_does_not_assume_its_components_default_is_never_blank():
    # [Safe] is never BLANK by default (COALESCE), but its "Organic" variant may be: the formula
    # over it is filled in with that variant at query time, so it must keep the BLANK rules.
    from translator.compile import compile_model, to_sql
    from translator.dax import parse_model
    from translator.model.semantic import Column, Measure, SemanticModel, Table, TableKind

    sales = Table("Sales", columns=(Column("a", "double"), Column("b", "double")), measures=(
        Measure("Sales", "Safe", 'IF(SELECTEDVALUE(Mode[Mode], "Standard") = "Organic", '
                                 'SUM(Sales[a]), COALESCE(SUM(Sales[b]), 0))'),
        Measure("Sales", "Blank", "IF(ISBLANK([Safe]), 1, 0)"),
    ))
    mode = Table("Mode", kind=TableKind.CALCULATED, columns=(Column("Mode", "string"),),
                 expression='DATATABLE("Mode", STRING, {{"Standard"}, {"Organic"}})')
    compiled, _ = compile_model(parse_model(SemanticModel("m", "m", tables=(sales, mode)))[0])
    by_name = {t.measure.name: t for t in compiled.translations}
    blank = by_name["Blank"]
    assert blank.is_derived and "IS NULL" in to_sql(blank.derived_formula)


def test_a_measure_built_on_an_approximate_measure_is_approximate_with_its_own_code():
    compiled, _ = compile_model(build({
        "All Sales": "CALCULATE([Total Sales], ALL(Sales))",
        "Share": "DIVIDE([Total Sales], [All Sales])",
    }))
    by_name = {t.measure.name: t for t in compiled.translations}
    assert by_name["All Sales"].status is Status.APPROXIMATE
    assert [r.code for r in by_name["All Sales"].reasons] == ["CMP213"]  # the construct, at the component
    share = by_name["Share"]
    assert share.status is Status.APPROXIMATE
    assert [r.code for r in share.reasons] == ["CMP221"]  # the dependency, at the measure inheriting it
    assert share.reasons[0].location == share.measure.location
