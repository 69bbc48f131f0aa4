"""The DAX functions we know: name, arity, what a measure made of one aggregates, and, for a
function no rule translates, the reason the report gives.

This module holds signatures only. The rules live beside their implementations, each package
exporting its own table: `translator.compile.rules.RULES` (scalar, table and CALCULATE-filter
rules that build SQL) and `translator.reference.rules.RULES` (the pandas oracle). The two are
written independently (the reference shares nothing with the compiler but the AST);
tests/test_functions.py checks that both tables name only functions listed here, that every
function is translated or explains why, and that the oracle covers what the compiler translates.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Aggregation(enum.StrEnum):
    """What a measure aggregates, as the catalog's metrics.aggregation_type labels it: the label of
    its top-level call (a division is a ratio), `custom` for anything else."""

    SUM = "sum"
    COUNT = "count"
    AVG = "avg"
    RATIO = "ratio"
    CUSTOM = "custom"


@dataclass(frozen=True, slots=True)
class Function:
    name: str  # upper-case DAX name
    min_args: int
    max_args: int | None  # None: variadic
    untranslated: str | None = None  # why no compile rule exists (shown in the report)
    aggregation: Aggregation | None = None  # the label of a measure whose top-level call this is


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
RELATED = "RELATEDTABLE reads another table through a relationship: needs a join"
TABLE_VALUED = "returns a table; a metric is a single value"
CONTEXT = "reads the visual's filter context in a way one aggregate cannot express"
CALCULATION_ITEM = (
    "only a calculation item's expression can name the selected measure (ISSELECTEDMEASURE takes "
    "measure references)"
)

CLOCK = (
    "the date or time of the query: Power BI takes it in the service's time zone (UTC), PostgreSQL's "
    "CURRENT_DATE in the session's; no date filter of the report pins it here"
)
PRODUCT = (
    "PostgreSQL has no product aggregate; EXP(SUM(LN(x))) rounds, and zeros and negative values "
    "need special cases, so the number could differ"
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
    Function("SUM", 1, 1, aggregation=Aggregation.SUM),
    Function("AVERAGE", 1, 1, aggregation=Aggregation.AVG),
    Function("MIN", 1, 2),
    Function("MAX", 1, 2),
    Function("COUNT", 1, 1, aggregation=Aggregation.COUNT),
    Function("COUNTA", 1, 1, aggregation=Aggregation.COUNT),
    Function("COUNTROWS", 1, 1, aggregation=Aggregation.COUNT),
    Function("DISTINCTCOUNT", 1, 1, aggregation=Aggregation.COUNT),
    Function("DISTINCTCOUNTNOBLANK", 1, 1, aggregation=Aggregation.COUNT),
    Function("COUNTBLANK", 1, 1, aggregation=Aggregation.COUNT),  # translated as [semantics] pins it
    # iterators
    Function("SUMX", 2, 2, aggregation=Aggregation.SUM),
    Function("AVERAGEX", 2, 2, aggregation=Aggregation.AVG),
    Function("COUNTX", 2, 2, aggregation=Aggregation.COUNT),
    Function("COUNTAX", 2, 2, aggregation=Aggregation.COUNT),
    Function("MINX", 2, 3),
    Function("MAXX", 2, 3),
    # filter context
    Function("FILTER", 2, 2),
    Function("CALCULATE", 1, None),
    Function(
        "CALCULATETABLE", 1, None,
        untranslated="CALCULATETABLE as a table argument is not translated; " + TABLE_VALUED,
    ),  # fmt: skip
    Function("KEEPFILTERS", 1, 1),
    Function("ALL", 0, None),
    Function("REMOVEFILTERS", 0, None),
    Function("ALLSELECTED", 0, None),
    Function(
        "ALLNOBLANKROW", 1, None,
        untranslated="ALLNOBLANKROW removes filters without the relationship blank row: " + CONTEXT,
    ),  # fmt: skip
    Function("ALLEXCEPT", 1, None, untranslated="ALLEXCEPT keeps only some filters: needs a window partitioned by the kept columns"),
    Function("USERELATIONSHIP", 2, 2, untranslated=USERELATIONSHIP),
    Function("CROSSFILTER", 3, 3, untranslated=USERELATIONSHIP),
    Function("TREATAS", 2, None, untranslated="TREATAS filters through a virtual relationship: " + CONTEXT),
    # arithmetic and logic
    Function("DIVIDE", 2, 3, aggregation=Aggregation.RATIO),
    Function("IF", 2, 3),
    Function("SWITCH", 3, None),
    Function("AND", 2, 2),
    Function("OR", 2, 2),
    Function("NOT", 1, 1),
    Function("ISBLANK", 1, 1),
    Function("COALESCE", 2, None),
    Function("ABS", 1, 1),
    Function("ROUND", 2, 2),
    Function("ROUNDUP", 2, 2),
    Function("ROUNDDOWN", 2, 2),
    Function("INT", 1, 1),
    Function("TRUNC", 1, 2),
    Function("MOD", 2, 2),
    Function("POWER", 2, 2),
    Function("BLANK", 0, 0),
    Function("TRUE", 0, 0),
    Function("FALSE", 0, 0),
    # slicer toggles (a disconnected table) and their readers
    Function("SELECTEDVALUE", 1, 2),
    Function("HASONEVALUE", 1, 1),
    Function("ISFILTERED", 1, 1),
    Function("VALUES", 1, 1),
    Function("DISTINCT", 1, 1, untranslated="DISTINCT " + TABLE_VALUED),
    Function("DATATABLE", 3, None, untranslated="DATATABLE " + TABLE_VALUED),
    # untranslated, with the reason the report gives
    *(Function(name, 1, None, untranslated=TIME_INTELLIGENCE) for name in _TI),
    Function("RANKX", 2, 6, untranslated=RANKING),
    Function("TOPN", 2, None, untranslated=RANKING),
    Function("EARLIER", 1, 2, untranslated=EARLIER),
    Function("EARLIEST", 1, 1, untranslated=EARLIER),
    Function("RELATED", 1, 1),  # exact when the view carries the lookup column (mapping lookup_columns)
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
    # text, dates and conversions (issue 13): translator/compile/scalars.py and
    # translator/reference/scalars.py; BLANK arguments are refused (no source documents them)
    Function("LEN", 1, 1),
    Function("UPPER", 1, 1),
    Function("LOWER", 1, 1),
    Function("LEFT", 1, 2),
    Function("RIGHT", 1, 2),
    Function("MID", 3, 3),
    Function("TRIM", 1, 1),
    Function("SUBSTITUTE", 3, 4),
    Function("REPT", 2, 2),
    Function("CONTAINSSTRING", 2, 2),
    Function("CONTAINSSTRINGEXACT", 2, 2),
    Function("SEARCH", 2, 4),
    Function("FIND", 2, 4),
    Function("DATE", 3, 3),
    Function("YEAR", 1, 1),
    Function("MONTH", 1, 1),
    Function("DAY", 1, 1),
    Function("QUARTER", 1, 1),
    Function("WEEKDAY", 1, 2),
    Function("WEEKNUM", 1, 2),
    Function("EOMONTH", 2, 2),
    Function("EDATE", 2, 2),
    Function("DATEDIFF", 3, 3),
    Function("VALUE", 1, 1),
    Function("IFERROR", 2, 2),
    Function("ISERROR", 1, 1),
    Function("MEDIAN", 1, 1),
    Function("AVERAGEA", 1, 1, aggregation=Aggregation.AVG),
    Function("TODAY", 0, 0, untranslated=CLOCK),
    Function("NOW", 0, 0, untranslated=CLOCK),
    Function("PRODUCT", 1, 1, untranslated=PRODUCT),
    Function("PRODUCTX", 2, 2, untranslated=PRODUCT),
    Function(
        "CONCATENATEX", 2, 5,
        untranslated="CONCATENATEX builds text from rows (a label, not a metric); without an order its "
        "result's order is not defined",
    ),  # fmt: skip
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


# Text, date and conversion functions whose rules live in each side's `scalars` module
# (translator/compile/scalars.py and translator/reference/scalars.py), named `<name>_`.
SCALAR_FUNCTIONS = (
    "LEN", "UPPER", "LOWER", "LEFT", "RIGHT", "MID", "TRIM", "SUBSTITUTE", "REPT", "CONTAINSSTRING",
    "CONTAINSSTRINGEXACT", "SEARCH", "FIND", "DATE", "YEAR", "MONTH", "DAY", "QUARTER", "WEEKDAY",
    "WEEKNUM", "EOMONTH", "EDATE", "DATEDIFF", "VALUE", "IFERROR", "ISERROR",
)  # fmt: skip


def lookup(name: str) -> Function | None:
    return FUNCTIONS.get(name.upper())
