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
    # reference-only entries (name/arity/ref); the compiler engineer adds sql= rules
    Function("AVERAGE", 1, 1, ref="average_"),
    Function("MIN", 1, 2, ref="min_"),
    Function("MAX", 1, 2, ref="max_"),
    Function("COUNT", 1, 1, ref="count_"),
    Function("COUNTA", 1, 1, ref="counta_"),
    Function("COUNTROWS", 1, 1, ref="countrows_"),
    Function("DISTINCTCOUNT", 1, 1, ref="distinctcount_"),
    Function("DISTINCTCOUNTNOBLANK", 1, 1, ref="distinctcountnoblank_"),
    Function("COUNTBLANK", 1, 1, ref="countblank_"),
    Function("SUMX", 2, 2, ref="sumx_"),
    Function("AVERAGEX", 2, 2, ref="averagex_"),
    Function("COUNTX", 2, 2, ref="countx_"),
    Function("COUNTAX", 2, 2, ref="countax_"),
    Function("MINX", 2, 3, ref="minx_"),
    Function("MAXX", 2, 3, ref="maxx_"),
    Function("FILTER", 2, 2, ref="filter_"),
    Function("CALCULATE", 1, None, ref="calculate_"),
    Function("CALCULATETABLE", 1, None, ref="calculatetable_"),
    Function("KEEPFILTERS", 1, 1, ref="keepfilters_"),
    Function("ALL", 0, None, ref="all_"),
    Function("ALLNOBLANKROW", 1, None, ref="allnoblankrow_"),
    Function("REMOVEFILTERS", 0, None, ref="removefilters_"),
    Function("ALLSELECTED", 0, None, ref="allselected_"),
    Function("DIVIDE", 2, 3, ref="divide_"),
    Function("IF", 2, 3, ref="if_"),
    Function("SWITCH", 3, None, ref="switch_"),
    Function("AND", 2, 2, ref="and_"),
    Function("OR", 2, 2, ref="or_"),
    Function("NOT", 1, 1, ref="not_"),
    Function("ISBLANK", 1, 1, ref="isblank_"),
    Function("COALESCE", 2, None, ref="coalesce_"),
    Function("ABS", 1, 1, ref="abs_"),
    Function("ROUND", 2, 2, ref="round_"),
    Function("ROUNDUP", 2, 2, ref="roundup_"),
    Function("ROUNDDOWN", 2, 2, ref="rounddown_"),
    Function("INT", 1, 1, ref="int_"),
    Function("TRUNC", 1, 2, ref="trunc_"),
    Function("MOD", 2, 2, ref="mod_"),
    Function("BLANK", 0, 0, ref="blank_"),
    Function("TRUE", 0, 0, ref="true_"),
    Function("FALSE", 0, 0, ref="false_"),
    Function("SELECTEDVALUE", 1, 2, ref="selectedvalue_"),
    Function("HASONEVALUE", 1, 1, ref="hasonevalue_"),
    Function("VALUES", 1, 1, ref="values_"),
    Function("DISTINCT", 1, 1, ref="distinct_"),
    Function("DATATABLE", 3, None, ref="datatable_"),
    Function("DATEADD", 3, 3, untranslated=TIME_INTELLIGENCE),
)

FUNCTIONS: dict[str, Function] = {f.name: f for f in _TABLE}


def lookup(name: str) -> Function | None:
    return FUNCTIONS.get(name.upper())
