"""Every DAX BLANK rule in one place (SQL NULL = BLANK).

Sources: DAX_SEMANTICS.md, dax.guide, Microsoft Learn, SQLBI "BLANK handling in DAX"; the pinned
decisions are in docs/semantics.md. Each builder takes and returns `Compiled` values, folds
constants (so a selected toggle option leaves only the chosen branch), and only COALESCEs an
operand that may be NULL. sqlglot prints no precedence parentheses: `paren` adds them.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence

from sqlglot import exp

from translator.compile.compiled import Compiled, Kind
from translator.compile.errors import NAN_ORDER, TYPE_MISMATCH, UNDOCUMENTED_BLANK, UNSUPPORTED, Untranslatable
from translator.compile.pins import pinned
from translator.dialect import TARGET

DOUBLE = TARGET.double
BLANK_PIN = "blank"  # a pin answer: see translator/model/semantics.py
_ATOMS = (
    exp.Column, exp.Literal, exp.Null, exp.Boolean, exp.Paren, exp.Cast, exp.Case, exp.Func,
    exp.Window, exp.Filter,
)  # fmt: skip


def paren(e: exp.Expression) -> exp.Expression:
    """Parenthesize anything that is not an atom, so operator precedence comes from the AST."""
    if isinstance(e, _ATOMS) and not (isinstance(e, exp.Literal) and e.this.startswith("-")):
        return e
    return exp.Paren(this=e)


def _mk(sql: exp.Expression, nullable: bool, kind: Kind, *parts: Compiled, **kw) -> Compiled:
    return Compiled(sql, nullable, kind, aggregated=any(p.aggregated for p in parts), **kw)


# ---------------------------------------------------------------- literals and kinds


def literal(value: object, kind: Kind | None = None) -> Compiled:
    """A constant: bool, int, float, str, or None for BLANK."""
    match value:
        case None:
            return Compiled(exp.null(), True, kind or Kind.BLANK, const=None)
        case bool():
            return Compiled(exp.true() if value else exp.false(), False, Kind.BOOLEAN, const=value)
        case int() | float():
            if isinstance(value, float) and not math.isfinite(value):
                sql: exp.Expression = TARGET.special_float(value)
            elif isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
                sql = exp.Literal.number(repr(value))
            else:
                sql = exp.Literal.number(value)
            return Compiled(sql, False, Kind.NUMBER, const=value)
        case str():
            return Compiled(exp.Literal.string(value), False, Kind.TEXT, const=value)
    raise TypeError(f"not a DAX constant: {value!r}")


def blank() -> Compiled:
    return literal(None)


_ZERO = {Kind.NUMBER: 0, Kind.TEXT: "", Kind.BOOLEAN: False}


def _zero_sql(kind: Kind) -> exp.Expression:
    if kind is Kind.DATETIME:
        # BLANK converts to 0, which as a date is 1899-12-30 (DAX dates count days from there).
        return exp.cast(exp.Literal.string("1899-12-30 00:00:00"), "TIMESTAMP")
    return literal(_ZERO[kind]).sql


def unify(a: Compiled, b: Compiled, what: str) -> Kind:
    """The common kind of two operands; BLANK takes the other side's kind."""
    if a.kind is Kind.BLANK:
        return b.kind
    if b.kind is Kind.BLANK or a.kind is b.kind:
        return a.kind
    raise Untranslatable(
        TYPE_MISMATCH,
        f"{what} mixes a {a.kind.value} and a {b.kind.value} value: DAX converts or fails at "
        "run time, and the SQL would not match",
    )


def _require(kind: Kind, allowed: tuple[Kind, ...], what: str) -> None:
    if kind not in allowed and kind is not Kind.BLANK:
        names = " or ".join(k.value for k in allowed)
        raise Untranslatable(TYPE_MISMATCH, f"{what} needs a {names} value, not {kind.value}")


def as_value(c: Compiled) -> Compiled:
    """A predicate whose NULL means FALSE, turned into a real TRUE/FALSE value."""
    if c.predicate and c.nullable:
        return _mk(exp.Coalesce(this=c.sql, expressions=[exp.false()]), False, Kind.BOOLEAN, c)
    return c


