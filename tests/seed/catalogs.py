"""Hand-built catalogs for the emit and seed tests (build_catalog is another stage's job).

The sample follows the design document's own examples (order_summary, approvals,
approval_rate, the approval_mode toggle), so expected values here are facts from that document,
not the program's output.
"""

from __future__ import annotations

import dataclasses

from translator.catalog.rows import (
    Catalog,
    DataSource,
    DataSourceDimension,
    DataSourceMetric,
    Dimension,
    Metric,
    MetricToggle,
    MetricToggleOption,
    MetricVariant,
    Placement,
    ReportEntry,
    Status,
)
from translator.diagnostics import SourceLocation

ORDER_SUMMARY_COLUMNS = (
    "client_id", "date", "campaign_id", "product_id", "gateway_id", "attempts", "approvals",
    "net_approvals", "approvals_organic", "revenue", "refund", "refund_dollar",
)
COHORT_SUMMARY_COLUMNS = (
    "client_id", "date", "attempts", "approvals", "net_approvals", "revenue", "refund",
    "refund_dollar",
)


def _entry(measure: str, key: str | None, status: str = "exact", placement: str = "metric",
           sql: str | None = None, line: int = 1, **extra: object) -> ReportEntry:
    return ReportEntry(export="sales.pbit", table="Sales", measure=measure,
                       location=SourceLocation("sales.pbit", line), status=Status(status),
                       placement=Placement(placement),
                       metric_key=key, dax=f"[{measure}] := SUM ( 'Sales'[x] )", sql=sql,
                       **extra)


def sample_catalog() -> Catalog:
    metrics = (
        Metric("approvals", "Approvals", "SUM(approvals)", "sales", aggregation_type="sum",
               format_pattern="#,##0", data_type="integer", sort_order=1),
        Metric("attempts", "Attempts", "SUM(attempts)", "sales", aggregation_type="sum",
               format_pattern="#,##0", data_type="integer", sort_order=2),
        Metric("approval_rate", "Approval Rate",
               "CAST(SUM(approvals) AS DOUBLE PRECISION) / NULLIF(SUM(attempts), 0) * 100",
               "sales", data_type="percentage", format_pattern="0.00%", aggregation_type="ratio",
               is_derived=True, derived_formula="approvals / NULLIF(attempts, 0) * 100",
               sort_order=3),
        Metric("revenue", "Revenue", "SUM(revenue)", "revenue", data_type="currency",
               format_pattern="$#,##0.00", aggregation_type="sum"),
        Metric("refund_rate", "Refund Rate",
               "CAST(SUM(refund) AS DOUBLE PRECISION) / NULLIF(SUM(approvals), 0)", "refunds",
               data_type="percentage", is_invertable=True, description="Refunds per approval"),
    )
    sources = (
        DataSource("order_summary", "Order Summary", "reporting.order_summary_{client_id}",
                   "date", columns=ORDER_SUMMARY_COLUMNS),
        DataSource("cohort_summary", "Cohort Summary", "reporting.cohort_summary_{client_id}",
                   "date", description="Cohorts by initial date", columns=COHORT_SUMMARY_COLUMNS),
    )
    # approvals' organic variant reads approvals_organic, which cohort_summary lacks.
    links = tuple(DataSourceMetric(s.source_key, m.metric_key) for s in sources
                  for m in metrics if (s.source_key, m.metric_key) != ("cohort_summary",
                                                                        "approvals"))
    dimensions = (
        Dimension("campaign_id", "Campaign", "campaign_id", category="marketing"),
        Dimension("gateway_id", "Gateway", "gateway_id", category="payment", data_type="integer"),
        Dimension("month", "Month", "TO_CHAR(date, 'YYYY-MM')", category="time",
                  filter_type="single_select", sort_order=3),
    )
    dimension_links = (
        DataSourceDimension("order_summary", "campaign_id"),
        DataSourceDimension("order_summary", "gateway_id"),
        DataSourceDimension("order_summary", "month"),
        DataSourceDimension("cohort_summary", "month"),
    )
    toggles = (MetricToggle("approval_mode", "Approval Mode"),)
    options = (
        MetricToggleOption("approval_mode", "standard", "Standard", is_default=True),
        MetricToggleOption("approval_mode", "organic", "Organic", sort_order=1),
        MetricToggleOption("approval_mode", "net", "Net", sort_order=2),
    )
    variants = (
        MetricVariant("approvals", "approval_mode", "organic", "SUM(approvals_organic)"),
        MetricVariant("approvals", "approval_mode", "net", "SUM(net_approvals)"),
    )
    report = (
        _entry("Approvals", "approvals", sql="SUM(approvals)", line=10),
        _entry("Approvals Organic", "approvals", placement="variant",
               sql="SUM(approvals_organic)", line=12),
        _entry("Attempts", "attempts", sql="SUM(attempts)", line=14),
        _entry("Approval Rate", "approval_rate", sql=metrics[2].sql_expression, line=16),
        _entry("Revenue", "revenue", sql="SUM(revenue)", line=18),
        _entry("Refund Rate", "refund_rate", sql=metrics[4].sql_expression, line=20),
        _entry("Revenue Share", None, status="approximate", placement="untranslated",
               sql="SUM(revenue) / NULLIF(SUM(SUM(revenue)) OVER (), 0)", line=22,
               reasons=("CMP230: ALL('Sales') treated as a window over the filtered rows",),
               overridden_columns=("Sales[campaign_id]",)),
        _entry("Revenue LY", None, status="untranslated", placement="untranslated", line=24,
               reasons=("CMP201: DATEADD is time intelligence",)),
        _entry("Broken", None, status="parse_error", placement="untranslated", line=26,
               reasons=("DAX101: expected an expression",)),
    )
    return Catalog(sources, metrics, dimensions, links, dimension_links, toggles, options,
                   variants, report)


def replace_metric(catalog: Catalog, key: str, **changes: object) -> Catalog:
    metrics = tuple(dataclasses.replace(m, **changes) if m.metric_key == key else m
                    for m in catalog.metrics)
    return dataclasses.replace(catalog, metrics=metrics)


def rename_metric_key(catalog: Catalog, old: str, new: str) -> Catalog:
    """The metric's key changed everywhere it appears, as build_catalog would write it."""
    def key(value: str | None) -> str | None:
        return new if value == old else value

    return dataclasses.replace(
        catalog,
        metrics=tuple(dataclasses.replace(m, metric_key=key(m.metric_key)) for m in catalog.metrics),
        data_source_metrics=tuple(dataclasses.replace(x, metric_key=key(x.metric_key))
                                  for x in catalog.data_source_metrics),
        variants=tuple(dataclasses.replace(v, metric_key=key(v.metric_key))
                       for v in catalog.variants),
        report=tuple(dataclasses.replace(e, metric_key=key(e.metric_key)) for e in catalog.report),
    )
