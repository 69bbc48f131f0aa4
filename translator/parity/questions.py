"""The questions parity asks: for every seeded metric and toggle setting, its grand total, its
value per offered dimension and per month of its view's date column.

Each question is asked twice from one description: as a DAX query Power BI answers
(`translator.parity.daxquery`) and as the SQL the report builder would run (`resolve` for the
metric's expression, over the metric's view). Nothing here touches a file or a database.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from translator.catalog.rows import Catalog, DataSource, Dimension, ReportEntry
from translator.catalog.sources import view_columns
from translator.compile.translation import CompiledModel, Translation
from translator.diagnostics import codes
from translator.dialect import TARGET
from translator.model.semantic import Column, Table
from translator.resolve import ResolveError, resolve
from translator.verify.run import _closure, _translation, toggle_map

DIALECT = TARGET.name

TOTAL = "total"
MONTH = "month"
CLIENT_PLACEHOLDER = "{client_id}"
VALUE_KEY = "[value]"
MONTH_KEY = "[month]"
# executeQueries answers one query per call and at most 100,000 rows (1,000,000 values).
ROW_LIMIT = 100_000

# How a dimension's values are compared: the model column's type decides.
KINDS = {"string": "text", "int64": "number", "double": "number", "decimal": "number",
         "datetime": "date", "boolean": "boolean"}


@dataclass(frozen=True, slots=True)
class Filter:
    """A filter argument: `TREATAS({values}, 'table'[column])`."""

    table: str
    column: str
    values: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Grouping:
    """What a question groups by: a model column (`by` = column) or its month (`by` = month)."""

    table: str
    column: str
    by: str  # "column" | "month"
    kind: str  # text | number | date | boolean: how values are compared
    sql_column: str  # the view's column

    @property
    def key(self) -> str:
        """The column's key in an Execute Queries answer."""
        return MONTH_KEY if self.by == MONTH else f"{self.table}[{self.column}]"


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    metric_key: str
    toggles: tuple[tuple[str, str], ...]  # (toggle_key, option_key); () is nothing selected
    dimension: str | None  # a dimension key, "month:<date column>", or None for the total
    measure: str  # the DAX measure's name
    grouping: Grouping | None
    filters: tuple[Filter, ...]  # toggle options, then the client
    source_key: str
    view_pattern: str
    sql_value: str  # the metric's expression for these toggles, from resolve

    @property
    def variant(self) -> str:
        return ", ".join(f"{t}={o}" for t, o in self.toggles) or "default"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A question not asked, and why: listed in the manifest so nothing is dropped silently."""

    metric_key: str
    dimension: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class QuestionSet:
    questions: tuple[Question, ...]
    skipped: tuple[Skipped, ...]
    client_id: int | None
    numeric_column: tuple[str, str] | None = None  # a model column the probe's COUNTBLANK can read


def ask(catalog: Catalog, compiled: Sequence[CompiledModel], client_id: int | None = None) -> QuestionSet:
    """Every question for every active metric of the catalog, in metric-key order."""
    toggles = toggle_map(catalog)
    models = {c.export: c for c in compiled}
    owners = {e.metric_key: e for e in catalog.report if e.placement == "metric" and e.metric_key}
    dimensions = {d.dimension_key: d for d in catalog.dimensions}
    offered: dict[str, list[Dimension]] = {}
    for link in catalog.data_source_dimensions:
        if (dimension := dimensions.get(link.dimension_key)) is not None:
            offered.setdefault(link.source_key, []).append(dimension)
    linked = {(link.metric_key, link.source_key) for link in catalog.data_source_metrics}

    questions: list[Question] = []
    skipped: list[Skipped] = []
    for metric in sorted(catalog.metrics, key=lambda m: m.metric_key):
        entry = owners.get(metric.metric_key)
        model = models.get(entry.export) if entry is not None else None
        if entry is None or model is None:
            skipped.append(Skipped(metric.metric_key, None, "no measure behind this metric"))
            continue
        translation = _translation(model, entry)
        home = _home(catalog, model, entry, translation)
        if home is None:
            skipped.append(Skipped(metric.metric_key, None, "the measure's table is not a data source"))
            continue
        table, source = home
        if (metric.metric_key, source.source_key) in linked:
            groupings, left_out = _groupings(table, source, offered.get(source.source_key, ()), entry,
                                             translation)
        else:
            # e.g. SQL from the mapping file over another view: the grand total still compares
            elsewhere = sorted(s for m, s in linked if m == metric.metric_key)
            source = next((_source(catalog, model, key) for key in elsewhere if _source(catalog, model, key)), None)
            if source is None:
                skipped.append(Skipped(metric.metric_key, None, "linked to no view of its model"))
                continue
            groupings, left_out = [], [(None, f"by dimension: the metric runs on {source.source_key}, "
                                         f"not on {table.name}, the table of its measure")]
        skipped += [Skipped(metric.metric_key, d, why) for d, why in left_out]
        client = _client_filter(table, source, client_id)
        for setting in _settings(catalog, metric.metric_key, translation, entry.export, toggles):
            try:
                sql_value = resolve(catalog, metric.metric_key, dict(setting))
            except ResolveError as err:
                skipped.append(Skipped(metric.metric_key, None, f"resolve: {err}"))
                continue
            filters = tuple(
                Filter(*toggles.columns[t], (_typed(model, *toggles.columns[t], toggles.values[(t, o)]),))
                for t, o in setting
            ) + client
            for dimension, grouping in ((None, None), *groupings):
                questions.append(Question(
                    id=_question_id(metric.metric_key, setting, dimension),
                    metric_key=metric.metric_key, toggles=setting, dimension=dimension,
                    measure=entry.measure, grouping=grouping, filters=filters,
                    source_key=source.source_key, view_pattern=source.view_pattern,
                    sql_value=sql_value,
                ))
    return QuestionSet(tuple(questions), tuple(skipped), client_id, _numeric_column(catalog, compiled))


def _model_sources(catalog: Catalog, model: CompiledModel) -> list[tuple[Table, DataSource]]:
    """The catalog's data sources made from this model's tables (DataSource.tables), in the
    model's table order."""
    position = {t.name: n for n, t in enumerate(model.model.tables)}
    found = [(table, source) for source in catalog.data_sources for export, name in source.tables
             if export == model.export and (table := model.model.table(name)) is not None]
    return sorted(found, key=lambda pair: position[pair[0].name])


