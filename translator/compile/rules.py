"""The compile rules and their table, RULES (translator/functions.py holds the signatures).

A scalar rule is `rule(cx, call, scope) -> Compiled`; a table rule returns a TableSource; a
modifier rule updates a CALCULATE FilterState. BLANK behaviour lives in blank.py.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlglot import exp

from translator import functions
from translator.compile import blank, scalars
from translator.compile.compiled import NOT_CONSTANT, Compiled, Kind
from translator.compile.compiler import Compiler, Rules, compile_table
from translator.compile.context import Scope
from translator.compile.errors import (
    LOOKUP_UNDECLARED, REFUSED_LOOKUP, TYPE_MISMATCH, UNDOCUMENTED_BLANK, UNSUPPORTED, Untranslatable,
)
from translator.compile.pins import pinned
from translator.compile.filters import (
    all_modifier,
    allselected_modifier,
    calculate_scope,
    filter_modifier,
    keepfilters_modifier,
)
from translator.compile.tables import filter_table, keepfilters_table
from translator.dax import ast
from translator.dialect import TARGET
from translator.dax.ast import fold

Call = ast.FunctionCall


def _aggregated(sql: exp.Expression, kind: Kind) -> Compiled:
    return Compiled(sql, True, kind, aggregated=True)


def _column_arg(cx: Compiler, call: Call, scope: Scope) -> tuple[Compiled, object]:
    """The column an aggregate reads, which makes its table the measure's fact table."""
    table, column = cx.resolve_column(call.args[0], scope, call.name)
    if cx.index.toggle(table.name):
        raise Untranslatable(UNSUPPORTED, f"{call.name} over slicer table '{table.name}'", call.span)
    if not cx.index.is_data_table(table):
        raise Untranslatable(UNSUPPORTED, f"'{table.name}' is not a table of the view", call.span)
    cx.read_table(table.name, call.span)
    return cx.column_sql(table, column, call.span), column


# ---------------------------------------------------------------- aggregates


def sum_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    col, _ = _column_arg(cx, call, scope)
    _numeric(col, call)
    return _aggregated(cx.aggregate(exp.Sum(this=col.sql), scope, exp.Sum, span=call.span), Kind.NUMBER)


def average_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    col, _ = _column_arg(cx, call, scope)
    _numeric(col, call)
    return _aggregated(cx.aggregate(exp.Avg(this=col.sql), scope, None, span=call.span), Kind.NUMBER)


def _extreme(cx: Compiler, call: Call, scope: Scope, smallest: bool) -> Compiled:
    if len(call.args) == 2:
        a, b = cx.expr(call.args[0], scope), cx.expr(call.args[1], scope)
        return blank.min_max(a, b, smallest)
    toggle = _toggle_column(cx, call, scope)
    if toggle is not None:
        return toggle_extreme(cx, call, scope, smallest)
    col, _ = _column_arg(cx, call, scope)
    _orderable(col, call)
    cls = exp.Min if smallest else exp.Max
    return _aggregated(cx.aggregate(cls(this=col.sql), scope, cls, span=call.span), col.kind)


def min_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    return _extreme(cx, call, scope, smallest=True)


def max_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    return _extreme(cx, call, scope, smallest=False)


def count_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    col, _ = _column_arg(cx, call, scope)
    return blank.counted(cx.aggregate(exp.Count(this=col.sql), scope, exp.Sum, span=call.span))


def countblank_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """COUNTBLANK: BLANK over no rows (both sources); with rows and no blank, Microsoft Learn says
    0 and dax.guide BLANK, so it is translated only as Power BI answered probe.dax
    (`countblank_no_blanks`). Empty text counts as blank."""
    col, _ = _column_arg(cx, call, scope)
    answer = pinned("countblank_no_blanks")
    if answer is None:
        raise Untranslatable(
            UNDOCUMENTED_BLANK,
            "COUNTBLANK with rows but no blank: Microsoft Learn returns 0 and dax.guide BLANK (pin "
            "countblank_no_blanks in [semantics] with `translator parity pin`)", call.span)
    value = exp.Nullif(this=col.sql, expression=exp.Literal.string("")) if col.kind is Kind.TEXT else col.sql
    rows = cx.aggregate(exp.Count(this=exp.Star()), scope, exp.Sum, span=call.span)
    blanks = exp.Sub(this=rows, expression=cx.aggregate(exp.Count(this=value), scope, exp.Sum, span=call.span))
    if answer == "blank":
        return blank.counted(blanks)
    sql = exp.case().when(exp.GT(this=rows.copy(), expression=exp.Literal.number(0)), blanks)
    return Compiled(sql, True, Kind.NUMBER, aggregated=True)


