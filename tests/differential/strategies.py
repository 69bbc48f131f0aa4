"""Hypothesis strategies: fact rows and random DAX measures over the fact table `Fact`.

Data: NULLs, zeros, negatives, integers and exact binary fractions mixed (sums stay exact, so a
difference of sums is 0 on both sides), text in mixed case, groups that only some filters keep.
Expressions: the translatable subset (aggregates, arithmetic, comparisons, DIVIDE, IF, SWITCH,
CALCULATE with boolean/KEEPFILTERS/FILTER filters, iterators, ALLSELECTED shares, ...).
"""

from __future__ import annotations

import datetime

from hypothesis import strategies as st

from translator.dax import ast

FACT = "Fact"
# (name, model data type, PostgreSQL type)
COLUMNS = (
    ("dim", "string", "text"), ("cat", "string", "text"), ("n", "int64", "bigint"),
    ("d", "double", "double precision"), ("day", "dateTime", "timestamp"),
)  # fmt: skip
DIMS = ["a", "A", "b", "B", "c", None]
CATS = ["x", "X", "y", "z", None]

ints = st.one_of(st.none(), st.integers(-5, 5), st.sampled_from([0, 0, 100, -100]))
decimals = st.one_of(st.none(), st.integers(-40, 40).map(lambda k: k / 4), st.integers(-9, 9).map(float))
# Days across month, quarter and year ends, a leap day, a time of day and an older year.
DAYS = [datetime.datetime(2024, 1, 1), datetime.datetime(2024, 2, 29), datetime.datetime(2023, 12, 31),
        datetime.datetime(2024, 3, 15, 13, 30), datetime.datetime(2010, 2, 14), datetime.datetime(2024, 12, 30)]
days = st.one_of(st.none(), st.sampled_from(DAYS))
rows = st.lists(st.tuples(st.sampled_from(DIMS), st.sampled_from(CATS), ints, decimals, days), max_size=14)


def col(name: str) -> ast.ColumnRef:
    return ast.ColumnRef(FACT, name)


def call(name: str, *args: ast.Expr | None) -> ast.FunctionCall:
    return ast.FunctionCall(name, tuple(args))


def number(value: int | float) -> ast.Expr:
    if value < 0:
        return ast.UnaryOp(ast.UnaryOpKind.NEG, ast.Number(-value))
    return ast.Number(value)


constants = st.one_of(
    st.integers(-3, 5).map(number),
    st.sampled_from([0.5, 2.25, -1.5]).map(number),
    st.just(call("BLANK")),
)
text_constants = st.sampled_from(["x", "X", "y", "q"]).map(ast.String)
numeric_columns = st.sampled_from(["n", "d"]).map(col)
any_columns = st.sampled_from(["n", "d", "cat"]).map(col)

aggregates = st.one_of(
    st.builds(lambda f, c: call(f, c), st.sampled_from(["SUM", "AVERAGE", "MIN", "MAX"]), numeric_columns),
    st.builds(lambda f, c: call(f, c),
              st.sampled_from(["COUNT", "COUNTA", "DISTINCTCOUNT", "DISTINCTCOUNTNOBLANK", "COUNTBLANK"]),
              any_columns),
    st.just(call("COUNTROWS", ast.TableRef(FACT, quoted=False))),
    st.builds(lambda f, c: call(f, c), st.sampled_from(["MEDIAN", "AVERAGEA"]), numeric_columns),
    st.builds(lambda f, c: call("COUNTROWS", call(f, col(c))), st.sampled_from(["VALUES", "DISTINCT"]),
              st.sampled_from(["dim", "cat", "n"])),
)

COMPARISONS = [ast.BinOp.EQ, ast.BinOp.NEQ, ast.BinOp.LT, ast.BinOp.LTE, ast.BinOp.GT, ast.BinOp.GTE]
ARITHMETIC = [ast.BinOp.ADD, ast.BinOp.SUB, ast.BinOp.MUL, ast.BinOp.DIV]


