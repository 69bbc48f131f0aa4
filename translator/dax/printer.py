"""AST -> DAX text, with parentheses put back from precedence: parse(to_dax(e)) == e.

Output is one line, en-US form (`,` separates arguments, `.` is the decimal point). Tables in
column references are quoted unless the name is a plain identifier.
"""

from __future__ import annotations

import math
import re
from typing import assert_never

from translator.dax.ast import (
    BinaryOp,
    BinOp,
    Boolean,
    ColumnRef,
    Expr,
    FunctionCall,
    MeasureRef,
    Number,
    String,
    TableConstructor,
    TableRef,
    UnaryOp,
    UnaryOpKind,
    VarBlock,
    VariableRef,
)

# Binding strength, loosest first; mirrors the ladder in grammars/dax.lark.
VAR_BLOCK = 0
_BINARY_LEVEL = {
    BinOp.OR: 10,
    BinOp.AND: 20,
    BinOp.EQ: 40,
    BinOp.STRICT_EQ: 40,
    BinOp.NEQ: 40,
    BinOp.LT: 40,
    BinOp.LTE: 40,
    BinOp.GT: 40,
    BinOp.GTE: 40,
    BinOp.IN: 40,
    BinOp.CONCAT: 50,
    BinOp.ADD: 60,
    BinOp.SUB: 60,
    BinOp.MUL: 70,
    BinOp.DIV: 70,
    BinOp.POW: 90,
}
NOT_LEVEL = 30
SIGN_LEVEL = 80
ATOM = 100

KEYWORDS = frozenset({"VAR", "RETURN", "NOT", "IN", "TRUE", "FALSE"})
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def level(node: Expr) -> int:
    match node:
        case VarBlock():
            return VAR_BLOCK
        case BinaryOp(op=op):
            return _BINARY_LEVEL[op]
        case UnaryOp(op=UnaryOpKind.NOT):
            return NOT_LEVEL
        case UnaryOp():
            return SIGN_LEVEL
        case Number(value=value) if value < 0:  # `-1` reads back as a sign
            return SIGN_LEVEL
        case _:
            return ATOM


def to_dax(expr: Expr) -> str:
    """Print an expression as DAX text."""
    return _print(expr, VAR_BLOCK)


def _print(node: Expr, minimum: int) -> str:
    text = _bare(node)
    return f"({text})" if level(node) < minimum else text


def _bare(node: Expr) -> str:
    match node:
        case Number(value=value):
            return _number(value)
        case String(value=value):
            return '"' + value.replace('"', '""') + '"'
        case Boolean(value=value):
            return "TRUE()" if value else "FALSE()"
        case ColumnRef(table=table, column=column, variation=variation):
            prefix = "" if table is None else table_name(table)
            return prefix + bracket(column) + "".join("." + bracket(v) for v in variation)
        case MeasureRef(name=name):
            return bracket(name)
        case TableRef(name=name, quoted=quoted):
            return quote_table(name) if quoted else name
        case VariableRef(name=name):
            return name
        case FunctionCall(name=name, args=args):
            return name + "(" + ", ".join("" if a is None else _print(a, VAR_BLOCK) for a in args) + ")"
        case BinaryOp(op=op, left=left, right=right):
            return _binary(op, left, right)
        case UnaryOp(op=UnaryOpKind.NOT, operand=operand):
            return "NOT " + _print(operand, NOT_LEVEL)
        case UnaryOp(op=op, operand=operand):
            inner = _print(operand, SIGN_LEVEL)
            # `--` would start a comment
            return op.value + (" " if inner.startswith(("-", "+")) else "") + inner
        case TableConstructor(rows=rows):
            return "{" + ", ".join(_row(row) for row in rows) + "}"
        case VarBlock(bindings=bindings, body=body):
            parts = [f"VAR {b.name} = {_print(b.value, VAR_BLOCK)}" for b in bindings]
            return " ".join(parts) + " RETURN " + _print(body, VAR_BLOCK)
        case _:
            assert_never(node)


def _binary(op: BinOp, left: Expr, right: Expr) -> str:
    strength = _BINARY_LEVEL[op]
    if op is BinOp.POW:
        # the exponent is an atom or a signed atom; a sign on the left binds looser than ^
        return f"{_print(left, strength)} ^ {_print(right, ATOM)}"
    return f"{_print(left, strength)} {op.value} {_print(right, strength + 1)}"


def _row(row: tuple[Expr, ...]) -> str:
    cells = ", ".join(_print(cell, VAR_BLOCK) for cell in row)
    return cells if len(row) == 1 else f"({cells})"


def _number(value: int | float) -> str:
    if isinstance(value, bool):
        raise TypeError("a bool is not a DAX number; use Boolean")
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        raise ValueError("NaN has no DAX literal")
    if math.isinf(value):
        return "1E+309" if value > 0 else "-1E+309"
    return repr(value)


def bracket(name: str) -> str:
    return "[" + name.replace("]", "]]") + "]"


def quote_table(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def table_name(name: str) -> str:
    """A table name as written before `[Column]`: bare when it is a plain identifier."""
    if _PLAIN_NAME.fullmatch(name) and name.upper() not in KEYWORDS:
        return name
    return quote_table(name)
