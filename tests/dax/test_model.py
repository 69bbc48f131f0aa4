"""parse_model: every measure, calculated table and calculation item parsed, in model order; a bad
measure keeps its diagnostic, located in the export file."""

from __future__ import annotations

from tests.dax.builders import ADD, F, M, N, Rows, S, C
from translator.dax import ParsedModel, parse_model
from translator.diagnostics import SourceLocation
from translator.model.semantic import CalculationItem, Measure, SemanticModel, Table, TableKind


def _model() -> SemanticModel:
    sales = Table(
        "Sales",
        measures=(
            Measure("Sales", "Revenue", "SUM(Sales[Amount])", location=SourceLocation("m/Sales.tmdl", 12, 20)),
            Measure("Sales", "Broken", "1 +\n  * 2", location=SourceLocation("m/Sales.tmdl", 30, 20)),
            Measure("Sales", "Also broken", "F(1 2)", location=SourceLocation("m/Sales.tmdl", 40, 5)),
        ),
    )
    metrics = Table(
        "Metrics",
        measures=(
            Measure("Metrics", "Twice", "[Revenue] + [Revenue]"),
            Measure("Metrics", "No line", "((", location=SourceLocation("model.bim")),
        ),
        location=SourceLocation("model.bim", 3),
    )
    choice = Table(
        "Choice",
        kind=TableKind.CALCULATED,
        expression='{("Revenue", 0), ("Units", 1)}',
        location=SourceLocation("model.bim", 50),
    )
    bad_table = Table("Bad", kind=TableKind.CALCULATED, expression="{1,", location=SourceLocation("model.bim", 60))
    group = Table(
        "Time Calc",
        kind=TableKind.CALCULATION_GROUP,
        calculation_items=(
            CalculationItem("Current", "SELECTEDMEASURE()", ordinal=0),
            CalculationItem("Broken", "SELECTEDMEASURE(", ordinal=1, location=SourceLocation("model.bim", 70, 10)),
        ),
        location=SourceLocation("model.bim", 65),
    )
    return SemanticModel("Sales model", "sales.pbit", (sales, metrics, choice, bad_table, group))


def test_measures_in_model_order_with_trees():
    parsed, _ = parse_model(_model())
    assert isinstance(parsed, ParsedModel)
    assert [p.measure.name for p in parsed.measures] == ["Revenue", "Broken", "Also broken", "Twice", "No line"]
    assert parsed.measures[0].tree == F("SUM", C("Sales", "Amount"))
    assert parsed.measures[0].error is None
    assert parsed.measures[3].tree == ADD(M("Revenue"), M("Revenue"))


def test_bad_measure_keeps_its_diagnostic_in_file_coordinates():
    parsed, _ = parse_model(_model())
    broken = parsed.measures[1]
    assert broken.tree is None
    assert broken.error.code == "DAX101"
    # `*` is on the expression's line 2, column 3: file line 30 + 1, column unshifted
    assert broken.error.location == SourceLocation("m/Sales.tmdl", 31, 3)
    also = parsed.measures[2]
    # line 1, column 5 of the expression starts at file column 5: column 9
    assert also.error.location == SourceLocation("m/Sales.tmdl", 40, 9)


def test_measure_without_location_points_at_its_tables_file():
    model = SemanticModel(
        "m", "m.bim", (Table("T", measures=(Measure("T", "x", "(("),), location=SourceLocation("m.bim", 3)),)
    )
    assert parse_model(model)[0].measures[0].error.location == SourceLocation("m.bim")


def test_location_without_line_or_without_location():
    parsed, _ = parse_model(_model())
    assert parsed.measures[4].error.location == SourceLocation("model.bim")
    model = SemanticModel("m", "exports/m.bim", (Table("T", measures=(Measure("T", "x", "(("),)),))
    assert parse_model(model)[0].measures[0].error.location == SourceLocation("exports/m.bim")


def test_calculated_tables_and_calculation_items():
    parsed, _ = parse_model(_model())
    assert [t.table.name for t in parsed.tables] == ["Choice", "Bad"]
    assert parsed.tables[0].tree == Rows((S("Revenue"), N(0)), (S("Units"), N(1)))
    assert parsed.tables[1].tree is None
    assert parsed.tables[1].error.code == "DAX103"
    assert parsed.tables[1].error.location.file == "model.bim"
    assert parsed.tables[1].error.location.line == 60
    assert [(i.table.name, i.item.name) for i in parsed.items] == [("Time Calc", "Current"), ("Time Calc", "Broken")]
    assert parsed.items[0].tree == F("SELECTEDMEASURE")
    assert parsed.items[1].error.location == SourceLocation("model.bim", 70, 26)


def test_empty_model():
    parsed, _ = parse_model(SemanticModel("empty", "e.bim"))
    assert parsed.measures == () and parsed.tables == () and parsed.items == ()


def test_the_stage_returns_every_parse_error_measures_then_tables_then_items():
    parsed, diagnostics = parse_model(_model())
    expected = [p.error for p in (*parsed.measures, *parsed.tables, *parsed.items) if p.tree is None]
    assert [(d.code, d.location) for d in diagnostics] == [(d.code, d.location) for d in expected]
    assert len(diagnostics) == 5  # Broken, Also broken, No line; the Bad table; the Broken item
