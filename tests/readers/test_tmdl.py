"""The TMDL reader on a PBIP folder written the way Power BI Desktop writes it."""

from __future__ import annotations

import pytest

from translator.diagnostics import SourceLocation
from translator.model.semantic import TableKind
from translator.readers.tmdl_syntax import parse, quoted_name

from tests.readers.helpers import FIXTURES, SALES, input_error, read_one

TABLES_DIR = "Sales.SemanticModel/definition/tables"


@pytest.fixture(scope="module")
def sales():
    return read_one(SALES)


def test_model_identity(sales):
    assert sales.name == "Sales"
    assert sales.export == "Sales.SemanticModel"
    assert sales.culture == "en-US"
    # model.tmdl: top-level annotations belong to the model; the query group's do not
    assert sales.annotations == (("__PBI_TimeIntelligenceEnabled", "0"),
                                 ("PBI_QueryOrder", '["Sales","Product Catalog","Date"]'))


def test_tables_follow_model_refs_and_kinds(sales):
    assert [(t.name, t.kind) for t in sales.tables] == [
        ("Sales", TableKind.DATA),
        ("Product Catalog", TableKind.DATA),
        ("Date", TableKind.DATA),
        ("Time Intelligence", TableKind.CALCULATION_GROUP),
        ("Scenario", TableKind.CALCULATED),
        ("Metric Selector", TableKind.FIELD_PARAMETER),
    ]


def test_single_line_measure_with_description_and_format(sales):
    m = sales.table("Sales").measures[0]
    assert (m.table, m.name, m.expression) == ("Sales", "Total Sales", "SUM(Sales[Amount])")
    assert m.format_string == r"\$#,0.00;(\$#,0.00);\$#,0.00"
    assert m.display_folder == "Revenue"
    assert m.description == "Sum of the order amounts"
    assert m.is_hidden is False
    assert m.location == SourceLocation(f"{TABLES_DIR}/Sales.tmdl", 6, 26)


def test_indented_multiline_measure_is_dedented(sales):
    m = sales.table("Sales").measures[1]
    assert m.expression == "DIVIDE(\n    [Total Sales],\n    DISTINCTCOUNT(Sales[Order ID])\n)"
    assert m.display_folder == "Revenue\\Averages"
    assert m.location == SourceLocation(f"{TABLES_DIR}/Sales.tmdl", 12, 4)


def test_fenced_measure_keeps_blank_lines_and_flags(sales):
    m = sales.table("Sales").measures[2]
    assert m.name == "Big Orders"
    assert m.expression == "CALCULATE (\n    [Total Sales],\n\n    Sales[Amount] > 1000\n)"
    assert m.is_hidden is True
    assert m.description == "Revenue from orders above 1000,\nhidden: used by other measures only"
    assert m.location == SourceLocation(f"{TABLES_DIR}/Sales.tmdl", 23, 4)


@pytest.mark.parametrize(("text", "start", "name", "end"), [
    ("'Sales' = 1", 0, "Sales", 7),
    ("measure 'Customer''s Share' =", 8, "Customer's Share", 27),
    ("''", 0, "", 2),
    ("'a'''", 0, "a'", 5),
    ("'''a'", 0, "'a", 5),
    ("'unterminated", 0, "unterminated", -1),
    ("'ends in a doubled quote''", 0, "ends in a doubled quote'", -1),
    ("'", 0, "", -1),
])
def test_quoted_name_reads_to_the_closing_quote(text, start, name, end):
    assert quoted_name(text, start) == (name, end)


def test_quoted_names_unescape(sales):
    m = sales.table("Sales").measures[3]
    assert m.name == "Customer's Share"
    assert m.location is not None and m.location.line == 32
    catalog = sales.table("Product Catalog")
    assert [c.name for c in catalog.columns] == ["Product Key", "Maker's Name", "Maker Rank"]
    assert catalog.column("maker's name").sort_by_column == "Maker Rank"


def test_columns(sales):
    table = sales.table("Sales")
    amount = table.column("Amount")
    assert (amount.data_type, amount.summarize_by, amount.format_string) == ("decimal", "sum", r"\$#,0.00")
    assert table.column("Ship Date").is_hidden is True
    assert table.column("Order ID").is_hidden is False
    net = table.column("Net Amount")
    assert (net.expression, net.data_type) == ("Sales[Amount] * 0.9", "double")
    assert sales.table("Product Catalog").column("Product Key").is_key is True
    date = sales.table("Date")
    assert date.data_category == "Time"
    assert date.column("Date").is_key is True


