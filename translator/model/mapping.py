"""The mapping file's data types: overrides of what the catalog derives from the model.

`translator.readers.mapping` fills them from translator.toml (documented in docs/mapping.md); the
catalog reads them. Names of model objects (measures, tables, toggle values) are matched
case-insensitively, as DAX does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from translator.diagnostics import SourceLocation
from translator.diagnostics.suggest import did_you_mean

from translator.model.semantic import SemanticModel
from translator.model.semantics import NO_PINS, Semantics


# The report_builder columns keys and names go to (DESIGN.md, Milestone 1 DDL): every *_key is
# VARCHAR(100), every display_name VARCHAR(200). A value pinned in the mapping must fit (the reader
# checks it); generated ones are shortened by the catalog (translator/catalog/naming.py).
KEY_LENGTH = 100
NAME_LENGTH = 200


@dataclass(frozen=True, slots=True)
class LookupColumn:
    """A column of a lookup table ('Campaigns'[campaign_type]) that a source's view carries, joined
    through the model's active many-to-one relationship, as `view_column`."""

    table: str
    column: str
    view_column: str
    line: int | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        return f"'{self.table}'[{self.column}]"


def lookup_problem(model: SemanticModel, source: str, lc: LookupColumn) -> tuple[str, tuple[str, ...]] | None:
    """Why the view of `source` (a table of `model`) cannot carry `lc` as declared, with notes (the
    nearest names); None: the compiler reads `lc.view_column` for it (docs/mapping.md)."""
    fact, table = model.table(source), model.table(lc.table)
    if fact is None:
        return f"lookup column {lc.name}: '{source}' is not a table of the model", ()
    if table is None:
        return (f"lookup column {lc.name}: the model has no table '{lc.table}'",
                did_you_mean(lc.table, (t.name for t in model.tables)))
    if table.column(lc.column) is None:
        return (f"lookup column {lc.name}: '{table.name}' has no column '{lc.column}'",
                did_you_mean(lc.column, (c.name for c in table.columns)))
    if (refused := model.lookup_refusal(fact.name, table.name)) is not None:
        return f"lookup column {lc.name} on the view of '{fact.name}': {refused[1]}; the declaration is not used", ()
    if fact.column(lc.view_column) is not None:
        return (f"lookup column {lc.name}: '{fact.name}' has its own column '{lc.view_column}'; name the view "
                "column differently", ())
    return None


@dataclass(frozen=True, slots=True)
class SourceOverride:
    """[sources."<table>"]: a model table as a data source."""

    include: bool | None = None  # true forces a source, false excludes it, unset: the model decides
    source_key: str | None = None
    display_name: str | None = None
    description: str | None = None
    date_column: str | None = None
    refresh_frequency_minutes: int | None = None
    schema: str | None = None  # database schema of a lookup table (for dimension joins)
    # Tables whose views hold the same rows as this table's view: a metric whose home is one of
    # them also runs on the other (both ways).
    equivalent_sources: tuple[str, ...] = ()
    lookup_columns: tuple[LookupColumn, ...] = ()  # lookup columns the view carries
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class MetricOverride:
    """[metrics."<measure>"]: one measure's catalog row."""

    key: str | None = None
    display_name: str | None = None
    description: str | None = None
    category: str | None = None
    data_type: str | None = None
    format_pattern: str | None = None
    aggregation_type: str | None = None
    is_invertable: bool | None = None
    sort_order: int | None = None
    accept_approximate: bool = False
    # Tables (data sources) whose views this metric also runs on, besides its home table's view.
    equivalent_sources: tuple[str, ...] = ()
    sql: str | None = None  # hand-written PostgreSQL for a measure the compiler cannot translate
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class DimensionOverride:
    """[dimensions.<column>]: the dimension built from a source column of that name."""

    key: str | None = None
    display_name: str | None = None
    description: str | None = None
    category: str | None = None
    data_type: str | None = None
    filter_type: str | None = None
    display_column: str | None = None
    join_table: str | None = None
    is_groupable: bool | None = None
    is_filterable: bool | None = None
    sort_order: int | None = None
    include: bool | None = None  # true: a dimension whatever the rule says; false: none from this column
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class OptionOverride:
    key: str | None = None
    display_name: str | None = None
    description: str | None = None
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class ToggleOverride:
    """[toggles."<slicer table>"]: a toggle found in the model."""

    key: str | None = None
    display_name: str | None = None
    description: str | None = None
    toggle_type: str | None = None
    ui_component: str | None = None
    sort_order: int | None = None
    default: str | None = None  # option value used when nothing is selected
    options: tuple[tuple[str, OptionOverride], ...] = ()  # option value -> override
    line: int | None = field(default=None, compare=False)

    def option(self, value: str) -> OptionOverride | None:
        folded = value.casefold()
        return next((o for name, o in self.options if name.casefold() == folded), None)