# Text and date functions (issue 13): their BLANK behaviour is undocumented and refused, so the
# columns they read are COALESCEd to a value first.
text_value = st.sampled_from(["", "q", "x y"]).map(lambda t: call("COALESCE", col("cat"), ast.String(t)))
date_value = st.sampled_from([(2024, 1, 1), (2023, 6, 30)]).map(
    lambda ymd: call("COALESCE", col("day"), call("DATE", *(ast.Number(v) for v in ymd)))
)
INTERVALS = ["DAY", "MONTH", "QUARTER", "YEAR"]
scalar_numbers = st.one_of(
    text_value.map(lambda t: call("LEN", t)),
    st.builds(lambda f, t: call(f, ast.String(f == "SEARCH" and "x" or "X"), t, ast.Number(1), number(-1)),
              st.sampled_from(["SEARCH", "FIND"]), text_value),
    st.builds(lambda f, d: call(f, d), st.sampled_from(["YEAR", "MONTH", "DAY", "QUARTER"]), date_value),
    st.builds(lambda d, k: call("WEEKDAY", d, ast.Number(k)), date_value, st.sampled_from([1, 2, 3])),
    st.builds(lambda d, k: call("WEEKNUM", d, ast.Number(k)), date_value, st.sampled_from([1, 2, 21])),
    st.builds(lambda d, i: call("DATEDIFF", call("DATE", ast.Number(2024), ast.Number(2), ast.Number(29)), d,
                                ast.TableRef(i, quoted=False)), date_value, st.sampled_from(INTERVALS)),
    st.builds(lambda d, k: call("DAY", call("EOMONTH", d, number(k))), date_value, st.integers(-13, 13)),
    st.builds(lambda d, k: call("DAY", call("EDATE", d, number(k))), date_value, st.integers(-13, 13)),
    st.builds(lambda d, m: call("MONTH", call("DATE", call("YEAR", d), ast.Number(m), ast.Number(1))),
              date_value, st.integers(1, 25)),
)
PATTERNS = ["x", "X", "x*", "?", "~*", "y", " "]
text_predicates = st.one_of(
    st.builds(lambda t, p: call("CONTAINSSTRING", t, ast.String(p)), text_value, st.sampled_from(PATTERNS)),
    st.builds(lambda t, p: call("CONTAINSSTRINGEXACT", t, ast.String(p)), text_value, st.sampled_from(["x", "X", "y"])),
    st.builds(lambda f, t: ast.BinaryOp(ast.BinOp.EQ, call(f, t), ast.String("x")),
              st.sampled_from(["UPPER", "LOWER", "TRIM"]), text_value),
    st.builds(lambda t: ast.BinaryOp(ast.BinOp.STRICT_EQ, call("LEFT", t, ast.Number(1)), ast.String("X")), text_value),
    st.builds(lambda t: ast.BinaryOp(ast.BinOp.EQ, call("SUBSTITUTE", t, ast.String("x"), ast.String("")), ast.String("")),
              text_value),
)


def _row_expressions():
    """Expressions in a row context of Fact (iterator bodies)."""
    leaves = st.one_of(numeric_columns, constants, scalar_numbers)
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(ast.BinaryOp, st.sampled_from(ARITHMETIC), inner, inner),
            st.builds(lambda a, b: call("DIVIDE", a, b), inner, inner),
            st.builds(lambda p, a, b: call("IF", p, a, b), row_predicates, inner, inner),
            st.builds(lambda a: call("ABS", a), inner),
        ),
        max_leaves=4,
    )


row_predicates = st.one_of(
    st.builds(ast.BinaryOp, st.sampled_from(COMPARISONS), numeric_columns, constants),
    st.builds(lambda op, t: ast.BinaryOp(op, col("cat"), t), st.sampled_from([ast.BinOp.EQ, ast.BinOp.NEQ]), text_constants),
    st.builds(lambda c: call("ISBLANK", c), any_columns),
    st.builds(lambda a, b: ast.BinaryOp(ast.BinOp.STRICT_EQ, a, b), numeric_columns, constants),
    st.just(ast.BinaryOp(ast.BinOp.IN, col("cat"), ast.TableConstructor(((ast.String("x"),), (ast.String("Y"),))))),
    st.builds(ast.BinaryOp, st.sampled_from(COMPARISONS), st.just(col("n")), st.just(col("d"))),
    text_predicates,
)
row_expressions = _row_expressions()

# Boolean filters on one column (CALCULATE's shorthand for FILTER(ALL(col), pred)).
column_filters = st.one_of(
    st.builds(ast.BinaryOp, st.sampled_from(COMPARISONS), numeric_columns, constants),
    st.builds(lambda op, t: ast.BinaryOp(op, col("cat"), t), st.sampled_from([ast.BinOp.EQ, ast.BinOp.NEQ]), text_constants),
    st.just(ast.BinaryOp(ast.BinOp.IN, col("cat"), ast.TableConstructor(((ast.String("x"),), (ast.String("Y"),))))),
    st.just(ast.UnaryOp(ast.UnaryOpKind.NOT, call("ISBLANK", col("n")))),
    st.builds(lambda c: call("ISBLANK", c), any_columns),
)
filters = st.one_of(
    column_filters,
    column_filters.map(lambda f: call("KEEPFILTERS", f)),
    row_predicates.map(lambda p: call("FILTER", ast.TableRef(FACT, quoted=False), p)),
)