def test_partition_sources(sales):
    source = sales.table("Sales").source
    assert source.splitlines()[0] == "let"
    assert 'Item="order_summary_{client_id}"' in source
    assert source.splitlines()[-1] == "    order_summary"
    assert sales.table("Date").source == 'Source{[Schema="reporting",Item="dates"]}[Data]'
    scenario = sales.table("Scenario")
    assert scenario.source is None
    assert scenario.expression.startswith("DATATABLE(\n    \"Scenario\", STRING,")
    assert [c.name for c in scenario.columns] == ["Scenario", "Factor"]
    assert scenario.measures[0].name == "Selected Factor"


def test_calculation_group(sales):
    group = sales.table("Time Intelligence")
    items = group.calculation_items
    assert [(i.name, i.ordinal) for i in items] == [("Current", 0), ("YTD", 1), ("PY", 2)]
    assert items[0].expression == "SELECTEDMEASURE()"
    assert items[1].expression == "CALCULATE(\n    SELECTEDMEASURE(),\n    DATESYTD('Date'[Date])\n)"
    assert items[1].description == "Year to date"
    assert items[1].location == SourceLocation(f"{TABLES_DIR}/Time Intelligence.tmdl", 11, 5)
    assert items[2].format_string_expression == '"0.00"'
    assert [c.name for c in group.columns] == ["Time Calculation", "Ordinal"]


def test_field_parameter(sales):
    parameter = sales.table("Metric Selector")
    assert "NAMEOF('Sales'[Total Sales])" in parameter.expression
    assert parameter.expression.startswith("{\n")
    assert parameter.column("Metric Selector Fields").is_hidden is True


def test_relationships(sales):
    assert [(r.from_table, r.from_column, r.to_table, r.to_column, r.is_active, r.cross_filtering)
            for r in sales.relationships] == [
        ("Sales", "Product Key", "Product Catalog", "Product Key", True, "bothDirections"),
        ("Sales", "Order Date", "Date", "Date", True, "oneDirection"),
        ("Sales", "Ship Date", "Date", "Date", False, "oneDirection"),
    ]


def test_definition_folder_reads_the_same_model(sales):
    model = read_one(SALES / "definition")
    assert model.name == "Sales"
    assert [m.name for m in model.measures] == [m.name for m in sales.measures]
    assert model.measures[0].location.file == "definition/tables/Sales.tmdl"


def test_reading_is_deterministic():
    assert read_one(SALES) == read_one(SALES)


# --- syntax details ----------------------------------------------------------------------------

def test_same_line_expression_continues_on_deeper_lines():
    text = "table T\n\tmeasure M = 1 +\n\t\t\t2\n\t\tformatString: 0\n"
    (table,) = parse(text, "t.tmdl")
    measure = table.child("measure")
    assert measure.value == "1 +\n2"
    assert measure.text("formatString") == "0"


def test_space_indented_file_is_accepted():
    text = "table T\n    measure M =\n            SUM(T[a])\n        formatString: 0\n"
    (table,) = parse(text, "t.tmdl")
    assert table.child("measure").value == "SUM(T[a])"


def test_quoted_property_values():
    text = 'table T\n\tcolumn C\n\t\tsourceColumn: "Net ""Price"""\n\t\tformatString: "Yes";"No"\n'
    (table,) = parse(text, "t.tmdl")
    column = table.child("column")
    assert column.text("sourceColumn") == 'Net "Price"'
    assert column.text("formatString") == '"Yes";"No"'


def test_flags_and_explicit_false():
    text = "table T\n\tmeasure A = 1\n\t\tisHidden\n\tmeasure B = 2\n\t\tisHidden: false\n"
    (table,) = parse(text, "t.tmdl")
    a, b = table.all("measure")
    assert a.flag("isHidden") is True
    assert b.flag("isHidden") is False


