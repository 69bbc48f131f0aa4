"""SQL rules of DAX's text, date and conversion functions (the function table names them).

BLANK: Microsoft Learn and dax.guide document no BLANK behaviour for these functions, so an
argument that may be BLANK is refused (CMP217, `blank.require_not_blank`) and constants are
folded here. Each rule's documented behaviour and its source: docs/semantics.md, "Text and date
functions". The reference evaluator's rules are written separately (translator/reference/scalars.py).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from sqlglot import exp

from translator.compile import blank
from translator.compile.compiled import Compiled, Kind
from translator.compile.context import Scope
from translator.compile.errors import TYPE_MISMATCH, UNSUPPORTED, Untranslatable
from translator.dax import ast
from translator.dialect import TARGET

if TYPE_CHECKING:
    from translator.compile.compiler import Compiler

Call = ast.FunctionCall


def _arg(cx: Compiler, call: Call, scope: Scope, index: int, kind: Kind) -> Compiled:
    value = cx.expr(call.args[index], scope)
    if value.kind is not kind:
        if value.kind is Kind.BLANK:
            blank.require_not_blank(value, call.name)
        raise Untranslatable(TYPE_MISMATCH, f"{call.name} needs a {kind.value} value, not {value.kind.value}", call.span)
    blank.require_not_blank(value, call.name)
    return value


def _const_int(cx: Compiler, call: Call, scope: Scope, index: int, default: int | None, low: int = 0) -> int:
    """An argument that must be a constant whole number >= low (or its default when omitted)."""
    if index >= len(call.args) or call.args[index] is None:
        if default is None:
            raise Untranslatable(UNSUPPORTED, f"{call.name} without its argument {index + 1}", call.span)
        return default
    value = cx.expr(call.args[index], scope)
    const = value.const if value.is_const else None
    if isinstance(const, bool) or not isinstance(const, (int, float)) or const != int(const) or const < low:
        raise Untranslatable(
            UNSUPPORTED, f"{call.name}'s argument {index + 1} must be a constant whole number >= {low}", call.span
        )
    return int(const)


def _const_text(cx: Compiler, call: Call, scope: Scope, index: int) -> str:
    value = cx.expr(call.args[index], scope)
    if not value.is_const or not isinstance(value.const, str):
        raise Untranslatable(UNSUPPORTED, f"{call.name}'s argument {index + 1} must be a constant text", call.span)
    return value.const


def _mk(sql: exp.Expression, kind: Kind, *parts: Compiled) -> Compiled:
    return Compiled(sql, False, kind, aggregated=any(p.aggregated for p in parts))


def _func(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.func(name, *args, dialect=TARGET.name)


def _bigint(sql: exp.Expression) -> exp.Expression:
    return exp.cast(sql, "BIGINT")


# ---------------------------------------------------------------- text


def len_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    text = _arg(cx, call, scope, 0, Kind.TEXT)
    if text.is_const:
        return blank.literal(len(text.const))
    return _mk(_bigint(exp.Length(this=text.sql)), Kind.NUMBER, text)


def upper_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    text = _arg(cx, call, scope, 0, Kind.TEXT)
    if text.is_const:
        return blank.literal(text.const.upper())
    return _mk(exp.Upper(this=text.sql), Kind.TEXT, text)


def lower_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    text = _arg(cx, call, scope, 0, Kind.TEXT)
    if text.is_const:
        return blank.literal(text.const.lower())
    return _mk(exp.Lower(this=text.sql), Kind.TEXT, text)


def left_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """LEFT(text[, n = 1]): PostgreSQL's LEFT with a negative n drops characters instead."""
    text = _arg(cx, call, scope, 0, Kind.TEXT)
    n = _const_int(cx, call, scope, 1, 1)
    if text.is_const:
        return blank.literal(text.const[:n])
    return _mk(exp.Left(this=text.sql, expression=exp.Literal.number(n)), Kind.TEXT, text)


def right_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    text = _arg(cx, call, scope, 0, Kind.TEXT)
    n = _const_int(cx, call, scope, 1, 1)
    if text.is_const:
        return blank.literal(text.const[len(text.const) - n :] if n else "")
    return _mk(exp.Right(this=text.sql, expression=exp.Literal.number(n)), Kind.TEXT, text)


