"""Filter context, aggregates, text grouping, context transition and slicers on a small fixed
data set. Every expected value is worked out by hand from the documented DAX semantics."""

from __future__ import annotations

import pandas as pd
import pytest

from translator.dax import parse_model
from translator.model.semantic import Column, Measure, Relationship, SemanticModel, Table, TableKind
from translator.reference import EvaluationError, evaluate, evaluate_measure

# Region has "East" and "east" (one group), Product has "A" and "a" (one group).
SALES = pd.DataFrame(
    {
        "Region": ["East", "east", "West", "West", "North", None],
        "Product": ["A", "B", "A", "B", "a", "B"],
        "Amount": [10, 20, None, 5, 0, 7],
        "Qty": [1, None, 0, 2, 3, None],
    }
)
MODE = pd.DataFrame({"Mode": ["Gross", "Net"]})
FRAMES = {"Sales": SALES, "Mode": MODE}
BY_REGION = ("Sales[Region]",)


def run(dax, group_by=(), **kwargs):
    return evaluate(dax, FRAMES, MODEL, group_by=group_by, **kwargs)


def one(dax, **kwargs):
    (value,) = run(dax, **kwargs).values()
    return value


MEASURES = {
    "Total": "SUM(Sales[Amount])",
    "Units": "SUM(Sales[Qty])",
    "Switch": 'SWITCH(SELECTEDVALUE(Mode[Mode], "Gross"), "Gross", [Total], "Net", [Total] - [Units])',
}
MODEL = parse_model(
    SemanticModel(
        "test",
        "test.bim",
        tables=(
            Table(
                "Sales",
                columns=(Column("Region", "string"), Column("Product", "string"),
                         Column("Amount", "double"), Column("Qty", "int64")),
                measures=tuple(Measure("Sales", name, text) for name, text in MEASURES.items()),
            ),
            Table("Mode", columns=(Column("Mode", "string"),)),
            Table("Mode DAX", kind=TableKind.CALCULATED, columns=(Column("Choice", "string"),),
                  expression='DATATABLE("Choice", STRING, {{"Gross"}, {"Net"}})'),
        ),
    )
)[0]


# ---- aggregates ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("dax", "expected"),
    [
        ("SUM(Sales[Amount])", 42),
        ("AVERAGE(Sales[Amount])", 8.4),  # skips the blank, counts the zero: 42 / 5
        ("MIN(Sales[Amount])", 0),
        ("MAX(Sales[Amount])", 20),
        ("COUNT(Sales[Amount])", 5),
        ("COUNTA(Sales[Qty])", 4),
        ("COUNTROWS(Sales)", 6),
        ("DISTINCTCOUNT(Sales[Region])", 4),  # east, west, north and BLANK
        ("DISTINCTCOUNTNOBLANK(Sales[Region])", 3),
        ("DISTINCTCOUNT(Sales[Product])", 2),  # A and a are one value
        ("COUNTBLANK(Sales[Amount])", 1),
        ('CALCULATE(COUNTBLANK(Sales[Amount]), Sales[Region] = "East")', None),  # dax.guide: never 0
        ('CALCULATE(COUNTROWS(Sales), Sales[Region] = "South")', None),
        ('CALCULATE(COUNT(Sales[Amount]), Sales[Region] = "South")', None),
        ('CALCULATE(COUNTA(Sales[Amount]), Sales[Region] = "South")', None),
        ('CALCULATE(DISTINCTCOUNT(Sales[Amount]), Sales[Region] = "South")', None),
        ('CALCULATE(SUM(Sales[Amount]), Sales[Region] = "South")', None),
        ('CALCULATE(SUM(Sales[Amount]), Sales[Region] = "West", Sales[Product] = "A")', None),  # only blanks
        ('CALCULATE(AVERAGE(Sales[Amount]), Sales[Region] = "South")', None),
        ('CALCULATE(COUNTROWS(Sales), Sales[Product] = "a")', 3),  # case-insensitive
        ('MAX(Sales[Region])', "West"),
        ('MIN(Sales[Region])', "East"),  # BLANK is skipped; East/east sorts first
        ('SUMX(Sales, Sales[Amount] * Sales[Qty])', 10 + 0 + 10 + 0),
        ('COUNTROWS(FILTER(Sales, Sales[Qty] = 0))', 3),  # blank Qty = 0 is TRUE
        ('COUNTROWS(FILTER(Sales, Sales[Qty] == 0))', 1),
    ],
)
def test_aggregates(dax, expected):
    assert one(dax) == (pytest.approx(expected) if isinstance(expected, float) else expected)


# ---- grouping folds case ---------------------------------------------------------------------
def test_group_keys_fold_case_and_show_the_first_spelling():
    assert run("SUM(Sales[Amount])", BY_REGION) == {("East",): 30, ("West",): 5, ("North",): 0, (None,): 7}
    assert run("SUM(Sales[Amount])", ("Sales[Product]",)) == {("A",): 10, ("B",): 32}


def test_report_filters_fold_case():
    result = run("COUNTROWS(Sales)", ("Sales[Product]",), report_filters={"Sales[Region]": ["EAST"]})
    assert result == {("A",): 1, ("B",): 1}


