"""Hypothesis strategies: DAX ASTs the parser can produce (well-scoped variables, no negative
literals, no empty tables), for the print/parse round trip."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from translator.dax.ast import (
    BinaryOp,
    BinOp,
    Boolean,
    ColumnRef,
    FunctionCall,
    MeasureRef,
    Number,
    String,
    TableConstructor,
    TableRef,
    UnaryOp,
    UnaryOpKind,
    VarBinding,
    VarBlock,
    VariableRef,
)

# Any text, including quotes, brackets, newlines, comment markers and non-ASCII.
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["", "'", "''", "]", "]]", '"', "--", "//", "/*", "*/", "Zürich", "a\nb", "VAR", "RETURN"]
)
# Unquoted table names (dots allowed) and variable names never collide: different shapes.
bare_table = st.from_regex(r"Tbl[A-Za-z0-9_]{0,5}(\.[A-Za-z_][A-Za-z0-9_]{0,3})?", fullmatch=True)
variable_name = st.from_regex(r"_{0,2}v[a-z0-9]{0,4}", fullmatch=True)
function_name = st.from_regex(r"[A-Z][A-Z0-9]{0,7}(\.[A-Z]{1,4})?", fullmatch=True).filter(
    lambda n: n not in {"VAR", "RETURN", "NOT", "IN", "TRUE", "FALSE"}
)
numbers = st.integers(min_value=0, max_value=10**20) | st.floats(
    min_value=0, allow_nan=False, allow_infinity=False
).filter(lambda f: math.copysign(1.0, f) > 0)


def leaves(scope: tuple[str, ...]):
    options = [
        numbers.map(Number),
        any_text.map(String),
        st.booleans().map(Boolean),
        st.builds(ColumnRef, any_text, any_text, st.lists(any_text, max_size=2).map(tuple)),
        any_text.map(MeasureRef),
        any_text.map(lambda n: TableRef(n, True)),
        bare_table.map(lambda n: TableRef(n, False)),
    ]
    if scope:
        options.append(st.sampled_from(scope).map(VariableRef))
    return st.one_of(options)


@st.composite
def expressions(draw, scope: tuple[str, ...] = (), depth: int = 0):
    if depth >= 4 or draw(st.integers(0, 3)) == 0:
        return draw(leaves(scope))
    sub = lambda: expressions(scope, depth + 1)  # noqa: E731
    kind = draw(st.sampled_from(["binary", "unary", "call", "table", "var"]))
    match kind:
        case "binary":
            return BinaryOp(draw(st.sampled_from(list(BinOp))), draw(sub()), draw(sub()))
        case "unary":
            return UnaryOp(draw(st.sampled_from(list(UnaryOpKind))), draw(sub()))
        case "call":
            args = tuple(draw(st.lists(st.none() | sub(), max_size=4)))
            if args == (None,):
                args = ()  # `F()` reads back as no arguments
            return FunctionCall(draw(function_name), args)
        case "table":
            rows = draw(st.lists(st.lists(sub(), min_size=1, max_size=3).map(tuple), min_size=1, max_size=3))
            return TableConstructor(tuple(rows))
        case _:
            count = draw(st.integers(1, 3))
            names = draw(st.lists(variable_name, min_size=count, max_size=count, unique_by=str.casefold))
            names = [n for n in names if n.casefold() not in {s.casefold() for s in scope}] or ["_fresh"]
            bindings = []
            inner = scope
            for name in names:
                bindings.append(VarBinding(name, draw(expressions(inner, depth + 1))))
                inner = (*inner, name)
            return VarBlock(tuple(bindings), draw(expressions(inner, depth + 1)))