iterators = st.builds(
    lambda f, table, body: call(f, table, body),
    st.sampled_from(["SUMX", "AVERAGEX", "COUNTX", "MINX", "MAXX"]),
    st.one_of(
        st.just(ast.TableRef(FACT, quoted=False)),
        row_predicates.map(lambda p: call("FILTER", ast.TableRef(FACT, quoted=False), p)),
        row_predicates.map(lambda p: call("FILTER", call("KEEPFILTERS", ast.TableRef(FACT, quoted=False)), p)),
    ),
    row_expressions,
)


def _first_column(node: ast.Expr) -> ast.ColumnRef:
    return next(n for n in ast.walk(node) if isinstance(n, ast.ColumnRef))


# ALL / REMOVEFILTERS of the column a boolean filter of the same CALCULATE replaces (redundant)
replaced_filters = st.builds(
    lambda f, which, first: [call(which, _first_column(f)), f] if first else [f, call(which, _first_column(f))],
    column_filters, st.sampled_from(["ALL", "REMOVEFILTERS"]), st.booleans(),
)

base_measures = st.one_of(
    aggregates,
    aggregates,
    iterators,
    st.builds(lambda a, fs: call("CALCULATE", a, *fs), st.one_of(aggregates, iterators), st.lists(filters, min_size=1, max_size=3)),
    aggregates.map(lambda a: call("DIVIDE", a, call("CALCULATE", a, call("ALLSELECTED")))),
    st.builds(lambda a, fs: call("CALCULATE", a, *fs), st.one_of(aggregates, iterators), replaced_filters),
    row_predicates.map(lambda p: call("CALCULATE", call("SUM", col("d")), call("KEEPFILTERS", call("FILTER", ast.TableRef(FACT, quoted=False), p)))),
)


def _conditions(measure):
    return st.one_of(
        st.builds(ast.BinaryOp, st.sampled_from(COMPARISONS), measure, st.one_of(measure, constants)),
        st.builds(lambda m: call("ISBLANK", m), measure),
        st.builds(lambda a, b: ast.BinaryOp(ast.BinOp.AND, a, b), measure.map(lambda m: call("ISBLANK", m)),
                  st.builds(ast.BinaryOp, st.just(ast.BinOp.GT), measure, constants)),
        st.builds(lambda a: ast.UnaryOp(ast.UnaryOpKind.NOT, call("ISBLANK", a)), measure),
    )


measures = st.recursive(
    st.one_of(base_measures, constants),
    lambda inner: st.one_of(
        st.builds(ast.BinaryOp, st.sampled_from(ARITHMETIC), inner, inner),
        st.builds(lambda a, b: call("DIVIDE", a, b), inner, inner),
        st.builds(lambda a, b, c: call("DIVIDE", a, b, c), inner, inner, constants),
        st.builds(lambda c, a, b: call("IF", c, a, b), _conditions(inner), inner, inner),
        st.builds(lambda c, a: call("IF", c, a), _conditions(inner), inner),
        st.builds(lambda c1, a, c2, b, e: call("SWITCH", ast.Boolean(True), c1, a, c2, b, e),
                  _conditions(inner), inner, _conditions(inner), inner, inner),
        st.builds(lambda a, b: call("COALESCE", a, b), inner, inner),
        st.builds(lambda f, a: call(f, a), st.sampled_from(["ABS", "INT"]), inner),
        st.builds(lambda f, a, k: call(f, a, ast.Number(k)), st.sampled_from(["ROUND", "ROUNDUP", "ROUNDDOWN"]), inner, st.integers(0, 2)),
        st.builds(lambda f, a, b: call(f, a, b), st.sampled_from(["MIN", "MAX"]), inner, inner),
        st.builds(lambda a: ast.UnaryOp(ast.UnaryOpKind.NEG, a), inner),
    ),
    max_leaves=4,
)


# The text, date and statistical functions of issue 13 on their own, so a run reports their figure.
FACT_TABLE = ast.TableRef(FACT, quoted=False)
function_measures = st.one_of(
    st.builds(lambda f, e: call(f, FACT_TABLE, e), st.sampled_from(["SUMX", "MINX", "MAXX", "AVERAGEX"]), scalar_numbers),
    text_predicates.map(lambda p: call("COUNTROWS", call("FILTER", FACT_TABLE, p))),
    st.builds(lambda f, c: call(f, c), st.sampled_from(["MEDIAN", "AVERAGEA"]), numeric_columns),
    st.builds(lambda a, p: call("CALCULATE", a, call("FILTER", FACT_TABLE, p)), aggregates, text_predicates),
    st.builds(lambda e, alt: call("IFERROR", e, alt), st.one_of(aggregates, iterators), constants),
)
