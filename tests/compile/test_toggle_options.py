"""A measure that reads a slicer toggle is compiled once per option, except for the options that
must compile as with nothing selected (SELECTEDVALUE's alternate result is their value): the
variants are still exactly the options whose SQL differs from the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compile.model import build
from translator.compile import compile_model, to_sql
from translator.compile.measures import MeasureService
from translator.dax import parse_model
from translator.dax.ast import fold
from translator.dax.model import ParsedModel
from translator.readers import read_exports

MEASURES = {
    "Mode": '''SWITCH(SELECTEDVALUE('Approval Mode'[Mode], "Standard"), "Organic", [Approvals Organic], [Approvals])''',
    "Mode Other Default": '''SWITCH(SELECTEDVALUE('Approval Mode'[Mode], "Organic"), "Organic", [Approvals Organic], [Approvals])''',
    # two reads with different alternates: no option is like nothing selected for both
    "Mode Twice": '''IF(SELECTEDVALUE('Approval Mode'[Mode], "Standard") = "Organic", [Approvals Organic], [Approvals])
                     + IF(SELECTEDVALUE('Approval Mode'[Mode], "Organic") = "Organic", 1, 0)''',
    # HASONEVALUE differs between nothing selected and any option
    "Mode Chosen": '''IF(HASONEVALUE('Approval Mode'[Mode]), [Approvals Organic], [Approvals])
                      + IF(SELECTEDVALUE('Approval Mode'[Mode], "Standard") = "Organic", 1, 0)''',
    # the option's value is the integer 1: an alternate 1 is alike, 1.0 is not (its SQL is 1.0)
    "Order Int": "SUM(Sales[amount]) * SELECTEDVALUE('Approval Mode'[Order], 1)",
    "Order Float": "SUM(Sales[amount]) * SELECTEDVALUE('Approval Mode'[Order], 1.0)",
    # the values are 0.0, 0.1 and 0.2: an alternate 0 is not taken for 0.0 (it happens to make the same SQL here)
    "Discounted": "SUM(Sales[amount]) * (1 - SELECTEDVALUE(Discount[Discount], 0))",
    "Discounted Float": "SUM(Sales[amount]) * (1 - SELECTEDVALUE(Discount[Discount], 0.1))",
    "Basis": '''SWITCH(SELECTEDVALUE('Date Basis'[Basis]), "Ship Date", [Total Cost], [Total Sales])''',
    "Basis Not Literal": '''SWITCH(SELECTEDVALUE('Date Basis'[Basis], "Order" & " Date"), "Ship Date", [Total Cost], [Total Sales])''',
    "Inlined": "CALCULATE([Mode], Sales[status] = \"Initial\")",
}


def _options_that_differ(parsed: ParsedModel) -> dict[tuple[str, str], set[str]]:
    """(measure, toggle table) -> the options whose SQL differs from the default, found by
    compiling the measure with every option selected (as compile_model did before it skipped any)."""
    service = MeasureService(parsed)
    found: dict[tuple[str, str], set[str]] = {}
    for pm in parsed.measures:
        translation = service.translate(pm)
        for table in translation.toggles:
            if fold(table) not in service.index.toggles:
                continue  # a calculation group
            default, _ = service._run(pm, {}, True)
            differ = set()
            for option in service.index.toggles[fold(table)].toggle.options:
                compiled, _ = service._run(pm, {fold(table): option}, True)
                if to_sql(compiled.sql) != to_sql(default.sql):
                    differ.add(option)
            found[(pm.measure.name, table)] = differ
    return found


def _variant_options(parsed: ParsedModel) -> dict[tuple[str, str], set[str]]:
    compiled, _ = compile_model(parsed)
    found: dict[tuple[str, str], set[str]] = {}
    for t in compiled.translations:
        for table in t.toggles:
            found.setdefault((t.measure.name, table), set())
        for v in t.variants:
            found[(t.measure.name, v.toggle_table)].add(v.option)
    return found


def test_the_variants_are_the_options_whose_sql_differs():
    parsed = build(MEASURES)
    expected = _options_that_differ(parsed)
    assert expected[("Mode", "Approval Mode")] == {"Organic"}
    assert expected[("Order Float", "Approval Mode")] == {"Standard", "Organic"}
    assert expected[("Discounted", "Discount")] == {"0.1", "0.2"}  # 1 - 0.0 folds to 1: compiled, not skipped
    assert _variant_options(parsed) == expected


@pytest.mark.parametrize(
    "name, alike",
    [
        ("Mode", {"Standard"}),
        ("Mode Other Default", {"Organic"}),
        ("Mode Twice", set()),
        ("Mode Chosen", set()),
        ("Order Int", {"Standard"}),
        ("Order Float", set()),
        ("Discounted", set()),
        ("Discounted Float", {"0.1"}),
        ("Basis", set()),
        ("Basis Not Literal", set()),
        ("Inlined", {"Standard"}),
    ],
)
def test_the_options_compiled_as_with_nothing_selected(name, alike):
    parsed = build(MEASURES)
    service = MeasureService(parsed)
    pm = service.index.measure(name)
    _, found = service._run(pm, {}, True)
    (table,) = found.toggles
    assert set(found.unselected_alike[table]) == alike


def test_the_bundled_samples_variants_are_the_options_whose_sql_differs():
    models, _ = read_exports(Path(__file__).parents[2] / "pbix_exports")
    parsed = parse_model(models[0])[0]
    expected = _options_that_differ(parsed)
    assert sum(len(options) for options in expected.values()) > 20  # the sample's toggles do make variants
    assert _variant_options(parsed) == expected
