"""Syntax errors as data: lark's exceptions become a DaxSyntaxError carrying a DAX1xx diagnostic.

The message names what was found and what was expected in words; the notes hold a caret display
(the source line with a `^` under the column). Codes (docs/diagnostics.md):
  DAX101 unexpected token, DAX102 unexpected character, DAX103 unexpected end of the expression,
  DAX104 unterminated string, name or comment, DAX105 expression nested too deeply,
  DAX106 number out of range.
"""

from __future__ import annotations

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from translator.diagnostics import Diagnostic, SourceLocation, report
from translator.diagnostics import codes
from translator.diagnostics.render import human

UNEXPECTED_TOKEN = codes.DAX101
UNEXPECTED_CHARACTER = codes.DAX102
UNEXPECTED_END = codes.DAX103
UNTERMINATED = codes.DAX104
TOO_DEEP = codes.DAX105
NUMBER_RANGE = codes.DAX106

# Where the text of a bare parse() came from; parse_model maps locations into the export file.
EXPRESSION = "<expression>"


class DaxSyntaxError(Exception):
    """The only exception `parse` raises for bad input."""

    def __init__(self, diagnostic: Diagnostic, line: int, column: int, expected: tuple[str, ...] = ()):
        super().__init__(human(diagnostic))
        self.diagnostic = diagnostic
        self.message = diagnostic.message
        self.line = line  # 1-based, within the expression text
        self.column = column
        self.expected = expected


# Terminals that can start an expression: when the parser accepts them, "an expression" says it.
_EXPRESSION_START = frozenset(
    {"NUMBER", "STRING", "NAME", "QUOTED", "BRACKET", "LPAR", "LBRACE", "MINUS", "PLUS", "NOT", "VAR"}
)
# Binary operators: when the parser accepts them, "an operator" says it.
_OPERATORS = frozenset(
    {
        "STAR", "SLASH", "CARET", "AMPERSAND", "EQUAL", "STRICT_EQUAL", "NOT_EQUAL", "LESS",
        "LESS_EQUAL", "GREATER", "GREATER_EQUAL", "AND", "OR", "IN", "MINUS", "PLUS",
    }
)  # fmt: skip

_WORDS = {
    "RPAR": "a closing parenthesis ')'",
    "LPAR": "an opening parenthesis '('",
    "RBRACE": "a closing brace '}'",
    "_SEP": "an argument separator",
    "BRACKET": "a column reference",
    "DOT": "a variation '.'",
    "NAME": "a name",
    "EQUAL": "'='",
    "RETURN": "RETURN",
    "VAR": "VAR",
    "IN": "IN",
    "NOT": "NOT",
    "$END": "the end of the expression",
}

_FOUND = {
    "NUMBER": "number",
    "STRING": "string",
    "NAME": "name",
    "QUOTED": "table name",
    "BRACKET": "bracketed name",
    "VAR": "keyword VAR",
    "RETURN": "keyword RETURN",
    "NOT": "keyword NOT",
    "IN": "keyword IN",
}


def describe_expected(expected: set[str] | frozenset[str], separator: str = ",") -> tuple[str, ...]:
    """The expected terminals in words, most useful first, without duplicates."""
    words: list[str] = []
    remaining = set(expected)
    if remaining & (_OPERATORS - {"MINUS", "PLUS", "EQUAL"}):  # `=` alone: after VAR name
        words.append("an operator")
        remaining -= _OPERATORS
    if "NUMBER" in remaining:
        words.append("an expression")
        remaining -= _EXPRESSION_START
    for name in ("RPAR", "RBRACE", "_SEP", "BRACKET", "DOT", "EQUAL", "RETURN", "VAR", "NAME",
                 "IN", "NOT", "LPAR", "$END"):  # fmt: skip
        if name in remaining:
            word = _WORDS[name]
            if name == "_SEP":
                word = f"an argument separator '{separator}'"
            words.append(word)
            remaining.discard(name)
    words.extend(sorted(_WORDS.get(n, n) for n in remaining))
    return tuple(words)