def countrows_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    distinct = _distinct_values(call.args[0])
    if distinct is not None:
        return _count_distinct_values(cx, distinct, scope)
    source = compile_table(cx, call.args[0], scope)
    agg = cx.aggregate(exp.Count(this=exp.Star()), scope, exp.Sum, source.predicates, call.span)
    return blank.counted(agg)


def _distinct_key(col: Compiled) -> exp.Expression:
    # Text compares case-insensitively: "A" and "a" are one value.
    return exp.Lower(this=col.sql) if col.kind is Kind.TEXT else col.sql


def _distinct_values(node: ast.Expr | None) -> Call | None:
    """VALUES(T[c]) or DISTINCT(T[c]): the distinct values of one column."""
    if isinstance(node, ast.FunctionCall) and node.name.upper() in ("VALUES", "DISTINCT") and len(node.args) == 1:
        if isinstance(node.args[0], (ast.ColumnRef, ast.MeasureRef)):
            return node
    return None


def _count_distinct_values(cx: Compiler, values: Call, scope: Scope) -> Compiled:
    """COUNTROWS(VALUES(T[c])) is DISTINCTCOUNT(T[c]) (both count BLANK as a value) unless T is
    on the one side of a relationship: there VALUES adds a blank row for facts with no match,
    which the view's rows cannot show (docs/semantics.md)."""
    table, _ = cx.resolve_column(values.args[0], scope, values.name)
    one_side = [r for r in cx.index.model.relationships if fold(table.name) in map(fold, r.one_sides())]
    if one_side and not cx.index.toggle(table.name):
        other = next((t for t in (one_side[0].from_table, one_side[0].to_table) if fold(t) != fold(table.name)), table.name)
        raise Untranslatable(
            UNSUPPORTED,
            f"COUNTROWS({values.name}('{table.name}'[...])): '{table.name}' is on the one side of a "
            f"relationship with '{other}', where {values.name} counts a blank row for "
            "facts without a match",
            values.span,
        )
    return distinctcount_(cx, values, scope)


def distinctcount_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """DISTINCTCOUNT counts BLANK as one more value; BLANK (not 0) when there are no rows."""
    col, _ = _column_arg(cx, call, scope)
    distinct = cx.aggregate(exp.Count(this=exp.Distinct(expressions=[_distinct_key(col)])), scope, None, span=call.span)
    rows = cx.aggregate(exp.Count(this=exp.Star()), scope, None, span=call.span)
    values = cx.aggregate(exp.Count(this=col.sql), scope, None, span=call.span)
    has_blank = exp.case().when(exp.GT(this=rows, expression=values), exp.Literal.number(1)).else_(exp.Literal.number(0))
    return blank.counted(exp.Add(this=distinct, expression=has_blank))


def distinctcountnoblank_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    col, _ = _column_arg(cx, call, scope)
    distinct = exp.Count(this=exp.Distinct(expressions=[_distinct_key(col)]))
    return blank.counted(cx.aggregate(distinct, scope, None, span=call.span))


def median_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """MEDIAN ignores blanks; BLANK when no number (dax.guide): PERCENTILE_CONT(0.5). A median
    cannot be re-aggregated from per-group results (no window under ALLSELECTED)."""
    col, _ = _column_arg(cx, call, scope)
    _numeric(col, call)
    ordered = exp.Order(expressions=[exp.Ordered(this=col.sql)])
    agg = exp.WithinGroup(this=exp.PercentileCont(this=exp.Literal.number("0.5")), expression=ordered)
    return _aggregated(blank.cast(cx.aggregate(agg, scope, None, span=call.span), blank.DOUBLE), Kind.NUMBER)


