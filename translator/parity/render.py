"""A question as text: the DAX query Power BI answers and the SQL the report builder runs.

The DAX is built as an AST and printed by the project's DAX printer, so it parses back with the
project's parser (the reference evaluator answers exactly these texts). The SQL is a sqlglot tree
over the metric's view, with `{client_id}` left in the view's name.
"""

from __future__ import annotations

import functools

import sqlglot
from sqlglot import exp

from translator.dax import ast
from translator.dax.printer import to_dax
from translator.parity.questions import CLIENT_PLACEHOLDER, DIALECT, MONTH, ROW_LIMIT, Filter, Question
from translator.verify.database import view_table

DATES = "__dates"
VALUE = "value"
MONTH_NAME = "month"


def dax_query(question: Question) -> str:
    """The query file's text: a comment saying what it asks, then `EVALUATE <table>`."""
    by = "the grand total" if question.grouping is None else f"by {question.dimension}"
    header = [
        f"// parity {question.id}: metric {question.metric_key} ({question.variant}), {by}",
        f"// executeQueries: one query per call, at most {ROW_LIMIT:,} rows per answer",
    ]
    return "\n".join([*header, "EVALUATE", to_dax(dax_table(question))]) + "\n"


def _call(name: str, *args: ast.Expr) -> ast.Expr:
    return ast.FunctionCall(name, args)


def dax_table(question: Question) -> ast.Expr:
    measure = ast.MeasureRef(question.measure)
    filters = tuple(_treatas(f) for f in question.filters)
    grouping = question.grouping
    if grouping is None:
        return _calculatetable(_call("ROW", ast.String(VALUE), measure), filters)
    column = ast.ColumnRef(grouping.table, grouping.column)
    if grouping.by != MONTH:
        return _call("SUMMARIZECOLUMNS", column, *filters, ast.String(VALUE), measure)
    # SUMMARIZECOLUMNS groups by columns only: the months are computed, and each month's value
    # is the measure with the date column filtered to that month's dates.
    dates = _call("FILTER", _call("VALUES", column), ast.UnaryOp(ast.UnaryOpKind.NOT, _call("ISBLANK", column)))
    month_of = _call("DATE", _call("YEAR", column), _call("MONTH", column), ast.Number(1))
    months = _call("DISTINCT", _call("SELECTCOLUMNS", ast.VariableRef(DATES), ast.String(MONTH_NAME), month_of))
    in_month = _call("FILTER", ast.VariableRef(DATES), ast.BinaryOp(ast.BinOp.EQ, month_of, ast.MeasureRef(MONTH_NAME)))
    body = _call("ADDCOLUMNS", months, ast.String(VALUE), _call("CALCULATE", measure, in_month))
    return _calculatetable(ast.VarBlock((ast.VarBinding(DATES, dates),), body), filters)


def _calculatetable(table: ast.Expr, filters: tuple[ast.Expr, ...]) -> ast.Expr:
    return _call("CALCULATETABLE", table, *filters) if filters else table


def _treatas(f: Filter) -> ast.Expr:
    values = ast.TableConstructor(tuple((_literal(v),) for v in f.values))
    return _call("TREATAS", values, ast.ColumnRef(f.table, f.column))


def _literal(value: object) -> ast.Expr:
    if isinstance(value, str):
        return ast.String(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return ast.Number(value)
    raise TypeError(f"no DAX literal for {value!r}")


def sql_query(question: Question, client_id: int | str = CLIENT_PLACEHOLDER) -> exp.Select:
    """SELECT [dimension,] value FROM the metric's view, as the report builder groups: text by
    LOWER(column) (Power BI groups text ignoring case), dates by month."""
    value = exp.alias_(_parsed(question.sql_value), VALUE, quoted=True)
    table = view_table(question.view_pattern, client_id)
    grouping = question.grouping
    if grouping is None:
        return exp.select(value).from_(table)
    column = exp.column(grouping.sql_column, quoted=True)
    if grouping.by == MONTH:
        month = exp.cast(exp.func("DATE_TRUNC", exp.Literal.string("month"), column, dialect=DIALECT), "DATE")
        return (exp.select(exp.alias_(month, "dimension", quoted=True), value).from_(table)
                .where(exp.Not(this=exp.Is(this=column.copy(), expression=exp.Null())))
                .group_by(month.copy()).order_by(month.copy()))
    if grouping.kind == "text":
        key = exp.Lower(this=column)
        shown = exp.Min(this=column.copy())
        return (exp.select(exp.alias_(shown, "dimension", quoted=True), value).from_(table)
                .group_by(key).order_by(key.copy()))
    return (exp.select(exp.alias_(column, "dimension", quoted=True), value).from_(table)
            .group_by(column.copy()).order_by(column.copy()))


@functools.lru_cache(maxsize=256)
def _parsed_once(sql: str) -> exp.Expression:
    return sqlglot.parse_one(sql, dialect=DIALECT)


def _parsed(sql: str) -> exp.Expression:
    return _parsed_once(sql).copy()


def sql_text(question: Question) -> str:
    return sql_query(question).sql(dialect=DIALECT, unsupported_level=sqlglot.ErrorLevel.RAISE)