def coalesce_zero(c: Compiled, kind: Kind) -> exp.Expression:
    """BLANK converted to the zero value of `kind` (0, "", FALSE, the zero date)."""
    if not c.nullable:
        return c.sql
    if c.const is None:
        return _zero_sql(kind)
    return exp.Coalesce(this=c.sql, expressions=[_zero_sql(kind)])


def _const_zero(c: Compiled, kind: Kind) -> object:
    return _ZERO.get(kind) if c.const is None else c.const


# ---------------------------------------------------------------- arithmetic


def _numeric_pair(a: Compiled, b: Compiled, what: str) -> None:
    _require(a.kind, (Kind.NUMBER,), what)
    _require(b.kind, (Kind.NUMBER,), what)


def add(a: Compiled, b: Compiled) -> Compiled:
    """BLANK + 4 = 4; BLANK + BLANK = BLANK."""
    _numeric_pair(a, b, "+")
    if a.is_const and b.is_const:
        return literal(None if a.const is None and b.const is None else (a.const or 0) + (b.const or 0))
    if a.const is None:
        return b
    if b.const is None:
        return a
    return _plus_minus(exp.Add, a, b, b.sql)


def sub(a: Compiled, b: Compiled) -> Compiled:
    """BLANK - 4 = -4; 4 - BLANK = 4; BLANK - BLANK = BLANK."""
    _numeric_pair(a, b, "-")
    if a.is_const and b.is_const:
        return literal(None if a.const is None and b.const is None else (a.const or 0) - (b.const or 0))
    negated_b = exp.Neg(this=paren(b.sql))
    if a.const is None:  # -b, and BLANK when b is BLANK too: NULL propagates through negation
        return _mk(negated_b, b.nullable, Kind.NUMBER, b)
    if b.const is None:
        return a
    return _plus_minus(exp.Sub, a, b, negated_b)


def _plus_minus(op: type[exp.Binary], a: Compiled, b: Compiled, b_alone: exp.Expression) -> Compiled:
    if a.nullable and b.nullable:
        # Both may be BLANK: the result is BLANK only when both are; otherwise the blank side is 0.
        both = op(this=paren(a.sql), expression=paren(b.sql))
        return _mk(exp.Coalesce(this=both, expressions=[a.sql, b_alone]), True, Kind.NUMBER, a, b)
    left = paren(coalesce_zero(a, Kind.NUMBER))
    right = paren(coalesce_zero(b, Kind.NUMBER))
    return _mk(op(this=left, expression=right), False, Kind.NUMBER, a, b)


def mul(a: Compiled, b: Compiled) -> Compiled:
    """BLANK propagates through multiplication, as NULL does in SQL."""
    _numeric_pair(a, b, "*")
    if a.is_const and b.is_const:
        return literal(None if a.const is None or b.const is None else a.const * b.const)
    if a.const is None or b.const is None:
        return blank()
    sql = exp.Mul(this=paren(a.sql), expression=paren(b.sql))
    return _mk(sql, a.nullable or b.nullable, Kind.NUMBER, a, b)


def to_double(c: Compiled) -> exp.Expression:
    """PostgreSQL integer / integer truncates and a numeric literal keeps numeric precision:
    DAX `/` is a double division, so the numerator is always cast."""
    return cast(c.sql, DOUBLE)


_TYPES: dict[str, exp.DataType] = {}


def cast(sql: exp.Expression, to: str) -> exp.Expression:
    """`exp.cast(sql, to)` without parsing the type's name again on every call (a tenth of the
    compiler's time) and without copying `sql`: the compiler never changes a tree in place."""
    data_type = _TYPES.get(to)
    if data_type is None:
        data_type = _TYPES[to] = exp.DataType.build(to)
    return exp.cast(sql, data_type.copy(), copy=False)


def _signed_infinity(n: Compiled) -> exp.Expression:
    """x / 0 in DAX: Infinity, -Infinity, or NaN for 0 / 0 (BLANK numerator: BLANK)."""
    return case_sql([
        (exp.GT(this=paren(n.sql), expression=exp.Literal.number(0)), literal(math.inf).sql),
        (exp.LT(this=paren(n.sql), expression=exp.Literal.number(0)), literal(-math.inf).sql),
        (exp.EQ(this=paren(n.sql), expression=exp.Literal.number(0)), literal(math.nan).sql),
    ])


