"""seed_catalog.sql: the catalog as one idempotent, lock-protected transaction.

Values become SQL literals here, through the target (`translator.dialect`), and nowhere else; the template
only lays the statements out. The catalog stage has checked that every value fits its column
(translator/catalog/invariants.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from translator.catalog.rows import Catalog
from translator.dialect import TARGET
from translator.catalog.columns import SEED_TABLES, Kind, SeedTable
from translator.emit.templates import render_template

# The pg_advisory_xact_lock key every apply of the seed takes ("rbseed01" read as a bigint).
SEED_LOCK_KEY = int.from_bytes(b"rbseed01", "big")

_TYPES = {Kind.TEXT: "text", Kind.INTEGER: "integer", Kind.BOOLEAN: "boolean", Kind.JSON: "jsonb",
          Kind.TEXT_ARRAY: "varchar[]"}  # varchar[]: the target columns are VARCHAR(n)[]


@dataclass(frozen=True, slots=True)
class StagingColumn:
    name: str
    type: str
    constraint: str


@dataclass(frozen=True, slots=True)
class StagedTable:
    name: str
    staging: str
    key: tuple[str, ...]
    column_names: tuple[str, ...]
    value_columns: tuple[str, ...]
    columns: tuple[StagingColumn, ...]
    rows: tuple[tuple[str, ...], ...]  # SQL literals, sorted by natural key


def sql_literal(value: object, kind: Kind = Kind.TEXT) -> str:
    if kind is Kind.TEXT_ARRAY and value is not None:
        return TARGET.text_array(value)  # type: ignore[arg-type]
    return TARGET.literal(value)


def _stage(table: SeedTable, catalog: Catalog) -> StagedTable:
    ordered = sorted(table.rows(catalog),
                     key=lambda row: tuple(getattr(row, name) for name in table.key))
    return StagedTable(
        name=table.name,
        staging=table.staging,
        key=table.key,
        column_names=table.column_names,
        value_columns=table.value_columns,
        columns=tuple(StagingColumn(c.name, _TYPES[c.kind], "" if c.nullable else " NOT NULL")
                      for c in table.columns),
        rows=tuple(tuple(sql_literal(getattr(row, c.name), c.kind) for c in table.columns)
                   for row in ordered),
    )


def render_seed(catalog: Catalog) -> str:
    staged = tuple(_stage(table, catalog) for table in SEED_TABLES)
    return render_template("seed_catalog.sql.j2", lock_key=SEED_LOCK_KEY, tables=staged,
                           by_name={t.name: t for t in staged})