@pytest.mark.parametrize(("text", "code", "line"), [
    ("table T\n\tcolumn C\n\t\t\tdataType: string\n", "RDR407", 3),  # a property too deep
    ("table T\n\tmeasure M = 1\n  \tformatString: 0\n", "RDR407", 3),  # spaces in a tab file
    ("\ttable T\n", "RDR407", 1),  # top level indented
    ("table T\n\tmeasure M = ```\n\t\t\tSUM(x)\n", "RDR408", 2),  # unterminated fence
    ("table 'T\n", "RDR408", 1),  # unterminated quoted name
    ("table T\n\tmeasure M =\n\tcolumn C\n", "RDR408", 2),  # '=' without an expression
    ("table T\n\tmeasure 'M' junk = 1\n", "RDR408", 2),
    ("table T\n\t/// dangling description\n", "RDR408", 2),
], ids=["too-deep", "mixed", "indented-top", "fence", "quote", "no-expression", "junk", "description"])
def test_syntax_errors_name_file_and_line(text, code, line):
    from translator.diagnostics import InputError

    with pytest.raises(InputError) as caught:
        parse(text, "tables/T.tmdl")
    diagnostic = caught.value.diagnostic
    assert diagnostic.code == code
    assert diagnostic.location.file == "tables/T.tmdl"
    assert diagnostic.location.line == line


def test_bad_indentation_in_a_folder_names_the_file(tmp_path):
    definition = tmp_path / "Bad.SemanticModel" / "definition"
    (definition / "tables").mkdir(parents=True)
    (definition / "model.tmdl").write_text("model Model\n\tculture: en-US\n")
    (definition / "tables" / "T.tmdl").write_text(
        "table T\n\n\tmeasure M = 1\n\t\tformatString: 0\n\t\t\t\tisHidden\n")
    diagnostic = input_error(tmp_path).diagnostic
    assert diagnostic.code == "RDR407"
    assert diagnostic.location == SourceLocation("Bad.SemanticModel/definition/tables/T.tmdl", 5, 1)
    assert "Bad.SemanticModel/definition/tables/T.tmdl:5" in str(input_error(tmp_path))


def test_fixture_folder_is_only_the_sales_export():
    assert sorted(p.name for p in FIXTURES.iterdir() if not p.name.startswith(".")) == ["Sales.SemanticModel"]


@pytest.mark.parametrize(("table_text", "line"), [
    ("table T\n\tmeasure = 1\n", 2),
    ("table T\n\tcolumn\n\t\tdataType: string\n", 2),
    ("table\n\tlineageTag: x\n", 1),
    ("table T\n\tmeasure M\n\t\tformatString: 0\n", 2),  # a measure without '= expression'
])
def test_objects_need_names_and_measures_need_expressions(tmp_path, table_text, line):
    tables = tmp_path / "N.SemanticModel" / "definition" / "tables"
    tables.mkdir(parents=True)
    (tables / "T.tmdl").write_text(table_text)
    diagnostic = input_error(tmp_path).diagnostic
    assert diagnostic.code == "RDR408"
    assert (diagnostic.location.file, diagnostic.location.line) == ("N.SemanticModel/definition/tables/T.tmdl", line)


# --- KPI properties (Power BI Desktop writes the status expression one level below itself) ------

_KPI_MEASURE = "table T\n\tmeasure M = SUM(T[a])\n\t\tformatString: 0\n\n\t\tkpi\n{kpi}\n\t\tlineageTag: x\n\tcolumn a\n\t\tdataType: int64\n"


@pytest.mark.parametrize(("kpi", "expected"), [
    pytest.param("\t\t\tstatusExpression =\n\t\t\t\tVAR x = [M]\n\t\t\t\tRETURN\n\t\t\t\t\tIF(x > 1, 1, -1)",
                 ("VAR x = [M]\nRETURN\n\tIF(x > 1, 1, -1)", 9, 5), id="one-level-below-the-property"),
    pytest.param("\t\t\tstatusExpression =\n\t\t\t\t\tVAR x = [M]\n\t\t\t\t\tRETURN\n\t\t\t\t\t\tIF(x > 1, 1, -1)",
                 ("VAR x = [M]\nRETURN\n\tIF(x > 1, 1, -1)", 9, 6), id="two-levels-below-the-property"),
    pytest.param("\t\t\tstatusExpression = IF([M] > 1, 1, -1)", ("IF([M] > 1, 1, -1)", 8, 23), id="same-line"),
    pytest.param("\t\t\tstatusExpression = ```\n\t\t\t\t\tIF([M] > 1,\n\t\t\t\t\t\t1, -1)\n\t\t\t\t\t```",
                 ("IF([M] > 1,\n\t1, -1)", 9, 6), id="fenced-on-the-line"),
    pytest.param("\t\t\tstatusExpression =\n\t\t\t\t```\n\t\t\t\tIF([M] > 1, 1, -1)\n\t\t\t\t```",
                 ("IF([M] > 1, 1, -1)", 10, 5), id="fenced-below"),
])
def test_kpi_status_expression(kpi, expected):
    text = _KPI_MEASURE.format(kpi="\t\t\ttargetExpression = 1000\n\t\t\tstatusGraphic: Traffic Light - Single\n" + kpi
                               + "\n\t\t\ttrendExpression =\n\t\t\t\t0")
    (table,) = parse(text, "t.tmdl")
    measure = table.child("measure")
    kpi_node = measure.child("kpi")
    status = kpi_node.child("statusExpression")
    assert (status.value, status.value_line, status.value_column) == expected
    assert kpi_node.text("targetExpression") == "1000"
    assert kpi_node.text("statusGraphic") == "Traffic Light - Single"
    assert kpi_node.text("trendExpression") == "0"
    # what follows the KPI still belongs to the measure and the table
    assert measure.text("lineageTag") == "x"
    assert [c.keyword for c in table.children] == ["measure", "column"]


