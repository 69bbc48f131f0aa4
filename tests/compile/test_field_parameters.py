"""Field parameters as toggles: options, the field each option picks, and whether the toggle is a
metric picker (measures) or a dimension switch (columns)."""

from __future__ import annotations

from pathlib import Path

from tests.compile.model import build, with_tables
from translator.compile import ToggleKind, compile_model, to_sql
from translator.dax import parse_model
from translator.readers import read_exports
from translator.model.semantic import Column, Table, TableKind


def field_parameter(name: str, rows: str) -> Table:
    return Table(
        name,
        kind=TableKind.FIELD_PARAMETER,
        columns=(Column(name, "string"), Column(f"{name} Fields", "string"), Column(f"{name} Order", "int64")),
        expression="{" + rows + "}",
    )


def toggle_of(compiled, table: str):
    return next(t for t in compiled.toggles if t.table == table)


METRICS = field_parameter(
    "Metric", '''("Revenue", NAMEOF([total sales]), 0), ("Order Count", NAMEOF('Sales'[Orders]), 1)'''
)
GROUPING = field_parameter(
    "Group By", '''("Region", NAMEOF('sales'[REGION]), 0), ("Segment", NAMEOF(Customer[segment]), 1)'''
)
MIXED = field_parameter("Anything", '''("Revenue", NAMEOF([Total Sales]), 0), ("Region", NAMEOF(Sales[region]), 1)''')


def test_a_field_parameter_of_measures_is_a_metric_picker():
    toggle = toggle_of(compile_model(with_tables(build(), METRICS))[0], "Metric")
    assert toggle.kind is ToggleKind.FIELD_PARAMETER
    assert (toggle.column, toggle.options) == ("Metric", ("Revenue", "Order Count"))
    # NAMEOF gives the fully qualified name in the model's spelling, a bare [measure] included
    assert toggle.targets == ("'Sales'[Total Sales]", "'Sales'[Orders]")
    assert toggle.picks == "measures"


def test_a_field_parameter_of_columns_is_a_dimension_switch():
    toggle = toggle_of(compile_model(with_tables(build(), GROUPING))[0], "Group By")
    assert toggle.options == ("Region", "Segment")
    assert toggle.targets == ("'Sales'[region]", "'Customer'[segment]")
    assert toggle.picks == "columns"


def test_a_field_parameter_of_both_is_mixed():
    toggle = toggle_of(compile_model(with_tables(build(), MIXED))[0], "Anything")
    assert toggle.picks == "mixed"


def test_slicers_have_no_targets():
    compiled, _ = compile_model(build())
    assert all((t.targets, t.picks) == ((), None) for t in compiled.toggles)


def test_a_measure_testing_the_picked_field_gets_a_variant_per_option():
    measure = '''IF(SELECTEDVALUE('Metric'[Metric Fields]) = "'Sales'[Orders]", [Orders], [Total Sales])'''
    compiled, _ = compile_model(with_tables(build({"Picked": measure}), METRICS))
    picked = next(t for t in compiled.translations if t.measure.name == "Picked")
    assert to_sql(picked.sql) == 'SUM("amount")'
    assert [(v.toggle_table, v.option, to_sql(v.sql)) for v in picked.variants] == [
        ("Metric", "Order Count", "NULLIF(COUNT(*), 0)")
    ]


def test_the_readers_fixture_metric_selector():
    fixture = Path(__file__).parents[1] / "readers" / "fixtures" / "Sales.SemanticModel"
    [model], _ = read_exports(fixture)
    toggle = toggle_of(compile_model(parse_model(model)[0])[0], "Metric Selector")
    assert toggle.options == ("Total Sales", "Average Order")
    assert toggle.targets == ("'Sales'[Total Sales]", "'Sales'[Average Order]")
    assert toggle.picks == "measures"
