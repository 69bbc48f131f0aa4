"""Typed DAX syntax tree.

Nodes are frozen, slotted dataclasses. Every node has a `span`, which is excluded from equality so
that `parse(print(tree)) == tree` compares structure only. Parentheses are not nodes: the printer
puts them back from precedence. Names keep the source spelling; DAX compares them
case-insensitively, so consumers fold case (see `fold`). Function names are stored upper-case.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from collections.abc import Callable, Iterator
from typing import NamedTuple, Union


class Span(NamedTuple):
    """Offsets into the expression text (0-based, end exclusive) and the 1-based line/column.
    A named tuple: the parser makes one or two per token (a frozen dataclass sets each field
    through object.__setattr__)."""

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int


NO_SPAN = Span(0, 0, 1, 1, 1, 1)


# The key DAX uses to compare identifiers: case-insensitive. The method itself, not a function
# calling it: the compiler folds a quarter of a million names over the 47-fold sample.
fold: Callable[[str], str] = str.casefold


class BinOp(enum.Enum):
    POW = "^"
    MUL = "*"
    DIV = "/"
    ADD = "+"
    SUB = "-"
    CONCAT = "&"
    EQ = "="
    STRICT_EQ = "=="
    NEQ = "<>"
    LT = "<"
    LTE = "<="
    GT = ">"
    GTE = ">="
    IN = "IN"
    AND = "&&"
    OR = "||"


class UnaryOpKind(enum.Enum):
    NEG = "-"
    POS = "+"
    NOT = "NOT"


@dataclass(frozen=True, slots=True)
class Number:
    value: int | float
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class String:
    value: str  # unescaped: `"a""b"` is stored as `a"b`
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Boolean:
    """TRUE / FALSE, written with or without `()`."""

    value: bool
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ColumnRef:
    """`'Table'[Column]`, `Table[Column]` or, with table None, a bare `[Column]` in row context.

    `variation` holds a variation path such as `'Date'[Date].[Year]` -> ("Year",).
    A ColumnRef may also name a measure (`'Sales'[Revenue]`): the compiler decides, with the model.
    """

    table: str | None
    column: str
    variation: tuple[str, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class MeasureRef:
    """A bare `[Name]`: a measure, or (inside an iterator) a column of the row context."""

    name: str
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TableRef:
    """A table name: quoted `'Sales Data'` (quoted=True) or bare `Sales`."""

    name: str
    quoted: bool = True
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class VariableRef:
    """A bare identifier bound by an enclosing VAR. The parser resolves scope lexically:
    a bare name that no enclosing VAR binds is a TableRef(quoted=False)."""

    name: str
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """`NAME(arg, ...)`. `name` is upper-case (`VAR.P`, `T.DIST` keep their dots).
    An empty argument (`RANKX(t, e,, DESC)`) is None."""

    name: str
    args: tuple[Expr | None, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class BinaryOp:
    op: BinOp
    left: Expr
    right: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class UnaryOp:
    op: UnaryOpKind
    operand: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class TableConstructor:
    """`{1, 2}` has rows ((1,), (2,)); `{(1, "a"), (2, "b")}` has rows ((1, "a"), (2, "b"))."""

    rows: tuple[tuple[Expr, ...], ...]
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class VarBinding:
    name: str
    value: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class VarBlock:
    """`VAR a = ... VAR b = ... RETURN body`. Bindings are in source order."""

    bindings: tuple[VarBinding, ...]
    body: Expr
    span: Span = field(default=NO_SPAN, compare=False, repr=False)


Expr = Union[
    Number,
    String,
    Boolean,
    ColumnRef,
    MeasureRef,
    TableRef,
    VariableRef,
    FunctionCall,
    BinaryOp,
    UnaryOp,
    TableConstructor,
    VarBlock,
]


def _leaf(node: Expr) -> tuple[Expr, ...]:
    return ()


# The direct sub-expressions of each node type, in source order: one dictionary look-up per node
# (a `match` tried the node types one by one; the compile stage walks every measure's tree
# several times).
_CHILDREN: dict[type, Callable[[Expr], tuple[Expr, ...]]] = {
    Number: _leaf,
    String: _leaf,
    Boolean: _leaf,
    ColumnRef: _leaf,
    MeasureRef: _leaf,
    TableRef: _leaf,
    VariableRef: _leaf,
    FunctionCall: lambda node: node.args if None not in node.args else tuple(a for a in node.args if a is not None),
    BinaryOp: lambda node: (node.left, node.right),
    UnaryOp: lambda node: (node.operand,),
    TableConstructor: lambda node: tuple(cell for row in node.rows for cell in row),
    VarBlock: lambda node: (*(b.value for b in node.bindings), node.body),
}


def children(node: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of a node, in source order."""
    getter = _CHILDREN.get(type(node))
    if getter is None:
        raise TypeError(f"not a DAX node: {node!r}")
    return getter(node)


def walk(node: Expr) -> Iterator[Expr]:
    """Pre-order traversal of every node below and including `node`."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        below = children(current)
        if below:
            stack.extend(reversed(below))
