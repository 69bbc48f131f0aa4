"""Real .pbix files from tests/readers/pbix (counts from its README.md)."""

from __future__ import annotations

import pytest

from translator.model.semantic import TableKind

from tests.readers.helpers import SHARED_PBIX, input_error, read_one

def pbix(name: str):
    return read_one(SHARED_PBIX / name)


# (file, tables, relationships, measures) as the README states them
COUNTS = [
    ("abc.pbix", 2, 0, 0),
    ("adventure-internet-sales.pbix", 9, 7, 5),
    ("directquery-parameters.pbix", 4, 3, 0),
    ("empty-schema-calc-only.pbix", 1, 0, 1),
]


@pytest.mark.parametrize(("file", "tables", "relationships", "measures"), COUNTS, ids=[c[0] for c in COUNTS])
def test_counts_from_readme(file, tables, relationships, measures):
    model = pbix(file)
    assert (len(model.tables), len(model.relationships), len(model.measures)) == (tables, relationships, measures)
    assert model.export == file
    assert model.name == file.removesuffix(".pbix")


def test_rls_sample_counts():
    model = pbix("rls-sample-report.pbix")
    assert len(model.tables) == 11
    assert len(model.measures) == 66
    # The README says 5 relationships: that is pbixray's own relationship list, which drops every
    # relationship touching a calculated table. The model holds 7: those 5 plus Sales -> DateTable
    # (a calculated date table) and Sales -> the auto date/time LocalDateTable.
    between_import_tables = [r for r in model.relationships
                             if model.table(r.from_table).kind is TableKind.DATA
                             and model.table(r.to_table).kind is TableKind.DATA]
    assert len(between_import_tables) == 5
    assert len(model.relationships) == 7
    to_calculated = sorted((r.from_column, r.to_table) for r in model.relationships
                           if r not in between_import_tables)
    assert to_calculated[0] == ("Date Key", "DateTable")
    assert to_calculated[1][0] == "SalesDate" and to_calculated[1][1].startswith("LocalDateTable_")


def test_rls_sample_details_pbixray_frames_lack():
    model = pbix("rls-sample-report.pbix")
    total = model.table("_Measures").measures[0]
    assert (total.name, total.expression) == ("Total Sales", "SUM(Sales[Amount])")
    assert total.format_string.startswith("\\$#,0.")
    assert total.display_folder == "Sales\\Total Sales"
    assert total.description == "Aggregated totals sales"
    inactive = [r for r in model.relationships if not r.is_active]
    assert [(r.from_table, r.from_column, r.to_table) for r in inactive] == [("Reviews", "ProductID", "Products")]
    assert model.table("Sales Metric").kind is TableKind.FIELD_PARAMETER
    assert "NAMEOF('_Measures'[Transaction Count])" in model.table("Sales Metric").expression
    assert model.table("DateTable").kind is TableKind.CALCULATED
    assert model.table("Sales").source.startswith("let")
    assert model.culture == "en-US"


def test_calculated_table_columns_and_types():
    model = pbix("empty-schema-calc-only.pbix")
    (table,) = model.tables
    assert table.kind is TableKind.CALCULATED
    assert [(c.name, c.data_type) for c in table.columns] == [
        ("Date", "dateTime"), ("Month", "string"), ("Month Number", "int64")]
    assert table.expression.lstrip().startswith("ADDCOLUMNS(")
    assert table.measures[0].name == "Sel"


def test_adventure_works_relationship_names():
    model = pbix("adventure-internet-sales.pbix")
    assert ("Internet Sales", "OrderDateKey", "Date", "DateKey") in [
        (r.from_table, r.from_column, r.to_table, r.to_column) for r in model.relationships]
    assert model.table("Test Virtual Table").kind is TableKind.CALCULATED


def test_live_connection_report_holds_no_model():
    error = input_error(SHARED_PBIX / "live-connection-pbiservice.pbix")
    assert error.diagnostic.code == "RDR410"
    assert error.diagnostic.location.file == "live-connection-pbiservice.pbix"
    assert "live connection" in error.diagnostic.message
    assert "holds no model" in error.diagnostic.message


def test_pbix_read_is_deterministic():
    assert pbix("adventure-internet-sales.pbix") == pbix("adventure-internet-sales.pbix")