def _numeric_column(catalog: Catalog, compiled: Sequence[CompiledModel]) -> tuple[str, str] | None:
    for model in compiled:
        for table, _ in _model_sources(catalog, model):
            for column in view_columns(table):
                if KINDS.get(column.data_type.casefold()) == "number":
                    return table.name, column.name
    return None


def _home(catalog: Catalog, model: CompiledModel, entry: ReportEntry,
          translation: Translation | None) -> tuple[Table, DataSource] | None:
    """The table whose rows the measure reads, and the data source (view) made from it."""
    name = translation.fact_table if translation is not None and translation.fact_table else entry.table
    return next(((table, source) for table, source in _model_sources(catalog, model)
                 if table.name.casefold() == name.casefold()), None)


def _source(catalog: Catalog, model: CompiledModel, source_key: str) -> DataSource | None:
    return next((source for _, source in _model_sources(catalog, model) if source.source_key == source_key), None)


def _groupings(table: Table, source: DataSource, dimensions: Sequence[Dimension], entry: ReportEntry,
               translation: Translation | None) -> tuple[list[tuple[str, Grouping]], list[tuple[str, str]]]:
    """(dimension label, grouping) for each offered dimension the question can ask about, then the
    date column by month; and (dimension label, reason) for those it leaves out."""
    overridden = {c.casefold() for c in entry.overridden_columns}
    if translation is not None:
        overridden |= {c.casefold() for c in translation.overridden_columns}
    chosen: list[tuple[str, Grouping]] = []
    left_out: list[tuple[str, str]] = []
    for dimension in sorted(dimensions, key=lambda d: d.dimension_key):
        column = _dimension_column(table, dimension)
        if column is None:
            left_out.append((dimension.dimension_key, "its column is not a column of the measure's table"))
        elif dimension.filter_type == "search":
            left_out.append((dimension.dimension_key, "a search dimension (about one group per row): "
                             f"its answer can pass executeQueries' {ROW_LIMIT:,} rows"))
        elif column.name.casefold() in overridden:
            left_out.append((dimension.dimension_key, "the measure's CALCULATE replaces filters on this "
                             f"column: grouping by it is where the SQL and DAX part ({codes.CAT332})"))
        else:
            kind = KINDS.get(column.data_type.casefold(), "text")
            chosen.append((dimension.dimension_key, Grouping(table.name, column.name, "column", kind, column.name)))
    date = table.column(source.date_column) if source.date_column else None
    if date is not None:
        label = f"{MONTH}:{date.name}"
        if date.data_type.casefold() != "datetime":
            left_out.append((label, "the date column is not a date"))
        elif date.name.casefold() in overridden:
            left_out.append((label, "the measure's CALCULATE replaces filters on the date column"))
        else:
            chosen.append((label, Grouping(table.name, date.name, MONTH, "date", date.name)))
    return chosen, left_out