def averagea_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """AVERAGEA of a numeric column is AVERAGE (dax.guide); text and TRUE/FALSE columns count
    differently and are refused."""
    col, _ = _column_arg(cx, call, scope)
    if col.kind is not Kind.NUMBER:
        raise Untranslatable(UNSUPPORTED, f"AVERAGEA of a {col.kind.value} column", call.span)
    return _aggregated(cx.aggregate(exp.Avg(this=col.sql), scope, None, span=call.span), Kind.NUMBER)


def _numeric(value: Compiled, call: Call) -> None:
    if value.kind not in (Kind.NUMBER, Kind.BLANK):
        raise Untranslatable(TYPE_MISMATCH, f"{call.name} of a {value.kind.value} value", call.span)


def _orderable(value: Compiled, call: Call) -> None:
    if value.kind is Kind.TEXT:
        raise Untranslatable(
            UNSUPPORTED,
            f"{call.name} of text: DAX orders text case-insensitively, PostgreSQL by collation",
            call.span,
        )
    if value.kind is Kind.BOOLEAN:
        raise Untranslatable(TYPE_MISMATCH, f"{call.name} of TRUE/FALSE values", call.span)


# ---------------------------------------------------------------- iterators


def _iterator(cx: Compiler, call: Call, scope: Scope) -> tuple[Compiled, tuple[exp.Expression, ...]]:
    if len(call.args) > 2:
        raise Untranslatable(UNSUPPORTED, f"{call.name} with a third argument", call.span)
    source = compile_table(cx, call.args[0], scope)
    value = cx.iterate(source, scope, call.args[1])
    if value.aggregated:
        raise Untranslatable(UNSUPPORTED, f"{call.name}'s row expression aggregates", call.span)
    return value, source.predicates


def sumx_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    value, where = _iterator(cx, call, scope)
    _numeric(value, call)
    if value.const is None:
        return blank.blank()
    return _aggregated(cx.aggregate(exp.Sum(this=value.sql), scope, exp.Sum, where, call.span), Kind.NUMBER)


def averagex_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    value, where = _iterator(cx, call, scope)
    _numeric(value, call)
    if value.const is None:
        return blank.blank()
    return _aggregated(cx.aggregate(exp.Avg(this=value.sql), scope, None, where, call.span), Kind.NUMBER)


def countx_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    value, where = _iterator(cx, call, scope)
    if value.const is None:
        return blank.blank()
    return blank.counted(cx.aggregate(exp.Count(this=value.sql), scope, exp.Sum, where, call.span))


def _extreme_x(cx: Compiler, call: Call, scope: Scope, cls: type[exp.AggFunc]) -> Compiled:
    value, where = _iterator(cx, call, scope)
    _orderable(value, call)
    blank.refuse_nan(call.name, value)
    if value.const is None:
        return blank.blank()
    return _aggregated(cx.aggregate(cls(this=value.sql), scope, cls, where, call.span), value.kind)


def minx_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    return _extreme_x(cx, call, scope, exp.Min)


def maxx_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    return _extreme_x(cx, call, scope, exp.Max)


# ---------------------------------------------------------------- filter context


def related_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """RELATED(Dim[c]) in a row context over the fact: the view column the mapping declares to
    carry it (lookup_columns), through an active many-to-one relationship; else untranslated."""
    table, column = cx.resolve_column(call.args[0], scope, call.name)
    if scope.row is None:
        raise Untranslatable(UNSUPPORTED, "RELATED outside a row context", call.span)
    name = f"'{table.name}'[{column.name}]"
    message = f"RELATED({name}) reads '{table.name}' from the rows of '{scope.row}': needs a join"
    if (refused := cx.index.model.lookup_refusal(scope.row, table.name)) is not None:
        raise Untranslatable(REFUSED_LOOKUP[refused[0]], f"{message} ({refused[1]})", call.span)
    view = cx.index.lookup_view(table.name, column.name, scope.row)
    if view is None:
        raise Untranslatable(LOOKUP_UNDECLARED, f"{message}; a view of '{scope.row}' carrying {name} would make it exact",
                             call.span, lookups=(name,), lookup_fact=scope.row)
    return cx.lookup_sql(table, column, view)


