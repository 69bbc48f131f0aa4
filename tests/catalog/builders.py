"""Small hand-built models and translations for the catalog tests."""

from __future__ import annotations

from sqlglot import exp

from translator.compile.translation import CompiledModel, Status, Toggle, ToggleKind, Translation, Variant
from translator.functions import Aggregation
from translator.model.semantic import Column, Measure, Relationship, SemanticModel, Table, TableKind

EXPORT = "Sample.SemanticModel"


def col(name: str, data_type: str = "int64", summarize_by: str | None = "sum", **kw) -> Column:
    return Column(name, data_type, summarize_by=summarize_by, **kw)


def attr(name: str, data_type: str = "string", **kw) -> Column:
    return Column(name, data_type, summarize_by="none", **kw)


def measure(name: str, table: str = "Orders", folder: str | None = "Sales", fmt: str | None = "#,##0", **kw) -> Measure:
    return Measure(table, name, kw.pop("expression", f"SUM(x[{name}])"), format_string=fmt, display_folder=folder, **kw)


def sum_of(column: str) -> exp.Expression:
    return exp.Sum(this=exp.column(column, quoted=True))


def ratio(num: exp.Expression, den: exp.Expression) -> exp.Expression:
    return exp.Div(this=num, expression=exp.Nullif(this=den, expression=exp.Literal.number(0)))


def translation(m: Measure, sql: exp.Expression | None = None, status: Status = Status.EXACT, *,
                columns: tuple[str, ...] = (), export: str = EXPORT, **kw) -> Translation:
    return Translation(m, export, status, sql=sql, columns=columns, fact_table=kw.pop("fact_table", m.table), **kw)


def summed(m: Measure, column: str, **kw) -> Translation:
    return translation(m, sum_of(column), columns=kw.pop("columns", (column,)), aggregation=Aggregation.SUM, **kw)


ORDERS = Table(
    "Orders",
    columns=(
        attr("client_id", "int64"),
        attr("date", "dateTime"),
        attr("campaign_id", "int64"),
        attr("order_id", "int64"),
        attr("bill_email"),
        attr("sales_type"),
        col("approvals"),
        col("attempts"),
        col("approvals_organic"),
        col("revenue", "decimal"),
        Column("margin", "double", expression="[revenue] * 0.1"),
    ),
    source='let Source = Sql.Database("db", "beast", [Query="SELECT * FROM reporting.order_summary_" & ClientId]) in Source',
    description="One row per order day",
)
REFUNDS = Table(
    "Refund Alerts",
    columns=(attr("client_id", "int64"), attr("date", "dateTime"), attr("campaign_id", "int64"),
             col("approvals"), col("refund"), attr("alert_type")),
)
CAMPAIGNS = Table(
    "Campaigns",
    columns=(attr("client_id", "int64"), attr("campaign_id", "int64"), attr("campaign_name")),
    source='let Source = PostgreSQL.Database("h", "beast"), t = Source{[Schema="public",Item="campaigns"]}[Data] in t',
)
DATES = Table("Date", columns=(attr("date", "dateTime"), attr("month")), data_category="Time")
APPROVAL_MODE = Table("Approval Mode", kind=TableKind.CALCULATED, columns=(attr("Mode"),))
RELATIONSHIPS = (
    Relationship("Orders", "campaign_id", "Campaigns", "campaign_id"),
    Relationship("Refund Alerts", "campaign_id", "Campaigns", "campaign_id"),
    Relationship("Orders", "date", "Date", "date"),
    Relationship("Refund Alerts", "date", "Date", "date"),
)
MODE_TOGGLE = Toggle("Approval Mode", "Mode", ToggleKind.SLICER, ("Standard", "Organic", "Net"), "Standard")


def model(*measures: Measure, tables: tuple[Table, ...] | None = None, export: str = EXPORT,
          relationships: tuple[Relationship, ...] = RELATIONSHIPS) -> SemanticModel:
    """The standard tables, with the measures put into the tables they name."""
    base = tables if tables is not None else (ORDERS, REFUNDS, CAMPAIGNS, DATES, APPROVAL_MODE)
    out = []
    for t in base:
        own = tuple(m for m in measures if m.table.casefold() == t.name.casefold())
        out.append(Table(t.name, t.kind, t.columns, t.measures + own, t.is_hidden, t.description, t.expression,
                         t.calculation_items, t.location, t.source, t.data_category))
    return SemanticModel("Sample", export, tuple(out), relationships)


def compiled(*translations: Translation, toggles: tuple[Toggle, ...] = (MODE_TOGGLE,),
             extra_measures: tuple[Measure, ...] = (), export: str = EXPORT, **kw) -> CompiledModel:
    measures = tuple(t.measure for t in translations) + extra_measures
    return CompiledModel(export, model(*measures, export=export, **kw), translations, toggles)


def variant(option: str, sql: exp.Expression, table: str = "Approval Mode") -> Variant:
    return Variant(table, option, sql)