def _join_words(words: tuple[str, ...]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def caret(text: str, line: int, column: int) -> tuple[str, str]:
    """The source line and a `^` under the column, as two notes: a renderer that prefixes every
    note alike keeps them aligned (tabs are kept so the caret lines up under them)."""
    lines = text.split("\n")
    source = lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""
    pad = "".join(c if c == "\t" else " " for c in source[: column - 1])
    return f"| {source}", f"| {pad}^"


def syntax_error(
    code: str, message: str, text: str, offset: int, expected: tuple[str, ...] = ()
) -> DaxSyntaxError:
    line, column = position(text, offset)
    notes = caret(text, line, column)
    diagnostic = report(code, message, SourceLocation(EXPRESSION, line, column), *notes)
    return DaxSyntaxError(diagnostic, line, column, expected)


def _found(token) -> str:
    kind = _FOUND.get(token.type)
    value = str(token)
    shown = value if len(value) <= 30 else value[:27] + "..."
    return f"{kind} {shown}" if kind else f"'{shown}'"


def _unterminated(text: str, offset: int, comment_only: bool = False) -> tuple[str, int] | None:
    """An unterminated string, name or block comment at (or, for `/*`, just before) the offset.

    For an unexpected token only a comment counts: a whole string token merely came too early.
    """
    match "" if comment_only else text[offset : offset + 1]:
        case '"':
            return "unterminated string: a closing '\"' is missing", offset
        case "'":
            return "unterminated table name: a closing \"'\" is missing", offset
        case "[":
            return "unterminated name: a closing ']' is missing", offset
    for start in (offset, offset - 1):
        if start >= 0 and text.startswith("/*", start) and "*/" not in text[start + 2 :]:
            return "unterminated comment: a closing '*/' is missing", start
    return None


def from_lark(exc: UnexpectedInput, text: str, separator: str = ",") -> DaxSyntaxError:
    """Translate any of lark's input errors into a DaxSyntaxError."""
    if isinstance(exc, UnexpectedToken) and exc.token.type == "$END" or isinstance(exc, UnexpectedEOF):
        expected = describe_expected(set(exc.expected), separator)
        # lark's $END token borrows the last token's position; without a last token the text
        # holds nothing but blanks and comments.
        offset = getattr(exc, "token", None) is not None and exc.token.end_pos
        if not offset:
            return syntax_error(UNEXPECTED_END, "the expression is empty", text, 0, expected)
        return syntax_error(
            UNEXPECTED_END,
            f"unexpected end of the expression: expected {_join_words(expected)}",
            text,
            offset,
            expected,
        )
    if isinstance(exc, UnexpectedToken):
        offset = exc.token.start_pos or 0
        unterminated = _unterminated(text, offset, comment_only=True)
        if unterminated:  # a `/` or `*` the parser did not expect, opening a comment
            return syntax_error(UNTERMINATED, unterminated[0], text, unterminated[1])
        expected = describe_expected(set(exc.accepts or exc.expected), separator)
        return syntax_error(
            UNEXPECTED_TOKEN,
            f"unexpected {_found(exc.token)}: expected {_join_words(expected)}",
            text,
            offset,
            expected,
        )
    if isinstance(exc, UnexpectedCharacters):
        offset = exc.pos_in_stream
        unterminated = _unterminated(text, offset)
        if unterminated:
            return syntax_error(UNTERMINATED, unterminated[0], text, unterminated[1])
        char = text[offset : offset + 1]
        return syntax_error(UNEXPECTED_CHARACTER, f"unexpected character {char!r}", text, offset)
    return syntax_error(UNEXPECTED_TOKEN, f"syntax error: {exc}", text, getattr(exc, "pos_in_stream", 0) or 0)
