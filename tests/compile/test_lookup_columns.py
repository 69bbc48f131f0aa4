"""Lookup columns the view carries (mapping `lookup_columns`) over a whole model: the measures of
compile_model read the declared view column; an unusable declaration is never read. The values
on PostgreSQL and the reference evaluator are in cases.toml ("lookup columns the view carries")."""

from __future__ import annotations

from tests.compile.model import build
from translator.compile import Status, compile_expression, compile_model
from translator.readers.mapping import parse_mapping


def _mapping(*lines: str):
    return parse_mapping("[sources.Sales.lookup_columns]\n" + "".join(line + "\n" for line in lines), "translator.toml")


GOLD = 'CALCULATE([Total Sales], Customer[segment] = "Gold")'


def test_compile_model_reads_the_mapping():
    parsed = build({"Gold Sales": GOLD, "Discounted": "SUMX(Sales, Sales[qty] * RELATED(Customer[discount]))"})
    mapping = _mapping('"Customer[segment]" = "customer_segment"', '"Customer[discount]" = "customer_discount"')
    found = {t.measure.name: t for t in compile_model(parsed, mapping=mapping)[0].translations}
    assert found["Gold Sales"].status is Status.EXACT and "customer_segment" in found["Gold Sales"].columns
    assert found["Discounted"].status is Status.EXACT and set(found["Discounted"].columns) == {"qty", "customer_discount"}


def test_the_suggestion_names_only_the_columns_not_declared():
    t = compile_expression('CALCULATE(SUM(Sales[amount]), Customer[segment] = "Gold", Customer[name] = "A")',
                           build(), mapping=_mapping('"Customer[segment]" = "customer_segment"'))
    assert [r.code for r in t.reasons] == ["CMP240"]
    assert (t.lookups, t.lookup_fact) == (("'Customer'[name]",), "Sales")


def test_a_view_column_that_is_a_column_of_the_fact_table_is_not_read():
    """`status` is Sales' own column: reading it for Customer[segment] would filter the wrong
    column, so the declaration is unused (the catalog reports it, CAT325)."""
    t = compile_expression(GOLD, build(), mapping=_mapping('"Customer[segment]" = "status"'))
    assert t.status is Status.UNTRANSLATED and [r.code for r in t.reasons] == ["CMP240"]


def test_a_declaration_for_another_source_is_not_read():
    mapping = parse_mapping('[sources.Returns.lookup_columns]\n"Customer[segment]" = "customer_segment"\n',
                            "translator.toml")
    t = compile_expression(GOLD, build(), mapping=mapping)
    assert t.status is Status.UNTRANSLATED and t.lookup_fact == "Sales"
