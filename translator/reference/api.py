"""Set up a visual's evaluation: the report's filters, the slicer selections and the group-by."""

from __future__ import annotations

import re
from typing import Collection, Mapping

import pandas as pd

from translator.dax.ast import Expr
from translator.dax.model import ParsedModel
from translator.model.semantics import NO_PINS, Semantics
from translator.reference.context import ColumnKey, Filter, FilterContext, Origin
from translator.reference.data import BaseTable, Data, key
from translator.reference.evaluator import Env, Evaluator
from translator.reference.rules import RULES
from translator.reference.values import EvaluationError, Scalar, fold, to_text

# A column of the model: "Table[Column]" / "'Table'[Column]" as DAX writes it, or (table, column)
# as a program holds it (which needs no quoting and is never parsed).
ColumnName = str | tuple[str, str]

_COLUMN = re.compile(r"^\s*(?:'((?:[^']|'')+)'|([^\[\]']+?))\s*\[((?:[^\]]|\]\])+)\]\s*$")


def parse_column(text: str) -> tuple[str, str]:
    """`Table[Column]` or `'Table'[Column]` -> (table, column)."""
    match = _COLUMN.match(text)
    if match is None:
        raise ValueError(f"not a column name: {text!r} (expected Table[Column] or 'Table'[Column])")
    quoted, bare, column = match.groups()
    table = quoted.replace("''", "'") if quoted is not None else bare
    return table.strip(), column.replace("]]", "]")


def evaluate_measure(
    parsed: ParsedModel,
    measure: str,
    frames: Mapping[str, pd.DataFrame] | Data,
    group_by: tuple[ColumnName, ...] = (),
    report_filters: Mapping[ColumnName, Collection[object]] | None = None,
    slicers: Mapping[ColumnName, str] | None = None,
    semantics: Semantics = NO_PINS,
) -> dict[tuple, Scalar]:
    """The measure's value for each group of a visual grouped by `group_by`.

    Columns are `Table[Column]` text or (table, column) pairs (ColumnName).
    report_filters: the report's own filters (the builder's WHERE): column -> allowed values.
    slicers: toggle selections: `Table` (its first column) or a column -> the option.
    """
    found = next((m for m in parsed.measures if key(m.measure.name) == key(measure)), None)
    if found is None:
        raise EvaluationError(f"no measure named [{measure}]")
    from translator.dax.ast import MeasureRef

    return evaluate(MeasureRef(found.measure.name), frames, parsed, group_by, report_filters, slicers, semantics)


def evaluate(
    expr: Expr | str,
    frames: Mapping[str, pd.DataFrame] | Data,
    parsed: ParsedModel | None = None,
    group_by: tuple[ColumnName, ...] = (),
    report_filters: Mapping[ColumnName, Collection[object]] | None = None,
    slicers: Mapping[ColumnName, str] | None = None,
    semantics: Semantics = NO_PINS,
) -> dict[tuple, Scalar]:
    """A bare DAX expression (text or AST) evaluated per group, like a measure in a visual.
    `semantics`: the pins of the mapping file's [semantics] the evaluator follows."""
    if isinstance(expr, str):
        from translator.dax import parse

        expr = parse(expr)
    evaluator = _evaluator(parsed, frames)
    evaluator.semantics = semantics
    report = FilterContext(
        tuple(_report_filters(evaluator, report_filters or {})) + tuple(_slicers(evaluator, slicers or {}))
    )
    evaluator.report = report
    columns = [_column_key(evaluator, c) for c in group_by]
    results: dict[tuple, Scalar] = {}
    for group_key, shown in _groups(evaluator, columns, report):
        ctx = report
        if columns:
            ctx = report.keep(Filter(tuple(columns), frozenset([group_key]), Origin.VISUAL))
        results[shown] = evaluator.scalar(expr, Env(ctx))
    return results


def prepare(frames: Mapping[str, pd.DataFrame], parsed: ParsedModel | None = None) -> Data:
    """The frames read once, for many evaluations over the same rows: pass the result as `frames`."""
    return Data.build(dict(frames), parsed.model if parsed is not None else None)


def _evaluator(parsed: ParsedModel | None, frames: Mapping[str, pd.DataFrame] | Data) -> Evaluator:
    model = parsed.model if parsed is not None else None
    data = frames if isinstance(frames, Data) else Data.build(dict(frames), model)
    measures = {key(m.measure.name): m.tree for m in parsed.measures} if parsed is not None else {}
    homes = {key(m.measure.name): key(m.measure.table) for m in parsed.measures} if parsed is not None else {}
    evaluator = Evaluator(data, measures, RULES, homes=homes)
    if parsed is not None:
        _add_calculated_tables(evaluator, parsed)
    return evaluator


def _add_calculated_tables(evaluator: Evaluator, parsed: ParsedModel) -> None:
    """Slicer tables defined in DAX (DATATABLE, {...}) when the frames do not supply them."""
    for model_table in parsed.model.tables:
        entered = None if key(model_table.name) in evaluator.data.tables else _entered_rows(model_table)
        if entered is not None:
            evaluator.data.tables[key(model_table.name)] = entered
    for parsed_table in parsed.tables:
        table = parsed_table.table
        if key(table.name) in evaluator.data.tables or parsed_table.tree is None:
            continue
        try:
            value = evaluator.table(parsed_table.tree, Env(FilterContext()))
        except EvaluationError:
            continue  # not evaluable here: a test that needs it gets "no rows given for table"
        names = [c.name for c in table.columns if not c.expression] or [c[1] for c in value.columns]
        width = min(len(names), len(value.columns))
        rows = tuple(row[:width] for row in value.rows)
        evaluator.data.tables[key(table.name)] = BaseTable(table.name, tuple(names[:width]), rows)


def _entered_rows(table) -> BaseTable | None:
    """An imported table whose rows are written in the export ("Enter data", #table)."""
    rows = table.literal_rows()
    return None if rows is None else BaseTable(table.name, tuple(c.name for c in table.columns), rows)


def _column_key(evaluator: Evaluator, name: ColumnName) -> ColumnKey:
    table, column = name if isinstance(name, tuple) else parse_column(name)
    column_key = (key(table), key(column))
    evaluator.data.column_position(column_key)
    return column_key


def _report_filters(evaluator: Evaluator, filters: Mapping[ColumnName, Collection[object]]):
    for name, allowed in filters.items():
        column = _column_key(evaluator, name)
        yield Filter((column,), frozenset((fold(x if x == x else None),) for x in allowed), Origin.REPORT)


def _slicers(evaluator: Evaluator, slicers: Mapping[ColumnName, str]):
    for name, option in slicers.items():
        if isinstance(name, tuple) or "[" in name:
            column = _column_key(evaluator, name)
        else:
            table = evaluator.data.table(name)
            column = table.keys[0]
        yield Filter((column,), frozenset([(fold(_option_value(evaluator, column, option)),)]), Origin.REPORT)


def _option_value(evaluator: Evaluator, column: ColumnKey, option: str) -> object:
    """The column's value an option names (a what-if parameter's 0.2 is the option "0.2")."""
    for (value,) in evaluator.columns_table([column], None).rows:
        if not isinstance(value, str) and value is not None and to_text(value) == option:
            return value
    return option


def _groups(evaluator: Evaluator, columns: list[ColumnKey], report: FilterContext):
    """The visual's rows: distinct group-by values (case folded) among the rows the report's
    filters keep, each shown with the spelling of its first row."""
    if not columns:
        return [((), ())]
    table = evaluator.columns_table(columns, report)
    return [(tuple(fold(x) for x in row), row) for row in table.rows]
