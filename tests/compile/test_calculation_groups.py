"""Calculation groups as toggles: items applied to each measure, variants run on PostgreSQL, and
items that cannot be applied taken out of the toggle (docs/semantics.md)."""

from __future__ import annotations

from pathlib import Path

from psycopg import sql as pgsql

from tests.compile.model import build, with_tables
from translator.compile import Status, ToggleKind, compile_model, to_sql
from translator.diagnostics import Severity, SourceLocation
from translator.dax import parse_model
from translator.readers import read_exports
from translator.model.semantic import CalculationItem, Column, Table, TableKind

MODE = '''SWITCH(SELECTEDVALUE('Approval Mode'[Mode], "Standard"), "Organic", [Approvals Organic], [Approvals])'''
BASIS = '''IF(SELECTEDVALUE('Date Basis'[Basis]) = "Ship Date", SUM(Sales[cost]), SUM(Sales[amount]))'''
ITEMS_FILE = "groups.tmdl"


def group(*items: tuple[str, str, int], name: str = "Scaling") -> Table:
    return Table(
        name,
        kind=TableKind.CALCULATION_GROUP,
        columns=(Column("Calculation", "string"), Column("Ordinal", "int64")),
        calculation_items=tuple(
            CalculationItem(n, dax, ordinal, location=SourceLocation(ITEMS_FILE, 10 * (i + 1), 5))
            for i, (n, dax, ordinal) in enumerate(items)
        ),
    )


def compiled_with(measures: dict[str, str], *tables: Table):
    """The compiled model, its translations by measure name, and the compile stage's diagnostics."""
    compiled, diagnostics = compile_model(with_tables(build(measures), *tables))
    return compiled, {t.measure.name: t for t in compiled.translations}, diagnostics


def variants(t) -> dict[tuple[str, str], str]:
    return {(v.toggle_table, v.option): to_sql(v.sql) for v in t.variants}


def value(conn, sql) -> object:
    (result,) = conn.execute(pgsql.SQL("SELECT {} FROM sales").format(pgsql.SQL(to_sql(sql)))).fetchone()
    return result


SCALING = group(
    ("Double", "SELECTEDMEASURE() * 2", 2),
    ("Current", "SELECTEDMEASURE()", 1),
    ("Bump Sales", "IF(ISSELECTEDMEASURE([Total Sales], [Nothing]), SELECTEDMEASURE() + 1, SELECTEDMEASURE())", 3),
    ("Orders x10", 'IF(SELECTEDMEASURENAME() = "orders", SELECTEDMEASURE() * 10, SELECTEDMEASURE())', 4),
    ("West", '''CALCULATE(SELECTEDMEASURE(), Sales[region] = "West")''', 5),
)
# Refunds reads another fact table: the West item cannot filter it (needs a join)
NO_REFUNDS = {"Refunds": "0"}


def test_the_group_is_a_toggle_of_its_items_in_ordinal_order():
    compiled, _, diagnostics = compiled_with(NO_REFUNDS, SCALING)
    toggle = next(t for t in compiled.toggles if t.table == "Scaling")
    assert toggle.kind is ToggleKind.CALCULATION_GROUP
    assert toggle.column == "Calculation"
    assert toggle.options == ("Current", "Double", "Bump Sales", "Orders x10", "West")
    assert toggle.default == "Current"  # SELECTEDMEASURE() itself: the same as no item selected
    assert diagnostics == []


def test_items_become_variants_of_each_measure_they_change(sales_db):
    _, by_name, _ = compiled_with(NO_REFUNDS, SCALING)
    sales = by_name["Total Sales"]
    assert variants(sales) == {
        ("Scaling", "Double"): 'SUM("amount") * 2',
        ("Scaling", "Bump Sales"): 'COALESCE(SUM("amount"), 0) + 1',
        ("Scaling", "West"): '''SUM("amount") FILTER(WHERE LOWER("region") = 'west')''',
    }
    assert sales.toggles == ("Scaling",)
    assert sales.columns == ("amount", "region")
    expected = {"Double": 110, "Bump Sales": 56, "West": 30}  # 55 * 2, 55 + 1, 30
    for v in sales.variants:
        assert value(sales_db, v.sql) == expected[v.option], v.option
    orders = variants(by_name["Orders"])
    assert orders[("Scaling", "Orders x10")] == "NULLIF(COUNT(*), 0) * 10"  # SELECTEDMEASURENAME() = "orders"
    assert ("Scaling", "Bump Sales") not in orders  # ISSELECTEDMEASURE is FALSE: the item returns the measure
    assert value(sales_db, by_name["Orders"].variants[0].sql) == 10  # Double: 5 * 2


