"""The compiler case table (cases.toml): expected SQL, status and reasons, and every emitted SQL
run on the real PostgreSQL against the hand-written rows of data.toml."""

from __future__ import annotations

import datetime
import json
import math
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from psycopg import sql as pgsql

from tests.compile.conftest import DATA
from tests.compile.model import build
from translator.compile import Status, compile_expression, to_sql
from translator.readers.mapping import parse_mapping
from translator.reference import evaluate

HERE = Path(__file__).parent
CASES_FILE = HERE / "cases.toml"


def _load_cases() -> list:
    text = CASES_FILE.read_text()
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line.strip() == "[[case]]"]
    cases = tomllib.loads(text)["case"]
    assert len(lines) == len(cases)
    return [pytest.param(case, id=f"cases.toml:{line}") for case, line in zip(cases, lines)]


CASES = _load_cases()


def _check_value(actual, expected, where: str) -> None:
    if expected == "BLANK":
        assert actual is None, where
    elif expected in ("Infinity", "-Infinity"):
        assert actual == (math.inf if expected == "Infinity" else -math.inf), where
    elif expected == "NaN":
        assert actual is not None and math.isnan(actual), where
    elif isinstance(expected, bool):
        assert actual is expected, where
    elif isinstance(expected, (int, float)):
        assert actual is not None and math.isclose(float(actual), expected, rel_tol=1e-12, abs_tol=1e-12), where
    elif isinstance(actual, datetime.datetime):
        assert str(actual) == expected, where
    else:
        assert actual == expected, where


def _model(case: dict):
    return build(case.get("measures"), hidden=tuple(case.get("hidden", ())), relationship=case.get("relationship"))


def _mapping(case: dict):
    """The mapping file declaring the case's lookup columns for the view of Sales (None: none)."""
    if "lookup_columns" not in case:
        return None
    lines = "".join(f"{json.dumps(k)} = {json.dumps(v)}\n" for k, v in case["lookup_columns"].items())
    return parse_mapping("[sources.Sales.lookup_columns]\n" + lines, "translator.toml")


@pytest.mark.parametrize("case", CASES)
def test_case(case, sales_db):
    parsed = _model(case)
    t = compile_expression(case["dax"], parsed, mapping=_mapping(case))
    codes = [r.code for r in t.reasons]
    assert t.status is Status(case.get("status", "exact")), codes
    if "codes" in case:
        assert codes == case["codes"]
    if t.status in (Status.UNTRANSLATED, Status.PARSE_ERROR):
        assert t.sql is None
        return
    text = to_sql(t.sql)
    if "sql" in case:
        assert text == case["sql"]
    if "formula" in case:
        assert to_sql(t.derived_formula) == case["formula"]
    for key, attribute in [
        ("components", "components"),
        ("overridden", "overridden_columns"),
        ("columns", "columns"),
        ("toggles", "toggles"),
        ("branch_measures", "branch_measures"),
    ]:
        if key in case:
            assert list(getattr(t, attribute)) == case[key], key
    for key in ("fact_table", "aggregation"):
        if key in case:
            assert getattr(t, key) == case[key], key
    if "variants" in case:
        assert {v.option: to_sql(v.sql) for v in t.variants} == case["variants"]
    _run_on_postgres(sales_db, t, case)


def _run_on_postgres(conn, t, case) -> None:
    """Every emitted SQL runs: the default and each variant, as the report builder would."""
    where = pgsql.SQL(case.get("where", "TRUE"))
    # the view that carries the declared lookup columns, else the fact table itself
    view = pgsql.Identifier("sales_view" if "lookup_columns" in case else "sales")
    for expression in [t.sql, *(v.sql for v in t.variants)]:
        text = pgsql.SQL(to_sql(expression))
        if "group_by" in case:
            dim = pgsql.Identifier(case["group_by"])
            query = pgsql.SQL("SELECT LOWER({d}), {e} FROM {v} WHERE {w} GROUP BY LOWER({d})").format(
                d=dim, e=text, v=view, w=where
            )
            rows = dict(conn.execute(query).fetchall())
            if expression is t.sql:
                assert set(rows) == set(case["groups"])
                for group, expected in case["groups"].items():
                    _check_value(rows[group], expected, f"group {group}")
        else:
            query = pgsql.SQL("SELECT {e} FROM {v} WHERE {w}").format(e=text, v=view, w=where)
            (value,) = conn.execute(query).fetchone()
            if expression is t.sql and "expect" in case:
                _check_value(value, case["expect"], "value")


def _reference_cases() -> list:
    """Cases with an expected value on all rows (or none): the reference evaluator must agree.
    (A `where` in SQL text has no reference counterpart.)"""
    return [
        p for p in CASES
        if ("expect" in p.values[0] or "groups" in p.values[0]) and p.values[0].get("where", "TRUE") in ("TRUE", "FALSE")
    ]


def _cell(value, column: str):
    if value == "NULL":
        return None
    return datetime.datetime.fromisoformat(value) if column == "order_date" else value


@pytest.mark.parametrize("case", _reference_cases())
def test_case_on_reference(case):
    """The same expected value from the pandas reference evaluator on the same rows."""
    rows = [[_cell(v, c) for v, c in zip(row, DATA["columns"])] for row in DATA["rows"]]
    if case.get("where") == "FALSE":
        rows = []
    frames = {"Sales": pd.DataFrame(rows, columns=DATA["columns"], dtype=object)}
    if "lookup_columns" in case:  # the model's own Customer rows, read through the relationship
        customers = [[None if v == "NULL" else v for v in row] for row in DATA["customer_rows"]]
        frames["Customer"] = pd.DataFrame(customers, columns=DATA["customer_columns"], dtype=object)
    group_by = (f"'Sales'[{case['group_by']}]",) if "group_by" in case else ()
    result = evaluate(case["dax"], frames, _model(case), group_by=group_by)
    if group_by:
        folded = {(k[0].casefold() if isinstance(k[0], str) else k[0]): value for k, value in result.items()}
        assert set(folded) == set(case["groups"])
        for group, expected in case["groups"].items():
            _check_value(folded[group], expected, f"group {group}")
    else:
        (value,) = result.values()
        _check_value(value, case["expect"], "value")


def test_case_ids_are_unique():
    ids = [p.id for p in CASES]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"cases\.toml:\d+", i) for i in ids)