def _dimension_column(table: Table, dimension: Dimension) -> Column | None:
    """The model column a dimension groups by: its column expression on the view (for a lookup
    dimension, the key column the view holds)."""
    try:
        tree = TARGET.parse(dimension.column_expression)
    except sqlglot.ParseError:
        return None
    if not isinstance(tree, exp.Column):
        return None
    return table.column(tree.name)


def _typed(model: CompiledModel, table: str, column: str, value: str) -> object:
    """An option as the slicer column holds it: a number for a numeric column (a what-if
    parameter), since TREATAS does not convert text to numbers."""
    found = model.model.table(table)
    kind = found.column(column).data_type.casefold() if found and found.column(column) else "string"
    try:
        if kind == "int64":
            return int(float(value))
        if kind in ("double", "decimal"):
            number = float(value)
            return int(number) if number.is_integer() else number
    except ValueError:
        pass
    return value


def _client_filter(table: Table, source: DataSource, client_id: int | None) -> tuple[Filter, ...]:
    column = table.column(source.client_id_column)
    if client_id is None or column is None:
        return ()
    return (Filter(table.name, column.name, (client_id,)),)


def _settings(catalog: Catalog, metric_key: str, translation: Translation | None, export: str,
              toggles) -> list[tuple[tuple[str, str], ...]]:
    """Nothing selected, then each option of each toggle the metric depends on, one at a time:
    those it or a component has variants for, and those its DAX reads."""
    closure = _closure(catalog, metric_key)
    keys = {v.toggle_key for v in catalog.variants if v.metric_key in closure}
    if translation is not None:
        keys |= {k for t in translation.toggles
                 if (k := toggles.keys_by_table.get((export, t.casefold()))) is not None}
    options = sorted(
        (option.toggle_key, option.option_key) for option in catalog.toggle_options
        if option.toggle_key in keys and (option.toggle_key, option.option_key) in toggles.values
    )
    return [(), *(((t, o),) for t, o in options)]


def _question_id(metric_key: str, setting: tuple[tuple[str, str], ...], dimension: str | None) -> str:
    toggles = "-".join(itertools.chain.from_iterable(setting)) or "default"
    by = TOTAL if dimension is None else dimension.replace(":", "-")
    return re.sub(r"[^A-Za-z0-9_.-]", "_", f"{metric_key}.{toggles}.{by}")