def mid_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """MID(text, start, n): positions start at 1."""
    text = _arg(cx, call, scope, 0, Kind.TEXT)
    start = _const_int(cx, call, scope, 1, None, low=1)
    n = _const_int(cx, call, scope, 2, None)
    if text.is_const:
        return blank.literal(text.const[start - 1 : start - 1 + n])
    sql = exp.Substring(this=text.sql, start=exp.Literal.number(start), length=exp.Literal.number(n))
    return _mk(sql, Kind.TEXT, text)


def trim_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """TRIM removes leading and trailing spaces and keeps one space between words (spaces only,
    as Microsoft Learn describes it): BTRIM, then runs of spaces replaced by one."""
    text = _arg(cx, call, scope, 0, Kind.TEXT)
    if text.is_const:
        return blank.literal(" ".join(part for part in text.const.split(" ") if part))
    trimmed = _func("BTRIM", text.sql, exp.Literal.string(" "))
    sql = exp.RegexpReplace(
        this=trimmed, expression=exp.Literal.string(" {2,}"), replacement=exp.Literal.string(" "),
        modifiers=exp.Literal.string("g"),
    )  # fmt: skip
    return _mk(sql, Kind.TEXT, text)


def substitute_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """SUBSTITUTE(text, old, new) replaces every occurrence, case-sensitively (REPLACE)."""
    if len(call.args) > 3:
        raise Untranslatable(UNSUPPORTED, "SUBSTITUTE with an instance number", call.span)
    text = _arg(cx, call, scope, 0, Kind.TEXT)
    old = _const_text(cx, call, scope, 1)
    new = _arg(cx, call, scope, 2, Kind.TEXT)
    if not old:
        return text
    if text.is_const and new.is_const:
        return blank.literal(text.const.replace(old, new.const))
    sql = _func("REPLACE", text.sql, exp.Literal.string(old), new.sql)
    return _mk(sql, Kind.TEXT, text, new)


def rept_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    text = _arg(cx, call, scope, 0, Kind.TEXT)
    n = _const_int(cx, call, scope, 1, None)
    if text.is_const:
        return blank.literal(text.const * n)
    return _mk(_func("REPEAT", text.sql, exp.Literal.number(n)), Kind.TEXT, text)


def _like_pattern(find: str) -> str:
    """A DAX search pattern (`?` one character, `*` any, `~` escapes) as a LIKE pattern."""
    out: list[str] = []
    escaped = False
    for char in find:
        if escaped:
            out.append("\\" + char if char in "%_\\" else char)
            escaped = False
        elif char == "~":
            escaped = True
        elif char == "*":
            out.append("%")
        elif char == "?":
            out.append("_")
        else:
            out.append("\\" + char if char in "%_\\" else char)
    if escaped:
        out.append("~")
    return "%" + "".join(out) + "%"


def containsstring_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """CONTAINSSTRING(within, find): case-insensitive, `?`/`*` wildcards, `~` escapes them
    (Microsoft Learn, dax.guide): `within ILIKE '%find%'`."""
    within = _arg(cx, call, scope, 0, Kind.TEXT)
    find = _const_text(cx, call, scope, 1)
    sql = exp.ILike(this=within.sql, expression=exp.Literal.string(_like_pattern(find)))
    return _mk(sql, Kind.BOOLEAN, within)


def containsstringexact_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """CONTAINSSTRINGEXACT(within, find): case-sensitive, no wildcards: STRPOS(within, find) > 0."""
    within = _arg(cx, call, scope, 0, Kind.TEXT)
    find = _const_text(cx, call, scope, 1)
    if within.is_const:
        return blank.literal(find in within.const)
    position = exp.StrPosition(this=within.sql, substr=exp.Literal.string(find))
    return _mk(exp.GT(this=position, expression=exp.Literal.number(0)), Kind.BOOLEAN, within)


