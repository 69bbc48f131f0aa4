"""Reference rules of DAX's text, date and conversion functions, written from Microsoft Learn and
dax.guide (docs/semantics.md, "Text and date functions"), independently of the compiler.

A BLANK argument raises EvaluationError: neither source says what these functions do with one.
"""

from __future__ import annotations

import datetime
import math
import re

from translator.dax.ast import Expr, MeasureRef, TableRef, VariableRef
from translator.reference import values as v
from translator.reference.evaluator import Env, Evaluator
from translator.reference.values import EvaluationError, Scalar

Args = tuple[Expr | None, ...]


def _value(ev: Evaluator, args: Args, index: int, env: Env) -> Scalar:
    node = args[index] if index < len(args) else None
    if node is None:
        raise EvaluationError(f"argument {index + 1} is required")
    value = ev.scalar(node, env)
    if value is None:
        raise EvaluationError("no source documents this function's result for a BLANK argument")
    return value


def _text(ev: Evaluator, args: Args, index: int, env: Env) -> str:
    value = _value(ev, args, index, env)
    if not isinstance(value, str):
        raise EvaluationError("a text argument was expected")
    return value


def _whole(ev: Evaluator, args: Args, index: int, env: Env, default: int | None = None) -> int:
    if index >= len(args) or args[index] is None:
        if default is None:
            raise EvaluationError(f"argument {index + 1} is required")
        return default
    number = v.to_number(_value(ev, args, index, env))
    if number != int(number):
        raise EvaluationError("a whole number was expected")
    return int(number)


def _date(ev: Evaluator, args: Args, index: int, env: Env) -> datetime.datetime:
    value = _value(ev, args, index, env)
    if not isinstance(value, datetime.datetime):
        raise EvaluationError("a date was expected")
    return value


# ---- text ------------------------------------------------------------------------------------
def len_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return len(_text(ev, args, 0, env))


def upper_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _text(ev, args, 0, env).upper()


def lower_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _text(ev, args, 0, env).lower()


def left_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    count = _whole(ev, args, 1, env, 1)
    if count < 0:
        raise EvaluationError("LEFT of a negative number of characters")
    return _text(ev, args, 0, env)[:count]


def right_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    text, count = _text(ev, args, 0, env), _whole(ev, args, 1, env, 1)
    if count < 0:
        raise EvaluationError("RIGHT of a negative number of characters")
    return text[max(len(text) - count, 0) :]


def mid_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    text, start, count = _text(ev, args, 0, env), _whole(ev, args, 1, env), _whole(ev, args, 2, env)
    if start < 1 or count < 0:
        raise EvaluationError("MID out of range")
    return text[start - 1 : start - 1 + count]


def trim_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    """Spaces at both ends removed, runs of spaces inside made one."""
    return re.sub(" +", " ", _text(ev, args, 0, env).strip(" "))


def substitute_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    if len(args) > 3:
        raise EvaluationError("SUBSTITUTE with an instance number is not evaluated here")
    text, old, new = (_text(ev, args, i, env) for i in range(3))
    return text.replace(old, new) if old else text


def rept_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    count = _whole(ev, args, 1, env)
    if count < 0:
        raise EvaluationError("REPT of a negative count")
    return _text(ev, args, 0, env) * count


def _wildcard_match(within: str, find: str) -> bool:
    """`?` one character, `*` any run, `~` escapes the next character; case folded."""
    pattern = []
    chars = iter(find.casefold())
    for char in chars:
        if char == "~":
            pattern.append(re.escape(next(chars, "~")))
        elif char == "?":
            pattern.append(".")
        elif char == "*":
            pattern.append(".*")
        else:
            pattern.append(re.escape(char))
    return re.search("".join(pattern), within.casefold(), re.DOTALL) is not None


def containsstring_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _wildcard_match(_text(ev, args, 0, env), _text(ev, args, 1, env))


def containsstringexact_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _text(ev, args, 1, env) in _text(ev, args, 0, env)


def _position(ev: Evaluator, args: Args, env: Env, fold_case: bool) -> Scalar:
    find, within = _text(ev, args, 0, env), _text(ev, args, 1, env)
    start = _whole(ev, args, 2, env, 1)
    if fold_case:
        if any(c in find for c in "?*~"):
            raise EvaluationError("SEARCH wildcards are not evaluated here")
        find, within = find.casefold(), within.casefold()
    index = within.find(find, start - 1)
    if index >= 0:
        return index + 1
    if len(args) < 4 or args[3] is None:
        raise EvaluationError("text not found and no NotFoundValue")
    return ev.scalar(args[3], env)


