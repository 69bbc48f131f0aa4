"""Literal tables in Power Query M (translator/readers/mliteral.py): Enter data, #table, lists."""

from __future__ import annotations

import base64
import json
import zlib

import pytest

from tests.compile.model import enter_data
from translator.readers.mliteral import literal_table, typed_rows


def test_enter_data_rows_are_decoded_from_deflated_json():
    source = enter_data(("Revenue Basis", "Basis Order"), [["Gross", "1"], ["Net", "2"], ["", "3"]])
    names, rows = literal_table(source)
    assert names == ("Revenue Basis", "Basis Order")
    assert rows == (("Gross", "1"), ("Net", "2"), ("", "3"))
    assert typed_rows(rows, ("string", "int64")) == (("Gross", 1), ("Net", 2), ("", 3))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('#table({"A", "B"}, {{"x", 1}, {"y", -2.5}, {null, true}})', (("A", "B"), (("x", 1), ("y", -2.5), (None, True)))),
        ('let S = #table(type table [Mode = text, #"Sort Key" = number], {{"a", 1}}) in S', (("Mode", "Sort Key"), (("a", 1),))),
        (
            'let Source = {"a", "b"}, T = Table.FromList(Source, Splitter.SplitByNothing(), null, null, ExtraValues.Error), '
            'R = Table.RenameColumns(T, {{"Column1", "Pick"}}) in R',
            (("Pick",), (("a",), ("b",))),
        ),
    ],
)
def test_hash_table_and_lists(source, expected):
    assert literal_table(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        None,
        "",
        'let Source = PostgreSQL.Database("h", "db"), T = Source{[Schema="public",Item="t"]}[Data] in T',
        'let S = #table({"A"}, {{"x"}}), F = Table.SelectRows(S, each [A] = "x") in F',  # rows filtered
        'Table.FromRows(Json.Document(Binary.Decompress(Binary.FromText("not base64!", BinaryEncoding.Base64), '
        "Compression.Deflate)), let _t = ((type nullable text) meta [Serialized.Text = true]) in type table [A = _t])",
        '#table({"A", "B"}, {{"x"}})',  # a row shorter than the header
        '#table({"A", "a"}, {{"x", "y"}})',  # duplicate names (ignoring case)
    ],
)
def test_anything_else_is_not_literal(source):
    assert literal_table(source) is None


def test_a_decompression_bomb_is_not_read():
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    rows = json.dumps([["x" * 1000]] * 5000).encode()  # 5 MB of text, a few KB compressed
    blob = base64.b64encode(packer.compress(rows) + packer.flush()).decode()
    source = (
        f'Table.FromRows(Json.Document(Binary.Decompress(Binary.FromText("{blob}", BinaryEncoding.Base64), '
        "Compression.Deflate)), let _t = ((type nullable text) meta [Serialized.Text = true]) in type table [A = _t])"
    )
    assert literal_table(source) is None


def test_cells_that_do_not_fit_the_model_type_are_refused():
    assert typed_rows((("x", "one"),), ("string", "int64")) is None
    assert typed_rows((("1.5",),), ("int64",)) is None
    assert typed_rows((("TRUE",), ("",)), ("boolean",)) == ((True,), (None,))


def test_readers_attach_the_rows_to_the_table_in_column_order():
    from translator.model.semantic import Column, SemanticModel, Table
    from translator.readers.mliteral import with_literal_rows

    source = enter_data(("Revenue Basis", "Basis Order"), [["Gross", "1"], ["Net", "2"]])
    table = Table("Basis", columns=(Column("Basis Order", "int64"), Column("Revenue Basis", "string")), source=source)
    database = Table("Sales", columns=(Column("amount", "double"),), source='let S = PostgreSQL.Database("h", "d") in S')
    model = with_literal_rows(SemanticModel("M", "m.bim", (table, database)))
    assert model.tables[0].literal_rows() == ((1, "Gross"), (2, "Net"))
    assert model.tables[1].literal_rows() is None