def test_a_derived_measure_takes_the_item_itself_not_through_its_components(sales_db):
    _, by_name, _ = compiled_with({**NO_REFUNDS, "Margin": "[Total Sales] - [Total Cost]"}, SCALING)
    margin = by_name["Margin"]
    # The components have item variants, so the query engine must not substitute them into a
    # derived formula: the item applies to the visual's measure only (Bump Sales leaves Margin alone).
    assert margin.components == () and margin.derived_formula is None
    assert value(sales_db, margin.sql) == 35  # 55 - 20
    got = {v.option: value(sales_db, v.sql) for v in margin.variants}
    assert got == {"Double": 70, "West": 15}  # (55 - 20) * 2; West rows: amount 30 - cost (10 + 5)


def test_a_derived_measure_unaffected_by_any_item_stays_derived():
    only_sales = group(("Bump", "IF(ISSELECTEDMEASURE([Total Sales]), SELECTEDMEASURE() + 1, SELECTEDMEASURE())", 0))
    _, by_name, _ = compiled_with({"Cost Ratio": "DIVIDE([Total Cost], [Orders])"}, only_sales)
    assert by_name["Cost Ratio"].components == ("Total Cost", "Orders")
    assert by_name["Cost Ratio"].variants == ()


def test_slicer_variants_and_item_variants_side_by_side():
    _, by_name, _ = compiled_with({**NO_REFUNDS, "Mode Sales": MODE}, group(("Double", "SELECTEDMEASURE() * 2", 0)))
    assert variants(by_name["Mode Sales"]) == {
        ("Approval Mode", "Organic"): 'SUM("approvals_organic")',
        ("Scaling", "Double"): 'SUM("approvals") * 2',  # the slicer at its default
    }
    assert by_name["Mode Sales"].toggles == ("Approval Mode", "Scaling")


def test_a_derived_measure_over_two_toggles_with_an_item_variant_is_untranslated():
    measures = {**NO_REFUNDS, "Mode Sales": MODE, "Basis Sales": BASIS, "Both": "[Mode Sales] + [Basis Sales]"}
    _, plain, _ = compiled_with(measures)
    assert plain["Both"].components == ("Mode Sales", "Basis Sales")
    _, by_name, _ = compiled_with(measures, group(("Double", "SELECTEDMEASURE() * 2", 0)))
    assert by_name["Both"].status is Status.UNTRANSLATED
    assert [r.code for r in by_name["Both"].reasons] == ["CMP211"]


def test_an_item_that_cannot_be_applied_is_not_offered_and_is_reported():
    ytd = group(
        ("Current", "SELECTEDMEASURE()", 0),
        ("Double", "SELECTEDMEASURE() * 2", 1),
        ("YTD", "CALCULATE(SELECTEDMEASURE(), DATESYTD('Date'[Date]))", 2),
        name="Time Intelligence",
    )
    compiled, by_name, diagnostics = compiled_with({}, ytd)
    toggle = next(t for t in compiled.toggles if t.table == "Time Intelligence")
    assert toggle.options == ("Current", "Double")
    assert all(v.option != "YTD" for t in compiled.translations for v in t.variants)
    [diagnostic] = diagnostics
    assert (diagnostic.code, diagnostic.severity) == ("CMP218", Severity.WARNING)
    assert diagnostic.location == SourceLocation(ITEMS_FILE, 30, 5)
    translated = [t for t in compiled.translations if t.status is Status.EXACT]
    assert "YTD" in diagnostic.message and f"{len(translated)} measure(s)" in diagnostic.message
    sales = by_name["Total Sales"]
    assert sales.status is Status.EXACT  # the measure itself is still translated
    assert [r.code for r in sales.reasons] == ["CMP218"]
    assert "'YTD'" in sales.reasons[0].message and sales.reasons[0].location == sales.measure.location
    assert sales.reasons[0].notes == (f"the item is at {ITEMS_FILE}:30:34",)  # DATESYTD: 5 + 30 - 1


