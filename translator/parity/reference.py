"""The reference evaluator standing in for Power BI: it answers the generated DAX query texts on
given rows and writes each answer in the Execute Queries response shape.

It parses each query with the project's DAX parser and understands exactly the shapes
`translator.parity.render` writes (ROW, SUMMARIZECOLUMNS, the month ADDCOLUMNS, wrapped in
CALCULATETABLE with TREATAS filters). Used by the tests, and by anyone who wants to see what
`parity compare` does before Power BI is at hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from translator.dax import parse
from translator.dax import ast
from translator.dax.model import ParsedModel
from translator.model.semantics import NO_PINS, Semantics
from translator.dax.printer import bracket, table_name
from translator.parity.answers import response_text
from translator.parity.manifest import read_manifest
from translator.parity.questions import MONTH_KEY, VALUE_KEY
from translator.reference import evaluate, evaluate_measure


class UnknownShape(ValueError):
    """A query that is not one of the shapes parity writes."""


def answer_rows(dax: str, parsed: ParsedModel, frames: Mapping[str, pd.DataFrame],
                semantics: Semantics = NO_PINS) -> list[dict[str, object]]:
    """What Power BI would answer, as response rows (BLANK cells left out)."""
    body = "\n".join(line for line in dax.splitlines() if not line.lstrip().startswith("//"))
    head, _, table = body.partition("EVALUATE")
    if head.strip() or not table.strip():
        raise UnknownShape("expected `EVALUATE <table>`")
    tree = parse(table)
    filters: dict[str, list[object]] = {}
    if isinstance(tree, ast.FunctionCall) and tree.name == "CALCULATETABLE":
        tree, *arguments = tree.args
        for argument in arguments:
            _treatas(argument, filters)
    match tree:
        case ast.FunctionCall(name="ROW", args=(ast.String(), ast.MeasureRef(name=measure))):
            value = evaluate_measure(parsed, measure, frames, report_filters=filters, semantics=semantics).get((), None)
            return [{VALUE_KEY: value} if value is not None else {}]
        case ast.FunctionCall(name="SUMMARIZECOLUMNS", args=(ast.ColumnRef() as column, *rest)):
            *arguments, _, measure_ref = rest
            for argument in arguments:
                _treatas(argument, filters)
            if not isinstance(measure_ref, ast.MeasureRef):
                raise UnknownShape("SUMMARIZECOLUMNS without a measure")
            name = _name(column)
            values = evaluate_measure(parsed, measure_ref.name, frames, group_by=(name,), report_filters=filters,
                                      semantics=semantics)
            return [{f"{column.table}[{column.column}]": key[0], VALUE_KEY: value}
                    for key, value in values.items() if value is not None]
        case ast.VarBlock(bindings=(binding,), body=ast.FunctionCall(name="ADDCOLUMNS", args=(_, _, calculate))):
            column = _month_column(binding.value)
            measure_ref = calculate.args[0] if isinstance(calculate, ast.FunctionCall) else None
            if not isinstance(measure_ref, ast.MeasureRef):
                raise UnknownShape("the month query's value is not CALCULATE([measure], ...)")
            return _by_month(parsed, frames, measure_ref.name, column, filters, semantics)
    raise UnknownShape("not a query shape parity writes")


def _by_month(parsed: ParsedModel, frames: Mapping[str, pd.DataFrame], measure: str, column: ast.ColumnRef,
              filters: dict[str, list[object]], semantics: Semantics) -> list[dict[str, object]]:
    name = _name(column)
    present = evaluate(f"COUNTROWS({table_name(column.table)})", frames, parsed, group_by=(name,),
                       report_filters=filters)
    months: dict[dt.date, list[object]] = {}
    for (value,), _ in present.items():
        if isinstance(value, (dt.date, dt.datetime)):
            months.setdefault(dt.date(value.year, value.month, 1), []).append(value)
    rows = []
    for month in sorted(months):
        scoped = {**filters, name: months[month]}
        value = evaluate_measure(parsed, measure, frames, report_filters=scoped, semantics=semantics).get((), None)
        moment = dt.datetime(month.year, month.month, 1)
        rows.append({MONTH_KEY: moment} if value is None else {MONTH_KEY: moment, VALUE_KEY: value})
    return rows


def _month_column(dates: ast.Expr) -> ast.ColumnRef:
    match dates:
        case ast.FunctionCall(name="FILTER", args=(ast.FunctionCall(name="VALUES", args=(ast.ColumnRef() as column,)), _)):
            return column
    raise UnknownShape("the month query's dates are not FILTER(VALUES(column), ...)")


def _treatas(argument: ast.Expr | None, filters: dict[str, list[object]]) -> None:
    match argument:
        case ast.FunctionCall(name="TREATAS", args=(ast.TableConstructor(rows=rows), ast.ColumnRef() as column)):
            filters[_name(column)] = [_literal(row[0]) for row in rows]
        case _:
            raise UnknownShape("a filter argument that is not TREATAS({values}, column)")


def _literal(node: ast.Expr) -> object:
    match node:
        case ast.String(value=value) | ast.Number(value=value):
            return value
    raise UnknownShape("a TREATAS value that is not a literal")


def _name(column: ast.ColumnRef) -> str:
    return f"{table_name(column.table)}{bracket(column.column)}"


def answer_folder(folder: Path, parsed: ParsedModel, frames: Mapping[str, pd.DataFrame], out: Path,
                  only: set[str] | None = None, semantics: Semantics = NO_PINS) -> list[str]:
    """Answer every query of a parity folder (or those in `only`) into out/<id>.json."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for query in read_manifest(folder).queries:
        if only is not None and query.id not in only:
            continue
        rows = answer_rows(query.dax, parsed, frames, semantics)
        (out / f"{query.id}.json").write_text(response_text(rows), encoding="utf-8", newline="\n")
        written.append(query.id)
    return written
