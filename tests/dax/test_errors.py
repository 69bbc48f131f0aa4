"""Syntax errors are data: a DAX1xx code, the line and column, the expected tokens in words and a
caret display. Tests assert codes, positions and expected words, not message text."""

from __future__ import annotations

import pytest

from translator.dax import DaxSyntaxError, parse
from translator.diagnostics import Severity

# text, code, line, column, words that must be among the expected ones
ERRORS = [
    ("SUM(Sales[x]", "DAX103", 1, 13, {"a closing parenthesis ')'", "an argument separator ','"}),
    ("1 +", "DAX103", 1, 4, {"an expression"}),
    ("1 + \n  ", "DAX103", 1, 4, {"an expression"}),
    ("", "DAX103", 1, 1, {"an expression"}),
    ("   // only a comment", "DAX103", 1, 1, {"an expression"}),
    ("VAR x = 1", "DAX103", 1, 10, {"RETURN"}),
    ("F(1 2)", "DAX101", 1, 5, {"an operator", "a closing parenthesis ')'"}),
    ("SUM(Sales[x]) Sales", "DAX101", 1, 15, {"an operator", "the end of the expression"}),
    ("CALCULATE(\n  SUM(x),\n  ))", "DAX101", 3, 4, {"the end of the expression"}),
    ("1 + * 2", "DAX101", 1, 5, {"an expression"}),
    ("{1, 2", "DAX103", 1, 6, {"a closing brace '}'"}),
    ("VAR = 1 RETURN 1", "DAX101", 1, 5, {"a name"}),
    ("VAR x 1 RETURN x", "DAX101", 1, 7, {"'='"}),
    ("VAR x = 1 x", "DAX101", 1, 11, {"RETURN"}),
    ("'Sales'[x].", "DAX103", 1, 12, {"a column reference"}),
    ("'Sales' +", "DAX103", 1, 10, {"an expression"}),
    ("(1, 2)", "DAX103", 1, 7, {"an operator"}),  # IN
    ("(1, 2) + 1", "DAX101", 1, 8, {"an operator"}),
    ("1 @ 2", "DAX102", 1, 3, set()),
    ("1 != 2", "DAX102", 1, 3, set()),
    ('"unterminated', "DAX104", 1, 1, set()),
    ("'Sales[x]", "DAX104", 1, 1, set()),
    ("1 + [Revenue", "DAX104", 1, 5, set()),
    ("1 /* open comment", "DAX104", 1, 3, set()),
    ("/*", "DAX104", 1, 1, set()),
    ("1 'Sales'", "DAX101", 1, 3, {"an operator"}),
    ('1 "s"', "DAX101", 1, 3, {"an operator"}),
    ("1 [m]", "DAX101", 1, 3, {"an operator"}),
    ("IF(1,\n\t2,\n\t3 4)", "DAX101", 3, 4, {"an operator"}),
]


@pytest.mark.parametrize(("text", "code", "line", "column", "words"), ERRORS, ids=[e[0] for e in ERRORS])
def test_syntax_error(text, code, line, column, words):
    with pytest.raises(DaxSyntaxError) as caught:
        parse(text)
    err = caught.value
    assert (err.diagnostic.code, err.line, err.column) == (code, line, column)
    assert words <= set(err.expected)
    assert err.diagnostic.severity is Severity.ERROR
    assert (err.diagnostic.location.line, err.diagnostic.location.column) == (line, column)
    assert err.message == err.diagnostic.message


def test_caret_display_points_at_the_column():
    with pytest.raises(DaxSyntaxError) as caught:
        parse("VAR x = 1\nRETURN\n\tDIVIDE(x 2)")
    source, pointer = caret_notes(caught.value)
    assert source == "| \tDIVIDE(x 2)"
    assert pointer == "| \t         ^"
    assert caught.value.column == 11


def caret_notes(err: DaxSyntaxError) -> tuple[str, str]:
    source, pointer = err.diagnostic.notes[:2]
    return source, pointer


def test_expected_words_are_plain_words():
    with pytest.raises(DaxSyntaxError) as caught:
        parse("F(1 2)")
    # no lark terminal names leak into the message
    assert not any(word.isupper() and "_" in word for word in caught.value.expected)
    assert "RPAR" not in caught.value.message


def test_semicolon_locale_names_its_separator():
    with pytest.raises(DaxSyntaxError) as caught:
        parse("F(1 2)", semicolons=True)
    assert "an argument separator ';'" in caught.value.expected


def test_non_string_input_is_a_programming_error():
    with pytest.raises(TypeError):
        parse(None)  # type: ignore[arg-type]


def test_deep_nesting_is_not_a_crash():
    text = "(" * 5000 + "1" + ")" * 5000
    assert parse(text).value == 1
    with pytest.raises(DaxSyntaxError):
        parse("(" * 5000 + "1")
