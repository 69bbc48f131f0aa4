"""Cross-filter direction: a filter on the many side reaches the one side only along a relationship
that filters both ways (Microsoft Learn, "Model relationships in Power BI Desktop": cross filter
direction). A count over the one side otherwise counts every member, with facts or not."""

from __future__ import annotations

import pandas as pd
import pytest

from translator.dax import parse_model
from translator.model.semantic import Column, Relationship, SemanticModel, Table
from translator.reference import evaluate

RESELLERS = pd.DataFrame({"Key": [1, 2, 3], "Name": ["Ann", "Bob", "Cy"]})
SALES = pd.DataFrame({"Key": [1, 1, 2], "Day": ["d1", "d2", "d2"], "Amount": [10, 5, 7]})


def model(direction: str):
    return parse_model(SemanticModel("m", "m.bim", (
        Table("Reseller", columns=(Column("Key", "int64"), Column("Name", "string"))),
        Table("Sales", columns=(Column("Key", "int64"), Column("Day", "string"), Column("Amount", "int64"))),
    ), (Relationship("Sales", "Key", "Reseller", "Key", cross_filtering=direction),)))[0]


@pytest.mark.parametrize(("direction", "expected"), [
    ("oneDirection", {("d1",): 3, ("d2",): 3}),  # the sales filter does not reach Reseller
    ("bothDirections", {("d1",): 1, ("d2",): 2}),  # resellers with sales that day
])
def test_a_count_of_the_one_side_by_a_many_side_column(direction, expected):
    result = evaluate("DISTINCTCOUNT(Reseller[Key])", {"Reseller": RESELLERS, "Sales": SALES}, model(direction),
                      group_by=("Sales[Day]",))
    assert result == expected


def test_without_a_filter_on_the_many_side_every_member_counts_both_ways():
    result = evaluate("COUNTROWS(Reseller)", {"Reseller": RESELLERS, "Sales": SALES}, model("bothDirections"))
    assert result == {(): 3}


def test_the_one_side_still_filters_the_many_side():
    result = evaluate("SUM(Sales[Amount])", {"Reseller": RESELLERS, "Sales": SALES}, model("bothDirections"),
                      group_by=("Reseller[Name]",))
    assert result == {("Ann",): 15, ("Bob",): 7, ("Cy",): None}
