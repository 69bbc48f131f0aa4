"""Generated keys and names always fit their columns: shortened deterministically, never stopping
the build (issue: real models with sentence-long measure names)."""

from __future__ import annotations

import re
import tomllib

from hypothesis import given
from hypothesis import strategies as st

from tests.catalog.builders import compiled, measure, summed
from translator.catalog import build_catalog
from translator.diagnostics import SourceLocation
from translator.catalog.naming import assign_unique, fit_key, fit_name, unique_key
from translator.readers.mapping import parse_mapping

EMPTY = parse_mapping("", "translator.toml")
KEY = re.compile(r"^[a-z][a-z0-9_]*$")
# Localized UI label tables hold measures named by whole sentences.
SENTENCE = ("Number of customers who placed at least one order in the selected period and were not "
            "refunded within thirty days of their first purchase, excluding internal test accounts")


def test_short_keys_and_names_are_unchanged():
    assert fit_key("approval_rate") == "approval_rate"
    assert fit_key("a" * 100) == "a" * 100
    assert fit_name("N" * 200) == "N" * 200


@given(st.text(alphabet="abcdefghij_0123456789", min_size=101, max_size=400).map(lambda s: "k" + s))
def test_a_long_key_fits_keeps_a_readable_prefix_and_is_stable(key):
    short = fit_key(key)
    assert len(short) <= 100
    assert KEY.match(short)
    assert key.startswith(short[:60].rstrip("_"))
    assert fit_key(key) == short  # the same key always gives the same short key


def test_long_keys_sharing_their_first_hundred_characters_differ():
    a, b = "x" * 120 + "_gross", "x" * 120 + "_net"
    assert fit_key(a) != fit_key(b)
    assert len(fit_key(a)) == len(fit_key(b)) == 100


def test_a_suffixed_long_key_still_fits_and_is_unique():
    key = "y" * 150
    taken = {fit_key(key)}
    second = unique_key(key, taken)
    assert len(second) <= 100 and second not in taken
    keys, renamed = assign_unique([key, key, "short"], lambda k: k)
    assert len(set(keys.values())) == 3
    assert all(len(k) <= 100 for k in keys.values())
    assert [(wanted, given) for _, wanted, given in renamed] == [(key, keys[1])]


def test_a_long_name_ends_in_a_visible_ellipsis():
    short = fit_name(SENTENCE * 2)
    assert len(short) == 200
    assert short.endswith("\u2026")
    assert (SENTENCE * 2).startswith(short[:-1])


def test_sentence_long_measure_names_become_metrics_with_short_keys():
    long_name = SENTENCE + " " + SENTENCE  # 350+ characters
    other = long_name + " (gross)"  # shares the first 100 characters of its key
    here = SourceLocation("Labels.SemanticModel/definition/tables/Labels.tmdl", 3, 5)
    model = compiled(summed(measure(long_name, location=here), "approvals"),
                     summed(measure(other, location=here), "attempts"))
    catalog, diagnostics = build_catalog([model], EMPTY)
    assert len(catalog.metrics) == 2
    keys = [m.metric_key for m in catalog.metrics]
    assert len(set(keys)) == 2 and all(len(k) <= 100 and KEY.match(k) for k in keys)
    assert all(len(m.display_name) <= 200 and m.display_name.endswith("\u2026") for m in catalog.metrics)
    shortened = [d for d in diagnostics if d.code == "CAT318"]
    assert len(shortened) == 2 and all(d.location == here for d in shortened)
    # the fix names the measure's own mapping table, as a line TOML reads back to that measure
    for d, name in zip(shortened, (long_name, other)):
        header = next(re.search(r"\[metrics\..*\]", n).group(0) for n in d.notes if "[metrics." in n)
        assert list(tomllib.loads(header + "\ndisplay_name = 'x'\n")["metrics"]) == [name]
    # each measure's report entry says what happened, and a rebuild gives the same keys
    for entry in catalog.report:
        assert any(r.startswith("CAT317") for r in entry.reasons)
        assert any(r.startswith("CAT318") for r in entry.reasons)
    again, _ = build_catalog([model], EMPTY)
    assert [m.metric_key for m in again.metrics] == keys


def test_a_key_pinned_in_the_mapping_is_kept():
    long_name = SENTENCE * 2
    mapping = parse_mapping(f'[metrics."{long_name}"]\nkey = "customers_kept"\ndisplay_name = "Customers kept"\n',
                            "t.toml")
    catalog, diagnostics = build_catalog([compiled(summed(measure(long_name), "approvals"))], mapping)
    (metric,) = catalog.metrics
    assert (metric.metric_key, metric.display_name) == ("customers_kept", "Customers kept")
    assert not [d for d in diagnostics if d.code in ("CAT317", "CAT318")]


def test_sentence_long_slicer_values_and_columns_fit():
    from dataclasses import replace

    from tests.catalog.builders import APPROVAL_MODE, CAMPAIGNS, DATES, ORDERS, REFUNDS, attr
    from translator.compile.translation import Toggle, ToggleKind

    values = (SENTENCE + " one", SENTENCE + " two", "Short")
    toggle = Toggle("Approval Mode", "Mode", ToggleKind.SLICER, values, "Short")
    long_column = "customer_segment_" + "x" * 120
    orders = replace(ORDERS, columns=(*ORDERS.columns, attr(long_column)))
    refunds = replace(REFUNDS, columns=(*REFUNDS.columns, attr(long_column)))
    model = compiled(summed(measure("Approvals"), "approvals"), toggles=(toggle,),
                     tables=(orders, refunds, CAMPAIGNS, DATES, APPROVAL_MODE))
    catalog, diagnostics = build_catalog([model], EMPTY)
    options = [o.option_key for o in catalog.toggle_options]
    assert len(set(options)) == 3 and all(len(k) <= 100 and KEY.match(k) for k in options)
    assert all(len(o.display_name) <= 200 for o in catalog.toggle_options)
    (dimension,) = [d for d in catalog.dimensions if d.column_expression == f'"{long_column}"']
    assert len(dimension.dimension_key) <= 100 and KEY.match(dimension.dimension_key)
    assert {link.dimension_key for link in catalog.data_source_dimensions} <= {d.dimension_key for d in catalog.dimensions}
    assert not [d for d in diagnostics if d.severity.value == "error"]


def test_a_sentence_long_display_folder_is_a_category_that_fits():
    folder = SENTENCE + "\\Sub folder"
    catalog, _ = build_catalog([compiled(summed(measure("Approvals", folder=folder), "approvals"))], EMPTY)
    (metric,) = catalog.metrics
    assert len(metric.category) <= 100 and KEY.match(metric.category)
