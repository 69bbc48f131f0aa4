"""DMV dumps: INFO.MEASURES() / $SYSTEM.TMSCHEMA_MEASURES output as CSV or JSON."""

from __future__ import annotations

import json

from translator.diagnostics import Severity, SourceLocation

from tests.readers.helpers import input_error, read_one
from translator.readers import read_exports

MEASURES_CSV = (
    "[ID],[TableID],[Name],[Description],[Expression],[FormatString],[IsHidden],[State],[ErrorMessage],"
    "[DisplayFolder]\n"
    "1,12,Total Sales,\"Sum of\nthe amounts\",SUM(Sales[Amount]),\"#,0\",False,1,,Revenue\n"
    "2,12,Broken,,\"SUM(Sales[Nope])\",,True,5,\"Column 'Nope' cannot be found.\",\n"
    "3,15,Orders,,\"COUNTROWS(\n    Orders\n)\",0,false,1,,\n"
)
TABLES_CSV = "[ID],[ModelID],[Name]\n12,1,Sales\n15,1,Orders\n"


def test_info_measures_csv_with_tables(tmp_path):
    (tmp_path / "Shop.measures.csv").write_text(MEASURES_CSV, encoding="utf-8")
    (tmp_path / "Shop.tables.csv").write_text(TABLES_CSV, encoding="utf-8")
    models, diagnostics = read_exports(tmp_path)
    (model,) = models
    assert (model.name, model.export) == ("Shop", "Shop.measures.csv")
    assert [t.name for t in model.tables] == ["Sales", "Orders"]
    total, broken = model.table("Sales").measures
    assert (total.expression, total.format_string, total.display_folder) == ("SUM(Sales[Amount])", "#,0", "Revenue")
    assert total.description == "Sum of\nthe amounts"
    assert total.state is None and total.is_hidden is False
    # the expression starts on line 3: the description before it spans two lines
    assert total.location == SourceLocation("Shop.measures.csv", 3)
    assert (broken.state, broken.error_message, broken.is_hidden) == (
        "SemanticError", "Column 'Nope' cannot be found.", True)
    assert broken.location.line == 4
    orders = model.table("Orders").measures[0]
    assert orders.expression == "COUNTROWS(\n    Orders\n)"
    assert orders.location.line == 5
    assert [(d.code, d.severity, d.location.line) for d in diagnostics] == [("RDR420", Severity.WARNING, 4)]


def test_tmschema_headers_and_table_name_column(tmp_path):
    (tmp_path / "M.measures.csv").write_text(
        "TableName;Name;Expression;State\nSales;A;1;Ready\nSales;B;2;DependencyError\n", encoding="utf-8")
    models, diagnostics = read_exports(tmp_path / "M.measures.csv")
    assert [(m.table, m.name, m.expression, m.state) for m in models[0].measures] == [
        ("Sales", "A", "1", None), ("Sales", "B", "2", "DependencyError")]
    assert [d.code for d in diagnostics] == ["RDR420"]


def test_json_dump_with_columns(tmp_path):
    rows = [{"[TableID]": 12, "[Name]": "Total", "[Expression]": "SUM(Sales[Amount])", "[IsHidden]": False,
             "[State]": 1}]
    (tmp_path / "J.measures.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    (tmp_path / "J.tables.json").write_text(json.dumps(
        {"results": [{"tables": [{"rows": [{"[ID]": 12, "[Name]": "Sales"}]}]}]}), encoding="utf-8")
    (tmp_path / "J.columns.csv").write_text(
        "[TableID],[ExplicitName],[ExplicitDataType],[Type],[SummarizeBy],[IsHidden]\n"
        "12,Amount,10,1,3,False\n12,RowNumber-2662979B,6,3,1,True\n12,Net,8,2,2,True\n", encoding="utf-8")
    model = read_one(tmp_path)
    assert model.export == "J.measures.json"
    measure = model.measures[0]
    assert (measure.table, measure.name) == ("Sales", "Total")
    assert measure.location == SourceLocation("J.measures.json", 5, 22)
    assert [(c.name, c.data_type, c.summarize_by, c.is_hidden) for c in model.table("Sales").columns] == [
        ("Amount", "decimal", "sum", False), ("Net", "double", "none", True)]


def test_table_ids_without_tables_dump(tmp_path):
    (tmp_path / "X.measures.csv").write_text(MEASURES_CSV, encoding="utf-8")
    diagnostic = input_error(tmp_path).diagnostic
    assert diagnostic.code == "RDR409"
    assert (diagnostic.location.file, diagnostic.location.line) == ("X.measures.csv", 2)
    assert "X.tables.csv" in diagnostic.message


def test_missing_expression_column(tmp_path):
    (tmp_path / "X.measures.csv").write_text("TableName,Name\nSales,A\n", encoding="utf-8")
    diagnostic = input_error(tmp_path).diagnostic
    assert (diagnostic.code, diagnostic.location.file, diagnostic.location.line) == ("RDR409", "X.measures.csv", 1)
    assert "expression" in diagnostic.message


def test_tables_dump_without_measures(tmp_path):
    (tmp_path / "X.tables.csv").write_text(TABLES_CSV, encoding="utf-8")
    diagnostic = input_error(tmp_path).diagnostic
    assert (diagnostic.code, diagnostic.location.file) == ("RDR409", "X.tables.csv")


def test_ragged_csv_row(tmp_path):
    (tmp_path / "X.measures.csv").write_text("TableName,Name,Expression\nSales,A,1\nSales,B\n", encoding="utf-8")
    diagnostic = input_error(tmp_path).diagnostic
    assert (diagnostic.code, diagnostic.location.line) == ("RDR409", 3)


def test_broken_json_dump(tmp_path):
    (tmp_path / "X.measures.json").write_text('[\n {"Name": "A",\n  "Expression" "1"}\n]', encoding="utf-8")
    diagnostic = input_error(tmp_path).diagnostic
    assert (diagnostic.code, diagnostic.location.file, diagnostic.location.line) == ("RDR405", "X.measures.json", 3)
