"""Short constructors for writing expected ASTs by hand in the tests."""

from __future__ import annotations

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

N = Number
S = String
TRUE = Boolean(True)
FALSE = Boolean(False)
M = MeasureRef
V = VariableRef


def C(table, column, *variation):
    return ColumnRef(table, column, tuple(variation))


def T(name, quoted=True):
    return TableRef(name, quoted)


def Bare(name):
    return TableRef(name, quoted=False)


def F(name, *args):
    return FunctionCall(name, tuple(args))


def Rows(*rows):
    return TableConstructor(tuple(tuple(r) if isinstance(r, tuple) else (r,) for r in rows))


def Var(*bindings, body):
    return VarBlock(tuple(VarBinding(n, v) for n, v in bindings), body)


def _bin(op):
    return lambda left, right: BinaryOp(op, left, right)


POW, MUL, DIV, ADD, SUB, CAT = (_bin(o) for o in (BinOp.POW, BinOp.MUL, BinOp.DIV, BinOp.ADD, BinOp.SUB, BinOp.CONCAT))
EQ, SEQ, NEQ, LT, LTE, GT, GTE = (
    _bin(o) for o in (BinOp.EQ, BinOp.STRICT_EQ, BinOp.NEQ, BinOp.LT, BinOp.LTE, BinOp.GT, BinOp.GTE)
)
IN, AND, OR = _bin(BinOp.IN), _bin(BinOp.AND), _bin(BinOp.OR)


def NEG(x):
    return UnaryOp(UnaryOpKind.NEG, x)


def POS(x):
    return UnaryOp(UnaryOpKind.POS, x)


def NOT(x):
    return UnaryOp(UnaryOpKind.NOT, x)