# ---- CALCULATE filters -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("dax", "expected"),
    [
        # a boolean filter replaces the visual's filter on the same column
        ('CALCULATE(SUM(Sales[Amount]), Sales[Region] = "WEST")', {"East": 5, "West": 5, "North": 5, None: 5}),
        # KEEPFILTERS intersects
        ('CALCULATE(SUM(Sales[Amount]), KEEPFILTERS(Sales[Region] = "west"))',
         {"East": None, "West": 5, "North": None, None: None}),
        # FILTER(T, pred) intersects with the outer context
        ("CALCULATE(SUM(Sales[Amount]), FILTER(Sales, Sales[Qty] > 0))",
         {"East": 10, "West": 5, "North": 0, None: None}),
        # = 0 keeps the blank rows (DAX_SEMANTICS: CALCULATE(x, T[c] = 0))
        ("CALCULATE(SUM(Sales[Amount]), Sales[Qty] = 0)", {"East": 20, "West": None, "North": None, None: 7}),
        # a filter on another column intersects with the group
        ('CALCULATE(SUM(Sales[Amount]), Sales[Product] = "B")', {"East": 20, "West": 5, "North": None, None: 7}),
        # two filters on the same column AND together
        ('CALCULATE(SUM(Sales[Amount]), Sales[Region] = "East", Sales[Region] = "West")',
         {"East": None, "West": None, "North": None, None: None}),
        # nested CALCULATE: the inner filter replaces the outer one on the same column
        ('CALCULATE(CALCULATE(SUM(Sales[Amount]), Sales[Region] = "West"), Sales[Region] = "East")',
         {"East": 5, "West": 5, "North": 5, None: 5}),
        # ... and keeps the outer one on other columns
        ('CALCULATE(CALCULATE(SUM(Sales[Amount]), Sales[Product] = "B"), Sales[Region] = "East")',
         {"East": 20, "West": 20, "North": 20, None: 20}),
        ('CALCULATE(SUM(Sales[Amount]), Sales[Region] IN {"east", "north"})',
         {"East": 30, "West": 30, "North": 30, None: 30}),
        ('CALCULATE(SUM(Sales[Amount]), NOT Sales[Region] IN {"east", "north"})',
         {"East": 12, "West": 12, "North": 12, None: 12}),
        ("CALCULATE(SUM(Sales[Amount]), ALL(Sales))", {"East": 42, "West": 42, "North": 42, None: 42}),
        ("CALCULATE(SUM(Sales[Amount]), REMOVEFILTERS(Sales[Region]))", {"East": 42, "West": 42, "North": 42, None: 42}),
        # ALL(Product) leaves the group on Region alone
        ("CALCULATE(SUM(Sales[Amount]), ALL(Sales[Product]))", {"East": 30, "West": 5, "North": 0, None: 7}),
    ],
)
def test_calculate_filters(dax, expected):
    assert run(dax, BY_REGION) == {("East" if k == "East" else k,): v for k, v in expected.items()}


REPORT = {"Sales[Region]": ["East", "West"]}  # the report builder's WHERE


@pytest.mark.parametrize(
    ("dax", "expected_a", "expected_b"),
    [
        ("SUM(Sales[Amount])", 10, 25),
        # ALLSELECTED removes the visual's grouping and keeps the report's filter
        ("CALCULATE(SUM(Sales[Amount]), ALLSELECTED())", 35, 35),
        ("CALCULATE(SUM(Sales[Amount]), ALLSELECTED(Sales[Product]))", 35, 35),
        ("CALCULATE(SUM(Sales[Amount]), ALLSELECTED(Sales))", 35, 35),
        ("SUMX(ALLSELECTED(Sales[Product]), 1)", 2, 2),
        ("DIVIDE(SUM(Sales[Amount]), CALCULATE(SUM(Sales[Amount]), ALLSELECTED()))", 10 / 35, 25 / 35),
        # ALL and REMOVEFILTERS remove the report's filters too
        ("CALCULATE(SUM(Sales[Amount]), ALL(Sales))", 42, 42),
        ("CALCULATE(SUM(Sales[Amount]), REMOVEFILTERS())", 42, 42),
        ("CALCULATE(SUM(Sales[Amount]), ALL(Sales[Region]))", 10, 32),
        ("CALCULATE(SUM(Sales[Amount]), ALL(Sales[Product]))", 35, 35),
    ],
)
def test_allselected_versus_all(dax, expected_a, expected_b):
    result = run(dax, ("Sales[Product]",), report_filters=REPORT)
    assert result == {("A",): pytest.approx(expected_a), ("B",): pytest.approx(expected_b)}


