"""Relationship cardinality read in every format: TMDL `fromCardinality:` / `toCardinality:`,
TMSL (model.bim, .pbit DataModelSchema, pbi-tools) `fromCardinality` / `toCardinality`, .pbix
metadata and DMV dumps as TOM's numbers (1 one, 2 many). Default many-to-one; a one-to-many
relationship is held the other way round (its `to_table` is the one side)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.readers.helpers import SALES, read_one
from tests.readers.writers import tmsl, write_bim, write_pbit, write_pbitools
from translator.model.semantic import Cardinality, SemanticModel

ONE, MANY = Cardinality.ONE, Cardinality.MANY

# The fixture's relationships.tmdl with cardinalities: many-to-many, one-to-one, one-to-many.
RELATIONSHIPS = """relationship 5f0d4c4e-8a0b-4a4e-9d6c-1b2a3c4d5e6f
\tcrossFilteringBehavior: bothDirections
\tfromCardinality: many
\ttoCardinality: many
\tfromColumn: Sales.'Product Key'
\ttoColumn: 'Product Catalog'.'Product Key'

relationship 7a1e2b3c-4d5e-4f60-8172-839a4b5c6d7e
\tfromCardinality: one
\tfromColumn: Sales.'Order Date'
\ttoColumn: Date.Date

relationship 9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d
\tisActive: false
\tfromCardinality: One
\ttoCardinality: Many
\tfromColumn: Date.Date
\ttoColumn: Sales.'Ship Date'
"""

EXPECTED = [
    ("Sales", "Product Key", "Product Catalog", "Product Key", MANY, MANY),
    ("Sales", "Order Date", "Date", "Date", ONE, ONE),
    ("Sales", "Ship Date", "Date", "Date", MANY, ONE),  # one-to-many, turned round
]


def _ends(model: SemanticModel) -> list[tuple]:
    return [(r.from_table, r.from_column, r.to_table, r.to_column, r.from_cardinality, r.to_cardinality)
            for r in model.relationships]


@pytest.fixture()
def tmdl(tmp_path: Path) -> Path:
    folder = tmp_path / "Sales.SemanticModel"
    shutil.copytree(SALES, folder)
    (folder / "definition" / "relationships.tmdl").write_text(RELATIONSHIPS, encoding="utf-8")
    return folder


def test_tmdl_reads_the_cardinalities(tmdl):
    model = read_one(tmdl)
    assert _ends(model) == EXPECTED
    assert [r.is_many_to_many for r in model.relationships] == [True, False, False]
    assert [r.is_active for r in model.relationships] == [True, True, False]


def test_the_default_is_many_to_one():
    assert {(r.from_cardinality, r.to_cardinality) for r in read_one(SALES).relationships} == {(MANY, ONE)}


@pytest.mark.parametrize("write", [
    lambda m, d: write_bim(m, d / "Sales.bim"),
    lambda m, d: write_pbit(m, d / "Sales.pbit"),
    lambda m, d: write_pbitools(m, d / "Sales"),
], ids=["bim", "pbit", "pbitools"])
def test_tmsl_formats_read_the_same_cardinalities(tmdl, tmp_path, write):
    original = read_one(tmdl)
    again = read_one(_write(write, original, tmp_path / "out"))
    assert _ends(again) == EXPECTED
    assert again.relationships == original.relationships


def _write(write, model: SemanticModel, folder: Path) -> Path:
    folder.mkdir()
    return write(model, folder)


def test_tmsl_one_to_many_is_turned_round(tmp_path):
    """A model.bim whose relationship goes from the one side to the many side."""
    document = tmsl(read_one(SALES))
    ship = next(r for r in document["model"]["relationships"] if r["fromColumn"] == "Ship Date")
    ship.update({"fromTable": "Date", "fromColumn": "Date", "toTable": "Sales", "toColumn": "Ship Date",
                 "fromCardinality": "one", "toCardinality": "many"})
    bim = tmp_path / "Sales.bim"
    bim.write_text(json.dumps(document), encoding="utf-8")
    found = [r for r in read_one(bim).relationships if r.is_active is False]
    assert [(r.from_table, r.from_column, r.to_table, r.to_column, r.from_cardinality, r.to_cardinality)
            for r in found] == [("Sales", "Ship Date", "Date", "Date", MANY, ONE)]


DMV_TABLES = "[ID],[Name]\n1,Sales\n2,Customer\n"
DMV_COLUMNS = "[ID],[TableID],[ExplicitName],[ExplicitDataType]\n10,1,customer,2\n11,1,amount,8\n20,2,name,2\n"
DMV_MEASURES = "[TableID],[Name],[Expression]\n1,Total,SUM(Sales[amount])\n"


@pytest.mark.parametrize(("row", "expected"), [
    ("1,10,2,20,True,1,2,1", ("Sales", "customer", "Customer", "name", MANY, ONE, True)),
    ("1,10,2,20,False,1,2,2", ("Sales", "customer", "Customer", "name", MANY, MANY, False)),
    ("2,20,1,10,True,1,1,2", ("Sales", "customer", "Customer", "name", MANY, ONE, True)),
    ("1,10,2,20,True,1,1,1", ("Sales", "customer", "Customer", "name", ONE, ONE, True)),
])
def test_dmv_relationships_dump(tmp_path, row, expected):
    for part, text in (("tables", DMV_TABLES), ("columns", DMV_COLUMNS), ("measures", DMV_MEASURES), (
            "relationships", "[FromTableID],[FromColumnID],[ToTableID],[ToColumnID],[IsActive],"
                             "[CrossFilteringBehavior],[FromCardinality],[ToCardinality]\n" + row + "\n")):
        (tmp_path / f"Model.{part}.csv").write_text(text, encoding="utf-8")
    (r,) = read_one(tmp_path).relationships
    assert (r.from_table, r.from_column, r.to_table, r.to_column, r.from_cardinality, r.to_cardinality,
            r.is_active) == expected


def test_dmv_relationship_with_an_unknown_column_id_stops_at_its_line(tmp_path):
    from translator.diagnostics import InputError
    from translator.readers import read_exports

    for part, text in (("tables", DMV_TABLES), ("columns", DMV_COLUMNS), ("measures", DMV_MEASURES),
                       ("relationships", "[FromTableID],[FromColumnID],[ToTableID],[ToColumnID]\n1,10,2,99\n")):
        (tmp_path / f"Model.{part}.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_exports(tmp_path)
    assert (raised.value.diagnostic.code, raised.value.diagnostic.location.line) == ("RDR409", 2)


@pytest.mark.parametrize("pbix", ["adventure-internet-sales.pbix", "rls-sample-report.pbix"])
def test_pbix_reads_many_to_one(pbix):
    path = Path(__file__).parent / "pbix" / pbix
    model = read_one(path)
    assert model.relationships and all((r.from_cardinality, r.to_cardinality) == (MANY, ONE) for r in model.relationships)
