"""Where a metric runs (data_source_metrics, section 4.4) and which of the catalog's dimensions its
CALCULATE overrides.

A metric runs only where it means what its DAX means: on the view of its home table (the one
table whose rows its aggregates read), and on another view only where the mapping file declares
that view equivalent for it, per metric (`[metrics."<m>"] equivalent_sources`) or per pair of
sources (`[sources."<t>"] equivalent_sources`, both ways). Having the same column names is not
enough: the same name can hold another table's facts. A count over a one-side (dimension) table
never runs on a fact view: DAX counts the dimension's members, with or without facts, and a
filter on the fact table does not reach them.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingType, Sequence
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from translator.catalog.diagnostics import (
    CAT_DECLARED_LINK, CAT_DECLARED_REFUSED, CAT_NO_SOURCE, CAT_OVERRIDE_OFFERED, at,
)
from translator.catalog.rows import DataSource, DataSourceDimension, Dimension
from translator.catalog.sources import ModelSource
from translator.compile.translation import CompiledModel
from translator.diagnostics import Diagnostic, SourceLocation, report
from translator.dialect import TARGET
from translator.model.mapping import Mapping


@dataclass(frozen=True, slots=True)
class Sides:
    """Per export: the (folded) tables on the one side and on the many side of a relationship."""

    one: frozenset[str]
    many: frozenset[str]


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a metric runs, and why (the reasons go into the report)."""

    sources: tuple[DataSource, ...]
    reasons: tuple[Diagnostic, ...] = ()


def relationship_sides(compiled: Sequence[CompiledModel]) -> dict[str, Sides]:
    return {
        c.export: Sides(frozenset(t.casefold() for r in c.model.relationships for t in r.one_sides()),
                        frozenset(t.casefold() for r in c.model.relationships for t in r.many_sides()))
        for c in compiled
    }


@dataclass(frozen=True, slots=True)
class SourceIndex:
    """The model sources as `place` looks them up, indexed once per build instead of scanned per
    metric: by export and folded table name, by folded table name in any export, and each data
    source's folded view columns."""

    by_export: dict[str, dict[str, list[ModelSource]]]  # export -> folded table name -> its sources, in order
    by_table: dict[str, ModelSource]  # folded table name -> the first source of that table in any export
    columns: dict[str, frozenset[str]]  # source key -> its folded view columns (one row per key: build._sources)

    @classmethod
    def of(cls, model_sources: Sequence[ModelSource]) -> SourceIndex:
        by_export: dict[str, dict[str, list[ModelSource]]] = {}
        by_table: dict[str, ModelSource] = {}
        columns: dict[str, frozenset[str]] = {}
        for ms in model_sources:
            table = ms.table.name.casefold()
            by_export.setdefault(ms.export, {}).setdefault(table, []).append(ms)
            by_table.setdefault(table, ms)
            if ms.row.source_key not in columns:
                columns[ms.row.source_key] = frozenset(c.casefold() for c in ms.row.columns)
        return cls(by_export, by_table, columns)

    def own(self, export: str) -> list[ModelSource]:
        """The sources of `export`, in order."""
        return [ms for found in self.by_export.get(export, {}).values() for ms in found]

    def find(self, export: str, table: str) -> ModelSource | None:
        """The source of `table` (folded) in `export`, else in any export."""
        own = self.by_export.get(export, {}).get(table)
        return own[0] if own else self.by_table.get(table)


