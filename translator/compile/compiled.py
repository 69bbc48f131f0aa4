"""A compiled sub-expression: its SQL plus what the BLANK rules need to know about it."""

from __future__ import annotations

import enum
from typing import NamedTuple

from sqlglot import exp


class Kind(enum.Enum):
    NUMBER = "number"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    BLANK = "blank"  # BLANK() itself: takes the kind of whatever it meets


class _NotConstant:
    def __repr__(self) -> str:
        return "NOT_CONSTANT"


NOT_CONSTANT = _NotConstant()

# TOM data types of columns -> kinds
COLUMN_KINDS = {
    "string": Kind.TEXT,
    "int64": Kind.NUMBER,
    "double": Kind.NUMBER,
    "decimal": Kind.NUMBER,
    "boolean": Kind.BOOLEAN,
    "datetime": Kind.DATETIME,
}


class Compiled(NamedTuple):
    """`nullable`: the SQL may be NULL (DAX BLANK). For BOOLEAN values a NULL means FALSE to
    every consumer (conditions treat NULL as false; `blank.as_value` coalesces when the boolean
    is itself the result). `const`: the Python value when known at compile time (None = BLANK),
    so toggle options fold SWITCH/IF down to the chosen branch.

    A named tuple rather than a frozen dataclass: the compiler makes one per node it compiles,
    and a frozen dataclass sets each field through object.__setattr__ (7% of the compile stage)."""


    sql: exp.Expression
    nullable: bool
    kind: Kind
    const: object = NOT_CONSTANT
    # The SQL contains an aggregate: it cannot appear inside a row expression or a FILTER clause.
    aggregated: bool = False
    # A NULL here reads as FALSE (a comparison whose coalescing was skipped): `blank.as_value`
    # coalesces it before the value is used as a value (ISBLANK, ==, a branch, the result).
    predicate: bool = False

    @property
    def is_const(self) -> bool:
        return self.const is not NOT_CONSTANT

    def with_sql(self, sql: exp.Expression) -> Compiled:
        return Compiled(sql, self.nullable, self.kind, self.const, self.aggregated, self.predicate)
