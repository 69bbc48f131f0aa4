"""The one function table: every DAX function we know, with its SQL rule and its reference rule.

Each entry names, side by side, the rule in `translator.compile.rules` that turns a call into
PostgreSQL and the rule in `translator.reference.rules` that evaluates it on pandas. The two
rules are written independently (the reference shares nothing with the compiler but the AST),
so the table is where coverage is visible: a function with `sql=None` is never translated, and
its `untranslated` text is the reason the report gives.

Rules are named by string and looked up on first use, so the compiler and the evaluator can be
imported independently. tests/test_functions.py checks that every named rule exists.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

SQL_RULES = "translator.compile.rules"
REF_RULES = "translator.reference.rules"


@dataclass(frozen=True, slots=True)
class Function:
    name: str  # upper-case DAX name
    min_args: int
    max_args: int | None  # None: variadic
    sql: str | None = None  # rule name in translator.compile.rules
    ref: str | None = None  # rule name in translator.reference.rules
    untranslated: str | None = None  # why there is no SQL rule (shown in the report)

    def sql_rule(self) -> Callable | None:
        return _lookup(SQL_RULES, self.sql)

    def ref_rule(self) -> Callable | None:
        return _lookup(REF_RULES, self.ref)


def _lookup(module: str, name: str | None) -> Callable | None:
    if name is None:
        return None
    return getattr(importlib.import_module(module), name)


TIME_INTELLIGENCE = (
    "time intelligence changes which dates' rows are read; a single aggregate over the "
    "report's filtered rows cannot express it"
)

_TABLE: tuple[Function, ...] = (
    # name, min, max, sql rule, reference rule
    Function("SUM", 1, 1, sql="sum_", ref="sum_"),
    Function("DATEADD", 3, 3, untranslated=TIME_INTELLIGENCE),
)

FUNCTIONS: dict[str, Function] = {f.name: f for f in _TABLE}


def lookup(name: str) -> Function | None:
    return FUNCTIONS.get(name.upper())