def test_an_item_failing_for_one_measure_is_taken_out_for_every_measure():
    compiled, by_name, diagnostics = compiled_with({}, group(("West", '''CALCULATE(SELECTEDMEASURE(), Sales[region] = "West")''', 0)))
    assert all(t.table != "Scaling" for t in compiled.toggles)  # no item left: no toggle
    assert by_name["Total Sales"].variants == () and by_name["Total Sales"].toggles == ()
    assert [r.code for r in by_name["Refunds"].reasons] == ["CMP218"]  # Returns rows, Sales filter
    assert [r.code for r in by_name["Total Sales"].reasons] == []
    [diagnostic] = diagnostics
    assert diagnostic.notes[0].startswith("[Refunds]: ")


def test_dropped_diagnostic_names_at_most_five_measures():
    many = {f"M{i}": f"SUM(Sales[amount]) + {i}" for i in range(8)}
    compiled, _, diagnostics = compiled_with(many, group(("YTD", "CALCULATE(SELECTEDMEASURE(), DATESYTD('Date'[Date]))", 0)))
    [diagnostic] = diagnostics
    translated = sum(t.status is Status.EXACT for t in compiled.translations)
    assert len(diagnostic.notes) == 6
    assert diagnostic.notes[-1] == f"... and {translated - 5} more measures (see the translation report)"


def test_selectedmeasure_outside_a_calculation_item_is_untranslated():
    _, by_name, _ = compiled_with({"Odd": "SELECTEDMEASURE() + 1"})
    assert [r.code for r in by_name["Odd"].reasons] == ["CMP202"]


def test_the_readers_fixture_time_intelligence_group():
    fixture = Path(__file__).parents[1] / "readers" / "fixtures" / "Sales.SemanticModel"
    [model], _ = read_exports(fixture)
    compiled, diagnostics = compile_model(parse_model(model)[0])
    toggle = next(t for t in compiled.toggles if t.kind is ToggleKind.CALCULATION_GROUP)
    assert (toggle.table, toggle.column, toggle.options, toggle.default) == (
        "Time Intelligence", "Time Calculation", ("Current",), "Current",
    )
    assert sorted(d.message.split("'")[1] for d in diagnostics if d.code == "CMP218") == ["PY", "YTD"]


def test_an_approximate_measure_takes_items_and_an_item_making_a_measure_approximate_does_not():
    share = "DIVIDE([Total Sales], CALCULATE([Total Sales], ALL(Sales)))"
    _, by_name, _ = compiled_with({**NO_REFUNDS, "Share": share}, group(("Double", "SELECTEDMEASURE() * 2", 0)))
    assert by_name["Share"].status is Status.APPROXIMATE
    assert [v.option for v in by_name["Share"].variants] == ["Double"]
    everything = group(("All Rows", "CALCULATE(SELECTEDMEASURE(), ALL(Sales))", 0))
    compiled, by_name, _ = compiled_with(NO_REFUNDS, everything)
    assert [r.code for r in by_name["Total Sales"].reasons] == ["CMP218"]
    assert "only approximate" in by_name["Total Sales"].reasons[0].message
    assert all(t.table != "Scaling" for t in compiled.toggles)


def test_an_item_reading_a_slicer_the_measure_does_not_read_cannot_be_applied():
    reads_slicer = group(
        ("Organic x2", '''IF(SELECTEDVALUE('Approval Mode'[Mode]) = "Organic", SELECTEDMEASURE() * 2, SELECTEDMEASURE())''', 0)
    )
    compiled, by_name, _ = compiled_with({**NO_REFUNDS, "Mode Sales": MODE}, reads_slicer)
    # Mode Sales reads Approval Mode itself: the item's variant is its own, at the slicer's default
    # (no change), so no variant; Total Sales does not read it: the item cannot be applied.
    assert [r.code for r in by_name["Mode Sales"].reasons] == []
    assert [r.code for r in by_name["Total Sales"].reasons] == ["CMP218"]
    assert "'Approval Mode'" in by_name["Total Sales"].reasons[0].message
    assert all(t.table != "Scaling" for t in compiled.toggles)
