"""A metric's data_type follows the type of its SQL, checked on PostgreSQL for every metric the
sample seeds: text SQL is `text` with no numeric format; numeric SQL is a numeric type."""

from __future__ import annotations

import dataclasses

from pathlib import Path

import pandas as pd
import pytest
import sqlglot
from sqlglot import exp

from tests.catalog.builders import compiled, measure, sum_of, translation
from translator.catalog import build_catalog
from translator.compile.compiled import Kind
from translator.readers.mapping import parse_mapping
from translator.catalog.sources import build_source, source_tables, view_columns
from translator.pipeline import mapping_path, plan
from translator.readers.mapping import load_mapping
from translator.verify.database import create_view_table, view_table

ROOT = Path(__file__).resolve().parents[2]
NUMERIC = {"integer", "bigint", "numeric", "double precision", "real", "smallint"}
TEXT = {"text", "character varying"}


@pytest.fixture(scope="module")
def sample():
    return plan(ROOT / "pbix_exports")


def test_every_seeded_metric_has_the_type_of_its_sql(sample, pg):
    exports = ROOT / "pbix_exports"
    mapping, _ = load_mapping(mapping_path(exports))
    columns_of = {}
    for model in sample.compiled:
        for table in source_tables(model, mapping):
            row = build_source(model.model, table, mapping)
            # the lookup columns the mapping declares the view carries, typed as in the model
            override = mapping.source(table.name)
            carried = tuple(dataclasses.replace(model.model.table(lc.table).column(lc.column), name=lc.view_column)
                            for lc in (override.lookup_columns if override else ()))
            columns_of.setdefault(row.source_key, (row, view_columns(table) + carried))
    for row, columns in columns_of.values():
        create_view_table(pg, view_table(row.view_pattern, 1), columns,
                          pd.DataFrame([], columns=[c.name for c in columns]))
    sources = {link.metric_key: link.source_key for link in sample.catalog.data_source_metrics}
    checked = 0
    for metric in sample.catalog.metrics:
        row, _ = columns_of[sources[metric.metric_key]]
        value = sqlglot.parse_one(metric.sql_expression, read="postgres")
        inner = exp.select(value).from_(view_table(row.view_pattern, 1)).subquery()
        query = exp.select(exp.func("pg_typeof", inner))
        (pg_type,) = pg.execute(query.sql(dialect="postgres")).fetchone()
        if pg_type in TEXT:
            assert (metric.metric_key, metric.data_type, metric.format_pattern) == (metric.metric_key, "text", None)
        else:
            assert pg_type in NUMERIC, (metric.metric_key, pg_type)
            assert metric.data_type in ("integer", "decimal", "currency", "percentage"), metric.metric_key
        checked += 1
    assert checked == len(sample.catalog.metrics) > 50


def test_a_measure_returning_text_is_a_text_metric_without_a_numeric_format():
    # 'MID Health Status' returns 'Critical' / 'Warning' / 'Healthy' under a "#,0.00" format string
    status = measure("Health Status", fmt="#,0.00")
    sql = exp.case().when(exp.GT(this=sum_of("approvals"), expression=exp.Literal.number(1)),
                          exp.Literal.string("Critical")).else_(exp.Literal.string("Healthy"))
    catalog, _ = build_catalog([compiled(translation(status, sql, columns=("approvals",), kind=Kind.TEXT))],
                               parse_mapping("", "t.toml"))
    (metric,) = catalog.metrics
    assert (metric.data_type, metric.format_pattern) == ("text", None)
