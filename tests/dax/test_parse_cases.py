"""Every construct of the DAX grammar, each with its expected AST written by hand."""

from __future__ import annotations

import pytest

from tests.dax.builders import (
    ADD, AND, CAT, DIV, EQ, FALSE, GT, GTE, IN, LT, LTE, MUL, NEG, NEQ, NOT, OR, POS, POW, SEQ, SUB,
    TRUE, Bare, C, F, M, N, Rows, S, T, V, Var,
)  # fmt: skip
from translator.dax import parse

CASES = [
    # literals
    ("1", N(1)),
    ("1.5", N(1.5)),
    (".25", N(0.25)),
    ("1e-3", N(0.001)),
    ("2E3", N(2000.0)),
    ("10.", N(10.0)),
    ('"text"', S("text")),
    ('""', S("")),
    ('"say ""hi"""', S('say "hi"')),
    ('"line one\nline two"', S("line one\nline two")),
    ('"Zürich – 東京"', S("Zürich – 東京")),
    ("TRUE", TRUE),
    ("false", FALSE),
    ("TRUE()", TRUE),
    ("False ( )", FALSE),
    # names
    ("'Sales'[Amount]", C("Sales", "Amount")),
    ("Sales[Amount]", C("Sales", "Amount")),
    ("Sales [Amount]", C("Sales", "Amount")),
    ("'Quoted ''Table'''[Col]", C("Quoted 'Table'", "Col")),
    ("[Name with ]] bracket]", M("Name with ] bracket")),
    ("[Total Sales]", M("Total Sales")),
    ("'Sales Data'", T("Sales Data")),
    ("Sales", Bare("Sales")),
    ("dbo.Sales[Qty]", C("dbo.Sales", "Qty")),
    ("'Date'[Date].[Year]", C("Date", "Date", "Year")),
    ("'Date'[Date].[Date Hierarchy].[Year]", C("Date", "Date", "Date Hierarchy", "Year")),
    ("'Return'[Return]", C("Return", "Return")),
    ("'VAR'[IN]", C("VAR", "IN")),
    ("Calendar", Bare("Calendar")),
    ("CALENDAR(1, 2)", F("CALENDAR", N(1), N(2))),
    ("COUNTROWS(Calendar)", F("COUNTROWS", Bare("Calendar"))),
    ("Variance[x] + Inventory", ADD(C("Variance", "x"), Bare("Inventory"))),
    ("Notes[x]", C("Notes", "x")),
    ("'Ünïcode Tàble'[Prix €]", C("Ünïcode Tàble", "Prix €")),
    # function calls
    ("sum(Sales[Amount])", F("SUM", C("Sales", "Amount"))),
    ("BLANK()", F("BLANK")),
    ("VAR.P(Sales[Amount])", F("VAR.P", C("Sales", "Amount"))),
    ("t.dist(1, 2, TRUE)", F("T.DIST", N(1), N(2), TRUE)),
    ("CALCULATE ( [Revenue] , ALL ( 'Date' ) )", F("CALCULATE", M("Revenue"), F("ALL", T("Date")))),
    ("RANKX(ALL(Product), [Revenue],, DESC)", F("RANKX", F("ALL", Bare("Product")), M("Revenue"), None, Bare("DESC"))),
    ("F(, 1)", F("F", None, N(1))),
    ("F(1, )", F("F", N(1), None)),
    ("F(,)", F("F", None, None)),
    ("DATEDIFF(a[d], b[d], DAY)", F("DATEDIFF", C("a", "d"), C("b", "d"), Bare("DAY"))),
    # comments anywhere
    ("1 // one\n+ 2", ADD(N(1), N(2))),
    ("1 -- one\n+ 2", ADD(N(1), N(2))),
    ("/* lead */ 1 /* mid */ + /* more\nlines */ 2 /* tail */", ADD(N(1), N(2))),
    ("SUM( -- the column\n Sales[x] // why\n, /* c */ )", F("SUM", C("Sales", "x"), None)),
    ("F(1, /* a, b */ 2)", F("F", N(1), N(2))),
    ('"not -- a comment"', S("not -- a comment")),
    ("[a // b]", M("a // b")),
    # blanks real exports contain: CRLF, non-breaking space, a byte-order mark
    ("1\u00a0+\r\n2 // x\r\n", ADD(N(1), N(2))),
    ("\ufeffSUM(x[y])", F("SUM", C("x", "y"))),
    # arithmetic precedence and associativity
    ("1 + 2 * 3", ADD(N(1), MUL(N(2), N(3)))),
    ("(1 + 2) * 3", MUL(ADD(N(1), N(2)), N(3))),
    ("1 - 2 - 3", SUB(SUB(N(1), N(2)), N(3))),
    ("8 / 4 / 2", DIV(DIV(N(8), N(4)), N(2))),
    ("2 ^ 3 ^ 2", POW(POW(N(2), N(3)), N(2))),
    ("-2 ^ 2", NEG(POW(N(2), N(2)))),
    ("2 ^ -1", POW(N(2), NEG(N(1)))),
    ("-2 * 3", MUL(NEG(N(2)), N(3))),
    ("- -1", NEG(NEG(N(1)))),
    ("+1", POS(N(1))),
    ("1 - -1", SUB(N(1), NEG(N(1)))),
    ("2 * 3 ^ 2", MUL(N(2), POW(N(3), N(2)))),
    ('"a" & 1 + 2', CAT(S("a"), ADD(N(1), N(2)))),
    ('"a" & "b" & "c"', CAT(CAT(S("a"), S("b")), S("c"))),
    # comparisons
    ("1 = 2", EQ(N(1), N(2))),
    ("1 == 2", SEQ(N(1), N(2))),
    ("1 <> 2", NEQ(N(1), N(2))),
    ("1 < 2", LT(N(1), N(2))),
    ("1 <= 2", LTE(N(1), N(2))),
    ("1 > 2", GT(N(1), N(2))),
    ("1 >= 2", GTE(N(1), N(2))),
    ('"a" & "b" = "ab"', EQ(CAT(S("a"), S("b")), S("ab"))),
    ("1 < 2 = TRUE", EQ(LT(N(1), N(2)), TRUE)),
    ("1 + 1 = 2", EQ(ADD(N(1), N(1)), N(2))),
    # logic
    ("a[x] && b[y] || c[z]", OR(AND(C("a", "x"), C("b", "y")), C("c", "z"))),
    ("a[x] || b[y] && c[z]", OR(C("a", "x"), AND(C("b", "y"), C("c", "z")))),
    ("NOT a[x] = 1", NOT(EQ(C("a", "x"), N(1)))),
    ("NOT a[x] && b[y]", AND(NOT(C("a", "x")), C("b", "y"))),
    ("not(TRUE)", NOT(TRUE)),
    ("NOT NOT TRUE", NOT(NOT(TRUE))),
    ("NOT ISBLANK([m])", NOT(F("ISBLANK", M("m")))),
    # IN
    ("a[x] IN {1, 2}", IN(C("a", "x"), Rows(N(1), N(2)))),
    ("a[x] in { \"A\" }", IN(C("a", "x"), Rows(S("A")))),
    ("a[x] IN VALUES(b[y])", IN(C("a", "x"), F("VALUES", C("b", "y")))),
    ("a[x] IN 'Allowed'", IN(C("a", "x"), T("Allowed"))),
    ("NOT a[x] IN {1}", NOT(IN(C("a", "x"), Rows(N(1))))),
    ("1 + 1 IN {2}", IN(ADD(N(1), N(1)), Rows(N(2)))),
    ("(a[x], b[y]) IN {(1, 2)}", IN(Rows((C("a", "x"), C("b", "y"))), Rows((N(1), N(2))))),
    ("a[x] IN {1} && TRUE", AND(IN(C("a", "x"), Rows(N(1))), TRUE)),
    # table constructors
    ("{1, 2}", Rows(N(1), N(2))),
    ('{(1, "a"), (2, "b")}', Rows((N(1), S("a")), (N(2), S("b")))),
    ("{(1)}", Rows(N(1))),
    ("{(1 + 2), 3}", Rows(ADD(N(1), N(2)), N(3))),
    ("{{1}, {2, 3}}", Rows(Rows(N(1)), Rows(N(2), N(3)))),
    ("{({1}, 2)}", Rows((Rows(N(1)), N(2)))),
    ("{ VAR x = 1 RETURN x }", Rows(Var(("x", N(1)), body=V("x")))),
    # variables
    ("VAR x = 1 RETURN x", Var(("x", N(1)), body=V("x"))),
    ("var x = 1 return X + 1", Var(("x", N(1)), body=ADD(V("X"), N(1)))),
    ("VAR _a = 1 VAR __b = _a + 1 RETURN __b", Var(("_a", N(1)), ("__b", ADD(V("_a"), N(1))), body=V("__b"))),
    (
        "VAR t = FILTER(Sales, Sales[x] > 1) RETURN COUNTROWS(t)",
        Var(("t", F("FILTER", Bare("Sales"), GT(C("Sales", "x"), N(1)))), body=F("COUNTROWS", V("t"))),
    ),
    # nested blocks: scope is lexical
    (
        "VAR a = VAR b = 1 RETURN b VAR c = b RETURN c",
        Var(("a", Var(("b", N(1)), body=V("b"))), ("c", Bare("b")), body=V("c")),
    ),
    ("VAR a = a RETURN a", Var(("a", Bare("a")), body=V("a"))),
    ("F(VAR x = 1 RETURN x, x)", F("F", Var(("x", N(1)), body=V("x")), Bare("x"))),
    (
        "VAR x = 1 RETURN CALCULATE(VAR y = x RETURN y + x, y)",
        Var(("x", N(1)), body=F("CALCULATE", Var(("y", V("x")), body=ADD(V("y"), V("x"))), Bare("y"))),
    ),
    ("(VAR x = 1 RETURN x) * 2", MUL(Var(("x", N(1)), body=V("x")), N(2))),
    (
        "VAR x = 1\n-- comment\nVAR y =\n  2 // two\nRETURN\n  x + y",
        Var(("x", N(1)), ("y", N(2)), body=ADD(V("x"), V("y"))),
    ),
    ("VAR x = 1 RETURN VAR y = x RETURN y", Var(("x", N(1)), body=Var(("y", V("x")), body=V("y")))),
    ("VAR _x = 1 RETURN VAR.P(_x)", Var(("_x", N(1)), body=F("VAR.P", V("_x")))),
    ("VAR x = 1 RETURN x[Col]", Var(("x", N(1)), body=C("x", "Col"))),
    ("VAR Sales = 1 RETURN 'Sales'", Var(("Sales", N(1)), body=T("Sales"))),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parse(text, expected):
    assert parse(text) == expected


def test_integer_literals_are_int_and_others_float():
    assert type(parse("12").value) is int
    assert type(parse("12.0").value) is float
    assert type(parse("1e2").value) is float
    assert type(parse("123456789012345678901234567890").value) is int


def test_function_names_are_upper_case_and_names_keep_spelling():
    tree = parse("Calculate(sUm(sales[AMOUNT]), x)")
    assert tree == F("CALCULATE", F("SUM", C("sales", "AMOUNT")), Bare("x"))
    assert parse("Var X = 1 Return x").body.name == "x"


SEMICOLON_CASES = [
    ("F(1,5; 2)", F("F", N(1.5), N(2))),
    ("{1; 2,25}", Rows(N(1), N(2.25))),
    ("{(1; \"a,b\"); (2; \"c\")}", Rows((N(1), S("a,b")), (N(2), S("c")))),
    ("IF(a[x] > 0,5; 1; ,5)", F("IF", GT(C("a", "x"), N(0.5)), N(1), N(0.5))),
    ("RANKX(t; [m];; DESC)", F("RANKX", Bare("t"), M("m"), None, Bare("DESC"))),
    ("F(1.5; 2)", F("F", N(1.5), N(2))),
]


@pytest.mark.parametrize(("text", "expected"), SEMICOLON_CASES, ids=[c[0] for c in SEMICOLON_CASES])
def test_parse_semicolon_locale(text, expected):
    assert parse(text, semicolons=True) == expected


def test_semicolon_locale_is_an_option():
    # In the default (en-US) form `1,5` is two arguments.
    assert parse("F(1,5)") == F("F", N(1), N(5))
