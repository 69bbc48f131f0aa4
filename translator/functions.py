"""The one function table: every DAX function we know, with its SQL rule and its reference rule.

Each entry names, side by side, the rule in `translator.compile.rules` that turns a call into
PostgreSQL and the rule in `translator.reference.rules` that evaluates it on pandas. The two
rules are written independently (the reference shares nothing with the compiler but the AST),
so the table is where coverage is visible: a function with `sql=None` is never translated, and
its `untranslated` text is the reason the report gives.

Besides the scalar rule (`sql`), a function may have a `table` rule (used where a table is
expected: an iterator's first argument, a FILTER's table) and a `modifier` rule (used as a
CALCULATE filter argument). `aggregation` labels a measure whose top-level call this is.

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
    sql: str | None = None  # scalar rule name in translator.compile.rules
    ref: str | None = None  # rule name in translator.reference.rules
    untranslated: str | None = None  # why there is no SQL rule (shown in the report)
    table: str | None = None  # rule in translator.compile.rules when a table is expected
    modifier: str | None = None  # rule in translator.compile.rules as a CALCULATE filter
    aggregation: str | None = None  # sum | count | avg | ratio: label of a top-level call

    def sql_rule(self) -> Callable | None:
        return _lookup(SQL_RULES, self.sql)

    def ref_rule(self) -> Callable | None:
        return _lookup(REF_RULES, self.ref)

    def table_rule(self) -> Callable | None:
        return _lookup(SQL_RULES, self.table)

    def modifier_rule(self) -> Callable | None:
        return _lookup(SQL_RULES, self.modifier)


def _lookup(module: str, name: str | None) -> Callable | None:
    if name is None:
        return None
    return getattr(importlib.import_module(module), name)


TIME_INTELLIGENCE = (
    "time intelligence changes which dates' rows are read; a single aggregate over the "
    "report's filtered rows cannot express it"
)
USERELATIONSHIP = (
    "USERELATIONSHIP activates another relationship, so rows reach the measure through a join "
    "the reporting view does not make"
)
RANKING = "ranks or picks rows against the other groups of the visual: needs a window over a subquery"
EARLIER = "EARLIER reads an outer row context: a correlated subquery, not one aggregate"
RELATED = "RELATED/RELATEDTABLE read another table through a relationship: needs a join"
TABLE_VALUED = "returns a table; a metric is a single value"
CONTEXT = "reads the visual's filter context in a way one aggregate cannot express"
CALCULATION_ITEM = (
    "only a calculation item's expression can name the selected measure (ISSELECTEDMEASURE takes "
    "measure references)"
)

_TI = (
    "DATEADD", "SAMEPERIODLASTYEAR", "TOTALYTD", "TOTALMTD", "TOTALQTD", "PREVIOUSMONTH",
    "PREVIOUSQUARTER", "PREVIOUSYEAR", "PREVIOUSDAY", "NEXTMONTH", "NEXTQUARTER", "NEXTYEAR",
    "NEXTDAY", "PARALLELPERIOD", "DATESYTD", "DATESMTD", "DATESQTD", "DATESBETWEEN",
    "DATESINPERIOD", "OPENINGBALANCEMONTH", "OPENINGBALANCEQUARTER", "OPENINGBALANCEYEAR",
    "CLOSINGBALANCEMONTH", "CLOSINGBALANCEQUARTER", "CLOSINGBALANCEYEAR", "STARTOFMONTH",
    "STARTOFQUARTER", "STARTOFYEAR", "ENDOFMONTH", "ENDOFQUARTER", "ENDOFYEAR", "FIRSTDATE",
    "LASTDATE",
)  # fmt: skip

_TABLE: tuple[Function, ...] = (
    # aggregates over the fact table
    Function("SUM", 1, 1, sql="sum_", ref="sum_", aggregation="sum"),
    Function("AVERAGE", 1, 1, sql="average_", ref="average_", aggregation="avg"),
    Function("MIN", 1, 2, sql="min_", ref="min_"),
    Function("MAX", 1, 2, sql="max_", ref="max_"),
    Function("COUNT", 1, 1, sql="count_", ref="count_", aggregation="count"),
    Function("COUNTA", 1, 1, sql="count_", ref="counta_", aggregation="count"),
    Function("COUNTROWS", 1, 1, sql="countrows_", ref="countrows_", aggregation="count"),
    Function("DISTINCTCOUNT", 1, 1, sql="distinctcount_", ref="distinctcount_", aggregation="count"),
    Function(
        "DISTINCTCOUNTNOBLANK", 1, 1, sql="distinctcountnoblank_", ref="distinctcountnoblank_",
        aggregation="count",
    ),  # fmt: skip
    Function("COUNTBLANK", 1, 1, ref="countblank_", untranslated=(
        "with rows but no blank, Microsoft Learn returns 0 and dax.guide BLANK: either choice "
        "could show a different number")),
    # iterators
    Function("SUMX", 2, 2, sql="sumx_", ref="sumx_", aggregation="sum"),
    Function("AVERAGEX", 2, 2, sql="averagex_", ref="averagex_", aggregation="avg"),
    Function("COUNTX", 2, 2, sql="countx_", ref="countx_", aggregation="count"),
    Function("COUNTAX", 2, 2, sql="countx_", ref="countax_", aggregation="count"),
    Function("MINX", 2, 3, sql="minx_", ref="minx_"),
    Function("MAXX", 2, 3, sql="maxx_", ref="maxx_"),
    # filter context
    Function("FILTER", 2, 2, ref="filter_", table="filter_table", modifier="filter_modifier"),
    Function("CALCULATE", 1, None, sql="calculate_", ref="calculate_"),
    Function(
        "CALCULATETABLE", 1, None, ref="calculatetable_",
        untranslated="CALCULATETABLE as a table argument is not translated; " + TABLE_VALUED,
    ),  # fmt: skip
    Function("KEEPFILTERS", 1, 1, ref="keepfilters_", modifier="keepfilters_modifier"),
    Function("ALL", 0, None, ref="all_", modifier="all_modifier"),
    Function("REMOVEFILTERS", 0, None, ref="removefilters_", modifier="all_modifier"),
    Function("ALLSELECTED", 0, None, ref="allselected_", modifier="allselected_modifier"),
    Function(
        "ALLNOBLANKROW", 1, None, ref="allnoblankrow_",
        untranslated="ALLNOBLANKROW removes filters without the relationship blank row: " + CONTEXT,
    ),  # fmt: skip
    Function("ALLEXCEPT", 1, None, untranslated="ALLEXCEPT keeps only some filters: needs a window partitioned by the kept columns"),
    Function("USERELATIONSHIP", 2, 2, untranslated=USERELATIONSHIP),
    Function("CROSSFILTER", 3, 3, untranslated=USERELATIONSHIP),
    Function("TREATAS", 2, None, untranslated="TREATAS filters through a virtual relationship: " + CONTEXT),
    # arithmetic and logic
    Function("DIVIDE", 2, 3, sql="divide_", ref="divide_", aggregation="ratio"),
    Function("IF", 2, 3, sql="if_", ref="if_"),
    Function("SWITCH", 3, None, sql="switch_", ref="switch_"),
    Function("AND", 2, 2, sql="and_", ref="and_"),
    Function("OR", 2, 2, sql="or_", ref="or_"),
    Function("NOT", 1, 1, sql="not_", ref="not_"),
    Function("ISBLANK", 1, 1, sql="isblank_", ref="isblank_"),
    Function("COALESCE", 2, None, sql="coalesce_", ref="coalesce_"),
    Function("ABS", 1, 1, sql="abs_", ref="abs_"),
    Function("ROUND", 2, 2, sql="round_", ref="round_"),
    Function("ROUNDUP", 2, 2, sql="roundup_", ref="roundup_"),
    Function("ROUNDDOWN", 2, 2, sql="rounddown_", ref="rounddown_"),
    Function("INT", 1, 1, sql="int_", ref="int_"),
    Function("TRUNC", 1, 2, sql="trunc_", ref="trunc_"),
    Function("MOD", 2, 2, sql="mod_", ref="mod_"),
    Function("POWER", 2, 2, sql="power_"),
    Function("BLANK", 0, 0, sql="blank_", ref="blank_"),
    Function("TRUE", 0, 0, sql="true_", ref="true_"),
    Function("FALSE", 0, 0, sql="false_", ref="false_"),
    # slicer toggles (a disconnected table) and their readers
    Function("SELECTEDVALUE", 1, 2, sql="selectedvalue_", ref="selectedvalue_"),
    Function("HASONEVALUE", 1, 1, sql="hasonevalue_", ref="hasonevalue_"),
    Function("ISFILTERED", 1, 1, sql="isfiltered_"),
    Function("VALUES", 1, 1, sql="values_", ref="values_"),
    Function("DISTINCT", 1, 1, ref="distinct_", untranslated="DISTINCT " + TABLE_VALUED),
    Function("DATATABLE", 3, None, ref="datatable_", untranslated="DATATABLE " + TABLE_VALUED),
    # untranslated, with the reason the report gives
    *(Function(name, 1, None, untranslated=TIME_INTELLIGENCE) for name in _TI),
    Function("RANKX", 2, 6, untranslated=RANKING),
    Function("TOPN", 2, None, untranslated=RANKING),
    Function("EARLIER", 1, 2, untranslated=EARLIER),
    Function("EARLIEST", 1, 1, untranslated=EARLIER),
    Function("RELATED", 1, 1, untranslated=RELATED),
    Function("RELATEDTABLE", 1, 1, untranslated=RELATED),
    Function("LOOKUPVALUE", 3, None, untranslated="LOOKUPVALUE searches another table: needs a join"),
    Function("SUMMARIZE", 1, None, untranslated="SUMMARIZE " + TABLE_VALUED),
    Function("SUMMARIZECOLUMNS", 1, None, untranslated="SUMMARIZECOLUMNS " + TABLE_VALUED),
    Function("ADDCOLUMNS", 2, None, untranslated="ADDCOLUMNS " + TABLE_VALUED),
    Function("SELECTCOLUMNS", 1, None, untranslated="SELECTCOLUMNS " + TABLE_VALUED),
    Function("GENERATESERIES", 2, 3, untranslated="GENERATESERIES " + TABLE_VALUED),
    Function("UNION", 2, None, untranslated="UNION " + TABLE_VALUED),
    Function("ROW", 2, None, untranslated="ROW " + TABLE_VALUED),
    Function("ISINSCOPE", 1, 1, untranslated="ISINSCOPE depends on the visual's grouping levels: " + CONTEXT),
    # calculation items: the compiler substitutes these when it applies an item to a measure
    # (translator/compile/calculation_groups.py); anywhere else they have no meaning
    Function("SELECTEDMEASURE", 0, 0, untranslated=CALCULATION_ITEM),
    Function("SELECTEDMEASURENAME", 0, 0, untranslated=CALCULATION_ITEM),
    Function("ISSELECTEDMEASURE", 1, None, untranslated=CALCULATION_ITEM),
    Function(
        "SELECTEDMEASUREFORMATSTRING", 0, 0,
        untranslated="SELECTEDMEASUREFORMATSTRING reads a format string, which the catalog does not hold",
    ),  # fmt: skip
)

FUNCTIONS: dict[str, Function] = {f.name: f for f in _TABLE}


def lookup(name: str) -> Function | None:
    return FUNCTIONS.get(name.upper())
