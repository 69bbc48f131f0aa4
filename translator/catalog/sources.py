"""Data sources (section 4.1) and lookup tables, read from the model's own tables."""

from __future__ import annotations

import re
from dataclasses import dataclass

from translator.catalog.naming import fit_key, snake_case
from translator.compile.translation import CompiledModel
from translator.model.mapping import Mapping, SourceOverride
from translator.model.semantic import Column, SemanticModel, Table, TableKind
from translator.catalog.rows import DataSource

VIEW_SCHEMA = "reporting"
CLIENT_ID_COLUMN = "client_id"


@dataclass(frozen=True, slots=True)
class ModelSource:
    """A data source as seen from one export: the model table behind it."""

    export: str
    table: Table
    row: DataSource


def is_date_table(table: Table) -> bool:
    return (table.data_category or "").casefold() == "time"


def view_columns(table: Table) -> tuple[Column, ...]:
    """The columns the table imports from its view: calculated columns and the engine's hidden
    RowNumber column exist only in the model."""
    return tuple(c for c in table.columns if c.expression is None and not c.name.startswith("RowNumber-"))


def source_tables(compiled: CompiledModel, mapping: Mapping) -> list[Table]:
    """The model's data tables that are data sources, in model order.

    A data table is a source unless it is the date table, a toggle's slicer table, a lookup (only
    ever on the one side of relationships, no measures, never a measure's fact table) or a
    measures-only table (no visible view columns, no relationships, never a fact table).
    The mapping's [sources."<table>"] include = true / false decides over the rule.
    """
    model = compiled.model
    toggle_tables = {t.table.casefold() for t in compiled.toggles}
    unsafe = {t.name.casefold() for t, _ in unsafe_views(compiled, mapping)}
    fact_tables = {t.fact_table.casefold() for t in compiled.translations if t.fact_table}
    many_side = {t.casefold() for r in model.relationships for t in r.many_sides()}
    one_side = {t.casefold() for r in model.relationships for t in r.one_sides()}
    related = one_side | many_side
    chosen = []
    for table in model.tables:
        override = mapping.source(table.name)
        if override is not None and override.include is not None:
            if override.include:
                chosen.append(table)
            continue
        if table.kind is not TableKind.DATA or is_date_table(table) or table.name.casefold() in unsafe:
            continue
        name = table.name.casefold()
        if name in toggle_tables:
            continue
        is_fact = name in fact_tables
        is_lookup = name in one_side and name not in many_side and not table.measures and not is_fact
        measures_only = (
            name not in related
            and not is_fact
            and not any(not c.is_hidden for c in view_columns(table))
        )
        if not is_lookup and not measures_only:
            chosen.append(table)
    return chosen


def build_source(model: SemanticModel, table: Table, mapping: Mapping) -> DataSource:
    override = mapping.source(table.name)
    key = (override.source_key if override else None) or fit_key(view_key(table.source) or snake_case(table.name))
    return DataSource(
        source_key=key,
        display_name=(override.display_name if override else None) or table.name,
        view_pattern=f"{VIEW_SCHEMA}.{key}_{{client_id}}",
        date_column=_date_column(model, table, override.date_column if override else None),
        description=(override.description if override else None) or table.description,
        client_id_column=CLIENT_ID_COLUMN,
        refresh_frequency_minutes=(override.refresh_frequency_minutes if override and override.refresh_frequency_minutes else 60),
        columns=_with_lookups(tuple(c.name for c in view_columns(table)), override),
    )


def _with_lookups(columns: tuple[str, ...], override: SourceOverride | None) -> tuple[str, ...]:
    """The view's columns and the lookup columns the mapping declares it carries (lookup_columns)."""
    carried = tuple(lc.view_column for lc in override.lookup_columns) if override else ()
    return columns + tuple(dict.fromkeys(c for c in carried if c.casefold() not in {x.casefold() for x in columns}))