def div(n: Compiled, d: Compiled) -> Compiled:
    """`/`: always a double. BLANK / x = BLANK; x / 0 = x / BLANK = ±Infinity; 0 / 0 = NaN.
    PostgreSQL raises on division by zero, so zero is mapped explicitly (docs/semantics.md)."""
    _numeric_pair(n, d, "/")
    if n.const is None:
        return blank()
    if n.is_const and d.is_const:
        num, den = float(n.const), float(d.const or 0)
        if den == 0:
            return literal(math.nan if num == 0 else math.copysign(math.inf, num))
        return literal(num / den)
    quotient = exp.Div(this=paren(to_double(n)), expression=paren(d.sql))
    if d.is_const and d.const not in (None, 0):
        return _mk(quotient, n.nullable, Kind.NUMBER, n, d)
    if d.const in (None, 0):  # constant zero or BLANK denominator
        return _mk(_signed_infinity(n), n.nullable, Kind.NUMBER, n, d)
    is_zero = exp.EQ(this=paren(coalesce_zero(d, Kind.NUMBER)), expression=exp.Literal.number(0))
    sql = case_sql([(is_zero, _signed_infinity(n))], quotient)
    return _mk(sql, True, Kind.NUMBER, n, d)


def divide(n: Compiled, d: Compiled, alt: Compiled | None) -> Compiled:
    """DIVIDE(n, d[, alt]): BLANK (or alt) when d is 0 or BLANK, else n / d as a double."""
    _numeric_pair(n, d, "DIVIDE")
    fallback = alt if alt is not None else blank()
    _require(fallback.kind, (Kind.NUMBER,), "DIVIDE's alternate result")
    if d.is_const and d.const in (None, 0):
        return fallback
    if n.is_const and d.is_const:
        return literal(None if n.const is None else float(n.const) / float(d.const))
    if n.const is None and alt is None:
        return blank()
    if d.is_const:
        quotient = exp.Div(this=paren(to_double(n)), expression=paren(d.sql))
        return _mk(quotient, n.nullable, Kind.NUMBER, n, d)
    if alt is None or alt.const is None:
        sql = exp.Div(
            this=paren(to_double(n)),
            expression=exp.Nullif(this=d.sql, expression=exp.Literal.number(0)),
        )
        return _mk(sql, True, Kind.NUMBER, n, d)
    quotient = exp.Div(this=paren(to_double(n)), expression=paren(d.sql))
    is_zero = exp.EQ(this=paren(coalesce_zero(d, Kind.NUMBER)), expression=exp.Literal.number(0))
    sql = case_sql([(is_zero, alt.sql)], quotient)
    return _mk(sql, n.nullable or alt.nullable, Kind.NUMBER, n, d, alt)


def may_be_nan(c: Compiled) -> bool:
    """The value can be NaN: it contains DAX's 0 / 0, the only NaN the compiler writes (a literal)."""
    if c.is_const:  # a constant's SQL is its literal (`literal`): NaN only for the value NaN
        return isinstance(c.const, float) and math.isnan(c.const)
    root = c.sql
    hit = _NAN.get(id(root))
    if hit is not None and hit[0] is root:
        return hit[1]
    found, stack = False, [root]
    while stack and not found:
        node = stack.pop()
        hit = _NAN.get(id(node)) if node is not root else None
        if hit is not None and hit[0] is node:  # an operand checked before: not walked again
            found = hit[1]
        elif isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal) and node.this.is_string \
                and node.this.this == "NaN":
            found = True
        else:
            stack.extend(node.iter_expressions())
    if len(_NAN) >= _NAN_LIMIT:
        _NAN.clear()
    _NAN[id(root)] = (root, found)  # the tree is kept alive with its answer: ids are not reused
    return found


# Comparisons nest (IF(a > b, ...) inside another comparison): an operand's answer is kept, so a
# larger operand holding it is not walked through it again. Sound because the compiler never
# changes a tree in place (compile/sql.py).
_NAN_LIMIT = 1 << 14
_NAN: dict[int, tuple[exp.Expression, bool]] = {}


def refuse_nan(what: str, *values: Compiled) -> None:
    """PostgreSQL orders NaN above every number and has NaN = NaN; IEEE (and, it seems, Power BI)
    has every comparison with NaN false. No source settles DAX's behaviour: not translated."""
    if any(may_be_nan(v) for v in values):
        raise Untranslatable(
            NAN_ORDER,
            f"{what} of a value that may be NaN (0 / 0): PostgreSQL orders NaN above every number "
            "(NaN > 1 is true) and no source settles what Power BI does, so the SQL could differ",
        )