def calculate_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    inner = calculate_scope(cx, call, scope)
    return cx.expr(call.args[0], inner)


# ---------------------------------------------------------------- arithmetic and logic


def divide_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    n, d = cx.expr(call.args[0], scope), cx.expr(call.args[1], scope)
    alt = cx.expr(call.args[2], scope) if len(call.args) > 2 else None
    return blank.divide(n, d, alt)


def if_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """IF(cond, then[, else]): a BLANK condition takes the else branch. A constant condition
    (a selected toggle option) compiles only the chosen branch."""
    cond = blank.truthy(cx.expr(call.args[0], scope), "IF's condition")
    otherwise = call.args[2] if len(call.args) > 2 else None

    def branch(node: ast.Expr | None) -> Compiled:
        return blank.blank() if node is None else cx.expr(node, scope)

    if cond.is_const:
        return blank.as_value(branch(call.args[1] if cond.const else otherwise))
    return blank.case([(cond, branch(call.args[1]))], branch(otherwise))


def switch_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """SWITCH(expr, v1, r1, ..., [else]): each value compared with `=` (BLANK matches 0);
    SWITCH(TRUE(), c1, r1, ...) is the same rule. Constant tests fold away lazily."""
    subject = cx.expr(call.args[0], scope)
    rest = list(call.args[1:])
    default_node = rest.pop() if len(rest) % 2 else None
    branches: list[tuple[Compiled, Compiled]] = []
    for value_node, result_node in zip(rest[::2], rest[1::2]):
        test = blank.compare(exp.EQ, subject, cx.expr(value_node, scope))
        if test.is_const and not test.const:
            continue
        result = cx.expr(result_node, scope)
        if test.is_const:  # matched: the later branches and the else never run
            return blank.case(branches, result) if branches else blank.as_value(result)
        branches.append((test, result))
    default = blank.blank() if default_node is None else cx.expr(default_node, scope)
    return blank.case(branches, default)


def and_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    return blank.and_(cx.expr(call.args[0], scope), cx.expr(call.args[1], scope))


def or_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    return blank.or_(cx.expr(call.args[0], scope), cx.expr(call.args[1], scope))


def not_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    return blank.not_(cx.expr(call.args[0], scope))


def isblank_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    return blank.isblank(cx.expr(call.args[0], scope))


def coalesce_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    return blank.coalesce([cx.expr(a, scope) for a in call.args])


def blank_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    return blank.blank()


def true_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    return blank.literal(True)


def false_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    return blank.literal(False)


# ---------------------------------------------------------------- numbers


def _number_arg(cx: Compiler, call: Call, scope: Scope, index: int) -> Compiled:
    value = cx.expr(call.args[index], scope)
    _numeric(value, call)
    return value


def _integer_const(cx: Compiler, call: Call, scope: Scope, index: int, default: int = 0) -> int:
    if index >= len(call.args):
        return default
    value = cx.expr(call.args[index], scope)
    if not value.is_const or not isinstance(value.const, (int, float)) or value.const != int(value.const):
        raise Untranslatable(UNSUPPORTED, f"{call.name} with a number of digits that is not a constant integer", call.span)
    return int(value.const)


def _numeric_sql(value: Compiled) -> exp.Expression:
    return blank.cast(value.sql, "NUMERIC")


def _back_to_double(sql: exp.Expression, *parts: Compiled) -> Compiled:
    """NUMERIC back to a double; BLANK when a part may be BLANK (a pin said BLANK stays BLANK)."""
    return Compiled(blank.cast(sql, blank.DOUBLE), any(p.nullable for p in parts), Kind.NUMBER,
                    aggregated=any(p.aggregated for p in parts))


def abs_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    value = _number_arg(cx, call, scope, 0)
    if value.is_const and value.const is not None:
        return blank.literal(abs(value.const))
    value = blank.pinned_blank(value, "abs_blank", "ABS")
    return Compiled(exp.Abs(this=value.sql), value.nullable, Kind.NUMBER, aggregated=value.aggregated)


