"""The database side of verify: apply the schema and seed, create the sample views, read the
catalog back as the report builder will see it."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import psycopg
from sqlglot import exp

from translator.catalog.rows import (
    Catalog,
    DataSourceMetric,
    Metric,
    MetricToggle,
    MetricToggleOption,
    MetricVariant,
)
from translator.dialect import TARGET
from translator.emit import without_transaction
from translator.model.semantic import Column
from translator.verify.sample import sql_type

DIALECT = TARGET.name

# Stand-ins for the existing beast_insights_v2 tables the DDL refers to, created only when the
# database has none (a scratch database): the real ones have more columns, these are enough.
PREREQUISITES = (
    exp.Create(this=exp.to_identifier("beast_insights_v2"), kind="SCHEMA", exists=True),
    *(
        exp.Create(
            this=exp.Schema(
                this=exp.table_(name, db="beast_insights_v2"),
                expressions=[
                    exp.ColumnDef(
                        this=exp.to_identifier(column),
                        kind=exp.DataType.build(kind, dialect=DIALECT),
                        constraints=[exp.ColumnConstraint(kind=exp.PrimaryKeyColumnConstraint())]
                        if primary else [],
                    )
                    for column, kind, primary in columns
                ],
            ),
            kind="TABLE",
            exists=True,
        )
        for name, columns in (
            ("users", (("id", "VARCHAR", True),)),
            ("clients", (("id", "BIGINT", True),)),
            ("client_features", (("client_id", "BIGINT", False),)),
        )
    ),
)


def apply_files(conn: psycopg.Connection, schema_sql: str, seed_sql: str) -> None:
    """Prerequisites, schema and seed inside the caller's transaction (target.py rolls it back)."""
    for statement in PREREQUISITES:
        conn.execute(statement.sql(dialect=DIALECT))
    conn.execute(without_transaction(schema_sql))
    conn.execute(without_transaction(seed_sql))


def view_table(view_pattern: str, client_id: int) -> exp.Table:
    """reporting.<key>_{client_id} -> the quoted table for one client."""
    name = view_pattern.replace("{client_id}", str(client_id))
    schema, _, table = name.rpartition(".")
    return exp.table_(exp.to_identifier(table, quoted=True),
                      db=exp.to_identifier(schema, quoted=True) if schema else None)


_DROP_KINDS = {"r": ("TABLE", False), "p": ("TABLE", False), "f": ("FOREIGN TABLE", False),
               "v": ("VIEW", False), "m": ("VIEW", True)}


def drop_relation(conn: psycopg.Connection, table: exp.Table) -> None:
    """Drop whatever relation has that name (table, view, materialized view) inside the caller's
    transaction, which target.py rolls back: the relation is back when verify ends."""
    found = conn.execute("SELECT relkind FROM pg_catalog.pg_class WHERE oid = to_regclass(%s)",
                         (table.sql(dialect=DIALECT),)).fetchone()
    if found is None:
        return
    kind, materialized = _DROP_KINDS.get(found[0], ("TABLE", False))
    conn.execute(exp.Drop(tables=[table.copy()], kind=kind, materialized=materialized, exists=True,
                          cascade=True).sql(dialect=DIALECT))


def create_view_table(conn: psycopg.Connection, table: exp.Table, columns: Sequence[Column],
                      frame: pd.DataFrame) -> None:
    """The view as a table holding `frame` (the report builder only reads it)."""
    if table.args.get("db") is not None:
        conn.execute(exp.Create(this=table.args["db"].copy(), kind="SCHEMA", exists=True).sql(dialect=DIALECT))
    drop_relation(conn, table)
    schema = exp.Schema(this=table.copy(), expressions=[
        exp.ColumnDef(this=exp.to_identifier(c.name, quoted=True),
                      kind=exp.DataType.build(sql_type(c), dialect=DIALECT))
        for c in columns
    ])
    conn.execute(exp.Create(this=schema, kind="TABLE").sql(dialect=DIALECT))
    insert = exp.insert(
        exp.values([tuple(exp.Placeholder() for _ in columns)]),
        table.copy(),
        columns=[exp.to_identifier(c.name, quoted=True) for c in columns],
    ).sql(dialect=DIALECT)
    records = [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]
    with conn.cursor() as cursor:
        cursor.executemany(insert, records)


def _rows(conn: psycopg.Connection, query: exp.Expression) -> list[tuple]:
    return conn.execute(query.sql(dialect=DIALECT)).fetchall()


def _rb(name: str, alias: str) -> exp.Table:
    return exp.table_(name, db="report_builder", alias=alias)


def load_catalog(conn: psycopg.Connection) -> Catalog:
    """The active catalog rows as the database holds them after the seed."""
    active = exp.column("is_active", table="m")
    metrics = _rows(conn, exp.select("m.metric_key", "m.display_name", "m.sql_expression", "m.category",
                                     "m.is_derived", "m.derived_formula")
                    .from_(_rb("metrics", "m")).where(active).order_by("m.metric_key"))
    toggles = _rows(conn, exp.select("m.toggle_key", "m.display_name").from_(_rb("metric_toggles", "m"))
                    .where(active).order_by("m.toggle_key"))
    options = _rows(conn, exp.select("t.toggle_key", "m.option_key", "m.display_name", "m.is_default")
                    .from_(_rb("metric_toggle_options", "m"))
                    .join(_rb("metric_toggles", "t"), on="t.id = m.toggle_id")
                    .where(active).order_by("t.toggle_key", "m.option_key"))
    variants = _rows(conn, exp.select("k.metric_key", "t.toggle_key", "o.option_key", "m.sql_expression")
                     .from_(_rb("metric_variants", "m"))
                     .join(_rb("metrics", "k"), on="k.id = m.metric_id")
                     .join(_rb("metric_toggle_options", "o"), on="o.id = m.toggle_option_id")
                     .join(_rb("metric_toggles", "t"), on="t.id = o.toggle_id")
                     .where(active).order_by("k.metric_key", "t.toggle_key", "o.option_key"))
    links = _rows(conn, exp.select("s.source_key", "k.metric_key").from_(_rb("data_source_metrics", "m"))
                  .join(_rb("data_sources", "s"), on="s.id = m.data_source_id")
                  .join(_rb("metrics", "k"), on="k.id = m.metric_id")
                  .where(active).order_by("s.source_key", "k.metric_key"))
    return Catalog(
        metrics=tuple(Metric(key, name, sql, category, is_derived=derived, derived_formula=formula)
                      for key, name, sql, category, derived, formula in metrics),
        toggles=tuple(MetricToggle(key, name) for key, name in toggles),
        toggle_options=tuple(MetricToggleOption(t, o, name, is_default=d) for t, o, name, d in options),
        variants=tuple(MetricVariant(*row) for row in variants),
        data_source_metrics=tuple(DataSourceMetric(*row) for row in links),
    )
