"""The catalog's invariants over whole catalogs (check_catalog): each problem names the measure
behind the row. The per-measure path (a problem costs that measure) is in test_measure_invariants.py;
render's own properties (every file, determinism) are checked here on the sample too."""

from __future__ import annotations

import dataclasses
import random

import pytest

from tests.seed.catalogs import rename_metric_key, replace_metric, sample_catalog
from translator.catalog.rows import Catalog, DataSourceMetric, MetricVariant
from translator.diagnostics import Severity, SourceLocation
from translator.catalog import check_catalog
from translator.emit import render

FILES = {"report_builder_schema.sql", "seed_catalog.sql", "translation_report.md",
         "translation_report.json"}


def codes(catalog: Catalog) -> list[str]:
    diagnostics = check_catalog(catalog)
    assert all(d.severity is Severity.ERROR for d in diagnostics)
    return [d.code for d in diagnostics]


def test_sample_renders_every_file_with_a_trailing_newline():
    assert check_catalog(sample_catalog()) == []
    files, diagnostics = render(sample_catalog())
    assert diagnostics == []
    assert set(files) == FILES
    for name, text in files.items():
        assert text.endswith("\n") and not text.endswith("\n\n"), name


def _shuffled(catalog: Catalog, seed: int) -> Catalog:
    rng = random.Random(seed)
    changes = {}
    for field in dataclasses.fields(catalog):
        rows = list(getattr(catalog, field.name))
        rng.shuffle(rows)
        changes[field.name] = tuple(rows)
    return dataclasses.replace(catalog, **changes)


def test_output_does_not_depend_on_row_order():
    first, _ = render(sample_catalog())
    for seed in range(5):
        again, _ = render(_shuffled(sample_catalog(), seed))
        assert again == first


def test_seed_has_no_timestamps_or_literal_ids():
    seed = render(sample_catalog())[0]["seed_catalog.sql"]
    assert "now()" not in seed.lower() and "2026" not in seed
    assert "CURRENT_TIMESTAMP" in seed  # only as the server-side updated_at value
    assert "data_source_id, metric_id, is_active)\nSELECT ds.id, m.id" in seed


@pytest.mark.parametrize(("field", "limit"), [
    ("metric_key", 100), ("display_name", 200), ("format_pattern", 50), ("category", 100),
    ("data_type", 50), ("aggregation_type", 50),
])
def test_value_longer_than_its_column_is_a_build_error(field, limit):
    def catalog_with(value: str) -> Catalog:
        if field == "metric_key":
            return rename_metric_key(sample_catalog(), "approval_rate", value)
        return replace_metric(sample_catalog(), "approval_rate", **{field: value})

    assert codes(catalog_with("x" * limit)) == []
    too_long = catalog_with("é" * (limit + 1))
    diagnostics = check_catalog(too_long)
    found = [d for d in diagnostics if d.code == "EMT501"]
    assert len(found) == 1
    assert "Approval Rate" in found[0].message and field in found[0].message
    assert found[0].location == SourceLocation("sales.pbit", 16)


def test_nul_character_is_a_build_error_naming_the_measure():
    catalog = replace_metric(sample_catalog(), "revenue", description="bad\x00value")
    diagnostics = check_catalog(catalog)
    assert [d.code for d in diagnostics] == ["EMT502"]
    assert "Revenue" in diagnostics[0].message and "description" in diagnostics[0].message
    assert diagnostics[0].location == SourceLocation("sales.pbit", 18)


def test_nul_in_sql_is_reported_once_as_nul():
    catalog = replace_metric(sample_catalog(), "revenue", sql_expression="SUM(revenue)\x00")
    assert codes(catalog) == ["EMT502"]


def test_integer_out_of_range_and_wrong_types_are_build_errors():
    assert codes(replace_metric(sample_catalog(), "revenue", sort_order=2**31)) == ["EMT503"]
    assert codes(replace_metric(sample_catalog(), "revenue", is_derived="yes")) == ["EMT503"]
    assert "EMT503" in codes(replace_metric(sample_catalog(), "revenue", display_name=None))


@pytest.mark.parametrize(("sql", "code"), [
    ('SUM("x""); DROP TABLE t; --")', "EMT512"),
    ("(SELECT SUM(revenue) FROM reporting.order_summary_1)", "EMT514"),
    ("SUM(revenue) /* why */", "EMT511"),
    ("SUM(revenue) -- why", "EMT511"),
    ("shady(revenue)", "EMT513"),
    ("SUM(revenue); DELETE FROM report_builder.metrics", "EMT510"),
])
def test_allow_list_failures_are_build_errors_naming_the_measure(sql, code):
    diagnostics = check_catalog(replace_metric(sample_catalog(), "revenue", sql_expression=sql))
    assert code in [d.code for d in diagnostics]
    assert all("Revenue" in d.message for d in diagnostics)