def require_not_blank(c: Compiled, what: str) -> None:
    """Functions whose BLANK behaviour no source documents: translate only non-BLANK input."""
    if c.nullable:
        raise Untranslatable(
            UNDOCUMENTED_BLANK,
            f"{what} of a value that may be BLANK: no source documents whether Power BI returns "
            "BLANK or treats it as 0, so the SQL could show a different number",
        )


def pinned_blank(c: Compiled, pin: str, what: str) -> Compiled:
    """A possibly BLANK number given to a function whose BLANK behaviour no source documents:
    as Power BI answered probe.dax (the mapping file's [semantics]). "zero": BLANK is read as 0;
    "blank": the function returns BLANK, which the SQL function does for NULL (so `c` is kept,
    nullable). Without the pin the measure is untranslated (CMP217)."""
    if not c.nullable:
        return c
    match pinned(pin):
        case "zero":
            return _mk(coalesce_zero(c, Kind.NUMBER), False, Kind.NUMBER, c)
        case "blank":
            return c
    raise Untranslatable(
        UNDOCUMENTED_BLANK,
        f"{what} of a value that may be BLANK: no source documents whether Power BI returns BLANK or "
        f"treats it as 0, so the SQL could show a different number (pin {pin} in [semantics] with "
        "`translator parity pin`)",
    )


def neg(a: Compiled) -> Compiled:
    _require(a.kind, (Kind.NUMBER,), "unary minus")
    if a.is_const:
        return literal(None if a.const is None else -a.const)
    a = pinned_blank(a, "negate_blank", "unary minus")
    return _mk(exp.Neg(this=paren(a.sql)), a.nullable, Kind.NUMBER, a)


def power(a: Compiled, b: Compiled) -> Compiled:
    _numeric_pair(a, b, "^")
    if a.is_const and b.is_const and a.const is not None and b.const is not None:
        return literal(float(a.const) ** float(b.const))
    a = pinned_blank(a, "power_blank_base", "^ (POWER)")
    b = pinned_blank(b, "power_blank_exponent", "^ (POWER)")
    sql = exp.Pow(this=to_double(a), expression=b.sql)
    return _mk(sql, a.nullable or b.nullable, Kind.NUMBER, a, b)


# ---------------------------------------------------------------- comparison

_PY_OPS: dict[type[exp.Binary], Callable[[object, object], bool]] = {
    exp.EQ: operator.eq,
    exp.NEQ: operator.ne,
    exp.LT: operator.lt,
    exp.LTE: operator.le,
    exp.GT: operator.gt,
    exp.GTE: operator.ge,
}