def _date_column(model: SemanticModel, table: Table, pinned: str | None) -> str | None:
    """The mapping's date_column in the model's spelling; inferred when unset or not a column
    of the table (build_catalog reports that, CAT309)."""
    column = pinned_date_column(table, pinned) if pinned else None
    return column.name if column is not None else date_column(model, table)


def pinned_date_column(table: Table, pinned: str) -> Column | None:
    """The view column the mapping's date_column names (a calculated column is not one)."""
    return next((c for c in view_columns(table) if c.name.casefold() == pinned.casefold()), None)


def date_column(model: SemanticModel, table: Table) -> str | None:
    """The view column related to the date table (the active relationship first), else the first
    dateTime view column, else none. A calculated key (`FORMAT([SalesDate], "YYYYMMDD")` related
    to the date table) exists only in the model, so the view cannot filter on it."""
    in_view = {c.name.casefold(): c for c in view_columns(table)}
    related = [
        r for r in model.relationships
        if r.from_table.casefold() == table.name.casefold()
        and (to := model.table(r.to_table)) is not None and is_date_table(to)
    ]
    related.sort(key=lambda r: not r.is_active)
    for r in related:
        if (column := in_view.get(r.from_column.casefold())) is not None:
            return column.name
    return next((c.name for c in in_view.values() if c.data_type.casefold() == "datetime"), None)


# Power Query M: navigation (Schema="reporting", Item="order_summary_42") or a native query
# (... FROM reporting.order_summary_42 / "reporting.order_summary_" & ClientId).
_NAVIGATION_RE = re.compile(r'Schema\s*=\s*"([^"]+)"\s*,\s*Item\s*=\s*"([^"]+)"', re.IGNORECASE)
_QUALIFIED_RE = re.compile(r'\b(?:FROM|JOIN)\s+"?([A-Za-z_]\w*)"?\s*\.\s*"?([A-Za-z_][\w{}]*)', re.IGNORECASE)
_REPORTING_RE = re.compile(r"\breporting\s*\.\s*\"?([A-Za-z_]\w*)", re.IGNORECASE)
_CLIENT_SUFFIX_RE = re.compile(r"_(\d+|\{[^}]*\}|client(_id)?)?$", re.IGNORECASE)


def database_object(source: str | None) -> tuple[str, str] | None:
    """(schema, name) of the table or view an M partition source reads, when it names one."""
    if not source:
        return None
    for pattern in (_NAVIGATION_RE, _QUALIFIED_RE):
        if m := pattern.search(source):
            return m.group(1), m.group(2)
    return None


# The view name becomes SQL the report builder runs (view_pattern): only a plain lower-case
# identifier is taken from an M source; anything else must be named in the mapping.
_VIEW_KEY_RE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def view_key(source: str | None) -> str | None:
    """'order_summary' when the M source reads reporting.order_summary_<client> (a plain
    identifier; None for a name that is not one, see unsafe_views)."""
    key = _view_name(source)
    return key if key is not None and _VIEW_KEY_RE.fullmatch(key) else None


def unsafe_views(compiled: CompiledModel, mapping: Mapping) -> list[tuple[Table, str]]:
    """Tables whose M source reads a reporting view under a name that is not a plain identifier
    and whose mapping entry does not name the view (source_key): they are not data sources."""
    found = []
    for table in compiled.model.tables:
        override = mapping.source(table.name)
        if override is not None and (override.source_key or override.include is False):
            continue
        name = _view_name(table.source)
        if name is not None and view_key(table.source) is None:
            found.append((table, name))
    return found


def _view_name(source: str | None) -> str | None:
    if not source:
        return None
    obj = database_object(source)
    if obj is not None and obj[0].casefold() == VIEW_SCHEMA:
        name = obj[1]
    elif m := _REPORTING_RE.search(source):
        name = m.group(1)
    else:
        return None
    name = re.sub(r"\{.*$", "", name)
    key = _CLIENT_SUFFIX_RE.sub("", name).lower()
    return key or None
