"""The [semantics] pins (Power BI's answers to probe.dax): every pin, every answer, on PostgreSQL
against the reference evaluator following the same pin, and refused without the pin.

B below is BLANK in the West and North groups of data.toml (no flagged row with an amount) and 10
in East. Each case gives, by hand, the North value each answer must produce."""

from __future__ import annotations

import math

import pytest
from psycopg import sql as pgsql

from tests.compile.conftest import DATA
from tests.compile.model import build
from tests.differential.harness import frame
from translator.compile import Status, compile_expression, to_sql
from translator.model.semantics import BLANK, IGNORE, ZERO, Semantics
from translator.reference import evaluate

B = "CALCULATE(SUM(Sales[amount]), Sales[flag] = TRUE())"
B2 = "CALCULATE(SUM(Sales[cost]), Sales[flag] = TRUE())"  # 5 in West, BLANK in North

# (pin, DAX, {answer: North's value}, other pins needed)
CASES = [
    ("round_blank", f"ROUND({B} / 3, 1)", {BLANK: None, ZERO: 0}, ()),
    ("roundup_blank", f"ROUNDUP({B} / 3, 1)", {BLANK: None, ZERO: 0}, ()),
    ("rounddown_blank", f"ROUNDDOWN({B} / 3, 1)", {BLANK: None, ZERO: 0}, ()),
    ("trunc_blank", f"TRUNC({B} / 3)", {BLANK: None, ZERO: 0}, ()),
    ("abs_blank", f"ABS({B})", {BLANK: None, ZERO: 0}, ()),
    ("mod_blank", f"MOD({B}, 3)", {BLANK: None, ZERO: 0}, ()),
    ("power_blank_base", f"POWER({B}, 2)", {BLANK: None, ZERO: 0}, ()),
    ("power_blank_base", f"{B} ^ 2", {BLANK: None, ZERO: 0}, ()),
    ("power_blank_exponent", f"POWER(2, {B})", {BLANK: None, ZERO: 1}, ()),
    ("negate_blank", f"-{B}", {BLANK: None, ZERO: 0}, ()),
    ("min_blank", f"MIN({B}, 5)", {BLANK: None, ZERO: 0, IGNORE: 5}, ()),
    ("min_blank", f"MIN(-5, {B})", {BLANK: -5, ZERO: -5, IGNORE: -5}, ()),
    ("max_blank", f"MAX({B}, -5)", {BLANK: None, ZERO: 0, IGNORE: -5}, ()),
    ("max_blank", f"MAX({B}, 5)", {BLANK: 5, ZERO: 5, IGNORE: 5}, ()),
    ("min_max_both_blank", f"MIN({B}, {B2})", {BLANK: None, ZERO: 0}, (("min_blank", ZERO),)),
    ("min_max_both_blank", f"MAX({B}, {B2})", {BLANK: None, ZERO: 0}, (("max_blank", IGNORE),)),
    ("countblank_no_blanks", "COUNTBLANK(Sales[cost])", {BLANK: None, ZERO: 0}, ()),
    ("countblank_no_blanks", "COUNTBLANK(Sales[customer])", {BLANK: None, ZERO: 0}, ()),
]
PINNED = [
    pytest.param(pin, dax, answer, north, extra, id=f"{dax} [{pin}={answer}]")
    for pin, dax, answers, extra in CASES for answer, north in answers.items()
]


def _sql_by_region(conn, expression: str) -> dict:
    query = pgsql.SQL("SELECT LOWER(region), {} FROM sales GROUP BY LOWER(region)").format(pgsql.SQL(expression))
    return {region: (None if v is None else float(v)) for region, v in conn.execute(query).fetchall()}


def _reference_by_region(dax: str, semantics: Semantics) -> dict:
    columns = [(name, None, None) for name in DATA["columns"]]
    rows = [[None if v == "NULL" else v for v in row] for row in DATA["rows"]]
    frames = {"Sales": frame(columns, rows)}
    result = evaluate(dax, frames, build(), group_by=("Sales[region]",), semantics=semantics)
    return {k[0].casefold(): (None if v is None else float(v)) for k, v in result.items()}


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize("pin, dax, answer, north, extra", PINNED)
def test_each_answer_is_translated_and_agrees_with_the_reference(sales_db, pin, dax, answer, north, extra) -> None:
    semantics = Semantics(pins=((pin, answer), *extra))
    translation = compile_expression(dax, build(), semantics)
    assert translation.status is Status.EXACT, [r.message for r in translation.reasons]
    actual = _sql_by_region(sales_db, to_sql(translation.sql))
    expected = _reference_by_region(dax, semantics)
    assert set(actual) == set(expected) == {"east", "west", "north"}
    assert _same(actual["north"], north), actual
    assert _same(expected["north"], north), expected
    for region in actual:
        assert _same(actual[region], expected[region]), (region, actual, expected)


@pytest.mark.parametrize("pin, dax, extra", sorted({(p, d, e) for p, d, _, e in CASES}))
def test_without_the_pin_it_is_refused(pin, dax, extra) -> None:
    translation = compile_expression(dax, build(), Semantics(pins=extra))
    assert translation.status is Status.UNTRANSLATED
    assert [r.code for r in translation.reasons] == ["CMP217"]


def test_a_pin_changes_nothing_where_no_operand_can_be_blank() -> None:
    plain = compile_expression("ROUND(SUM(Sales[amount]) + 1, 0)", build())
    pinned = compile_expression("ROUND(SUM(Sales[amount]) + 1, 0)", build(), Semantics(pins=(("round_blank", ZERO),)))
    assert plain.status is Status.EXACT and to_sql(plain.sql) == to_sql(pinned.sql)
