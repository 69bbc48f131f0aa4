"""The function table: every named rule exists, and every function has a rule or a reason."""

from __future__ import annotations

import pytest

from translator import functions

ENTRIES = sorted(functions.FUNCTIONS.values(), key=lambda f: f.name)


@pytest.mark.parametrize("fn", ENTRIES, ids=lambda f: f.name)
def test_named_rules_exist(fn):
    for rule in (fn.sql_rule, fn.table_rule, fn.modifier_rule):
        named = rule()
        if named is not None:
            assert callable(named)
    if fn.ref is not None:  # the reference engineer's rules, checked once named
        assert callable(fn.ref_rule())


@pytest.mark.parametrize("fn", ENTRIES, ids=lambda f: f.name)
def test_every_function_is_translated_or_explains_why(fn):
    assert fn.name == fn.name.upper()
    assert fn.min_args >= 0 and (fn.max_args is None or fn.max_args >= fn.min_args)
    has_rule = fn.sql or fn.table or fn.modifier
    assert bool(has_rule) != bool(fn.untranslated), "either a SQL rule or an untranslated reason"
    assert fn.aggregation in (None, "sum", "count", "avg", "ratio")


def test_lookup_is_case_insensitive_and_unknown_is_none():
    assert functions.lookup("sumx") is functions.FUNCTIONS["SUMX"]
    assert functions.lookup("NOT_A_FUNCTION") is None


@pytest.mark.parametrize(
    "name",
    ["DATEADD", "SAMEPERIODLASTYEAR", "TOTALYTD", "TOTALMTD", "TOTALQTD", "PREVIOUSMONTH",
     "PARALLELPERIOD", "DATESYTD", "DATESBETWEEN", "USERELATIONSHIP", "RANKX", "TOPN", "EARLIER",
     "RELATED", "RELATEDTABLE"],
)  # fmt: skip
def test_documented_untranslated_functions_have_reasons(name):
    fn = functions.lookup(name)
    assert fn is not None and fn.sql is None and fn.untranslated
