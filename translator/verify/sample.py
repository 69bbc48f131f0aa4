"""Deterministic sample rows for a reporting view, from the model table's column types.

Text columns draw from the string literals the model's DAX compares with (in several letter
cases, since Power BI compares text ignoring case) plus values no measure names; every kind of
column gets some BLANKs. The same seed always gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence

import pandas as pd

from translator.dax.ast import BinaryOp, BinOp, ColumnRef, String, walk
from translator.dax.model import ParsedModel
from translator.model.semantic import Column

OTHER_TEXT = ("Other", "zeta")
BLANK_SHARE = 0.1
EPOCH = dt.datetime(2024, 1, 1)
DAYS = 21  # dates fall in three weeks: a report grouped by date has a few rows per day


_COMPARISONS = frozenset({BinOp.EQ, BinOp.NEQ, BinOp.STRICT_EQ, BinOp.LT, BinOp.LTE, BinOp.GT, BinOp.GTE, BinOp.IN})


def dax_text_values(parsed: ParsedModel) -> tuple[str, ...]:
    """Every string literal the model's measures compare with (a side of `=`, `<>`, ..., or an
    IN list), in three letter cases, sorted. Text a measure only returns (labels, colours) is no
    column's value."""
    found: set[str] = set()
    for measure in parsed.measures:
        if measure.tree is None:
            continue
        for node in walk(measure.tree):
            if isinstance(node, BinaryOp) and node.op in _COMPARISONS:
                for operand in walk(node.right) if node.op is BinOp.IN else (node.left, node.right):
                    if isinstance(operand, String) and operand.value.strip():
                        found |= {operand.value, operand.value.lower(), operand.value.upper()}
    return tuple(sorted(found))


def column_text_values(parsed: ParsedModel, table: str, column: str) -> tuple[str, ...]:
    """The string literals the model's measures compare 'table'[column] with, sorted."""
    found: set[str] = set()
    for measure in parsed.measures:
        for node in walk(measure.tree) if measure.tree is not None else ():
            if isinstance(node, BinaryOp) and node.op in _COMPARISONS and any(
                    isinstance(side, ColumnRef) and (side.table or "").casefold() == table.casefold()
                    and side.column.casefold() == column.casefold() for side in (node.left, node.right)):
                found |= {o.value for o in (walk(node.right) if node.op is BinOp.IN else (node.left, node.right))
                          if isinstance(o, String)}
    return tuple(sorted(found))


def sample_frame(columns: Sequence[Column], rows: int, rng: random.Random, texts: Iterable[str],
                 constants: dict[str, object] | None = None) -> pd.DataFrame:
    """`rows` rows over `columns` (model spelling). `constants` pins columns (e.g. client_id)."""
    vocabulary = tuple(texts) + OTHER_TEXT
    pinned = {k.casefold(): v for k, v in (constants or {}).items()}
    data: dict[str, list[object]] = {}
    for column in columns:
        if column.name.casefold() in pinned:
            data[column.name] = [pinned[column.name.casefold()]] * rows
        else:
            data[column.name] = [_value(column, rng, vocabulary) for _ in range(rows)]
    return pd.DataFrame(data, columns=[c.name for c in columns], dtype=object)


def _value(column: Column, rng: random.Random, vocabulary: tuple[str, ...]) -> object:
    if rng.random() < BLANK_SHARE:
        return None
    match column.data_type.casefold():
        case "string":
            return rng.choice(vocabulary)
        case "int64":
            small = column.is_key or column.name.casefold().endswith("id")
            return rng.randint(1, 4) if small else rng.randint(0, 40)
        case "double" | "decimal":
            return round(rng.uniform(0, 500), 2)
        case "boolean":
            return rng.random() < 0.5
        case "datetime":
            return EPOCH + dt.timedelta(days=rng.randint(0, DAYS - 1))
        case _:
            return rng.choice(vocabulary)


def unique_keys(column: Column, rows: int) -> list[object]:
    """Keys for the one side of a relationship: unique, and among the values the many side draws
    (small integers, the dates of the sample period)."""
    match column.data_type.casefold():
        case "int64":
            return list(range(1, rows + 1))
        case "datetime":
            return [EPOCH + dt.timedelta(days=n) for n in range(rows)]
        case "double" | "decimal":
            return [float(n) for n in range(1, rows + 1)]
    return [f"key {n}" for n in range(1, rows + 1)]


SQL_TYPES = {
    "string": "TEXT",
    "int64": "BIGINT",
    "double": "DOUBLE PRECISION",
    "decimal": "NUMERIC(19, 4)",
    "boolean": "BOOLEAN",
    "datetime": "TIMESTAMP",
}


def sql_type(column: Column) -> str:
    return SQL_TYPES.get(column.data_type.casefold(), "TEXT")
