"""Reference rules: one function per DAX function, and their table RULES (by upper-case name).

A rule takes the evaluator, the call's unevaluated arguments and the environment, and returns a
scalar (None is BLANK) or a TableValue. Expected behaviour and its sources: docs/semantics.md,
section "Reference evaluator" (or translator/reference/README.md).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Callable, Iterable

from translator.dax.ast import BinaryOp, BinOp, ColumnRef, Expr, FunctionCall, MeasureRef, TableConstructor, TableRef, UnaryOp, VariableRef
from translator import functions
from translator.reference import scalars
from translator.reference import values as v
from translator.reference.context import ColumnKey, Filter, FilterContext, Origin
from translator.reference.data import key
from translator.reference.evaluator import Env, Evaluator, Row, TableValue, Value
from translator.reference.values import EvaluationError, Scalar, fold

Args = tuple[Expr | None, ...]

# Functions whose result is a table: as a CALCULATE argument they are table filters.
TABLE_FUNCTIONS = frozenset(
    {"FILTER", "VALUES", "DISTINCT", "ALL", "ALLSELECTED", "ALLNOBLANKROW", "CALCULATETABLE",
     "DATATABLE", "KEEPFILTERS", "TREATAS", "SUMMARIZE", "ADDCOLUMNS", "SELECTCOLUMNS", "TOPN",
     "CROSSJOIN", "UNION", "INTERSECT", "EXCEPT"}
)
# CALCULATE arguments that change the filter context instead of adding a filter.
MODIFIERS = frozenset({"ALL", "REMOVEFILTERS", "ALLSELECTED", "ALLNOBLANKROW"})
# Scalar functions whose arguments a boolean filter predicate reads row by row.
ROW_FUNCTIONS = frozenset(
    {"AND", "OR", "NOT", "ISBLANK", "IF", "SWITCH", "ABS", "ROUND", "ROUNDUP", "ROUNDDOWN", "INT",
     "TRUNC", "MOD", "COALESCE", "DIVIDE"}
)


def _arg(args: Args, index: int) -> Expr:
    node = args[index] if index < len(args) else None
    if node is None:
        raise EvaluationError(f"argument {index + 1} is required")
    return node


def _optional(ev: Evaluator, args: Args, index: int, env: Env) -> Scalar:
    node = args[index] if index < len(args) else None
    return None if node is None else ev.scalar(node, env)


# ---- constants and information ----------------------------------------------------------
def blank_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return None


def true_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return True


def false_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return False


def isblank_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return ev.scalar(_arg(args, 0), env) is None


# ---- logic --------------------------------------------------------------------------------
def if_(ev: Evaluator, args: Args, env: Env) -> Value:
    """A BLANK condition is false; without a third argument the false branch is BLANK."""
    if v.to_bool(ev.scalar(_arg(args, 0), env)):
        return ev.value(_arg(args, 1), env)
    node = args[2] if len(args) > 2 else None
    return None if node is None else ev.value(node, env)


def switch_(ev: Evaluator, args: Args, env: Env) -> Value:
    """SWITCH compares with `=` (so a BLANK value matches 0 and ""): SWITCH(TRUE(), c1, r1, ...)
    takes the first condition that is TRUE, a BLANK condition counting as FALSE."""
    value = ev.scalar(_arg(args, 0), env)
    rest = args[1:]
    pairs, default = (rest, None) if len(rest) % 2 == 0 else (rest[:-1], rest[-1])
    for i in range(0, len(pairs), 2):
        if v.compare(BinOp.EQ, value, ev.scalar(_arg(pairs, i), env)):
            return ev.value(_arg(pairs, i + 1), env)
    return None if default is None else ev.value(default, env)


def and_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return v.to_bool(ev.scalar(_arg(args, 0), env)) and v.to_bool(ev.scalar(_arg(args, 1), env))


def or_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return v.to_bool(ev.scalar(_arg(args, 0), env)) or v.to_bool(ev.scalar(_arg(args, 1), env))


def not_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return not v.to_bool(ev.scalar(_arg(args, 0), env))


def coalesce_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    for node in args:
        value = ev.scalar(node, env) if node is not None else None
        if value is not None:
            return value
    return None


# ---- numbers ------------------------------------------------------------------------------
def divide_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    """DIVIDE(n, d[, alt]): alt (default BLANK) when d is 0 or BLANK; a BLANK n gives BLANK."""
    denominator = ev.scalar(_arg(args, 1), env)
    if denominator is None or v.to_number(denominator) == 0:
        return _optional(ev, args, 2, env)
    numerator = ev.scalar(_arg(args, 0), env)
    if numerator is None:
        return None
    return v.to_number(numerator) / v.to_number(denominator)


def abs_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    value = ev.blank_as_pinned(ev.scalar(_arg(args, 0), env), "abs_blank", "blank")
    return None if value is None else abs(v.to_number(value))


def _rounding(mode: str, default_digits: int | None, pin: str):
    def rule(ev: Evaluator, args: Args, env: Env) -> Scalar:
        # INT(BLANK()) is BLANK (SQLBI); without a pin the other rounding functions follow it
        value = ev.blank_as_pinned(ev.scalar(_arg(args, 0), env), pin, "blank")
        if value is None:
            return None
        digits = _optional(ev, args, 1, env) if default_digits is None or len(args) > 1 else default_digits
        digits = int(v.to_number(digits))
        return v.round_half_away(v.to_number(value), digits, mode)

    return rule


round_ = _rounding("half", None, "round_blank")
roundup_ = _rounding("up", None, "roundup_blank")
rounddown_ = _rounding("down", None, "rounddown_blank")
trunc_ = _rounding("down", 0, "trunc_blank")


def power_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return ev.power(ev.scalar(_arg(args, 0), env), ev.scalar(_arg(args, 1), env))


def int_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    value = ev.scalar(_arg(args, 0), env)
    return None if value is None else v.round_half_away(v.to_number(value), 0, "floor")


def mod_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    """MOD(n, d) has the sign of the divisor; d = 0 (or BLANK) is an error."""
    number = ev.scalar(_arg(args, 0), env)
    divisor = v.to_number(ev.scalar(_arg(args, 1), env))
    if divisor == 0:
        raise EvaluationError("MOD by zero")
    number = ev.blank_as_pinned(number, "mod_blank", "blank")
    if number is None:
        return None
    n = v.to_number(number)
    if isinstance(n, int) and isinstance(divisor, int):
        return n % divisor
    return n - divisor * math.floor(n / divisor)


# ---- aggregations over a column -----------------------------------------------------------
def _numbers(values: Iterable[Scalar], function: str) -> list[int | float]:
    result = []
    for value in values:
        if value is None:
            continue
        if isinstance(value, str):
            raise EvaluationError(f"{function} cannot work with values of type Text")
        result.append(v.to_number(value))
    return result


def _sum(numbers: list[int | float]) -> Scalar:
    if not numbers:
        return None
    if any(isinstance(n, float) for n in numbers):
        return math.fsum(numbers)
    return sum(numbers)


def _average(numbers: list[int | float]) -> Scalar:
    return math.fsum(numbers) / len(numbers) if numbers else None


def _extreme(values: Iterable[Scalar], pick) -> Scalar:
    present = [x for x in values if x is not None]
    return pick(present, key=v.sort_key) if present else None


def _count(n: int) -> Scalar:
    """Counting functions return BLANK, not 0, when there is nothing to count."""
    return n if n else None


def sum_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _sum(_numbers(ev.column_values(_arg(args, 0), env.ctx), "SUM"))


def average_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _average(_numbers(ev.column_values(_arg(args, 0), env.ctx), "AVERAGE"))


def _min_max(pick, function: str):
    def rule(ev: Evaluator, args: Args, env: Env) -> Scalar:
        if len(args) == 1:
            return _extreme(ev.column_values(_arg(args, 0), env.ctx), pick)
        # Two scalars: BLANK compares as 0 ("" for text), per the MIN/MAX reference.
        a, b = ev.scalar(_arg(args, 0), env), ev.scalar(_arg(args, 1), env)
        if a is None and b is None:
            return 0 if ev.semantics.get("min_max_both_blank") == "zero" else None
        one = ev.semantics.get("min_blank" if pick is min else "max_blank")
        if (a is None or b is None) and one == "ignore":
            return b if a is None else a
        if (a is None or b is None) and one == "blank":  # dax.guide: BLANK where it wins strictly
            other = v.to_number(b if a is None else a)
            return None if (other > 0 if pick is min else other < 0) else (b if a is None else a)
        a = v.zero_like(b) if a is None else a
        b = v.zero_like(a) if b is None else b
        first_wins = v.compare(BinOp.LTE, a, b) if pick is min else v.compare(BinOp.GTE, a, b)
        return a if first_wins else b

    rule.__name__ = function
    return rule


min_ = _min_max(min, "min_")
max_ = _min_max(max, "max_")


def count_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _count(sum(x is not None for x in ev.column_values(_arg(args, 0), env.ctx)))


def counta_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _count(sum(x is not None for x in ev.column_values(_arg(args, 0), env.ctx)))


def countrows_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _count(len(ev.table(_arg(args, 0), env).rows))


def distinctcount_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    """BLANK counts as one more value."""
    return _count(len({fold(x) for x in ev.column_values(_arg(args, 0), env.ctx)}))


def distinctcountnoblank_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _count(len({fold(x) for x in ev.column_values(_arg(args, 0), env.ctx) if x is not None}))


def countblank_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    """Empty strings count as blank. Without a pin, dax.guide: never 0 (BLANK when nothing is
    blank; Microsoft Learn's older page says 0). Pinned "zero": 0 when there are rows but no blank."""
    values = ev.column_values(_arg(args, 0), env.ctx)
    blanks = sum(x is None or x == "" for x in values)
    if ev.semantics.get("countblank_no_blanks") == "zero":
        return blanks if values else None
    return _count(blanks)


# ---- iterators ----------------------------------------------------------------------------
def _iterate(ev: Evaluator, args: Args, env: Env) -> list[Scalar]:
    table = ev.table(_arg(args, 0), env)
    expression = _arg(args, 1)
    return [ev.scalar(expression, env.with_row(Row(table.columns, row))) for row in table.rows]


def sumx_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _sum(_numbers(_iterate(ev, args, env), "SUMX"))


def averagex_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _average(_numbers(_iterate(ev, args, env), "AVERAGEX"))


def countx_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _count(sum(x is not None for x in _iterate(ev, args, env)))


countax_ = countx_


def minx_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _extreme(_iterate(ev, args, env), min)


def maxx_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _extreme(_iterate(ev, args, env), max)


# ---- tables -------------------------------------------------------------------------------
def related_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    """RELATED(Dim[c]): the value on the one side of the active relationship from the row
    context's table (the many side); BLANK when the key matches no row (dax.guide RELATED)."""
    column = ev.column_key(_arg(args, 0))
    position = ev.data.column_position(column)
    for row in reversed(env.rows):
        for rel in ev.data.relationships:
            if rel.one[0] == column[0] and rel.many in row.columns:
                foreign = fold(row.values[row.columns.index(rel.many)])
                one = ev.data.tables[column[0]]
                at = ev.data.column_position(rel.one)
                found = next((r for r in one.rows if foreign is not None and fold(r[at]) == foreign), None)
                return None if found is None else found[position]
    raise EvaluationError(f"RELATED({column[0]}[{column[1]}]) needs a row context on the many side of an active relationship")


def filter_(ev: Evaluator, args: Args, env: Env) -> TableValue:
    table = ev.table(_arg(args, 0), env)
    predicate = _arg(args, 1)
    rows = tuple(
        row for row in table.rows if v.to_bool(ev.scalar(predicate, env.with_row(Row(table.columns, row))))
    )
    return TableValue(table.columns, rows)


def _columns(ev: Evaluator, args: Args) -> list[ColumnKey]:
    return [ev.column_key(node) for node in args]


def values_(ev: Evaluator, args: Args, env: Env) -> TableValue:
    node = _arg(args, 0)
    if isinstance(node, (ColumnRef, MeasureRef)) and not (isinstance(node, MeasureRef) and ev.is_measure(node.name)):
        return ev.columns_table([ev.column_key(node)], env.ctx)
    return ev.table(node, env).distinct()


distinct_ = values_


def _table_name(node: Expr | None) -> str | None:
    match node:
        case TableRef(name=name) | VariableRef(name=name):
            return key(name)
    return None


def all_(ev: Evaluator, args: Args, env: Env) -> TableValue:
    """ALL as a table: every row (or distinct combination of the columns), ignoring filters."""
    if not args:
        raise EvaluationError("ALL() without arguments is only a CALCULATE modifier")
    table = _table_name(args[0])
    if table is not None and table in ev.data.tables:
        return ev.base_table(table, FilterContext())
    return ev.columns_table(_columns(ev, args), None)


allnoblankrow_ = all_


def _without_visual(ctx: FilterContext, columns: Iterable[ColumnKey] | None) -> FilterContext:
    """ALLSELECTED: drop the visual's group-by (and iterators' row filters), keep the report's
    filters and CALCULATE's."""
    columns = None if columns is None else tuple(columns)
    return ctx.without_origin(Origin.VISUAL, columns).without_origin(Origin.ROW, columns)


def allselected_(ev: Evaluator, args: Args, env: Env) -> TableValue:
    if not args:
        raise EvaluationError("ALLSELECTED() without arguments is only a CALCULATE modifier")
    table = _table_name(args[0])
    if table is not None and table in ev.data.tables:
        return ev.base_table(table, _without_visual(env.ctx, ev.expanded_columns(table)))
    columns = _columns(ev, args)
    return ev.columns_table(columns, _without_visual(env.ctx, columns))


def removefilters_(ev: Evaluator, args: Args, env: Env) -> TableValue:
    raise EvaluationError("REMOVEFILTERS can only be a CALCULATE modifier")


def keepfilters_(ev: Evaluator, args: Args, env: Env) -> Value:
    return ev.value(_arg(args, 0), env)


def datatable_(ev: Evaluator, args: Args, env: Env) -> TableValue:
    *header, data = args
    names = [ev.scalar(_arg(header, i), env) for i in range(0, len(header), 2)]
    if not isinstance(data, TableConstructor):
        raise EvaluationError("DATATABLE needs a {{...}} list of rows")
    rows = tuple(tuple(ev.scalar(cell, env) for cell in _datatable_row(row)) for row in data.rows)
    return TableValue(tuple(("", key(str(n))) for n in names), rows)


def _datatable_row(row: tuple[Expr, ...]) -> tuple[Expr, ...]:
    """`{{"a", 1}, ...}`: each row is itself a `{"a", 1}` constructor (one value per row)."""
    if len(row) == 1 and isinstance(row[0], TableConstructor):
        return tuple(cell for inner in row[0].rows for cell in inner)
    return row


def generateseries_(ev: Evaluator, args: Args, env: Env) -> TableValue:
    """GENERATESERIES(start, end[, step]): start, start + step, ... while <= end, in one column
    named Value; empty when start > end; an error for a step that is not positive (dax.guide)."""
    numbers = [ev.scalar(_arg(args, i), env) for i in range(len(args))]
    start, end = v.to_number(numbers[0]), v.to_number(numbers[1])
    step = v.to_number(numbers[2]) if len(numbers) > 2 else 1
    if step <= 0:
        raise EvaluationError("GENERATESERIES needs a positive increment")
    values: list[Scalar] = []
    index = 0
    while True:
        # start + index * step, computed in decimal so 0.05 steps do not drift
        current = Decimal(repr(start)) + index * Decimal(repr(step))
        if current > Decimal(repr(end)):
            break
        exact = all(isinstance(n, int) for n in (start, end, step))
        values.append(int(current) if exact else float(current))
        index += 1
    return TableValue((("", key("Value")),), tuple((x,) for x in values))


def selectedvalue_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    table = ev.columns_table([ev.column_key(_arg(args, 0))], env.ctx)
    if len(table.rows) == 1:
        return table.rows[0][0]
    return _optional(ev, args, 1, env)


def hasonevalue_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return len(ev.columns_table([ev.column_key(_arg(args, 0))], env.ctx).rows) == 1


# ---- CALCULATE ----------------------------------------------------------------------------
def calculate_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    ctx = calculate_context(ev, args[1:], env)
    return ev.scalar(_arg(args, 0), env.with_ctx(ctx))


def calculatetable_(ev: Evaluator, args: Args, env: Env) -> TableValue:
    ctx = calculate_context(ev, args[1:], env)
    return ev.table(_arg(args, 0), env.with_ctx(ctx))


def calculate_context(ev: Evaluator, filter_args: Args, env: Env) -> FilterContext:
    """DAX's order: filter arguments are evaluated in the original context; then context
    transition; then the modifiers (ALL, REMOVEFILTERS, ALLSELECTED); then the filters, each
    replacing the context's filters on its columns unless wrapped in KEEPFILTERS."""
    filters: list[tuple[Filter, bool]] = []
    modifiers: list[FunctionCall] = []
    for node in filter_args:
        if node is None:
            continue
        match node:
            case FunctionCall(name=name) if name in MODIFIERS:
                modifiers.append(node)
            case FunctionCall(name="KEEPFILTERS", args=(inner,)) if inner is not None:
                found = _filter_argument(ev, inner, env)
                if found is not None:
                    filters.append((found, True))
            case _:
                found = _filter_argument(ev, node, env)
                if found is not None:
                    filters.append((found, False))
    ctx = env.transition()
    for modifier in modifiers:
        ctx = _apply_modifier(ev, modifier, ctx)
    ctx = ctx.without(c for f, keep in filters if not keep for c in f.columns)
    return ctx.keep(*(f for f, _ in filters))


def _apply_modifier(ev: Evaluator, call: FunctionCall, ctx: FilterContext) -> FilterContext:
    args = tuple(a for a in call.args if a is not None)
    columns: list[ColumnKey] | None = None
    if args:
        columns = []
        for node in args:
            table = _table_name(node)
            if table is not None and table in ev.data.tables:
                columns.extend(ev.expanded_columns(table))
            else:
                columns.append(ev.column_key(node))
    if call.name == "ALLSELECTED":
        return _without_visual(ctx, columns)
    return FilterContext() if columns is None else ctx.without(columns)


def _is_table_expression(node: Expr, env: Env) -> bool:
    match node:
        case TableRef() | TableConstructor():
            return True
        case FunctionCall(name=name):
            return name in TABLE_FUNCTIONS
        case VariableRef(name=name):
            bound = [value for n, value in env.variables if n == key(name)]
            return not bound or isinstance(bound[-1], TableValue)
    return False


def _filter_argument(ev: Evaluator, node: Expr, env: Env) -> Filter | None:
    if _is_table_expression(node, env):
        return ev.table(node, env).as_filter(Origin.CALCULATE)
    return _predicate_filter(ev, node, env)


def _predicate_columns(ev: Evaluator, node: Expr, found: list[ColumnKey]) -> None:
    match node:
        case ColumnRef(table=table, column=column):
            if table is not None and ev.data.has_column((key(table), key(column))):
                column_key = (key(table), key(column))
            elif ev.is_measure(column):
                return
            else:
                column_key = ev.column_key(node)
            if column_key not in found:
                found.append(column_key)
        case BinaryOp(left=left, right=right):
            _predicate_columns(ev, left, found)
            _predicate_columns(ev, right, found)
        case UnaryOp(operand=operand):
            _predicate_columns(ev, operand, found)
        case FunctionCall(name=name, args=args) if name in ROW_FUNCTIONS:
            for arg in args:
                if arg is not None:
                    _predicate_columns(ev, arg, found)


def _predicate_filter(ev: Evaluator, node: Expr, env: Env) -> Filter:
    """A boolean filter `T[c] = 0` is FILTER(ALL(T[c]), T[c] = 0): it keeps the values of the
    column (all of them, blank included) for which the predicate is TRUE. ALL of a column on the
    one side of a relationship with unmatched keys includes the blank row's BLANK, so
    `Dim[c] = BLANK()` keeps the fact rows that match no Dim row (dax.guide "Blank row")."""
    columns: list[ColumnKey] = []
    _predicate_columns(ev, node, columns)
    if not columns:
        raise EvaluationError("a CALCULATE filter predicate must read a column")
    rows = ev.columns_table(columns, None).rows
    if ev.data.has_blank_row(columns[0][0]):
        rows = (*rows, (None,) * len(columns))
    kept = frozenset(
        tuple(fold(x) for x in row)
        for row in rows
        if v.to_bool(ev.scalar(node, env.with_row(Row(tuple(columns), row))))
    )
    return Filter(tuple(columns), kept, Origin.CALCULATE)


# --- the rule table: DAX name -> rule (translator/functions.py lists the signatures) -------------

RULES: dict[str, Callable[..., Value]] = {
    "SUM": sum_,
    "AVERAGE": average_,
    "MIN": min_,
    "MAX": max_,
    "COUNT": count_,
    "COUNTA": counta_,
    "COUNTROWS": countrows_,
    "DISTINCTCOUNT": distinctcount_,
    "DISTINCTCOUNTNOBLANK": distinctcountnoblank_,
    "COUNTBLANK": countblank_,
    "SUMX": sumx_,
    "RELATED": related_,
    "AVERAGEX": averagex_,
    "COUNTX": countx_,
    "COUNTAX": countax_,
    "MINX": minx_,
    "MAXX": maxx_,
    "FILTER": filter_,
    "CALCULATE": calculate_,
    "CALCULATETABLE": calculatetable_,
    "KEEPFILTERS": keepfilters_,
    "ALL": all_,
    "REMOVEFILTERS": removefilters_,
    "ALLSELECTED": allselected_,
    "ALLNOBLANKROW": allnoblankrow_,
    "DIVIDE": divide_,
    "IF": if_,
    "SWITCH": switch_,
    "AND": and_,
    "OR": or_,
    "NOT": not_,
    "ISBLANK": isblank_,
    "COALESCE": coalesce_,
    "ABS": abs_,
    "ROUND": round_,
    "ROUNDUP": roundup_,
    "ROUNDDOWN": rounddown_,
    "INT": int_,
    "TRUNC": trunc_,
    "MOD": mod_,
    "POWER": power_,
    "BLANK": blank_,
    "TRUE": true_,
    "FALSE": false_,
    "SELECTEDVALUE": selectedvalue_,
    "HASONEVALUE": hasonevalue_,
    "VALUES": values_,
    "DISTINCT": distinct_,
    "DATATABLE": datatable_,
    "GENERATESERIES": generateseries_,
    **{name: getattr(scalars, name.lower() + "_") for name in (*functions.SCALAR_FUNCTIONS, "MEDIAN", "AVERAGEA")},
}