def round_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """DAX rounds half away from zero; PostgreSQL does that for NUMERIC (not for doubles)."""
    value = _number_arg(cx, call, scope, 0)
    digits = _integer_const(cx, call, scope, 1)
    value = blank.pinned_blank(value, "round_blank", "ROUND")
    sql = exp.Round(this=_numeric_sql(value), decimals=exp.Literal.number(digits))
    return _back_to_double(sql, value)


def _scale(digits: int) -> exp.Expression:
    return exp.cast(exp.Literal.string(str(Decimal(10) ** digits)), "NUMERIC")


def roundup_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """ROUNDUP rounds away from zero: SIGN(x) * CEIL(ABS(x) * 10^d) / 10^d, in NUMERIC."""
    value = _number_arg(cx, call, scope, 0)
    digits = _integer_const(cx, call, scope, 1)
    value = blank.pinned_blank(value, "roundup_blank", "ROUNDUP")
    x = _numeric_sql(value)
    scaled = exp.Ceil(this=exp.Mul(this=exp.Abs(this=x), expression=_scale(digits)))
    sql = exp.Div(this=exp.Mul(this=exp.Sign(this=x), expression=scaled), expression=_scale(digits))
    return _back_to_double(sql, value)


def rounddown_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """ROUNDDOWN (and TRUNC) round toward zero: TRUNC(x, d) in NUMERIC."""
    value = _number_arg(cx, call, scope, 0)
    digits = _integer_const(cx, call, scope, 1)
    value = blank.pinned_blank(value, f"{call.name.lower()}_blank", call.name)
    sql = exp.func("TRUNC", _numeric_sql(value), exp.Literal.number(digits), dialect=TARGET.name)
    return _back_to_double(sql, value)


def trunc_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    return rounddown_(cx, call, scope)


def int_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """INT rounds down (INT(-4.3) = -5); INT(BLANK()) is BLANK (SQLBI)."""
    value = _number_arg(cx, call, scope, 0)
    if value.is_const:
        import math

        return blank.literal(None if value.const is None else math.floor(value.const))
    return Compiled(exp.Floor(this=value.sql), value.nullable, Kind.NUMBER, aggregated=value.aggregated)


def mod_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """MOD takes the sign of the divisor: n - d * FLOOR(n / d) (PostgreSQL's % takes the
    dividend's). MOD(n, 0) is an error in DAX: BLANK here (docs/semantics.md)."""
    n, d = _number_arg(cx, call, scope, 0), _number_arg(cx, call, scope, 1)
    n = blank.pinned_blank(n, "mod_blank", "MOD")
    blank.require_not_blank(d, "MOD")
    if d.is_const and d.const == 0:
        raise Untranslatable(UNSUPPORTED, "MOD by 0 is an error in DAX", call.span)
    num, den = _numeric_sql(n), _numeric_sql(d)
    quotient = exp.Floor(this=exp.Div(this=num, expression=exp.Nullif(this=den, expression=exp.Literal.number(0))))
    sql = exp.Sub(this=num, expression=exp.Mul(this=den, expression=quotient))
    result = _back_to_double(sql, n, d)
    return Compiled(result.sql, True, Kind.NUMBER, aggregated=result.aggregated)


def power_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    return blank.power(_number_arg(cx, call, scope, 0), _number_arg(cx, call, scope, 1))


# ---------------------------------------------------------------- slicer toggles


def _toggle_column(cx: Compiler, call: Call, scope: Scope):
    node = call.args[0]
    if not isinstance(node, (ast.ColumnRef, ast.MeasureRef)):
        return None
    resolved = cx.resolve(node, scope)
    if isinstance(resolved, tuple) and cx.index.toggle(resolved[0].name):
        return cx.index.toggle(resolved[0].name), resolved[1]
    return None


def _require_toggle(cx: Compiler, call: Call, scope: Scope):
    found = _toggle_column(cx, call, scope)
    node = call.args[0]
    if found is None and isinstance(node, ast.ColumnRef) and node.table and fold(node.table) in cx.index.parameters:
        raise Untranslatable(UNSUPPORTED, f"{call.name}: {cx.index.parameters[fold(node.table)]}", call.span)
    if found is None:
        raise Untranslatable(
            UNSUPPORTED,
            f"{call.name} of a data column depends on the visual's grouping; only a "
            "disconnected slicer table's column is translated",
            call.span,
        )
    return found


