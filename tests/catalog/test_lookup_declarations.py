"""The mapping's lookup_columns checked against the model: CAT325 at the entry's line, with the
nearest names; a malformed entry stops the run (CAT392) at its line."""

from __future__ import annotations

import pytest

from tests.compile.model import build
from translator.catalog import build_catalog
from translator.compile import compile_model
from translator.diagnostics import InputError
from translator.readers.mapping import parse_mapping

HEADER = "# lookup columns\n[sources.Sales.lookup_columns]\n"


def _problems(entries: str) -> list[tuple[str, int | None, tuple[str, ...]]]:
    mapping = parse_mapping(HEADER + entries, "translator.toml")
    _, diagnostics = build_catalog([compile_model(build(), mapping=mapping)[0]], mapping)
    return [(d.code, d.location.line, d.notes) for d in diagnostics
            if d.location is not None and d.location.file == "translator.toml"]


def test_a_valid_declaration_has_no_problem():
    assert _problems('"Customer[segment]" = "customer_segment"\n') == []


def test_unknown_table_and_column_are_reported_at_their_line_with_the_nearest_name():
    found = _problems('"Customer[segment]" = "customer_segment"\n"Custmer[segment]" = "a"\n"Customer[segmnt]" = "b"\n')
    assert [(code, line) for code, line, _ in found] == [("CAT325", 4), ("CAT325", 5)]
    assert any("Customer" in note for note in found[0][2]) and any("segment" in note for note in found[1][2])


def test_a_table_not_on_the_one_side_of_an_active_relationship_is_reported():
    # Returns has no relationship with Sales
    assert [(code, line) for code, line, _ in _problems('"Returns[refund]" = "refund"\n')] == [("CAT325", 3)]


def test_a_view_column_that_is_a_column_of_the_source_is_reported():
    assert [(code, line) for code, line, _ in _problems('"Customer[segment]" = "status"\n')] == [("CAT325", 3)]


@pytest.mark.parametrize("entry", ['"Customer segment" = "x"', '"Customer[segment]" = "Customer Segment"',
                                   '"Customer[segment]" = 3', '"Customer[name]" = "c"\n"Customer[segment]" = "c"'])
def test_a_malformed_entry_stops_the_run_at_its_line(entry):
    with pytest.raises(InputError) as raised:
        parse_mapping(HEADER + entry + "\n", "translator.toml")
    line = 3 + entry.count("\n")
    assert (raised.value.diagnostic.code, raised.value.diagnostic.location.line) == ("CAT392", line)


def _entry(measures: dict[str, str], name: str):
    mapping = parse_mapping(HEADER + '"Customer[segment]" = "customer_segment"\n"Customer[discount]" = "customer_discount"\n',
                            "translator.toml")
    compiled, _ = compile_model(build(measures), mapping=mapping)
    catalog, _ = build_catalog([compiled], mapping)
    # the test model's lookup dimension: Sales[customer] joined to Customer, showing Customer[segment]
    assert ("customer_segment", "segment") in {(d.dimension_key, d.display_column) for d in catalog.dimensions}
    return next(e for e in catalog.report if e.measure == name)


def test_a_filter_replacing_the_lookup_column_a_dimension_shows_is_approximate():
    """Grouped by the dimension (Customer[segment] in DAX), CALCULATE's filter on the same lookup
    column replaces the group's filter: Power BI shows the Gold value on every row (CAT332)."""
    e = _entry({"Gold Sales": 'CALCULATE([Total Sales], Customer[segment] = "Gold")'}, "Gold Sales")
    assert e.status == "approximate" and [r.split(":")[0] for r in e.reasons][:1] == ["CAT332"]
    assert "customer_segment" in e.reasons[0]


def test_a_filter_on_another_lookup_column_or_kept_stays_exact():
    measures = {"Discounted": "CALCULATE([Total Sales], Customer[discount] > 0.4)",
                "Gold Kept": 'CALCULATE([Total Sales], KEEPFILTERS(Customer[segment] = "Gold"))'}
    assert [_entry(measures, name).status for name in measures] == ["exact", "exact"]


def test_one_lookup_column_under_two_view_names_is_reported_at_the_second():
    """Returns has no relationship with Customer in the test model: relate it for this test."""
    import dataclasses

    from translator.dax import parse_model
    from translator.model.semantic import Relationship

    model = build().model
    model = dataclasses.replace(model, tables=tuple(
        dataclasses.replace(t, columns=(*t.columns, dataclasses.replace(t.columns[0], name="customer")))
        if t.name == "Returns" else t for t in model.tables),
        relationships=(*model.relationships, Relationship("Returns", "customer", "Customer", "name")))
    text = HEADER + '"Customer[segment]" = "customer_segment"\n[sources.Returns.lookup_columns]\n"Customer[segment]" = "segment"\n'
    mapping = parse_mapping(text, "translator.toml")
    compiled, _ = compile_model(parse_model(model)[0], mapping=mapping)
    _, diagnostics = build_catalog([compiled], mapping)
    assert [(d.code, d.location.line) for d in diagnostics
            if d.location is not None and d.location.file == "translator.toml"] == [("CAT325", 5)]
