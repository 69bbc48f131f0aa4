"""Dimensions (section 4.3) from the sources' groupable columns and their lookup tables, and the
data_source_dimensions junction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlglot import exp

from translator.catalog import rules
from translator.catalog.diagnostics import CAT_DIMENSION_KEY, CAT_MAPPING_UNUSED, at, did_you_mean
from translator.catalog.order import NO_PREVIOUS, Place, PreviousOrder, sort_orders
from translator.catalog.naming import assign_unique, humanize, snake_case
from translator.catalog.rows import DataSourceDimension, Dimension
from translator.catalog.sources import (
    CLIENT_ID_COLUMN, VIEW_SCHEMA, ModelSource, database_object, is_date_table, view_columns, view_key,
)
from translator.diagnostics import Diagnostic, report
from translator.dialect import TARGET
from translator.model.mapping import Mapping
from translator.model.semantic import Column, Relationship, SemanticModel, Table

SOURCE_PLACEHOLDER = "{source}"
CLIENT_PLACEHOLDER = "{client_id}"


@dataclass(frozen=True, slots=True)
class _Lookup:
    table: Table
    key: Column  # the lookup's column on the one side of the relationship
    display: Column  # the column shown instead of the key


@dataclass(frozen=True, slots=True)
class _Join:
    table: str  # rendered, e.g. "public"."campaigns"
    alias: str  # the name the join condition qualifies lookup columns with


@dataclass(frozen=True, slots=True)
class _Candidate:
    column: str  # the source column (column_expression)
    wanted_key: str
    row: Dimension  # dimension_key is filled in once keys are unique
    related: bool
    first_seen: int


def build_dimensions(
    models: Sequence[SemanticModel], sources: Sequence[ModelSource], mapping: Mapping,
    previous: PreviousOrder = NO_PREVIOUS,
) -> tuple[list[Dimension], list[DataSourceDimension], list[Diagnostic]]:
    by_export = {m.export: m for m in models}
    candidates: dict[str, _Candidate] = {}  # by case-folded column name
    order = 0
    found: list[tuple[ModelSource, Column, _Lookup | None]] = []
    outgoing = {export: _outgoing(model) for export, model in by_export.items()}
    for source in sources:
        model = by_export[source.export]
        for column in view_columns(source.table):
            override = mapping.dimension(column.name)
            if column.name.casefold() == CLIENT_ID_COLUMN or (override is not None and override.include is False):
                continue
            lookup = _lookup_for(model, source.table, column, mapping, outgoing[source.export])
            if lookup is None and not rules.is_attribute(column.name, column.data_type, column.summarize_by, column.is_key):
                continue
            found.append((source, column, lookup))
    # An attribute only one source has is a detail of that view, not a dimension, unless it is the
    # view's date column, there is only one source, or the mapping includes it.
    shared = Counter(name for _, name in {(s.row.source_key, c.name.casefold()) for s, c, _ in found})
    single_source = len({s.row.source_key for s in sources}) <= 1
    found = [
        (source, column, lookup) for source, column, lookup in found
        if lookup is not None or single_source or shared[column.name.casefold()] >= 2
        or column.name == source.row.date_column
        or ((o := mapping.dimension(column.name)) is not None and o.include)
    ]
    # A plain column that names a joined dimension's rows (Products[product_name] next to
    # product_id -> Products) is covered by that dimension wherever its id column is present.
    shown_by: dict[str, set[str]] = {}  # a lookup's display column -> the id columns that join it
    for _, column, lookup in found:
        if lookup:
            shown_by.setdefault(lookup.display.name.casefold(), set()).add(column.name.casefold())
    present_in: dict[str, set[str]] = {}
    for source, column, lookup in found:
        present = present_in.get(source.row.source_key)
        if present is None:
            present = present_in[source.row.source_key] = {c.casefold() for c in source.row.columns}
        if lookup is None and not shown_by.get(column.name.casefold(), set()).isdisjoint(present):
            continue
        order += 1
        name = column.name.casefold()
        existing = candidates.get(name)
        # the same column in several sources is one dimension; a lookup join wins over a plain column
        # (a candidate is only made when it is kept)
        if existing is None or (lookup is not None and not existing.related):
            candidates[name] = _candidate(column, lookup, existing.first_seen if existing else order, mapping)

    ordered = sorted(candidates.values(), key=lambda c: (not c.related, c.column.casefold()))
    keys, renamed = assign_unique(ordered, lambda c: c.wanted_key)
    diagnostics = [
        report(CAT_DIMENSION_KEY, f"dimension key '{wanted}' of column '{c.column}' is taken; using '{given}'",
               None, "pin a key with [dimensions.<column>] key = \"...\" in the mapping file")
        for c, wanted, given in renamed
    ]
    # One group, in the order the sources show the columns; sticky across rebuilds (catalog.order).
    seen_order = sorted(range(len(ordered)), key=lambda n: ordered[n].first_seen)
    pins = [o.sort_order if (o := mapping.dimension(ordered[n].column)) else None for n in seen_order]
    numbers = sort_orders([Place(None, (keys[n],), pin) for n, pin in zip(seen_order, pins)],
                          previous.table("dimensions"))
    number_of = dict(zip(seen_order, numbers))
    dimensions = [replace(candidate.row, dimension_key=keys[position], sort_order=number_of[position])
                  for position, candidate in enumerate(ordered)]

    folded = [(source, {c.casefold() for c in source.row.columns}) for source in sources]
    links = sorted(
        {
            DataSourceDimension(source.row.source_key, dimension.dimension_key)
            for dimension, candidate in zip(dimensions, ordered)
            for source, columns in folded
            if candidate.column.casefold() in columns
        },
        key=lambda link: (link.source_key, link.dimension_key),
    )
    known_columns = {c.casefold() for s in sources for c in s.row.columns}
    diagnostics += [
        report(CAT_MAPPING_UNUSED, f"the mapping names dimension column '{name}', which no data source has",
               at(mapping, override.line), *did_you_mean(name, {c for s in sources for c in s.row.columns}))
        for name, override in mapping.dimensions
        if name.casefold() not in known_columns
    ]
    return sorted(dimensions, key=lambda d: d.dimension_key), links, diagnostics


def _candidate(column: Column, lookup: _Lookup | None, order: int, mapping: Mapping) -> _Candidate:
    override = mapping.dimension(column.name)
    if lookup is not None:
        wanted = _related_key(column.name, lookup)
        data_type = rules.dimension_data_type(lookup.display.data_type)
        join = _join(lookup.table, mapping)
        source_column = exp.column(column.name, table=exp.to_identifier(SOURCE_PLACEHOLDER, quoted=False), quoted=True)
        condition: exp.Expression = exp.EQ(
            this=source_column, expression=exp.column(lookup.key.name, table=join.alias, quoted=True)
        )
        if lookup.table.column(CLIENT_ID_COLUMN) is not None:  # a shared table: keep to the client's rows
            condition = exp.and_(condition, exp.EQ(
                this=exp.column(CLIENT_ID_COLUMN, table=join.alias, quoted=True),
                expression=exp.column(exp.to_identifier(CLIENT_PLACEHOLDER, quoted=False)),
            ), copy=False)  # both sides are new here
        row = Dimension(
            dimension_key=wanted,
            display_name=_label(wanted),
            column_expression=_quoted(column.name),
            description=lookup.display.description or column.description,
            display_column=lookup.display.name,
            join_table=join.table,
            join_condition=TARGET.sql(condition),
            data_type=data_type,
            filter_type=rules.filter_type(lookup.display.name, data_type, False),
            category=rules.dimension_category(column.name, data_type),
        )
    else:
        wanted = snake_case(column.name)
        data_type = rules.dimension_data_type(column.data_type)
        row = Dimension(
            dimension_key=wanted,
            display_name=humanize(column.name),
            column_expression=_quoted(column.name),
            description=column.description,
            data_type=data_type,
            filter_type=rules.filter_type(column.name, data_type, column.is_key),
            category=rules.dimension_category(column.name, data_type),
        )
    if override is not None:
        wanted = override.key or wanted
        row = replace(
            row,
            dimension_key=wanted,
            display_name=override.display_name or row.display_name,
            description=override.description or row.description,
            category=override.category or row.category,
            data_type=override.data_type or row.data_type,
            filter_type=override.filter_type or row.filter_type,
            display_column=override.display_column or row.display_column,
            join_table=_table_sql(override.join_table) if override.join_table else row.join_table,
            is_groupable=row.is_groupable if override.is_groupable is None else override.is_groupable,
            is_filterable=row.is_filterable if override.is_filterable is None else override.is_filterable,
        )
    return _Candidate(column.name, wanted, row, lookup is not None, order)


def _table_sql(name: str) -> str:
    """The mapping's [schema.]table (plain identifiers, checked when the mapping is read), quoted
    the way the generated join tables are."""
    schema, _, table = name.rpartition(".")
    return exp.table_(table, db=schema or None, quoted=True).sql(dialect=TARGET.name)


def _quoted(name: str) -> str:
    return TARGET.quote(name)


def _label(display_column: str) -> str:
    """'campaign_name' -> 'Campaign', 'Maker Name' -> 'Maker': the thing the column names."""
    words = humanize(display_column).split(" ")
    return " ".join(words[:-1]) if len(words) > 1 and words[-1].casefold() == "name" else " ".join(words)


def _strip_suffix(text: str, suffix: str) -> str:
    return text[: -len(suffix)] if text.endswith(suffix) and len(text) > len(suffix) else text


def _related_key(column: str, lookup: _Lookup) -> str:
    """campaign_id -> Campaigns[campaign_id] shown as campaign_name gives campaign_name;
    trial_campaign_id -> the same lookup gives trial_campaign_name."""
    column_key, lookup_key = snake_case(column), snake_case(lookup.key.name)
    display = snake_case(lookup.display.name)
    if column_key == lookup_key:
        return display
    if column_key.endswith("_" + lookup_key):
        return column_key[: -len(lookup_key)] + display
    return f"{_strip_suffix(column_key, '_id')}_{_strip_suffix(display, '_' + lookup_key)}"


def _outgoing(model: SemanticModel) -> dict[tuple[str, str], list[Relationship]]:
    """The model's relationships by their (folded) from table and column, in model order."""
    found: dict[tuple[str, str], list[Relationship]] = {}
    for r in model.relationships:
        found.setdefault((r.from_table.casefold(), r.from_column.casefold()), []).append(r)
    return found


