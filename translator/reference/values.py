"""Scalar DAX values and the operators on them, with DAX's BLANK rules.

A scalar is None (BLANK), bool, int, float or str. NaN and the infinities are ordinary floats
here: they come out of `/` (see DAX_SEMANTICS.md). Text compares case-insensitively.
"""

from __future__ import annotations

import datetime
import math
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Union

from translator.dax.ast import BinOp

Scalar = Union[None, bool, int, float, str, datetime.datetime]

# DAX dates are numbers: days since 1899-12-30 (dax.guide "Date and time"; docs/semantics.md)
DATE_ZERO = datetime.datetime(1899, 12, 30)


class EvaluationError(Exception):
    """The DAX expression raises an error in Power BI (or uses something we cannot evaluate)."""


def fold(value: Scalar) -> Scalar:
    """The key DAX compares and groups by: text folds case; an integral float equals its int."""
    if isinstance(value, str):
        return value.casefold()
    return value


def is_blank(value: object) -> bool:
    return value is None


def to_number(value: Scalar) -> int | float:
    match value:
        case None:
            return 0
        case bool():
            return int(value)
        case int() | float():
            return value
        case datetime.datetime():
            serial = (value - DATE_ZERO) / datetime.timedelta(days=1)
            return int(serial) if serial == int(serial) else serial
        case str():
            try:
                return float(value) if any(c in value for c in ".eE") else int(value)
            except ValueError:
                raise EvaluationError(f"cannot convert text {value!r} to a number") from None
    raise EvaluationError(f"not a scalar: {value!r}")


def to_bool(value: Scalar) -> bool:
    """The truth of a condition: BLANK is FALSE."""
    match value:
        case None:
            return False
        case bool():
            return value
        case int() | float():
            return value != 0
    raise EvaluationError(f"cannot convert {value!r} to TRUE/FALSE")


def to_text(value: Scalar) -> str:
    match value:
        case None:
            return ""
        case bool():
            return "TRUE" if value else "FALSE"
        case float() if math.isfinite(value) and value == int(value):
            return str(int(value))
        case float() if math.isnan(value):
            return "NaN"
        case float() if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
    return str(value)


def add(left: Scalar, right: Scalar) -> Scalar:
    if left is None and right is None:
        return None
    return to_number(left) + to_number(right)


def subtract(left: Scalar, right: Scalar) -> Scalar:
    if left is None and right is None:
        return None
    return to_number(left) - to_number(right)


def multiply(left: Scalar, right: Scalar) -> Scalar:
    if left is None or right is None:
        return None
    return to_number(left) * to_number(right)


def divide(left: Scalar, right: Scalar) -> Scalar:
    """`/`: a BLANK numerator gives BLANK; x/0 and x/BLANK give ±Infinity, 0/0 NaN."""
    if left is None:
        return None
    numerator = float(to_number(left))
    denominator = float(to_number(right))
    if denominator == 0:
        if numerator == 0 or math.isnan(numerator):
            return math.nan
        return math.copysign(math.inf, numerator)
    return numerator / denominator


def power(left: Scalar, right: Scalar) -> Scalar:
    base, exponent = to_number(left), to_number(right)
    try:
        result = float(base) ** float(exponent)
    except ZeroDivisionError:
        return math.inf
    except OverflowError:
        return math.inf
    if isinstance(result, complex):
        return math.nan
    return result


def negate(value: Scalar) -> Scalar:
    if value is None:
        return None
    return -to_number(value)


def concat(left: Scalar, right: Scalar) -> str:
    return to_text(left) + to_text(right)


def _comparable(left: Scalar, right: Scalar) -> tuple[object, object]:
    """Coerce a pair for `=`, `<`, ...: BLANK becomes the other side's zero value."""
    if left is None and right is None:
        return 0, 0
    if left is None:
        left = zero_like(right)
    if right is None:
        right = zero_like(left)
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold(), right.casefold()
    if isinstance(left, str) or isinstance(right, str):
        raise EvaluationError(f"DAX cannot compare {type(left).__name__} with {type(right).__name__}")
    return to_number(left), to_number(right)


def zero_like(value: Scalar) -> Scalar:
    match value:
        case str():
            return ""
        case bool():
            return False
    return 0


def compare(op: BinOp, left: Scalar, right: Scalar) -> bool:
    if op is BinOp.STRICT_EQ:
        return strict_equal(left, right)
    a, b = _comparable(left, right)
    match op:
        case BinOp.EQ:
            return a == b
        case BinOp.NEQ:
            return a != b
        case BinOp.LT:
            return a < b
        case BinOp.LTE:
            return a <= b
        case BinOp.GT:
            return a > b
        case BinOp.GTE:
            return a >= b
    raise EvaluationError(f"not a comparison: {op}")


def strict_equal(left: Scalar, right: Scalar) -> bool:
    """`==` and IN: BLANK equals only BLANK; otherwise as `=` (text still ignores case)."""
    if left is None or right is None:
        return left is None and right is None
    a, b = _comparable(left, right)
    return a == b


def sort_key(value: Scalar) -> tuple:
    """Order for MIN/MAX over mixed values of one column (text ignores case)."""
    if isinstance(value, str):
        return (1, value.casefold())
    return (0, to_number(value))


def round_half_away(value: float | int, digits: int, mode: str = "half") -> float | int:
    """ROUND (half away from zero), ROUNDUP (away from zero), ROUNDDOWN (toward zero),
    TRUNC (toward zero) and INT (down) on the decimal the double prints as."""
    if isinstance(value, float) and not math.isfinite(value):
        return value
    rounding = {
        "half": ROUND_HALF_UP,  # Decimal's HALF_UP is half away from zero
        "up": ROUND_UP,
        "down": ROUND_DOWN,
        "floor": ROUND_FLOOR,
        "ceiling": ROUND_CEILING,
    }[mode]
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    quantum = Decimal(1).scaleb(-digits)
    result = exact.quantize(quantum, rounding=rounding)
    if digits <= 0:
        return int(result)
    return float(result)
