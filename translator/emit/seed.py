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
class Join:
    """`JOIN report_builder.<table> AS <alias> ON <alias>.<column> = <value> AND ...`: a target
    row found from the staged row `s` by its natural key (`value`: `s.<column>`, or the id of a
    row joined before)."""

    table: str
    alias: str
    on: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class StagedTable:
    name: str
    staging: str
    stamped: bool
    key: tuple[str, ...]  # the staged natural key
    value_columns: tuple[str, ...]
    target_key: tuple[str, ...]  # the target's UNIQUE natural key (ids for referenced rows)
    target_columns: tuple[str, ...]
    target_values: tuple[str, ...]  # what the upsert writes to target_columns, from `s` and `parents`
    parents: tuple[Join, ...]  # the referenced rows of a staged row
    itself: Join  # the target row of a staged row, once `parents` are joined
    columns: tuple[StagingColumn, ...]
    rows: tuple[tuple[str, ...], ...]  # SQL literals, sorted by natural key


def sql_literal(value: object, kind: Kind = Kind.TEXT) -> str:
    if kind is Kind.TEXT_ARRAY and value is not None:
        return TARGET.text_array(value)  # type: ignore[arg-type]
    return TARGET.literal(value)


def _alias(table: SeedTable) -> str:
    return "".join(word[0] for word in table.name.split("_"))


def _value(table: SeedTable, target_column: str) -> str:
    """What a staged row `s` gives a target column: the id of the referenced row, joined under its
    table's alias, or the staged column itself."""
    reference = next((r for r in table.references if r.id_column == target_column), None)
    return f"s.{target_column}" if reference is None else f"{_alias(reference.parent)}.id"


def _found(table: SeedTable, alias: str) -> tuple[Join, ...]:
    """The joins that find `table`'s row (as `alias`) of a staged row `s`: its parents' rows
    first (recursively), then its own, on the target's natural key."""
    parents = tuple(join for reference in table.references
                    for join in _found(reference.parent, _alias(reference.parent)))
    return (*parents, Join(table.name, alias, tuple((c, _value(table, c)) for c in table.target_key)))


def _stage(table: SeedTable, catalog: Catalog) -> StagedTable:
    ordered = sorted(table.rows(catalog),
                     key=lambda row: tuple(getattr(row, name) for name in table.key))
    *parents, itself = _found(table, "x")
    return StagedTable(
        name=table.name,
        staging=table.staging,
        stamped=table.stamped,
        key=table.key,
        value_columns=table.value_columns,
        target_key=table.target_key,
        target_columns=table.target_columns,
        target_values=tuple(_value(table, c) for c in table.target_columns),
        parents=tuple(parents),
        itself=itself,
        columns=tuple(StagingColumn(c.name, _TYPES[c.kind], "" if c.nullable else " NOT NULL")
                      for c in table.columns),
        rows=tuple(tuple(sql_literal(getattr(row, c.name), c.kind) for c in table.columns)
                   for row in ordered),
    )


def render_seed(catalog: Catalog) -> str:
    staged = tuple(_stage(table, catalog) for table in SEED_TABLES)
    return render_template("seed_catalog.sql.j2", lock_key=SEED_LOCK_KEY, tables=staged)