def _position(cx: Compiler, call: Call, scope: Scope, fold_case: bool) -> Compiled:
    """SEARCH / FIND(find, within, start, not_found): the 1-based position, or not_found. Without
    not_found a miss is an error in DAX: refused. Only start 1, and (SEARCH) no wildcards."""
    find = _const_text(cx, call, scope, 0)
    within = _arg(cx, call, scope, 1, Kind.TEXT)
    if _const_int(cx, call, scope, 2, 1, low=1) != 1:
        raise Untranslatable(UNSUPPORTED, f"{call.name} from a start position other than 1", call.span)
    if len(call.args) < 4 or call.args[3] is None:
        raise Untranslatable(
            UNSUPPORTED, f"{call.name} without a NotFoundValue raises an error when the text is not found", call.span
        )
    if fold_case and any(c in find for c in "?*~"):
        raise Untranslatable(UNSUPPORTED, "SEARCH with wildcards", call.span)
    if not find:
        raise Untranslatable(UNSUPPORTED, f"{call.name} of an empty text", call.span)
    missing = cx.expr(call.args[3], scope)
    blank.unify(missing, blank.literal(0), f"{call.name}'s NotFoundValue")
    haystack, needle = within.sql, exp.Literal.string(find)
    if fold_case:
        haystack, needle = exp.Lower(this=haystack), exp.Literal.string(find.lower())
    position = _bigint(exp.StrPosition(this=haystack, substr=needle))
    found = _mk(position, Kind.NUMBER, within)
    is_missing = _mk(exp.EQ(this=position, expression=exp.Literal.number(0)), Kind.BOOLEAN, within)
    return blank.case([(is_missing, missing)], found)


def search_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    return _position(cx, call, scope, fold_case=True)


def find_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    return _position(cx, call, scope, fold_case=False)


# ---------------------------------------------------------------- dates


def _date_arg(cx: Compiler, call: Call, scope: Scope, index: int = 0) -> Compiled:
    return _arg(cx, call, scope, index, Kind.DATETIME)


def _extract(part: str, value: exp.Expression) -> exp.Expression:
    return _bigint(exp.Extract(this=exp.var(part), expression=value))


def _date_part(part: str):
    def rule(cx: Compiler, call: Call, scope: Scope) -> Compiled:
        date = _date_arg(cx, call, scope)
        return _mk(_extract(part, date.sql), Kind.NUMBER, date)

    rule.__name__ = part.lower() + "_"
    return rule


year_ = _date_part("YEAR")
month_ = _date_part("MONTH")
day_ = _date_part("DAY")
quarter_ = _date_part("QUARTER")


def weekday_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """WEEKDAY(date[, type]): type 1 Sunday = 1 .. Saturday = 7; 2 Monday = 1 .. Sunday = 7;
    3 Monday = 0 .. Sunday = 6 (Microsoft Learn)."""
    date = _date_arg(cx, call, scope)
    kind = _const_int(cx, call, scope, 1, 1, low=1)
    if kind not in (1, 2, 3):
        raise Untranslatable(UNSUPPORTED, f"WEEKDAY return type {kind}", call.span)
    dow = _extract("DOW", date.sql)  # Sunday = 0
    isodow = _extract("ISODOW", date.sql)  # Monday = 1
    sql = {
        1: exp.Add(this=dow, expression=exp.Literal.number(1)),
        2: isodow,
        3: exp.Sub(this=isodow, expression=exp.Literal.number(1)),
    }[kind]
    return _mk(sql, Kind.NUMBER, date)


def weeknum_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """WEEKNUM(date[, type]): type 1 weeks begin on Sunday, 2 on Monday, week 1 holding January 1;
    21 is the ISO week (Microsoft Learn). Other types are refused."""
    date = _date_arg(cx, call, scope)
    kind = _const_int(cx, call, scope, 1, 1, low=1)
    if kind == 21:
        return _mk(_extract("WEEK", date.sql), Kind.NUMBER, date)
    if kind not in (1, 2):
        raise Untranslatable(UNSUPPORTED, f"WEEKNUM return type {kind}", call.span)
    january = exp.DateTrunc(unit=exp.Literal.string("year"), this=date.sql)
    offset = _extract("DOW", january)  # days of week 1 before January 1, Sunday start
    if kind == 2:
        offset = exp.Mod(this=exp.paren(exp.Add(this=offset, expression=exp.Literal.number(6))), expression=exp.Literal.number(7))
    day_of_year = _extract("DOY", date.sql)
    days = exp.Sub(this=exp.Add(this=day_of_year, expression=offset), expression=exp.Literal.number(1))
    sql = exp.Add(this=exp.IntDiv(this=exp.paren(days), expression=exp.Literal.number(7)), expression=exp.Literal.number(1))
    return _mk(sql, Kind.NUMBER, date)


