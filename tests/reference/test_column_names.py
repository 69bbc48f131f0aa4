"""Columns handed to the reference as (table, column) pairs: what a program holds, never quoted
into DAX text and parsed back (translator/verify passes them this way)."""

from __future__ import annotations

import pandas as pd

from translator.dax import parse_model
from translator.model.semantic import Column, SemanticModel, Table
from translator.reference import evaluate

TABLE = "Bob's [Sales]"  # a quote and brackets: DAX text would need '' and ]] to name it
SALES = pd.DataFrame({"re]gion": ["N", "N", "S"], "amount": [10, 5, 7]})
MODES = pd.DataFrame({"Mode": ["Single", "Double"]})
PARSED, _ = parse_model(SemanticModel("m", "m.bim", (
    Table(TABLE, columns=(Column("re]gion", "string"), Column("amount", "int64"))),
    Table("Mode", columns=(Column("Mode", "string"),)),
)))
FRAMES = {TABLE: SALES, "Mode": MODES}
EXPRESSION = "SUM('Bob''s [Sales]'[amount]) * IF(SELECTEDVALUE('Mode'[Mode]) = \"Double\", 2, 1)"


def test_pairs_name_the_same_columns_as_dax_text():
    as_text = evaluate(EXPRESSION, FRAMES, PARSED, group_by=("'Bob''s [Sales]'[re]]gion]",),
                       report_filters={"'Bob''s [Sales]'[amount]": [10, 7]}, slicers={"'Mode'[Mode]": "Double"})
    as_pairs = evaluate(EXPRESSION, FRAMES, PARSED, group_by=((TABLE, "re]gion"),),
                        report_filters={(TABLE, "amount"): [10, 7]}, slicers={("Mode", "Mode"): "Double"})
    assert as_pairs == as_text == {("N",): 20, ("S",): 14}
