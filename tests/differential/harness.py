"""Run one example both ways: the translated SQL on PostgreSQL and the reference evaluator.

The table is created once per test function; each example TRUNCATEs it and COPYs its rows.
Text group keys: the SQL groups by LOWER(<dim>) and the reference folds case, so keys compare
in lower case (the generated text is ASCII, where LOWER and casefold agree).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
import psycopg
from psycopg import sql

from translator.reference import evaluate


@dataclass
class Outcome:
    """Per-test statistics: how many examples were compared and what disagreed."""

    compared: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def create_table(conn: psycopg.Connection, table: str, columns) -> None:
    definition = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(pg_type)) for name, _, pg_type in columns
    )
    conn.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(table), definition))
    conn.execute("SET statement_timeout = '20s'")


def load(conn: psycopg.Connection, table: str, columns, rows) -> None:
    conn.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(table)))
    names = sql.SQL(", ").join(sql.Identifier(name) for name, _, _ in columns)
    with conn.cursor() as cursor:
        with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), names)) as copy:
            for row in rows:
                copy.write_row(row)


def frame(columns, rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=[name for name, _, _ in columns], dtype=object)


def run_sql(conn, table: str, expression: str, group: str | None, where: dict[str, list[str]]) -> dict:
    conditions = [
        sql.SQL("LOWER({}) = ANY({})").format(sql.Identifier(column), sql.Literal([v.lower() for v in values]))
        for column, values in where.items()
    ]
    where_sql = sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("")
    if group is None:
        query = sql.SQL("SELECT {} FROM {}{}").format(sql.SQL(expression), sql.Identifier(table), where_sql)
        return {(): _python(conn.execute(query).fetchone()[0])}
    key = sql.SQL("LOWER({})").format(sql.Identifier(group))
    query = sql.SQL("SELECT {key}, {expr} FROM {table}{where} GROUP BY {key}").format(
        key=key, expr=sql.SQL(expression), table=sql.Identifier(table), where=where_sql
    )
    return {(k,): _python(v) for k, v in conn.execute(query).fetchall()}


def run_reference(expr, table: str, frames, parsed, group: str | None, where: dict[str, list[str]], slicers=None) -> dict:
    group_by = (f"'{table}'[{group}]",) if group else ()
    filters = {f"'{table}'[{c}]": values for c, values in where.items()}
    result = evaluate(expr, frames, parsed, group_by=group_by, report_filters=filters, slicers=slicers or {})
    return {tuple(k.casefold() if isinstance(k, str) else k for k in key): value for key, value in result.items()}


def _python(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def same(reference, database) -> bool:
    """BLANK equals NULL; numbers within a relative tolerance (NaN equals NaN, infinities equal);
    text ignoring case; booleans exactly."""
    if reference is None or database is None:
        return reference is None and database is None
    if isinstance(reference, str) or isinstance(database, str):
        return isinstance(reference, str) and isinstance(database, str) and reference.casefold() == database.casefold()
    if isinstance(reference, bool) or isinstance(database, bool):
        return bool(reference) == bool(database)
    a, b = float(reference), float(database)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def compare(reference: dict, database: dict) -> list[str]:
    """Differences between two {group: value} results, as readable lines (empty when equal)."""
    problems = []
    for key in sorted(set(reference) | set(database), key=repr):
        if key not in reference or key not in database:
            problems.append(f"group {key!r}: reference={reference.get(key, '<missing>')!r} sql={database.get(key, '<missing>')!r}")
        elif not same(reference[key], database[key]):
            problems.append(f"group {key!r}: reference={reference[key]!r} sql={database[key]!r}")
    return problems