# ---- measures and context transition ----------------------------------------------------------
@pytest.mark.parametrize(
    ("dax", "expected"),
    [
        ("SUMX(VALUES(Sales[Region]), [Total])", 42),  # each region's total, summed
        ("SUMX(VALUES(Sales[Region]), SUM(Sales[Amount]))", 4 * 42),  # no transition without a measure
        ("SUMX(VALUES(Sales[Region]), CALCULATE(SUM(Sales[Amount])))", 42),  # CALCULATE transitions
        ("MAXX(VALUES(Sales[Region]), [Total])", 30),
        ("MINX(VALUES(Sales[Region]), [Total])", 0),
        ("AVERAGEX(VALUES(Sales[Product]), [Total])", 21),
        ("COUNTROWS(FILTER(VALUES(Sales[Region]), [Total] > 4))", 3),
        ("SUMX(Sales, [Total])", 42),  # each row becomes a filter on all its columns
        ("[Total] - [Units]", 36),
        ("VAR t = [Total] RETURN CALCULATE(t, ALL(Sales))", 42),
    ],
)
def test_context_transition(dax, expected):
    assert one(dax) == pytest.approx(expected)


def test_duplicate_rows_are_counted_twice_by_context_transition():
    frames = {"Sales": pd.DataFrame({"Region": ["X", "X"], "Product": ["p", "p"], "Amount": [3, 3], "Qty": [1, 1]})}
    (value,) = evaluate("SUMX(Sales, [Total])", frames, MODEL).values()
    assert value == 12  # each of the two identical rows filters both rows: 2 * 6


def test_variable_is_evaluated_where_it_is_defined():
    by_region = run("VAR t = [Total] RETURN CALCULATE(t, ALL(Sales))", BY_REGION)
    assert by_region == {("East",): 30, ("West",): 5, ("North",): 0, (None,): 7}
    share = run("VAR all_ = CALCULATE([Total], ALL(Sales)) RETURN DIVIDE([Total], all_)", BY_REGION)
    assert share[("East",)] == pytest.approx(30 / 42)


def test_measure_in_the_current_filter_context():
    assert evaluate_measure(MODEL, "total", FRAMES, BY_REGION) == {("East",): 30, ("West",): 5, ("North",): 0, (None,): 7}


# ---- slicer tables (toggles) -------------------------------------------------------------------
def test_slicer_selection():
    assert evaluate_measure(MODEL, "Switch", FRAMES) == {(): 42}
    assert evaluate_measure(MODEL, "Switch", FRAMES, slicers={"Mode": "Net"}) == {(): 36}
    assert evaluate_measure(MODEL, "Switch", FRAMES, slicers={"Mode[Mode]": "net"}) == {(): 36}


@pytest.mark.parametrize(
    ("dax", "slicers", "expected"),
    [
        ("HASONEVALUE(Mode[Mode])", {}, False),
        ("HASONEVALUE(Mode[Mode])", {"Mode": "Net"}, True),
        ('SELECTEDVALUE(Mode[Mode], "none")', {}, "none"),
        ("SELECTEDVALUE(Mode[Mode])", {}, None),
        ("SELECTEDVALUE(Mode[Mode])", {"Mode": "Gross"}, "Gross"),
        ("MAX(Mode[Mode])", {}, "Net"),
        ("VALUES(Mode[Mode])", {"Mode": "Net"}, "Net"),
        ("SELECTEDVALUE('Mode DAX'[Choice])", {"'Mode DAX'[Choice]": "Net"}, "Net"),  # DATATABLE in the model
        ("COUNTROWS('Mode DAX')", {}, 2),
    ],
)
def test_slicer_functions(dax, slicers, expected):
    assert one(dax, slicers=slicers) == expected


def test_values_with_several_rows_as_a_scalar_is_an_error():
    with pytest.raises(EvaluationError):
        one("VALUES(Mode[Mode])")


# ---- relationships -----------------------------------------------------------------------------
def test_filter_on_the_one_side_reaches_the_many_side():
    model = parse_model(
        SemanticModel(
            "rel", "rel.bim",
            tables=(Table("Sales"), Table("Product", columns=(Column("Product", "string"), Column("Kind", "string")))),
            relationships=(Relationship("Sales", "Product", "Product", "Product"),),
        )
    )[0]
    frames = {"Sales": SALES, "Product": pd.DataFrame({"Product": ["A", "B"], "Kind": ["x", "y"]})}
    result = evaluate("SUM(Sales[Amount])", frames, model, group_by=("Product[Kind]",))
    assert result == {("x",): 10, ("y",): 32}  # product "a" matches "A" ignoring case
    result = evaluate('CALCULATE(SUM(Sales[Amount]), Product[Kind] = "y")', frames, model)
    assert result == {(): 32}
    result = evaluate('CALCULATE(COUNTROWS(Sales), ALL(Sales))', frames, model, group_by=("Product[Kind]",))
    assert result == {("x",): 6, ("y",): 6}  # ALL(fact) removes filters from its expanded table


# ---- what the oracle refuses ------------------------------------------------------------------
@pytest.mark.parametrize(
    "dax",
    [
        "DATEADD(Sales[Amount], -1, YEAR)",  # time intelligence: no reference rule
        "Sales[Amount]",  # a column outside a row context
        '1 = "1"',  # DAX cannot compare numbers with text
        "MOD(1, 0)",
    ],
)
def test_errors(dax):
    with pytest.raises(EvaluationError):
        one(dax)
