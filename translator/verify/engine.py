"""The query engine's shape, cell by cell: what `verify` and the differential suite compare.

The report builder runs a metric's SQL (through `resolve`) on one data source's view, grouped by
and filtered by the dimensions the catalog offers on that source. A *cell* is one such query: the
view's columns it groups by and the values it keeps. The same cell is evaluated by the reference
evaluator from the model's own tables (one generated world: the view's rows are its table's rows),
grouping and filtering that table's columns, so relationships and their cross-filter direction
decide what reaches the measure's table. A metric linked to a view whose rows its DAX does not
read therefore disagrees.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
import psycopg
from sqlglot import exp

from translator.dax.model import ParsedModel
from translator.dialect import TARGET
from translator.model.semantics import NO_PINS, Semantics
from translator.reference import EvaluationError, evaluate_measure
from translator.reference.data import Data

AGREE, DISAGREE, SQL_ERROR, UNVERIFIED = "agree", "disagree", "sql_error", "unverified"


@dataclass(frozen=True, slots=True)
class Cell:
    """One query of the report builder: GROUP BY `group_by`, WHERE each column = its value."""

    group_by: tuple[str, ...] = ()
    where: tuple[tuple[str, object], ...] = ()

    @property
    def columns(self) -> set[str]:
        return {c.casefold() for c in self.group_by} | {c.casefold() for c, _ in self.where}

    @property
    def label(self) -> str:
        parts = [f"by {', '.join(self.group_by)}"] if self.group_by else []
        parts += [f"{c} = {v!r}" for c, v in self.where]
        return "; ".join(parts) or "total"


@dataclass(frozen=True, slots=True)
class Outcome:
    cell: Cell
    status: str
    detail: str = ""
    groups: int = 0
    nonblank: int = 0  # groups where the SQL gave a value: the cell is not vacuous


def cells(dimensions: Sequence[str], date_column: str | None, frame: pd.DataFrame) -> list[Cell]:
    """The total; each offered dimension alone, grouped by and filtered to its most common value;
    and the date column grouped with a filter on each other dimension."""
    out = [Cell()]
    date = next((d for d in dimensions if date_column and d.casefold() == date_column.casefold()), None)
    for column in dimensions:
        out.append(Cell(group_by=(column,)))
        value = _common_value(frame, column)
        if value is not None:
            out.append(Cell(where=((column, value),)))
            if date is not None and column != date:
                out.append(Cell(group_by=(date,), where=((column, value),)))
    return out


def _common_value(frame: pd.DataFrame, column: str) -> object:
    """The most frequent non-blank value (ties: the smallest by its text), folded like DAX."""
    by_name = {str(c).casefold(): c for c in frame.columns}
    if column.casefold() not in by_name:
        return None
    counted = Counter(_key(v) for v in frame[by_name[column.casefold()]].tolist() if not _blank(v))
    if not counted:
        return None
    return min(counted.items(), key=lambda kv: (-kv[1], repr(kv[0])))[0]


def cell_query(sql: str | exp.Expression, view: exp.Table, cell: Cell, text_columns: set[str]) -> str:
    """The query engine's query for one cell on the view. Text groups and filters ignore case, as
    Power BI does (the query engine groups and filters on LOWER(column))."""
    value = TARGET.parse(sql) if isinstance(sql, str) else sql.copy()

    def ref(column: str) -> exp.Expression:
        node = exp.column(column, quoted=True)
        return exp.Lower(this=node) if column.casefold() in text_columns else node

    keys = [exp.alias_(ref(c), f"g{n}") for n, c in enumerate(cell.group_by)]
    query = exp.select(*keys, exp.alias_(value, "v", copy=False), copy=False).from_(view.copy(), copy=False)
    for column, wanted in cell.where:
        literal = exp.Lower(this=exp.Literal.string(wanted)) if isinstance(wanted, str) else _literal(wanted)
        query = query.where(exp.EQ(this=ref(column), expression=literal), copy=False)
    if cell.group_by:
        query = query.group_by(*(ref(c) for c in cell.group_by), copy=False)
    else:  # the total is one group, even over no rows (a constant metric is a value there too)
        query.set("group", exp.Group(expressions=[exp.Tuple(expressions=[])]))
    return TARGET.sql(query)


def sql_cells(conn: psycopg.Connection, sql: str | exp.Expression, view: exp.Table, cells: Sequence[Cell],
              text_columns: set[str]) -> list[dict[tuple, object] | psycopg.Error]:
    """Each cell's groups and values, or the error its query raised. The queries go to the server
    in one pipeline (one round trip); when one fails, each is run again on its own. Each attempt is
    a savepoint, so a failing query leaves verify's one transaction usable (target.py)."""
    queries = [cell_query(sql, view, cell, text_columns) for cell in cells]
    try:
        with conn.transaction(), conn.pipeline():
            cursors = [conn.execute(q) for q in queries]
        fetched: list[list[tuple] | psycopg.Error] = [c.fetchall() for c in cursors]
    except psycopg.Error:
        fetched = []
        for q in queries:
            try:
                with conn.transaction():
                    fetched.append(conn.execute(q).fetchall())
            except psycopg.Error as err:
                fetched.append(err)
    return [rows if isinstance(rows, psycopg.Error) else _groups(rows, len(cell.group_by))
            for cell, rows in zip(cells, fetched)]