def test_kpi_in_a_folder_reads_the_measure(tmp_path):
    tables = tmp_path / "K.SemanticModel" / "definition" / "tables"
    tables.mkdir(parents=True)
    (tables / "T.tmdl").write_text(_KPI_MEASURE.format(
        kpi="\t\t\tstatusExpression =\n\t\t\t\tIF([M] > 1, 1, -1)"), encoding="utf-8")
    model = read_one(tmp_path)
    (measure,) = model.measures
    assert (measure.name, measure.expression) == ("M", "SUM(T[a])")


def test_an_object_expression_one_level_deep_is_still_a_child():
    """Only childless expression properties may indent their lines one level: an object's are two."""
    text = "table T\n\tmeasure M =\n\t\tformatString: 0\n"
    from translator.diagnostics import InputError

    with pytest.raises(InputError) as caught:
        parse(text, "t.tmdl")
    assert caught.value.diagnostic.code == "RDR408"


def test_dataset_folder_with_tmdl_reads_like_a_semantic_model(sales, tmp_path):
    import shutil

    shutil.copytree(SALES, tmp_path / "Sales.Dataset")
    again = read_one(tmp_path / "Sales.Dataset")
    assert (again.name, again.export) == ("Sales", "Sales.Dataset")
    assert [t.name for t in again.tables] == [t.name for t in sales.tables]
    assert again.measures[0].location.file.startswith("Sales.Dataset/definition/tables/")


def test_values_answer_what_text_and_flag_answer():
    """Node.values (one pass, for columns and measures) agrees with text and flag: the first child
    of a keyword in any case, a bare flag true, `: false` false, an absent flag false."""
    from translator.readers.tmdl_syntax import flag_in

    text = ("table T\n\tcolumn C\n\t\tdataType: string\n\t\tDATATYPE: int64\n\t\tisHidden\n"
            "\t\tisKey: False\n\t\tannotation A = 1\n")
    (table,) = parse(text, "t.tmdl")
    column = table.child("column")
    values = column.values()
    assert values["datatype"] == column.text("dataType") == "string"
    assert values["annotation"] == column.text("annotation") == "1"
    for keyword in ("isHidden", "isKey", "isAvailableInMdx"):
        assert flag_in(values, keyword.casefold()) == column.flag(keyword)
    assert [flag_in(values, k) for k in ("ishidden", "iskey", "isavailableinmdx")] == [True, False, False]


def test_blank_lines_after_a_one_line_expression_and_inside_a_long_one():
    """Blank lines after an object's one-line expression end it (Power BI writes one after each
    annotation); blank lines between an expression's lines stay in it."""
    text = ("table T\n\tcolumn C\n\t\tannotation A = x\n\n\n\tmeasure M = 1 +\n\n\t\t\t2\n\n"
            "\t\tformatString: 0\n\tcolumn D\n\t\tannotation B = y\n\n")
    (table,) = parse(text, "t.tmdl")
    assert [c.keyword for c in table.children] == ["column", "measure", "column"]
    column_c, measure, column_d = table.children
    assert (column_c.child("annotation").value, column_c.child("annotation").line) == ("x", 3)
    assert (measure.value, measure.value_line, measure.value_column) == ("1 +\n\n2", 6, 14)
    assert measure.text("formatString") == "0"
    assert column_d.child("annotation").value == "y"