def _interval(amount: int, unit: str) -> exp.Expression:
    return exp.Interval(this=exp.Literal.string(str(amount)), unit=exp.var(unit))


def _timestamp(sql: exp.Expression) -> exp.Expression:
    return exp.cast(sql, "TIMESTAMP")


def eomonth_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """EOMONTH(date, months): the last day of the month `months` away, at midnight."""
    date = _date_arg(cx, call, scope)
    months = _signed_int(cx, call, scope, 1)
    start = exp.DateTrunc(unit=exp.Literal.string("month"), this=date.sql)
    sql = exp.Sub(this=exp.Add(this=start, expression=_interval(months + 1, "MONTH")), expression=_interval(1, "DAY"))
    return _mk(_timestamp(sql), Kind.DATETIME, date)


def edate_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """EDATE(date, months): the same day `months` away (the month's last day when it has fewer
    days), at midnight."""
    date = _date_arg(cx, call, scope)
    months = _signed_int(cx, call, scope, 1)
    day = exp.DateTrunc(unit=exp.Literal.string("day"), this=date.sql)
    return _mk(_timestamp(exp.Add(this=day, expression=_interval(months, "MONTH"))), Kind.DATETIME, date)


def _signed_int(cx: Compiler, call: Call, scope: Scope, index: int) -> int:
    value = cx.expr(call.args[index], scope)
    const = value.const if value.is_const else None
    if isinstance(const, bool) or not isinstance(const, (int, float)) or const != int(const):
        raise Untranslatable(UNSUPPORTED, f"{call.name}'s number of months must be a constant whole number", call.span)
    return int(const)


_DATEDIFF_MONTHS = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}