def _groups(rows: Sequence[tuple], width: int) -> dict[tuple, object]:
    return {tuple(_key(v) for v in row[:width]): _value(row[width]) for row in rows}


def _literal(value: object) -> exp.Expression:
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, (int, float)):
        return exp.Literal.number(value)
    if isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "TIMESTAMP")
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    return exp.Literal.string(str(value))


def reference_cell(parsed: ParsedModel, measure: str, frames: Mapping[str, pd.DataFrame] | Data, table: str,
                   cell: Cell, slicers: Mapping[tuple[str, str], str],
                   semantics: Semantics = NO_PINS) -> dict[tuple, object]:
    """The same cell from the model's own tables: group by and filter `table`'s columns, the
    reference following the mapping file's [semantics] pins. Columns go to the reference as
    (table, column) pairs, slicers too: no DAX text to write and parse back."""
    result = evaluate_measure(parsed, measure, frames, group_by=tuple((table, c) for c in cell.group_by),
                              report_filters={(table, c): [v] for c, v in cell.where}, slicers=slicers,
                              semantics=semantics)
    return {tuple(_key(v) for v in k): _value(v) for k, v in result.items()}


def compare_cell(expected: Mapping[tuple, object], actual: Mapping[tuple, object]) -> list[str]:
    """Differences, group by group; a group missing on one side counts as BLANK there."""
    return [
        f"{g!r}: sql {actual.get(g)!r} != dax {expected.get(g)!r}"
        for g in sorted(set(actual) | set(expected), key=repr)
        if not same(actual.get(g), expected.get(g))
    ]


def check_cells(conn: psycopg.Connection, sql: str | exp.Expression, view: exp.Table, text_columns: set[str],
                parsed: ParsedModel, measure: str, frames: Mapping[str, pd.DataFrame] | Data, table: str,
                cells: Sequence[Cell], slicers: Mapping[tuple[str, str], str],
                semantics: Semantics = NO_PINS) -> list[Outcome]:
    """Each cell run both ways and compared."""
    return [_outcome(cell, expected, actual)
            for cell, expected, actual in zip(cells, [_reference(parsed, measure, frames, table, c, slicers,
                                                                 semantics) for c in cells],
                                              sql_cells(conn, sql, view, cells, text_columns))]


def _reference(parsed: ParsedModel, measure: str, frames: Mapping[str, pd.DataFrame] | Data, table: str,
               cell: Cell, slicers: Mapping[tuple[str, str], str], semantics: Semantics) -> dict[tuple, object] | EvaluationError:
    try:
        return reference_cell(parsed, measure, frames, table, cell, slicers, semantics)
    except EvaluationError as err:
        return err


def _outcome(cell: Cell, expected: dict[tuple, object] | EvaluationError,
             actual: dict[tuple, object] | psycopg.Error) -> Outcome:
    if isinstance(expected, EvaluationError):
        return Outcome(cell, UNVERIFIED, f"{cell.label}: reference: {expected}")
    if isinstance(actual, psycopg.Error):
        return Outcome(cell, SQL_ERROR, f"{cell.label}: " + " ".join(str(actual).split())[:300])
    nonblank = sum(1 for v in actual.values() if v is not None)
    differences = compare_cell(expected, actual)
    if differences:
        more = f" (+{len(differences) - 3} more)" if len(differences) > 3 else ""
        return Outcome(cell, DISAGREE, f"{cell.label}: " + "; ".join(differences[:3]) + more,
                       len(actual), nonblank)
    return Outcome(cell, AGREE, "", len(actual), nonblank)


def _blank(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _key(value: object) -> object:
    """A group key as both sides can compare it: text folded, numbers as floats, timestamps plain."""
    if _blank(value):
        return None
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        return _key(value.item())
    return value


def _value(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else value


def same(a: object, b: object) -> bool:
    """BLANK equals NULL only; numbers within a relative tolerance (NaN equals NaN, infinities
    equal); text ignoring case; booleans exactly."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    try:
        x, y = float(a), float(b)  # Decimal, int and float alike
    except (TypeError, ValueError):
        return a.casefold() == b.casefold() if isinstance(a, str) and isinstance(b, str) else a == b
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
