"""Time intelligence, inventoried as data: what a time-comparison feature of the report builder
must cover. Such a measure stays untranslated (it reads other dates' rows than the report's, which
one aggregate over the filtered rows cannot express); this module only describes it.

Each use is a `TimeUse`: its kind, the base measure (or expression) it re-evaluates, the date
column, the period and the offset. Kinds:

- period_to_date: TOTALYTD/QTD/MTD, DATESYTD/QTD/MTD, OPENINGBALANCE*/CLOSINGBALANCE*
- shifted_period: SAMEPERIODLASTYEAR, DATEADD, PREVIOUS*/NEXT*
- parallel_period: PARALLELPERIOD
- rolling_window: DATESINPERIOD
- running_total: FILTER(ALL('Date'), 'Date'[Date] <= MAX('Date'[Date])) and the same over ALLSELECTED
- custom_date_filter: DATESBETWEEN, FILTER over all dates with another condition, FIRSTDATE,
  LASTDATE, STARTOF*/ENDOF*, LASTNONBLANK, FIRSTNONBLANK
"""

from __future__ import annotations

from dataclasses import dataclass

from translator.dax import ast
from translator.dax.printer import to_dax


# The kinds, in the order the report counts them.
KINDS = ("period_to_date", "shifted_period", "parallel_period", "rolling_window", "running_total", "custom_date_filter")
PERIOD_TO_DATE, SHIFTED_PERIOD, PARALLEL_PERIOD, ROLLING_WINDOW, RUNNING_TOTAL, CUSTOM_DATE_FILTER = KINDS


@dataclass(frozen=True, slots=True)
class TimeUse:
    kind: str  # one of KINDS
    function: str  # the DAX function (or FILTER) that moves the dates
    # the measure re-evaluated ([Total Revenue]) or its expression, as DAX
    base: str | None = None
    date_column: str | None = None  # 'Date'[Date]
    period: str | None = None  # year | quarter | month | week | day
    offset: int | None = None  # -1 for last year's, -3 for a three-month window, ...

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "function": self.function,
            "base": self.base,
            "date_column": self.date_column,
            "period": self.period,
            "offset": self.offset,
        }


_TO_DATE = {"YTD": "year", "QTD": "quarter", "MTD": "month"}
_BALANCE = {"MONTH": "month", "QUARTER": "quarter", "YEAR": "year"}
_STEP = {"DAY": "day", "MONTH": "month", "QUARTER": "quarter", "YEAR": "year"}
_OTHER_DATES = frozenset(
    {"FIRSTDATE", "LASTDATE", "STARTOFMONTH", "STARTOFQUARTER", "STARTOFYEAR", "ENDOFMONTH",
     "ENDOFQUARTER", "ENDOFYEAR", "LASTNONBLANK", "FIRSTNONBLANK", "DATESBETWEEN"}
)  # fmt: skip


def inventory(tree: ast.Expr | None) -> tuple[TimeUse, ...]:
    """Every time-intelligence use in a measure's own expression, in source order."""
    if tree is None:
        return ()
    found: list[TimeUse] = []
    _visit(tree, None, found)
    return tuple(found)


def _visit(node: ast.Expr, base: ast.Expr | None, found: list[TimeUse]) -> None:
    if isinstance(node, ast.FunctionCall):
        name = node.name.upper()
        if name == "CALCULATE" and node.args:
            inner = node.args[0]
            for argument in node.args[1:]:
                if argument is not None:
                    _visit(argument, inner, found)
            if inner is not None:
                _visit(inner, None, found)
            return
        use = _use(name, node, base)
        if use is not None:
            found.append(use)
            return
    for child in ast.children(node):
        _visit(child, base, found)


def _text(node: ast.Expr | None) -> str | None:
    return None if node is None else to_dax(node)


def _column(node: ast.Expr | None) -> str | None:
    return _text(node) if isinstance(node, ast.ColumnRef) else None


def _number(node: ast.Expr | None) -> int | None:
    match node:
        case ast.Number(value=value) if value == int(value):
            return int(value)
        case ast.UnaryOp(op=ast.UnaryOpKind.NEG, operand=ast.Number(value=value)) if value == int(value):
            return -int(value)
    return None