def datediff_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """DATEDIFF(start, end, interval): the number of interval boundaries crossed, negative when
    start is after end (Microsoft Learn). DAY, MONTH, QUARTER and YEAR are translated."""
    start, end = _date_arg(cx, call, scope, 0), _date_arg(cx, call, scope, 1)
    unit = call.args[2]
    name = unit.name.upper() if isinstance(unit, (ast.VariableRef, ast.TableRef)) else None
    if name == "DAY":
        days = exp.Sub(
            this=exp.cast(end.sql, "DATE"), expression=exp.cast(start.sql, "DATE")
        )  # date - date: whole days
        return _mk(_bigint(days), Kind.NUMBER, start, end)
    if name in _DATEDIFF_MONTHS:

        def months(value: exp.Expression) -> exp.Expression:
            year = exp.Mul(this=_extract("YEAR", value), expression=exp.Literal.number(12 // _DATEDIFF_MONTHS[name]))
            if name == "YEAR":
                return _extract("YEAR", value)
            part = _extract("MONTH" if name == "MONTH" else "QUARTER", value)
            return exp.Add(this=year, expression=part)

        return _mk(exp.Sub(this=months(end.sql), expression=exp.paren(months(start.sql))), Kind.NUMBER, start, end)
    raise Untranslatable(UNSUPPORTED, "DATEDIFF by an interval other than DAY, MONTH, QUARTER or YEAR", call.span)


def date_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """DATE(year, month, day) with whole-number arguments; months and days past the end roll over
    (Microsoft Learn). Years below 1900 are refused: Microsoft Learn's versions disagree on them
    (0-1899 plus 1900, or 0-49 plus 2000 and 50-99 plus 1900)."""
    parts = [cx.expr(call.args[i], scope) for i in range(3)]
    for part in parts:
        blank.require_not_blank(part, "DATE")
        if part.kind is not Kind.NUMBER:
            raise Untranslatable(TYPE_MISMATCH, f"DATE needs numbers, not {part.kind.value}", call.span)
    year = parts[0]
    if year.is_const:
        if not (isinstance(year.const, (int, float)) and year.const == int(year.const) and 1900 <= year.const <= 9999):
            raise Untranslatable(UNSUPPORTED, "DATE with a year outside 1900-9999", call.span)
    elif not _is_year_of_a_date(call.args[0]):
        raise Untranslatable(
            UNSUPPORTED, "DATE with a computed year (below 1900 the sources disagree): only YEAR(...) is translated", call.span
        )
    if any(p.is_const and p.const != int(p.const) for p in parts):
        raise Untranslatable(UNSUPPORTED, "DATE with a fractional argument", call.span)
    if all(p.is_const for p in parts):
        y, m, d = (int(p.const) for p in parts)
        first = datetime.datetime(y + (m - 1) // 12, (m - 1) % 12 + 1, 1)
        value = first + datetime.timedelta(days=d - 1)
        sql = exp.cast(exp.Literal.string(value.strftime("%Y-%m-%d %H:%M:%S")), "TIMESTAMP")
        return Compiled(sql, False, Kind.DATETIME)
    y, m, d = (_bigint(p.sql) for p in parts)
    first = _func("MAKE_DATE", exp.cast(parts[0].sql, "INT"), exp.Literal.number(1), exp.Literal.number(1))
    months = exp.Mul(this=exp.paren(exp.Sub(this=m, expression=exp.Literal.number(1))), expression=_interval(1, "MONTH"))
    days = exp.Mul(this=exp.paren(exp.Sub(this=d, expression=exp.Literal.number(1))), expression=_interval(1, "DAY"))
    sql = _timestamp(exp.Add(this=exp.Add(this=first, expression=months), expression=days))
    return _mk(sql, Kind.DATETIME, *parts)


def _is_year_of_a_date(node: ast.Expr | None) -> bool:
    return isinstance(node, ast.FunctionCall) and node.name.upper() == "YEAR"


# ---------------------------------------------------------------- conversion and errors


def value_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """VALUE(text) of a constant; a column's text may not convert (an error in DAX): refused."""
    text = cx.expr(call.args[0], scope)
    if text.kind is Kind.NUMBER:
        blank.require_not_blank(text, "VALUE")
        return text
    if not (text.is_const and isinstance(text.const, str)):
        raise Untranslatable(UNSUPPORTED, "VALUE of text that may not be a number (an error in DAX)", call.span)
    try:
        number = float(text.const.strip())
    except ValueError:
        raise Untranslatable(UNSUPPORTED, f"VALUE({text.const!r}) is an error in DAX", call.span) from None
    return blank.literal(int(number) if number.is_integer() else number)


# Translated functions that raise an error in DAX for some inputs the SQL gives a value for.
_MAY_RAISE = frozenset({"MOD", "POWER", "DATE", "EDATE", "EOMONTH", "ISERROR", "IFERROR"})


def _may_raise(cx: Compiler, node: ast.Expr, seen: set[str]) -> bool:
    """Whether `node` (or a measure it references) uses a function that can raise an error."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.FunctionCall) and sub.name.upper() in _MAY_RAISE:
            return True
        if isinstance(sub, ast.BinaryOp) and sub.op is ast.BinOp.POW:
            return True
        if isinstance(sub, (ast.MeasureRef, ast.ColumnRef)):
            name = sub.name if isinstance(sub, ast.MeasureRef) else sub.column
            measure = cx.index.measure(name)
            if measure is not None and measure.tree is not None and name.casefold() not in seen:
                seen.add(name.casefold())
                if _may_raise(cx, measure.tree, seen):
                    return True
    return False


def _error_free(cx: Compiler, call: Call) -> None:
    if _may_raise(cx, call.args[0], set()):
        raise Untranslatable(
            UNSUPPORTED,
            f"{call.name} of an expression that can raise an error in DAX (MOD by 0, POWER, DATE "
            "out of range, ...) where the SQL returns a value",
            call.span,
        )


def iferror_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """IFERROR(value, alt): the compiler translates only expressions whose errors it knows, and
    refuses those that can raise one (`_MAY_RAISE`); what is left never errs: it is `value`."""
    _error_free(cx, call)
    value = cx.expr(call.args[0], scope)
    alt = cx.expr(call.args[1], scope)
    blank.unify(value, alt, "IFERROR")
    return value


def iserror_(cx: Compiler, call: Call, scope: Scope) -> Compiled:
    """ISERROR(value): FALSE for every expression that cannot raise an error (see IFERROR)."""
    _error_free(cx, call)
    cx.expr(call.args[0], scope)
    return blank.literal(False)