def selectedvalue_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """The selected option's value; the alternate result (default BLANK) when none is."""
    toggle, column = _require_toggle(cx, call, scope)
    # What it gives with nothing selected, when that is a constant known before compiling it
    if len(call.args) == 1:
        unselected: object = None  # BLANK
    elif isinstance(call.args[1], (ast.Number, ast.String, ast.Boolean)):
        unselected = call.args[1].value  # compiled as blank.literal(value)
    else:
        unselected = NOT_CONSTANT
    selected, value = cx.toggle_value(toggle, column, call.span, unselected)
    if selected:
        return blank.literal(value)
    return cx.expr(call.args[1], scope) if len(call.args) > 1 else blank.blank()


def hasonevalue_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    toggle, column = _require_toggle(cx, call, scope)
    selected, _ = cx.toggle_value(toggle, column, call.span)
    return blank.literal(selected or len(set(map(str, toggle.column_values(column.name)))) == 1)


def isfiltered_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    toggle, column = _require_toggle(cx, call, scope)
    selected, _ = cx.toggle_value(toggle, column, call.span)
    return blank.literal(selected)


def values_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """VALUES(T[c]) used as a value: the selected option; with nothing selected it is every
    option, which is a value only when there is one."""
    toggle, column = _require_toggle(cx, call, scope)
    selected, value = cx.toggle_value(toggle, column, call.span)
    if selected:
        return blank.literal(value)
    values = toggle.column_values(column.name)
    if len(values) == 1:
        return blank.literal(values[0])
    raise Untranslatable(
        UNSUPPORTED,
        f"VALUES('{toggle.toggle.table}'[{column.name}]) with nothing selected returns several rows",
        call.span,
    )


def toggle_extreme(cx: Compiler, call: Call, scope: Scope, smallest: bool) -> Compiled:
    """MIN/MAX of a slicer column: the selected option, or the extreme of all options."""
    toggle, column = _require_toggle(cx, call, scope)
    selected, value = cx.toggle_value(toggle, column, call.span)
    if selected:
        return blank.literal(value)
    values = [v for v in toggle.column_values(column.name) if v is not None]
    if not values:
        return blank.blank()
    key = (lambda v: v.casefold()) if all(isinstance(v, str) for v in values) else None
    return blank.literal(min(values, key=key) if smallest else max(values, key=key))


# --- the rule table: DAX name -> rule (translator/functions.py lists the signatures) -------------

SCALAR: dict[str, Callable[..., Compiled]] = {
    "SUM": sum_,
    "AVERAGE": average_,
    "MIN": min_,
    "MAX": max_,
    "COUNT": count_,
    "COUNTBLANK": countblank_,
    "COUNTA": count_,
    "COUNTROWS": countrows_,
    "DISTINCTCOUNT": distinctcount_,
    "DISTINCTCOUNTNOBLANK": distinctcountnoblank_,
    "SUMX": sumx_,
    "RELATED": related_,
    "AVERAGEX": averagex_,
    "COUNTX": countx_,
    "COUNTAX": countx_,
    "MINX": minx_,
    "MAXX": maxx_,
    "CALCULATE": calculate_,
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
    "ISFILTERED": isfiltered_,
    "VALUES": values_,
    "MEDIAN": median_,
    "AVERAGEA": averagea_,
    **{name: getattr(scalars, name.lower() + "_") for name in functions.SCALAR_FUNCTIONS},
}

TABLE: dict[str, Callable[..., object]] = {
    "FILTER": filter_table,
    "KEEPFILTERS": keepfilters_table,
}

MODIFIER: dict[str, Callable[..., None]] = {
    "FILTER": filter_modifier,
    "KEEPFILTERS": keepfilters_modifier,
    "ALL": all_modifier,
    "REMOVEFILTERS": all_modifier,
    "ALLSELECTED": allselected_modifier,
}

RULES = Rules(scalar=SCALAR, table=TABLE, modifier=MODIFIER)