def place(export: str, name: str, homes: set[str], columns: Sequence[str], declared: Sequence[str],
          declared_line: int | None, mapping: Mapping, sources: SourceIndex,
          sides: MappingType[str, Sides], location: SourceLocation | None) -> Placement:
    """The sources a metric of `export` runs on. `homes`: the folded tables whose rows it reads
    (its components' included); `columns`: the view columns its SQL names; `declared`: the
    tables the mapping declares equivalent for this metric."""
    needed = {c.casefold() for c in columns}
    reasons: list[Diagnostic] = []
    chosen: dict[str, DataSource] = {}
    home = next(iter(homes)) if len(homes) == 1 else None
    if home is not None:
        for ms in sources.by_export.get(export, {}).get(home, ()):
            if needed <= sources.columns[ms.row.source_key]:
                chosen[ms.row.source_key] = ms.row

    wanted: list[tuple[str, int | None]] = [(t, declared_line) for t in declared]
    if home is not None:
        for table, override in mapping.sources:
            pairs = {t.casefold() for t in override.equivalent_sources}
            if table.casefold() == home:
                wanted += [(t, override.line) for t in override.equivalent_sources]
            elif home in pairs:
                wanted.append((table, override.line))
    for table, line in wanted:
        target = sources.find(export, table.casefold())
        where = at(mapping, line)
        if target is None:
            reasons.append(report(CAT_DECLARED_REFUSED, f"the mapping declares '{table}' equivalent for '{name}', "
                                  "but no data source is that table", where))
            continue
        if target.row.source_key in chosen:
            continue
        side = sides.get(export, Sides(frozenset(), frozenset()))
        if home in side.one and target.table.name.casefold() in side.many and target.table.name.casefold() != home:
            reasons.append(report(CAT_DECLARED_REFUSED, f"'{name}' reads the rows of '{next(iter(homes))}', a one-side "
                                  f"(dimension) table: it never runs on the fact view '{target.row.source_key}', "
                                  "whose filters do not reach it", where))
            continue
        missing = sorted(needed - sources.columns[target.row.source_key])
        if missing:
            reasons.append(report(CAT_DECLARED_REFUSED, f"the mapping declares '{target.row.source_key}' equivalent for "
                                  f"'{name}', but its view lacks the columns " + ", ".join(missing), where))
            continue
        chosen[target.row.source_key] = target.row
        reasons.append(report(CAT_DECLARED_LINK, f"'{name}' also runs on '{target.row.source_key}': declared "
                              "equivalent in the mapping file", where))
    if not chosen:
        if len(homes) > 1:
            message = (f"'{name}' reads the rows of several tables (" + ", ".join(sorted(homes)) + "): no one "
                       "view holds them")
        elif home is None:
            message = f"'{name}' reads no table's rows that a data source holds"
        else:
            message = f"the view of '{name}''s table '{home}' is not a data source with the columns it reads"
        reasons.append(report(CAT_NO_SOURCE, message, location,
                              f"declare the views it may run on with [metrics.\"{name}\"] equivalent_sources = [...]"))
    return Placement(tuple(sorted(chosen.values(), key=lambda s: s.source_key)), tuple(reasons))


def offered_columns(dimensions: Sequence[Dimension], links: Sequence[DataSourceDimension]) -> dict[str, dict[str, str]]:
    """Per source key: the (folded) view column of each dimension offered there -> dimension key."""
    by_key = {d.dimension_key: d for d in dimensions}
    offered: dict[str, dict[str, str]] = {}
    for link in links:
        dimension = by_key.get(link.dimension_key)
        if dimension is None or not (dimension.is_groupable or dimension.is_filterable):
            continue
        column = dimension_column(dimension)
        if column is not None:
            offered.setdefault(link.source_key, {})[column.casefold()] = dimension.dimension_key
    return offered


def dimension_column(dimension: Dimension) -> str | None:
    """The view column a dimension's column_expression names (`"sales_type"` -> sales_type)."""
    try:
        tree = TARGET.parse(dimension.column_expression)
    except sqlglot.errors.ParseError:
        return None
    return tree.name if isinstance(tree, exp.Column) else None


def offered_lookups(dimensions: Sequence[Dimension], links: Sequence[DataSourceDimension]
                    ) -> dict[str, dict[tuple[str, str], str]]:
    """Per source key: (the folded view column a lookup dimension joins on, the folded lookup column
    it shows) -> dimension key. Grouping by it is grouping by the lookup table's column in DAX."""
    by_key = {d.dimension_key: d for d in dimensions}
    offered: dict[str, dict[tuple[str, str], str]] = {}
    for link in links:
        dimension = by_key.get(link.dimension_key)
        if dimension is None or not dimension.join_table or not dimension.display_column:
            continue
        if not (dimension.is_groupable or dimension.is_filterable) or (column := dimension_column(dimension)) is None:
            continue
        offered.setdefault(link.source_key, {})[(column.casefold(), dimension.display_column.casefold())] = (
            dimension.dimension_key)
    return offered


def overridden_dimensions(overridden: Sequence[str], sources: Sequence[DataSource],
                          offered: MappingType[str, MappingType[str, str]],
                          lookups: Sequence[tuple[str, str]] = (),
                          offered_lookup: MappingType[str, MappingType[tuple[str, str], str]] | None = None) -> list[str]:
    """The dimensions, offered on one of `sources`, whose column a CALCULATE filter replaces: a
    view column, or a lookup column (`lookups`: (the fact's key column, the lookup table's column))
    that a lookup dimension on that key shows."""
    columns = {c.casefold() for c in overridden}
    shown = {(k.casefold(), c.casefold()) for k, c in lookups}
    found = {key for s in sources for column, key in offered.get(s.source_key, {}).items() if column in columns}
    found |= {key for s in sources for pair, key in (offered_lookup or {}).get(s.source_key, {}).items() if pair in shown}
    return sorted(found)


def override_reason(name: str, dimensions: Sequence[str], location: SourceLocation | None) -> Diagnostic:
    return report(CAT_OVERRIDE_OFFERED, f"'{name}' replaces the report's filters on the dimension(s) "
                  + ", ".join(dimensions) + ": grouped or filtered by them, the SQL keeps only the matching rows "
                  "where Power BI shows the overriding value on every row", location,
                  f"review it and accept it with [metrics.\"{name}\"] accept_approximate = true")