def _lookup_for(model: SemanticModel, table: Table, column: Column, mapping: Mapping,
                outgoing: dict[tuple[str, str], list[Relationship]] | None = None) -> _Lookup | None:
    """The lookup table this column is related to (active relationships first) and the column
    that names its rows, when there is one. `outgoing`: the model's `_outgoing` (made once). A
    many-to-many relationship is no lookup: its join would repeat the fact's rows."""
    if outgoing is None:
        outgoing = _outgoing(model)
    related = outgoing.get((table.name.casefold(), column.name.casefold()))
    if related is None:  # most columns
        return None
    relationships = sorted((r for r in related if not r.is_many_to_many), key=lambda r: not r.is_active)
    for r in relationships:
        target = model.table(r.to_table)
        if target is None or is_date_table(target) or target.name.casefold() == table.name.casefold():
            continue
        key = target.column(r.to_column)
        if key is None:
            continue
        display = _display_column(target, key, mapping)
        if display is None:
            continue
        return _Lookup(target, key, display)
    return None


def _join(lookup: Table, mapping: Mapping) -> _Join:
    """The table a lookup dimension joins (made only for the lookups that become dimensions)."""
    override = mapping.source(lookup.name)
    found = database_object(lookup.source)
    schema = (override.schema if override else None) or (found[0] if found else None) or mapping.lookup_schema
    name = found[1] if found else snake_case(lookup.name)
    if found and found[0].casefold() == VIEW_SCHEMA and (view := view_key(lookup.source)):
        name = f"{view}_{CLIENT_PLACEHOLDER}"  # a per-client reporting view, like the sources
    return _Join(TARGET.sql(exp.table_(name, db=schema, quoted=True)), name)


def _display_column(lookup: Table, key: Column, mapping: Mapping) -> Column | None:
    """The column that names the lookup's rows: the mapping's display_column for the key, else
    <stem>_name for a key <stem>_id, else the first text column whose name contains 'name', else the
    first other text column."""
    override = mapping.dimension(key.name)
    if override is not None and override.display_column:
        return lookup.column(override.display_column)
    text_columns = [c for c in view_columns(lookup) if c.data_type.casefold() == "string" and c.name != key.name]
    stem = _strip_suffix(snake_case(key.name), "_id")
    for c in text_columns:
        if snake_case(c.name) == f"{stem}_name":
            return c
    return next((c for c in text_columns if "name" in snake_case(c.name).split("_")), text_columns[0] if text_columns else None)