def _interval(node: ast.Expr | None) -> str | None:
    if isinstance(node, (ast.TableRef, ast.VariableRef)):
        return _STEP.get(node.name.upper())
    return None


def _arg(node: ast.FunctionCall, index: int) -> ast.Expr | None:
    return node.args[index] if index < len(node.args) else None


def _use(name: str, node: ast.FunctionCall, base: ast.Expr | None) -> TimeUse | None:
    b = _text(base)
    if name.startswith("TOTAL") and name[5:] in _TO_DATE:
        return TimeUse(PERIOD_TO_DATE, name, _text(_arg(node, 0)), _column(_arg(node, 1)), _TO_DATE[name[5:]], 0)
    if name.startswith("DATES") and name[5:] in _TO_DATE:
        return TimeUse(PERIOD_TO_DATE, name, b, _column(_arg(node, 0)), _TO_DATE[name[5:]], 0)
    for prefix in ("OPENINGBALANCE", "CLOSINGBALANCE"):
        if name.startswith(prefix) and name[len(prefix) :] in _BALANCE:
            offset = -1 if prefix == "OPENINGBALANCE" else 0
            period = _BALANCE[name[len(prefix) :]]
            return TimeUse(PERIOD_TO_DATE, name, _text(_arg(node, 0)), _column(_arg(node, 1)), period, offset)
    if name == "SAMEPERIODLASTYEAR":
        return TimeUse(SHIFTED_PERIOD, name, b, _column(_arg(node, 0)), "year", -1)
    if name == "DATEADD":
        return TimeUse(SHIFTED_PERIOD, name, b, _column(_arg(node, 0)), _interval(_arg(node, 2)), _number(_arg(node, 1)))
    for prefix, offset in (("PREVIOUS", -1), ("NEXT", 1)):
        if name.startswith(prefix) and name[len(prefix) :] in _STEP:
            return TimeUse(SHIFTED_PERIOD, name, b, _column(_arg(node, 0)), _STEP[name[len(prefix) :]], offset)
    if name == "PARALLELPERIOD":
        return TimeUse(PARALLEL_PERIOD, name, b, _column(_arg(node, 0)), _interval(_arg(node, 2)), _number(_arg(node, 1)))
    if name == "DATESINPERIOD":
        return TimeUse(ROLLING_WINDOW, name, b, _column(_arg(node, 0)), _interval(_arg(node, 3)), _number(_arg(node, 2)))
    if name in _OTHER_DATES:
        return TimeUse(CUSTOM_DATE_FILTER, name, b, _column(_arg(node, 0)), None, None)
    if name == "FILTER" and base is not None:
        return _date_filter(node, b)
    return None


def _date_filter(node: ast.FunctionCall, base: str | None) -> TimeUse | None:
    """FILTER(ALL('Date'[Date]) or ALL('Date') or ALLSELECTED(...), predicate on the date column):
    a running total when the predicate is `date <= MAX(date)`, another date filter otherwise."""
    table = _arg(node, 0)
    if not (isinstance(table, ast.FunctionCall) and table.name.upper() in ("ALL", "ALLSELECTED", "REMOVEFILTERS")):
        return None
    predicate = _arg(node, 1)
    if predicate is None:
        return None
    columns = [n for n in ast.walk(predicate) if isinstance(n, ast.ColumnRef)]
    if not columns:
        return None
    date = _column(columns[0])
    if (
        isinstance(predicate, ast.BinaryOp)
        and predicate.op in (ast.BinOp.LTE, ast.BinOp.LT)
        and isinstance(predicate.left, ast.ColumnRef)
        and (
            isinstance(predicate.right, ast.VariableRef)  # VAR d = MAX('Date'[Date])
            or isinstance(predicate.right, ast.FunctionCall) and predicate.right.name.upper() in ("MAX", "LASTDATE")
        )
    ):
        return TimeUse(RUNNING_TOTAL, "FILTER", base, _column(predicate.left), None, None)
    return TimeUse(CUSTOM_DATE_FILTER, "FILTER", base, date, None, None)