def test_column_must_exist_in_every_data_source_of_the_metric():
    # refund_dollar is in both views; approvals_organic only in order_summary.
    ok = replace_metric(sample_catalog(), "refund_rate", sql_expression="SUM(refund_dollar)")
    assert codes(ok) == []
    bad = replace_metric(sample_catalog(), "refund_rate",
                         sql_expression="SUM(approvals_organic)")
    assert codes(bad) == ["EMT512"]


def test_variant_sql_is_checked_against_its_metric_sources():
    catalog = sample_catalog()
    catalog = dataclasses.replace(catalog, variants=(
        *catalog.variants, MetricVariant("attempts", "approval_mode", "organic",
                                         "SUM(approvals_organic)")))
    diagnostics = check_catalog(catalog)
    assert [d.code for d in diagnostics] == ["EMT512"]
    assert "Attempts" in diagnostics[0].message and "organic" in diagnostics[0].message


def test_derived_formula_may_only_name_metric_keys():
    bad = replace_metric(sample_catalog(), "approval_rate",
                         derived_formula="approvals / NULLIF(declines, 0)")
    assert codes(bad) == ["EMT512"]
    evil = replace_metric(sample_catalog(), "approval_rate",
                          derived_formula="approvals / pg_sleep(1)")
    assert codes(evil) == ["EMT513"]
    # A view column is not a metric key: the derived formula must not aggregate it itself.
    mixed = replace_metric(sample_catalog(), "approval_rate",
                           derived_formula="approvals / NULLIF(SUM(net_approvals), 0)")
    assert codes(mixed) == ["EMT512"]


def test_metric_without_data_source_cannot_read_columns():
    catalog = sample_catalog()
    catalog = dataclasses.replace(catalog, data_source_metrics=tuple(
        x for x in catalog.data_source_metrics if x.metric_key != "revenue"))
    assert codes(catalog) == ["EMT515"]


def test_duplicate_keys_and_dangling_references_are_build_errors():
    catalog = sample_catalog()
    duplicated = dataclasses.replace(catalog, metrics=(*catalog.metrics, catalog.metrics[0]))
    assert codes(duplicated) == ["EMT504"]
    dangling = dataclasses.replace(catalog, data_source_metrics=(
        *catalog.data_source_metrics, DataSourceMetric("nowhere", "revenue")))
    assert codes(dangling) == ["EMT505"]
    no_option = dataclasses.replace(catalog, variants=(
        *catalog.variants, MetricVariant("attempts", "approval_mode", "gross", "SUM(attempts)")))
    assert codes(no_option) == ["EMT505"]


def test_every_seeded_table_reads_its_columns_from_its_row_class():
    from translator.catalog import columns, rows

    tables = {table.catalog_field: table for table in columns.SEED_TABLES}
    catalog_rows = {f.name: f.type for f in dataclasses.fields(rows.Catalog)}
    # What the catalog knew making the rows, read by the links and by verify: never seeded.
    not_seeded = {(rows.DataSource, "columns"), (rows.DataSource, "tables"), (rows.MetricToggle, "model_columns"),
                  (rows.MetricToggleOption, "value")}
    for field_name, table in tables.items():
        assert catalog_rows[field_name] == f"tuple[{table.row.__name__}, ...]", table.name
        declared = [f.name for f in dataclasses.fields(table.row) if (table.row, f.name) not in not_seeded]
        assert list(table.column_names) == declared, table.name  # every field, in declaration order
        assert table.key and set(table.key) <= set(declared)
    # The seed's own keys are VARCHAR(100); a key naming another table's row is checked there.
    assert [c.max_length for c in columns.METRICS.columns if c.name == "metric_key"] == [100]
    assert [c.max_length for c in columns.METRIC_VARIANTS.columns if c.name == "metric_key"] == [None]
    nullable = {c.name for c in columns.REPORT_TEMPLATES.columns if c.nullable}
    assert nullable == {"description", "default_filters", "default_date_range", "required_toggles", "nav_section",
                        "nav_icon"}


def test_a_row_takes_its_required_columns_by_position_and_the_others_by_name():
    from translator.catalog import rows

    metric = rows.Metric("m", "M", "SUM(x)", "sales", description="d")
    assert (metric.sql_expression, metric.category, metric.description) == ("SUM(x)", "sales", "d")
    with pytest.raises(TypeError):
        rows.Metric("m", "M", "SUM(x)", "sales", "d")  # a default is never filled by position
