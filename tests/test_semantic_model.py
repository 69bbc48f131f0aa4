"""The lookups by name of the semantic model and the mapping (translator/model/)."""

from __future__ import annotations

import pickle
from dataclasses import replace

import pytest

from translator.model.mapping import (
    DimensionOverride, Mapping, MetricOverride, SourceOverride, TemplateOverride, ToggleOverride,
)
from translator.model.semantic import Column, SemanticModel, Table


def _table() -> Table:
    return Table("Sales", columns=(Column("Amount", "double"), Column("Region", "string"),
                                   Column("AMOUNT", "int64")))


def test_column_lookup_is_case_insensitive_and_the_first_of_a_name_wins() -> None:
    table = _table()
    assert table.column("amount") == Column("Amount", "double")
    assert table.column("REGION") is table.columns[1]
    assert table.column("Quantity") is None
    assert Table("Empty").column("Amount") is None


def _model() -> SemanticModel:
    return SemanticModel("Model", "Model.SemanticModel", tables=(Table("Sales"), Table("Dates"), Table("SALES", is_hidden=True)))


def test_table_lookup_is_case_insensitive_and_the_first_of_a_name_wins() -> None:
    model = _model()
    assert model.table("sales") is model.tables[0]
    assert model.table("DATES") is model.tables[1]
    assert model.table("Orders") is None
    assert SemanticModel("Empty", "Empty").table("Sales") is None


def _mapping() -> Mapping:
    return Mapping(
        path="translator.toml",
        sources=(("Order Summary", SourceOverride(source_key="orders")), ("ORDER SUMMARY", SourceOverride(source_key="x"))),
        metrics=(("Approvals", MetricOverride(key="approvals")),),
        dimensions=(("campaign_id", DimensionOverride(key="campaign")),),
        toggles=(("Currency", ToggleOverride(key="currency")),),
        templates=(("Overview", TemplateOverride(template_key="overview")),),
        categories=(("Sales\\Approvals", "sales"),),
    )


def test_mapping_lookups_are_case_insensitive_and_the_first_of_a_name_wins() -> None:
    mapping = _mapping()
    assert mapping.source("order summary") == SourceOverride(source_key="orders")
    assert mapping.metric("APPROVALS") == MetricOverride(key="approvals")
    assert mapping.dimension("Campaign_ID") == DimensionOverride(key="campaign")
    assert mapping.toggle("currency") == ToggleOverride(key="currency")
    assert mapping.template("OVERVIEW") == TemplateOverride(template_key="overview")
    assert mapping.category("sales\\approvals") == "sales"
    for missing in (mapping.source("Orders"), mapping.metric("Refunds"), mapping.dimension("x"),
                    mapping.toggle("x"), mapping.template("x"), mapping.category("x"), Mapping().metric("Approvals")):
        assert missing is None


@pytest.mark.parametrize(("make", "look_up", "changes", "after"), [
    (_table, lambda t: t.column("region"), {"columns": (Column("Region", "int64"),)},
     lambda t: (t.column("region") == Column("Region", "int64"), t.column("amount") is None)),
    (_model, lambda m: m.table("sales"), {"tables": (Table("Orders"),)},
     lambda m: (m.table("orders") is m.tables[0], m.table("sales") is None)),
    (_mapping, lambda m: (m.metric("approvals"), m.source("order summary")),
     {"metrics": (("Refunds", MetricOverride(key="refunds")),)},
     lambda m: (m.metric("refunds") == MetricOverride(key="refunds"), m.metric("approvals") is None,
                m.source("order summary") == SourceOverride(source_key="orders"))),
], ids=["Table.column", "SemanticModel.table", "Mapping"])
def test_an_index_changes_neither_equality_nor_hash_nor_pickling(make, look_up, changes, after) -> None:
    looked_up, fresh = make(), make()
    found = look_up(looked_up)
    assert looked_up == fresh and hash(looked_up) == hash(fresh)
    assert repr(looked_up) == repr(fresh)
    copy = pickle.loads(pickle.dumps(looked_up))
    assert copy == fresh and look_up(copy) == found
    assert all(after(replace(looked_up, **changes)))  # a changed copy indexes its own names
