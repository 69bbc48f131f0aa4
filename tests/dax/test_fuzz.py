"""Whatever the text, parse returns a tree with valid spans or raises DaxSyntaxError, never anything
else; the corpus of real-looking measures parses and survives mutation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.dax.spans import assert_spans_valid
from translator.dax import DaxSyntaxError, parse, to_dax

CORPUS = [m.strip() for m in (Path(__file__).parent / "data" / "measures.dax").read_text().split("#####")]
TOKENS = [
    "VAR", "var", "RETURN", "NOT", "IN", "TRUE", "FALSE()", "x", "_v", "Sales", "'Sales Data'", "[Amount]",
    "Sales[Amount]", "'D'[Date].[Year]", "SUM(", "CALCULATE(", "(", ")", "{", "}", ",", ";", "=", "==",
    "<>", "<", "<=", ">", ">=", "&&", "||", "&", "+", "-", "*", "/", "^", ".", "1", ".5", "1e3", '"s"',
    '"a""b"', "//c\n", "--c\n", "/*c*/", "/*", "*/", "'", '"', "[", "]", "\n", " ", "@", "!",
]  # fmt: skip


def check(text: str, semicolons: bool = False) -> None:
    try:
        tree = parse(text, semicolons=semicolons)
    except DaxSyntaxError as err:
        lines = text.split("\n")
        assert 1 <= err.line <= len(lines)
        assert 1 <= err.column <= len(lines[err.line - 1]) + 1
        assert err.diagnostic.code.startswith("DAX1")
        assert len(err.diagnostic.notes) >= 2
    else:
        assert_spans_valid(tree, text)


@given(st.text())
def test_any_text(text):
    check(text)
    check(text, semicolons=True)


@given(st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join))
def test_token_soup(text):
    check(text)
    check(text, semicolons=True)


@given(st.lists(st.sampled_from(TOKENS), max_size=25).map("".join))
def test_token_soup_without_blanks(text):
    check(text)


@pytest.mark.parametrize("text", CORPUS, ids=range(len(CORPUS)))
def test_corpus_parses_and_round_trips(text):
    tree = parse(text)
    assert_spans_valid(tree, text)
    assert parse(to_dax(tree)) == tree


def _words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\w+|\S", text)]


@given(st.data())
def test_character_mutations(data):
    text = data.draw(st.sampled_from(CORPUS))
    at = data.draw(st.integers(0, len(text)))
    match data.draw(st.sampled_from(["delete", "insert", "duplicate"])):
        case "delete":
            mutated = text[:at] + text[at + 1 :]
        case "insert":
            mutated = text[:at] + data.draw(st.characters()) + text[at:]
        case _:
            mutated = text[:at] + text[at : at + 1] + text[at:]
    check(mutated)


@given(st.data())
def test_token_mutations(data):
    text = data.draw(st.sampled_from(CORPUS))
    start, end = data.draw(st.sampled_from(_words(text)))
    match data.draw(st.sampled_from(["delete", "insert", "duplicate"])):
        case "delete":
            mutated = text[:start] + text[end:]
        case "insert":
            mutated = text[:start] + data.draw(st.sampled_from(TOKENS)) + text[start:]
        case _:
            mutated = text[:end] + " " + text[start:end] + text[end:]
    check(mutated)
