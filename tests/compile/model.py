"""A small hand-written semantic model for compiler tests: one fact table, a lookup table, a
second fact table, two disconnected slicer tables, and a few measures."""

from __future__ import annotations

import dataclasses

from translator.dax import parse, parse_model
from translator.dax.model import ParsedModel
from translator.diagnostics import SourceLocation
from translator.model.semantic import Column, Measure, Relationship, SemanticModel, Table, TableKind

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


def build(measures: dict[str, str] | None = None, hidden: tuple[str, ...] = ()) -> ParsedModel:
    """The test model with BASE_MEASURES plus `measures` (name -> DAX) on the Sales table."""
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
        Table("Customer", columns=(Column("name", "string"), Column("segment", "string"))),
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
    )
    relationships = (Relationship("Sales", "customer", "Customer", "name"),)
    model = SemanticModel("Test", "test.bim", tables, relationships)
    return parse_model(model)


def with_tables(parsed: ParsedModel, *tables: Table) -> ParsedModel:
    """The same model with more tables (calculation groups, field parameters), parsed again."""
    model = parsed.model
    return parse_model(dataclasses.replace(model, tables=(*model.tables, *tables)))


__all__ = ["build", "parse", "with_tables", "SALES_DDL"]