def search_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _position(ev, args, env, fold_case=True)


def find_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _position(ev, args, env, fold_case=False)


# ---- dates -----------------------------------------------------------------------------------
def year_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _date(ev, args, 0, env).year


def month_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _date(ev, args, 0, env).month


def day_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _date(ev, args, 0, env).day


def quarter_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return (_date(ev, args, 0, env).month + 2) // 3


def weekday_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    monday_zero = _date(ev, args, 0, env).weekday()  # Python: Monday = 0
    match _whole(ev, args, 1, env, 1):
        case 1:
            return (monday_zero + 1) % 7 + 1  # Sunday = 1
        case 2:
            return monday_zero + 1
        case 3:
            return monday_zero
    raise EvaluationError("WEEKDAY return type")


def weeknum_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    date = _date(ev, args, 0, env)
    kind = _whole(ev, args, 1, env, 1)
    if kind == 21:
        return date.isocalendar()[1]
    if kind not in (1, 2):
        raise EvaluationError("WEEKNUM return type")
    january = datetime.datetime(date.year, 1, 1)
    first_day = 6 if kind == 1 else 0  # Python weekday of the day weeks start on
    # days of week 1 that fall before January 1
    before = (january.weekday() - first_day) % 7
    return (date.timetuple().tm_yday - 1 + before) // 7 + 1


def _add_months(date: datetime.datetime, months: int) -> datetime.datetime:
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = datetime.datetime(year + month // 12, month % 12 + 1, 1)
    last = (following - datetime.timedelta(days=1)).day
    return datetime.datetime(year, month, min(date.day, last))


def eomonth_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    date = _date(ev, args, 0, env)
    shifted = _add_months(datetime.datetime(date.year, date.month, 1), _whole(ev, args, 1, env) + 1)
    return shifted - datetime.timedelta(days=1)


def edate_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    return _add_months(_date(ev, args, 0, env), _whole(ev, args, 1, env))


def datediff_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    start, end = _date(ev, args, 0, env), _date(ev, args, 1, env)
    unit = args[2] if len(args) > 2 else None
    name = unit.name.upper() if isinstance(unit, (VariableRef, TableRef, MeasureRef)) else ""
    match name:
        case "DAY":
            return (end.date() - start.date()).days
        case "MONTH":
            return (end.year - start.year) * 12 + end.month - start.month
        case "QUARTER":
            return (end.year - start.year) * 4 + (end.month - 1) // 3 - (start.month - 1) // 3
        case "YEAR":
            return end.year - start.year
    raise EvaluationError(f"DATEDIFF interval {name or '?'} is not evaluated here")


def date_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    year, month, day = (_whole(ev, args, i, env) for i in range(3))
    if not 1900 <= year <= 9999:
        raise EvaluationError("DATE years below 1900: the sources disagree")
    first = _add_months(datetime.datetime(year, 1, 1), month - 1)
    return first + datetime.timedelta(days=day - 1)


# ---- conversion and errors -------------------------------------------------------------------
def value_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    value = _value(ev, args, 0, env)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    try:
        number = float(str(value).strip())
    except ValueError:
        raise EvaluationError(f"VALUE({value!r}) is an error") from None
    return int(number) if number.is_integer() else number


def iferror_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    try:
        return ev.scalar(args[0], env) if args[0] is not None else None
    except EvaluationError:
        return ev.scalar(args[1], env) if args[1] is not None else None


def iserror_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    try:
        if args[0] is not None:
            ev.scalar(args[0], env)
    except EvaluationError:
        return True
    return False


# ---- aggregates ----------------------------------------------------------------------------
def median_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    """Blanks are ignored; no numbers: BLANK (dax.guide MEDIAN)."""
    numbers = sorted(v.to_number(x) for x in ev.column_values(args[0], env.ctx) if x is not None)
    if any(isinstance(x, str) for x in ev.column_values(args[0], env.ctx)):
        raise EvaluationError("MEDIAN of text")
    if not numbers:
        return None
    middle = len(numbers) // 2
    if len(numbers) % 2:
        return float(numbers[middle])
    return (numbers[middle - 1] + numbers[middle]) / 2


def averagea_(ev: Evaluator, args: Args, env: Env) -> Scalar:
    values = [x for x in ev.column_values(args[0], env.ctx) if x is not None]
    if any(isinstance(x, (str, bool)) for x in values):
        raise EvaluationError("AVERAGEA of text or logical values is not evaluated here")
    return math.fsum(values) / len(values) if values else None