def _fold_text(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _lower(e: exp.Expression) -> exp.Expression:
    """LOWER(e). An ASCII literal is lowered here, for readable SQL; any other literal is left to
    PostgreSQL, whose LOWER need not agree with Python's beyond ASCII ('İ'), so that both sides
    of a comparison are folded by the same function."""
    if isinstance(e, exp.Literal) and e.is_string and e.this.isascii():
        return exp.Literal.string(e.this.lower())
    return exp.Lower(this=e)


def compare(op: type[exp.Binary], a: Compiled, b: Compiled) -> Compiled:
    """`=`, `<>`, `<`, ...: BLANK converts to the other side's zero value; text compares
    case-insensitively (LOWER both sides). A side is left un-coalesced when its BLANK could
    not satisfy the comparison anyway (NULL then reads as FALSE: `predicate`)."""
    kind = unify(a, b, "comparison")
    refuse_nan("a comparison", a, b)
    if kind is Kind.BLANK:  # BLANK() = BLANK()
        return literal(_PY_OPS[op](0, 0))
    py = _PY_OPS[op]
    if a.is_const and b.is_const:  # most comparisons: a toggle's option against SWITCH's values
        x, y = _fold_text(_const_zero(a, kind)), _fold_text(_const_zero(b, kind))
        return literal(bool(py(x, y)))
    if kind is Kind.BOOLEAN and op is exp.EQ:  # SWITCH(TRUE(), cond, ...): TRUE = cond is cond
        for x, y in ((a, b), (b, a)):
            if x.const is True and not y.is_const:
                return truthy(y)
    a, b = as_value(a), as_value(b)
    if kind is Kind.TEXT and op not in (exp.EQ, exp.NEQ):
        raise Untranslatable(
            UNSUPPORTED,
            "ordering text (<, <=, >, >=): DAX orders text case-insensitively by its own collation, "
            "PostgreSQL by the database's",
        )
    zero = _ZERO.get(kind)
    left, left_null = _comparand(a, b, kind, zero, lambda z, v: py(z, v))
    right, right_null = _comparand(b, a, kind, zero, lambda z, v: py(v, z))
    if kind is Kind.TEXT:
        left, right = _lower(left), _lower(right)
    sql = op(this=paren(left), expression=paren(right))
    nullable = left_null or right_null
    return _mk(sql, nullable, Kind.BOOLEAN, a, b, predicate=nullable)


def _comparand(side: Compiled, other: Compiled, kind: Kind, zero: object, holds) -> tuple[exp.Expression, bool]:
    if not side.nullable:
        return side.sql, False
    if other.is_const and other.const is not None and zero is not None:
        if not holds(_fold_text(zero), _fold_text(other.const)):
            return side.sql, True  # BLANK -> zero would fail the test: NULL (false) is the same
    return coalesce_zero(side, kind), False


def strict_eq(a: Compiled, b: Compiled) -> Compiled:
    """`==`: no BLANK conversion (BLANK == 0 is FALSE, BLANK == BLANK is TRUE)."""
    kind = unify(a, b, "==")
    refuse_nan("==", a, b)
    a, b = as_value(a), as_value(b)
    if a.is_const and b.is_const:
        return literal(_fold_text(a.const) == _fold_text(b.const))
    if b.const is None or a.const is None:
        return isblank(a if b.const is None else b)
    left, right = (_lower(a.sql), _lower(b.sql)) if kind is Kind.TEXT else (a.sql, b.sql)
    if not a.nullable or not b.nullable:
        # One side is never BLANK: a NULL on the other side just fails the test (reads FALSE).
        nullable = a.nullable or b.nullable
        sql = exp.EQ(this=paren(left), expression=paren(right))
        return _mk(sql, nullable, Kind.BOOLEAN, a, b, predicate=nullable)
    sql = exp.NullSafeEQ(this=paren(left), expression=paren(right))
    return _mk(sql, False, Kind.BOOLEAN, a, b)


def in_(a: Compiled, values: Sequence[Compiled]) -> Compiled:
    """`x IN {v1, v2}`: strict equality per value (BLANK IN {0} is FALSE)."""
    a = as_value(a)
    refuse_nan("IN", a)
    if not all(v.is_const for v in values):
        raise Untranslatable(UNSUPPORTED, "IN with a list that is not made of constants")
    kind = a.kind
    for v in values:
        kind = unify(Compiled(a.sql, a.nullable, kind), v, "IN")
    if a.is_const:
        return literal(any(_fold_text(a.const) == _fold_text(v.const) for v in values))
    has_blank = any(v.const is None for v in values)
    members = [v for v in values if v.const is not None]
    if kind is Kind.TEXT:
        test = _lower(a.sql)
        items = [_lower(literal(v.const).sql) for v in members]
    else:
        test, items = a.sql, [v.sql for v in members]
    parts: list[exp.Expression] = []
    if items:
        parts.append(exp.In(this=paren(test), expressions=items))
    if has_blank and a.nullable:
        parts.append(exp.Is(this=paren(a.sql), expression=exp.null()))
    if not parts:
        return literal(False)
    sql = parts[0] if len(parts) == 1 else exp.Or(this=exp.Paren(this=parts[0]), expression=parts[1])
    nullable = a.nullable and not has_blank
    return _mk(sql, nullable, Kind.BOOLEAN, a, predicate=nullable)


# ---------------------------------------------------------------- logic


def truthy(c: Compiled, what: str = "a condition") -> Compiled:
    """A value used as a condition: BLANK is FALSE, a number is TRUE when not 0."""
    if c.kind is Kind.BLANK or c.const is None:
        return literal(False)
    if c.kind is Kind.BOOLEAN:
        return c
    if c.kind is Kind.NUMBER:
        refuse_nan(what, c)
        if c.is_const:
            return literal(c.const != 0)
        sql = exp.NEQ(this=paren(c.sql), expression=exp.Literal.number(0))
        return _mk(sql, c.nullable, Kind.BOOLEAN, c, predicate=c.nullable)
    raise Untranslatable(TYPE_MISMATCH, f"{what} needs a TRUE/FALSE value, not {c.kind.value}")


def and_(a: Compiled, b: Compiled) -> Compiled:
    """`&&` / AND(): BLANK counts as FALSE. With NULL read as FALSE, SQL AND/OR already agree."""
    a, b = truthy(a, "&&"), truthy(b, "&&")
    for x, y in ((a, b), (b, a)):
        if x.is_const:
            return y if x.const else literal(False)
    sql = exp.And(this=paren(a.sql), expression=paren(b.sql))
    nullable = a.nullable or b.nullable
    return _mk(sql, nullable, Kind.BOOLEAN, a, b, predicate=nullable)


def or_(a: Compiled, b: Compiled) -> Compiled:
    a, b = truthy(a, "||"), truthy(b, "||")
    for x, y in ((a, b), (b, a)):
        if x.is_const:
            return literal(True) if x.const else y
    sql = exp.Or(this=paren(a.sql), expression=paren(b.sql))
    nullable = a.nullable or b.nullable
    return _mk(sql, nullable, Kind.BOOLEAN, a, b, predicate=nullable)


def not_(a: Compiled) -> Compiled:
    a = truthy(a, "NOT")
    if a.is_const:
        return literal(not a.const)
    inner = exp.Coalesce(this=a.sql, expressions=[exp.false()]) if a.nullable else paren(a.sql)
    return _mk(exp.Not(this=inner), False, Kind.BOOLEAN, a)


def isblank(c: Compiled) -> Compiled:
    c = as_value(c)
    if c.is_const:
        return literal(c.const is None)
    if not c.nullable:
        return literal(False)
    return _mk(exp.Is(this=paren(c.sql), expression=exp.null()), False, Kind.BOOLEAN, c)


# ---------------------------------------------------------------- text


def concat(a: Compiled, b: Compiled) -> Compiled:
    """`&`: BLANK is the empty string; the result is always text."""
    for side in (a, b):
        _require(side.kind, (Kind.TEXT,), "& (text concatenation; numbers would need DAX's formatting)")
    if a.is_const and b.is_const:
        return literal((a.const or "") + (b.const or ""))
    sql = exp.DPipe(this=paren(coalesce_zero(a, Kind.TEXT)), expression=paren(coalesce_zero(b, Kind.TEXT)))
    return _mk(sql, False, Kind.TEXT, a, b)


# ---------------------------------------------------------------- branching


def result_kind(values: Sequence[Compiled], what: str) -> Kind:
    kind = Kind.BLANK
    for v in values:
        kind = unify(Compiled(v.sql, v.nullable, kind), v, what)
    return kind


def case_sql(whens: Sequence[tuple[exp.Expression, exp.Expression]], default: exp.Expression | None = None) -> exp.Case:
    """CASE WHEN c THEN r ... [ELSE default] END, made at once from the operands themselves:
    `exp.case().when(...)` copies the whole CASE and its operands on every call (a SWITCH of n
    branches cost n^2, benchmarks/linear.py). Sharing the operands is safe because the compiler
    never changes a tree in place (compile/sql.py)."""
    return exp.Case(ifs=[exp.If(this=condition, true=result) for condition, result in whens], default=default)


def case(branches: Sequence[tuple[Compiled, Compiled]], default: Compiled) -> Compiled:
    """CASE WHEN c1 THEN r1 ... ELSE default, after folding constant conditions."""
    kept: list[tuple[Compiled, Compiled]] = []
    for cond, value in branches:
        cond = truthy(cond)
        if cond.is_const:
            if cond.const:
                default = value
                break
            continue
        kept.append((cond, as_value(value)))
    default = as_value(default)
    if not kept:
        return default
    kind = result_kind([v for _, v in kept] + [default], "IF/SWITCH branches")
    if kind is Kind.BLANK:
        # Every branch is BLANK, so the result is BLANK whatever the conditions say; an
        # all-NULL CASE would also be typed text in PostgreSQL and break the arithmetic around it.
        return blank()
    builder = case_sql([(cond.sql, value.sql) for cond, value in kept], default.sql if default.const is not None else None)
    nullable = default.nullable or any(v.nullable for _, v in kept)
    parts = [p for pair in kept for p in pair] + [default]
    return _mk(builder, nullable, kind, *parts)


def coalesce(values: Sequence[Compiled]) -> Compiled:
    """COALESCE: the first argument that is not BLANK."""
    values = [as_value(v) for v in values if v.const is not None] or [blank()]
    kind = result_kind(values, "COALESCE")
    for i, v in enumerate(values):
        if not v.nullable:
            values = values[: i + 1]
            break
    if len(values) == 1:
        return values[0]
    sql = exp.Coalesce(this=values[0].sql, expressions=[v.sql for v in values[1:]])
    return _mk(sql, values[-1].nullable, kind, *values)


def min_max(a: Compiled, b: Compiled, smallest: bool) -> Compiled:
    """Two-argument MIN/MAX. With a BLANK operand the sources disagree: dax.guide defines
    MIN(1, BLANK()) as BLANK, Microsoft Learn as 0. Translated as the mapping file's [semantics]
    pins it (min_blank / max_blank, and min_max_both_blank when both may be BLANK); without the
    pin, an operand that may be BLANK makes the measure untranslated (docs/semantics.md)."""
    _numeric_pair(a, b, "MIN/MAX")
    refuse_nan("two-argument MIN/MAX", a, b)
    if a.is_const and b.is_const and a.const is not None and b.const is not None:
        return literal(min(a.const, b.const) if smallest else max(a.const, b.const))
    cls = exp.Least if smallest else exp.Greatest
    if not (a.nullable or b.nullable):
        return _mk(cls(this=a.sql, expressions=[b.sql]), False, Kind.NUMBER, a, b)
    name = "MIN" if smallest else "MAX"
    one = pinned("min_blank" if smallest else "max_blank")
    both = pinned("min_max_both_blank") if a.nullable and b.nullable else BLANK_PIN
    if one is None or both is None:
        raise Untranslatable(
            UNDOCUMENTED_BLANK,
            f"two-argument {name} of a value that may be BLANK: dax.guide returns BLANK where "
            "Microsoft Learn returns 0 (e.g. MIN(1, BLANK())), so the SQL could show a different number "
            f"(pin {'min_blank' if smallest else 'max_blank'}"
            + (" and min_max_both_blank" if a.nullable and b.nullable else "")
            + " in [semantics] with `translator parity pin`)",
        )
    x, y = coalesce_zero(a, Kind.NUMBER), coalesce_zero(b, Kind.NUMBER)
    as_zero = cls(this=x, expressions=[y])
    if one == "zero":
        core: exp.Expression = as_zero
    elif one == "ignore":
        core = cls(this=a.sql, expressions=[b.sql])  # PostgreSQL's LEAST/GREATEST skip NULL
    else:  # "blank": compared as 0, BLANK where the BLANK operand wins strictly
        wins = exp.GT if smallest else exp.LT
        core = case_sql([
            (exp.and_(exp.Is(this=paren(blank_side.sql), expression=exp.Null()),
                      wins(this=paren(other), expression=exp.Literal.number(0))), exp.null())
            for blank_side, other in ((a, y), (b, x)) if blank_side.nullable
        ], as_zero)
    if a.nullable and b.nullable:
        both_null = exp.and_(exp.Is(this=paren(a.sql), expression=exp.Null()),
                             exp.Is(this=paren(b.sql), expression=exp.Null()))
        value = exp.null() if both == "blank" else exp.Literal.number(0)
        core = case_sql([(both_null, value)], core)
    nullable = one == "blank" or (a.nullable and b.nullable and both == "blank")
    return _mk(core, nullable, Kind.NUMBER, a, b)


def conjunction(predicates: list[exp.Expression]) -> exp.Expression:
    if len(predicates) == 1:
        return predicates[0]
    result = paren(predicates[0])
    for p in predicates[1:]:
        result = exp.And(this=result, expression=paren(p))
    return result


def counted(count: exp.Expression) -> Compiled:
    """Counting functions return BLANK, not 0, when nothing is counted."""
    return Compiled(
        exp.Nullif(this=count, expression=exp.Literal.number(0)), True, Kind.NUMBER, aggregated=True
    )