# report_templates.category values (design document, section 4.9)
TEMPLATE_CATEGORIES = ("operations", "analytics", "financial", "lifecycle", "risk")


@dataclass(frozen=True, slots=True)
class TemplateOverride:
    """[templates."<page>"]: the report_templates row a report page becomes (docs/mapping.md).
    Pages given the same template_key are merged into one template, one section per page."""

    template_key: str | None = None
    name: str | None = None
    description: str | None = None
    category: str | None = None
    nav_section: str | None = None
    nav_order: int | None = None
    nav_icon: str | None = None
    default_date_range: str | None = None
    section_title: str | None = None  # the page's section title (default: the page's name)
    include: bool | None = None  # false: no template from this page; true: even a hidden page
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Mapping:
    path: str | None = None
    lookup_schema: str | None = None  # [defaults] lookup_schema: schema of lookup tables
    categories: tuple[tuple[str, str], ...] = ()  # display folder -> metric category
    sources: tuple[tuple[str, SourceOverride], ...] = ()
    metrics: tuple[tuple[str, MetricOverride], ...] = ()
    dimensions: tuple[tuple[str, DimensionOverride], ...] = ()
    toggles: tuple[tuple[str, ToggleOverride], ...] = ()
    templates: tuple[tuple[str, TemplateOverride], ...] = ()  # page display name -> override
    semantics: Semantics = NO_PINS  # [semantics]: Power BI's answers to probe.dax
    # per field above: casefolded name -> the first entry with it, made on the field's first
    # lookup (the catalog asks tens of thousands of times); no part of equality, hashing or the repr
    _by_name: dict[str, dict[str, object]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def template(self, page: str) -> TemplateOverride | None:
        return self._lookup("templates", page)  # type: ignore[return-value]

    def source(self, table: str) -> SourceOverride | None:
        return self._lookup("sources", table)  # type: ignore[return-value]

    def metric(self, measure: str) -> MetricOverride | None:
        return self._lookup("metrics", measure)  # type: ignore[return-value]

    def dimension(self, column: str) -> DimensionOverride | None:
        return self._lookup("dimensions", column)  # type: ignore[return-value]

    def toggle(self, table: str) -> ToggleOverride | None:
        return self._lookup("toggles", table)  # type: ignore[return-value]

    def category(self, folder: str) -> str | None:
        return self._lookup("categories", folder)  # type: ignore[return-value]

    def _lookup(self, pairs: str, name: str) -> object | None:
        index = self._by_name.get(pairs)
        if index is None:
            index = self._by_name[pairs] = _first(getattr(self, pairs))
        return index.get(name.casefold())

    def location(self, line: int | None) -> SourceLocation | None:
        return SourceLocation(self.path, line) if self.path else None


T = TypeVar("T")


def _first(pairs: tuple[tuple[str, T], ...]) -> dict[str, T]:
    """Casefolded name -> the value of the first pair with that name (names match as DAX does)."""
    index: dict[str, T] = {}
    for name, value in pairs:
        index.setdefault(name.casefold(), value)
    return index
