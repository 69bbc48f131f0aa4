"""A small hand-written semantic model for compiler tests: one fact table, a lookup table, a
second fact table, two disconnected slicer tables, and a few measures."""

from __future__ import annotations

import base64
import dataclasses
import json
import zlib

from translator.dax import parse, parse_model
from translator.dax.model import ParsedModel
from translator.readers.mliteral import with_literal_rows
from translator.diagnostics import SourceLocation
from translator.model.semantic import Cardinality, Column, Measure, Relationship, SemanticModel, Table, TableKind

SALES_COLUMNS = (
    Column("amount", "double"),
    Column("cost", "double"),
    Column("qty", "int64"),
    Column("status", "string"),
    Column("region", "string"),
    Column("flag", "boolean"),
    Column("order_date", "dateTime"),
    Column("customer", "string"),
    Column("approvals", "int64"),
    Column("approvals_organic", "int64"),
)

# DDL of the fact table for the PostgreSQL tests (the reporting view's shape).
SALES_DDL = (
    'CREATE TABLE sales (amount double precision, cost double precision, qty bigint, '
    'status text, region text, flag boolean, order_date timestamp, customer text, '
    'approvals bigint, approvals_organic bigint)'
)

# The lookup table Customer and the reporting view of Sales that carries its columns, LEFT JOINed
# on the relationship's key (text keys match case-insensitively, as the model's do): the view the
# data team builds for [sources."Sales".lookup_columns] (cases.toml, "lookup columns").
CUSTOMER_DDL = "CREATE TABLE customer (name text, segment text, discount double precision)"
SALES_VIEW_DDL = (
    "CREATE VIEW sales_view AS SELECT s.*, c.segment AS customer_segment, c.discount AS customer_discount "
    "FROM sales s LEFT JOIN customer c ON LOWER(c.name) = LOWER(s.customer)"
)

BASE_MEASURES = {
    "Total Sales": "SUM(Sales[amount])",
    "Total Cost": "SUM(Sales[cost])",
    "Orders": "COUNTROWS(Sales)",
    "Approvals": "SUM(Sales[approvals])",
    "Approvals Organic": "SUM(Sales[approvals_organic])",
    "Refunds": "SUM(Returns[refund])",
    "Broken": "TOTALYTD(SUM(Sales[amount]), 'Date'[Date])",
    "Initial Sales": 'CALCULATE(SUM(Sales[amount]), Sales[status] = "Initial")',
}


def enter_data(names: tuple[str, ...], rows: list[list[str]]) -> str:
    """The Power Query M that Power BI's "Enter data" writes: the rows as JSON text cells,
    raw-deflate compressed and base64 encoded."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    blob = base64.b64encode(packer.compress(json.dumps(rows).encode()) + packer.flush()).decode()
    columns = ", ".join(f'#"{n}" = _t' for n in names)
    return (
        "let\n    Source = Table.FromRows(Json.Document(Binary.Decompress(Binary.FromText("
        f'"{blob}", BinaryEncoding.Base64), Compression.Deflate)), let _t = ((type nullable text) meta '
        f"[Serialized.Text = true]) in type table [{columns}]),\n"
        '    #"Changed Type" = Table.TransformColumnTypes(Source,{{"Basis Order", Int64.Type}})\n'
        'in\n    #"Changed Type"'
    )


def build(measures: dict[str, str] | None = None, hidden: tuple[str, ...] = (),
          relationship: str | None = None) -> ParsedModel:
    """The test model with BASE_MEASURES plus `measures` (name -> DAX) on the Sales table;
    `relationship` turns Sales[customer] -> Customer[name] "inactive", "reversed" (Customer on
    the many side) or "many-to-many"."""
    all_measures = {**BASE_MEASURES, **(measures or {})}
    sales = Table(
        "Sales",
        columns=SALES_COLUMNS,
        measures=tuple(
            Measure("Sales", name, dax, is_hidden=name in hidden, location=SourceLocation("model.bim", 10 + i, 5))
            for i, (name, dax) in enumerate(all_measures.items())
        ),
    )
    tables = (
        sales,
        Table("Customer", columns=(Column("name", "string"), Column("segment", "string"), Column("discount", "double"))),
        Table("Returns", columns=(Column("refund", "double"),)),
        Table("Date", columns=(Column("Date", "dateTime"),)),
        Table(
            "Approval Mode",
            kind=TableKind.CALCULATED,
            columns=(Column("Mode", "string"), Column("Order", "int64")),
            expression='DATATABLE("Mode", STRING, "Order", INTEGER, {{"Standard", 1}, {"Organic", 2}})',
        ),
        Table(
            "Date Basis",
            kind=TableKind.CALCULATED,
            columns=(Column("Basis", "string"),),
            expression='{"Order Date", "Ship Date"}',
        ),
        # an "Enter data" slicer table, a what-if parameter and one too large to expand
        Table(
            "Revenue Basis",
            columns=(Column("Revenue Basis", "string"), Column("Basis Order", "int64")),
            source=enter_data(("Revenue Basis", "Basis Order"), [["Gross", "1"], ["Net", "2"]]),
        ),
        # Power BI marks a what-if parameter's column like a field parameter's
        *(
            Table(name, kind=kind, columns=(Column(name, data_type),), expression=series)
            for name, kind, data_type, series in (
                ("Discount", TableKind.FIELD_PARAMETER, "double", "GENERATESERIES(0, 0.2, 0.1)"),
                ("Markup", TableKind.CALCULATED, "int64", "GENERATESERIES(0, 100, 1)"),
            )
        ),
    )
    sales_customer = Relationship("Sales", "customer", "Customer", "name")
    relationships = ({
        None: sales_customer,
        "inactive": dataclasses.replace(sales_customer, is_active=False),
        "reversed": Relationship("Customer", "name", "Sales", "customer"),
        "many-to-many": dataclasses.replace(sales_customer, to_cardinality=Cardinality.MANY),
    }[relationship],)
    model = SemanticModel("Test", "test.bim", tables, relationships)
    return parse_model(with_literal_rows(model))[0]  # as the readers do


def with_tables(parsed: ParsedModel, *tables: Table) -> ParsedModel:
    """The same model with more tables (calculation groups, field parameters), parsed again."""
    model = parsed.model
    return parse_model(dataclasses.replace(model, tables=(*model.tables, *tables)))[0]


__all__ = ["build", "parse", "with_tables", "SALES_DDL"]
