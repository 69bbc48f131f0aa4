"""to_dax: parentheses from precedence, quoting, and parse(to_dax(tree)) == tree."""

from __future__ import annotations

import pytest
from hypothesis import given

from tests.dax.builders import (
    ADD, AND, EQ, IN, MUL, NEG, NOT, OR, POW, SUB, TRUE, Bare, C, F, M, N, Rows, S, T, V, Var,
)  # fmt: skip
from tests.dax.spans import assert_spans_valid
from tests.dax.strategies import expressions
from translator.dax import parse, to_dax

PRINTED = [
    (MUL(ADD(N(1), N(2)), N(3)), "(1 + 2) * 3"),
    (ADD(N(1), MUL(N(2), N(3))), "1 + 2 * 3"),
    (SUB(N(1), SUB(N(2), N(3))), "1 - (2 - 3)"),
    (SUB(SUB(N(1), N(2)), N(3)), "1 - 2 - 3"),
    (NEG(POW(N(2), N(2))), "-2 ^ 2"),
    (POW(NEG(N(2)), N(2)), "(-2) ^ 2"),
    (POW(N(2), NEG(N(1))), "2 ^ (-1)"),
    (POW(N(2), POW(N(3), N(2))), "2 ^ (3 ^ 2)"),
    (NEG(NEG(N(1))), "- -1"),
    (SUB(N(1), NEG(N(1))), "1 - -1"),
    (NOT(AND(TRUE, TRUE)), "NOT (TRUE() && TRUE())"),
    (AND(NOT(TRUE), TRUE), "NOT TRUE() && TRUE()"),
    (NOT(IN(C("a", "x"), Rows(N(1), N(2)))), "NOT a[x] IN {1, 2}"),
    (AND(OR(TRUE, TRUE), TRUE), "(TRUE() || TRUE()) && TRUE()"),
    (EQ(EQ(N(1), N(2)), TRUE), "1 = 2 = TRUE()"),
    (MUL(Var(("x", N(1)), body=V("x")), N(2)), "(VAR x = 1 RETURN x) * 2"),
    (F("F", Var(("x", N(1)), body=V("x")), None, N(2)), "F(VAR x = 1 RETURN x, , 2)"),
    (Rows((N(1), S("a")), (N(2), S('b"'))), '{(1, "a"), (2, "b""")}'),
    (C("Sales Data", "Amount ]"), "'Sales Data'[Amount ]]]"),
    (C("it's", "x", "Year"), "'it''s'[x].[Year]"),
    (C("Return", "x"), "'Return'[x]"),
    (C("Sales", "x"), "Sales[x]"),
    (T("Sales"), "'Sales'"),
    (Bare("Sales"), "Sales"),
    (M("a]b"), "[a]]b]"),
    (N(0.25), "0.25"),
    (N(1e-05), "1e-05"),
]


@pytest.mark.parametrize(("tree", "text"), PRINTED, ids=[p[1] for p in PRINTED])
def test_to_dax(tree, text):
    assert to_dax(tree) == text
    assert parse(text) == tree


@given(expressions())
def test_print_then_parse_gives_the_same_tree(tree):
    text = to_dax(tree)
    reparsed = parse(text)
    assert reparsed == tree
    assert_spans_valid(reparsed, text)
    assert to_dax(reparsed) == text
