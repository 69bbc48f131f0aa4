"""The verify run: one Check per (metric, source, toggle setting)."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import psycopg
import sqlglot
from sqlglot import exp

from translator.catalog.rows import Catalog, DataSource, ReportEntry
from translator.catalog.links import offered_columns
from translator.catalog.sources import CLIENT_ID_COLUMN, view_columns
from translator.compile.translation import CompiledModel, Status, Translation
from translator.dax.model import ParsedModel
from translator.diagnostics import InputError, SourceLocation, report
from translator.diagnostics import codes
from translator.emit import SCHEMA_FILE, SEED_FILE
from translator.model.mapping import LookupColumn, Mapping as MappingFile, lookup_problem
from translator.model.semantic import Cardinality, Column, TableKind
from translator.model.semantics import Semantics
from translator.reference import prepare
from translator.reference.data import Data
from translator.resolve import ResolveError, resolve
from translator.verify.database import DIALECT, apply_files, create_view_table, load_catalog, view_table
from translator.verify.engine import AGREE, DISAGREE, SQL_ERROR, UNVERIFIED, Cell, Outcome, cells, check_cells
from translator.verify.sample import column_text_values, dax_text_values, sample_frame, unique_keys
from translator.verify.target import scratch_connection

CLIENT_ID = 1
CANNOT_VERIFY = codes.CLI604
CANNOT_LOAD = codes.CLI610  # the schema / seed / sample tables fail on the --dsn scratch database


@dataclass(frozen=True, slots=True)
class Check:
    """One metric on one source at one toggle setting, over every cell the query engine can ask
    for there (engine.cells): its status is the worst cell's."""

    metric_key: str
    source_key: str
    toggles: tuple[tuple[str, str], ...]  # (toggle_key, option_key); () is the default
    status: str  # agree | disagree | sql_error | unverified
    detail: str = ""
    group_by: str | None = None  # the first grouped cell's column (for the table)
    groups: int = 0
    nonblank: int = 0  # groups where the SQL gave a value (not NULL): the check is not vacuous
    cells: tuple[tuple[str, int], ...] = ()  # cell status -> how many cells

    @property
    def ok(self) -> bool:
        return self.status in (AGREE, UNVERIFIED)

    @property
    def toggle_label(self) -> str:
        return ", ".join(f"{t}={o}" for t, o in self.toggles) or "default"


@dataclass(frozen=True, slots=True)
class VerifyResult:
    checks: tuple[Check, ...]

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)

    def counts(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for c in self.checks:
            counted[c.status] = counted.get(c.status, 0) + 1
        return dict(sorted(counted.items()))

    def cell_counts(self) -> dict[str, int]:
        """Cells (one query of the engine each) by status: agree, disagree, sql_error, unverified."""
        counted: Counter[str] = Counter()
        for c in self.checks:
            counted.update(dict(c.cells))
        return dict(sorted(counted.items()))

    def to_json(self) -> dict[str, object]:
        return {
            "counts": self.counts(),
            "cells": self.cell_counts(),
            "checks": [
                {"metric_key": c.metric_key, "source_key": c.source_key, "toggles": dict(c.toggles),
                 "status": c.status, "detail": c.detail, "group_by": c.group_by, "groups": c.groups,
                 "nonblank": c.nonblank, "cells": dict(c.cells)}
                for c in self.checks
            ],
        }


@dataclass(frozen=True, slots=True)
class Source:
    row: DataSource
    columns: tuple[Column, ...]  # the view's columns, model spelling of the first export
    frame: pd.DataFrame
    tables: dict[str, str]  # export -> the model table behind the view


@dataclass(frozen=True, slots=True)
class Toggles:
    """Catalog toggle keys back to the model: key -> (slicer table, column), option -> value."""

    columns: dict[str, tuple[str, str]]
    values: dict[tuple[str, str], str]
    keys_by_table: dict[tuple[str, str], str]  # (export, folded table) -> toggle_key


@dataclass(frozen=True, slots=True)
class World:
    """One generated world: every model table's rows; a view holds its table's rows."""

    frames: dict[str, dict[str, pd.DataFrame]]  # export -> model table name -> rows
    sources: dict[str, Source]


def verify(dsn: str | None, exports: Path, rows: int = 200, seed: int = 0,
           overwrite: bool = False) -> VerifyResult:
    """Verify on a throwaway server (dsn None) or on the empty / scratch database at dsn; nothing
    verify writes stays (target.py)."""
    from translator.pipeline import plan

    # The database first: a refused or unreachable one costs no build.
    with scratch_connection(dsn, overwrite) as conn:
        planned = plan(exports)
        if not planned.ok:
            raise InputError(report(CANNOT_VERIFY, "the build stops with errors, so there is nothing to "
                                    "verify: run `translator build` to see them", SourceLocation(str(exports))))
        mapping = planned.mapping_file
        world = generate_world(planned.catalog, planned.compiled, planned.parsed, mapping, rows, seed)
        toggles = toggle_map(planned.catalog)
        try:
            apply_files(conn, planned.files[SCHEMA_FILE], planned.files[SEED_FILE])
            load_views(conn, world)
        except psycopg.Error as err:
            raise InputError(report(CANNOT_LOAD, "the schema, the seed or the sample tables do not load "
                                    f"into this database: {' '.join(str(err).split())}",
                                    SourceLocation(str(exports)))) from None
        catalog = load_catalog(conn)
        checks = check_catalog(conn, catalog, planned.catalog, planned.compiled, planned.parsed, world,
                               toggles, mapping)
    return VerifyResult(tuple(checks))


def generate_world(catalog: Catalog, compiled: Sequence[CompiledModel], parsed: Sequence[ParsedModel],
                   mapping: MappingFile, rows: int, seed: int) -> World:
    """Rows for every imported table of every model, and each data source's view from its table
    (the catalog's data sources name the model tables behind them: `DataSource.tables`).

    A table's rows depend on its view (or name) and the seed only, so the same view read by two
    exports holds the same rows. Keys on the one side of a relationship are unique (as Power BI
    requires) and drawn from the values the many side uses. Tables the mapping declares equivalent
    (`[sources."<t>"] equivalent_sources`) hold the same rows in the columns they share. Along a
    relationship a source's declared lookup columns follow (`lookup_columns`), the source's keys
    mostly match a row of the lookup table, some match none and some are BLANK, and the declared
    column of the lookup table is BLANK in one of the matched rows (docs/semantics.md, "Lookup
    columns"), so the view's lookup columns hold values, NULLs of the blank row and blanks.
    """
    texts = sorted({v for p in parsed for v in dax_text_values(p)})
    frames: dict[str, dict[str, pd.DataFrame]] = {}
    for model, parsed_model in zip(compiled, parsed, strict=True):
        chosen = {table.casefold(): source for source in catalog.data_sources
                  for export, table in source.tables if export == model.export}
        toggle_tables = {t.table.casefold(): t for t in model.toggles}
        one_side = {(t.casefold(), c.casefold()) for r in model.model.relationships for t, c in r.ends(Cardinality.ONE)}
        tables: dict[str, pd.DataFrame] = {}
        for table in model.model.tables:
            folded = table.name.casefold()
            if folded in toggle_tables:
                if table.expression is None:  # an imported slicer table: its options
                    toggle = toggle_tables[folded]
                    tables[table.name] = pd.DataFrame({toggle.column: list(toggle.options)}, dtype=object)
                continue
            if table.kind is not TableKind.DATA:
                continue  # calculated tables come from their DAX (the reference builds them)
            row = chosen.get(folded)
            rng = random.Random(f"{seed}:{row.source_key if row else folded}")
            columns = view_columns(table)
            frame = sample_frame(columns, rows, rng, texts, {CLIENT_ID_COLUMN: CLIENT_ID})
            for column in columns:
                if (folded, column.name.casefold()) in one_side:
                    frame[column.name] = unique_keys(column, len(frame))
            tables[table.name] = frame
        _relate_lookups(model, parsed_model, tables, mapping, seed)
        _share_equivalent_rows(tables, mapping)
        frames[model.export] = tables
    return world_of(catalog, compiled, mapping, frames)


def _declared_lookups(model: CompiledModel, mapping: MappingFile) -> list[tuple[str, LookupColumn, tuple[str, str]]]:
    """(source table, declaration, (its key column, the lookup table's key column)) for each
    lookup column the compiler reads for this model (lookup_problem is None)."""
    found = []
    for name, override in mapping.sources:
        for lc in override.lookup_columns:
            if lookup_problem(model.model, name, lc) is None:
                keys = model.model.lookup_relationship(name, lc.table)
                if keys is not None:
                    found.append((model.model.table(name).name, lc, keys))  # type: ignore[union-attr]
    return found


def _relate_lookups(model: CompiledModel, parsed: ParsedModel, tables: dict[str, pd.DataFrame], mapping: MappingFile,
                    seed: int) -> None:
    by_name = {name.casefold(): name for name in tables}
    for fact, lc, (fact_key, lookup_key) in _declared_lookups(model, mapping):
        fact_name, lookup_name = by_name.get(fact.casefold()), by_name.get(lc.table.casefold())
        if fact_name is None or lookup_name is None:
            continue
        facts, lookups = tables[fact_name], tables[lookup_name]
        fact_column = _frame_column(facts, fact_key)
        lookup_column, declared = _frame_column(lookups, lookup_key), _frame_column(lookups, lc.column)
        if fact_column is None or lookup_column is None or declared is None or len(lookups) < 2:
            continue
        # the rows the facts match: the text values the measures compare the column with (in
        # turn), one BLANK, the others as generated
        text = model.model.table(lc.table).column(lc.column).data_type.casefold() == "string"  # type: ignore[union-attr]
        compared = column_text_values(parsed, lc.table, lc.column) if text else ()
        matched = min(len(lookups), max(4, len(compared) + 2))
        for i, value in enumerate(compared):
            lookups.at[i + 2 if i + 2 < matched else 0, declared] = value
        lookups.at[1, declared] = None  # a matched row whose lookup value is BLANK
        keys = [k for k in lookups[lookup_column].tolist()[:matched] if k is not None]
        if not keys:
            continue
        unmatched = _unmatched_key(keys[0], set(lookups[lookup_column].tolist()))
        rng = random.Random(f"{seed}:{fact_name}:{lc.name}")
        facts[fact_column] = pd.Series([None if v is None else (unmatched if rng.random() < 0.1 else rng.choice(keys))
                                        for v in facts[fact_column].tolist()], index=facts.index, dtype=object)


def _frame_column(frame: pd.DataFrame, name: str) -> str | None:
    return next((str(c) for c in frame.columns if str(c).casefold() == name.casefold()), None)


def _unmatched_key(like: object, taken: set[object]) -> object:
    """A key of the same type as `like` that no row of the lookup table has."""
    n = 1000
    while True:
        candidate = (str(like) + f" unmatched {n}") if isinstance(like, str) else type(like)(n) if isinstance(
            like, (int, float)) else None
        if candidate is None or candidate not in taken:
            return candidate
        n += 1


def world_of(catalog: Catalog, compiled: Sequence[CompiledModel], mapping: MappingFile,
             frames: Mapping[str, Mapping[str, pd.DataFrame]]) -> World:
    """The world of these model tables' rows (export -> table -> rows): each data source's view
    holds its table's rows (the first export's, with the other exports' extra columns blank) and
    the lookup columns the mapping declares it carries. The data sources are the catalog's: each
    names the model tables behind it (`DataSource.tables`)."""
    models = {c.export: c.model for c in compiled}
    carried = _carried_columns(catalog, compiled, mapping, frames)
    views = {}
    for row in sorted(catalog.data_sources, key=lambda s: s.source_key):
        columns: list[Column] = []
        tables_by_export: dict[str, str] = {}
        for export, name in row.tables:
            table = models[export].table(name)
            assert table is not None, (export, name)  # the catalog made the row from this model
            known = {c.name.casefold() for c in columns}
            columns.extend(c for c in view_columns(table) if c.name.casefold() not in known)
            tables_by_export[export] = table.name
        if not tables_by_export:
            continue
        export, name = row.tables[0]
        frame = frames[export][tables_by_export[export]]
        by_name = {str(c).casefold(): c for c in frame.columns}
        data = {c.name: (frame[by_name[c.name.casefold()]] if c.name.casefold() in by_name
                         else pd.Series([None] * len(frame), dtype=object)) for c in columns}
        for column, values in carried.get(row.source_key, []):
            if column.name.casefold() not in {c.name.casefold() for c in columns}:
                columns.append(column)
                data[column.name] = values
        views[row.source_key] = Source(row, tuple(columns), pd.DataFrame(data, dtype=object), tables_by_export)
    return World({export: dict(tables) for export, tables in frames.items()}, views)


def _carried_columns(catalog: Catalog, compiled: Sequence[CompiledModel], mapping: MappingFile,
                     frames: Mapping[str, Mapping[str, pd.DataFrame]]) -> dict[str, list[tuple[Column, list[object]]]]:
    """source_key -> the declared lookup columns its view carries, each with its values: the
    related row's value (keys match as the model matches them: text ignoring case), NULL where
    the key matches no row, as the view's LEFT JOIN gives them."""
    found: dict[str, list[tuple[Column, list[object]]]] = {}
    source_of = {(export, table.casefold()): source.source_key
                 for source in catalog.data_sources for export, table in source.tables}
    for model in compiled:
        tables = {name.casefold(): frame for name, frame in frames[model.export].items()}
        for fact, lc, (fact_key, lookup_key) in _declared_lookups(model, mapping):
            facts, lookups = tables.get(fact.casefold()), tables.get(lc.table.casefold())
            column = model.model.table(lc.table).column(lc.column)  # type: ignore[union-attr]
            if facts is None or lookups is None or column is None:
                continue
            fact_column, lookup_column = _frame_column(facts, fact_key), _frame_column(lookups, lookup_key)
            declared = _frame_column(lookups, lc.column)
            if fact_column is None or lookup_column is None or declared is None:
                continue
            related = {}
            for k, v in zip(lookups[lookup_column].tolist(), lookups[declared].tolist()):
                if k is not None:
                    related.setdefault(_folded(k), v)
            values = [None if k is None else related.get(_folded(k)) for k in facts[fact_column].tolist()]
            source_key = source_of.get((model.export, fact.casefold()))
            if source_key is not None:
                found.setdefault(source_key, []).append((replace(column, name=lc.view_column, is_hidden=False), values))
    return found


def _folded(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def load_views(conn: psycopg.Connection, world: World) -> None:
    """Each data source's view, as a table holding the world's rows for the one client."""
    for source in world.sources.values():
        create_view_table(conn, view_table(source.row.view_pattern, CLIENT_ID), source.columns, source.frame)


def _share_equivalent_rows(tables: dict[str, pd.DataFrame], mapping: MappingFile) -> None:
    by_name = {name.casefold(): name for name in tables}
    for table, override in mapping.sources:
        first = by_name.get(table.casefold())
        for other in override.equivalent_sources:
            second = by_name.get(other.casefold())
            if first is None or second is None:
                continue
            source, target = tables[first], tables[second]
            shared = {str(c).casefold(): c for c in source.columns}
            copied = pd.DataFrame({c: (source[shared[str(c).casefold()]] if str(c).casefold() in shared
                                       else target[c].reindex(range(len(source)))) for c in target.columns},
                                  dtype=object)
            tables[second] = copied


def toggle_map(catalog: Catalog) -> Toggles:
    """The catalog's toggles back to the model columns and values they select (what the catalog
    recorded making them: MetricToggle.model_columns, MetricToggleOption.value)."""
    columns: dict[str, tuple[str, str]] = {}
    keys_by_table: dict[tuple[str, str], str] = {}
    for toggle in catalog.toggles:
        for export, table, column in toggle.model_columns:
            columns.setdefault(toggle.toggle_key, (table, column))
            keys_by_table[(export, table.casefold())] = toggle.toggle_key
    values = {(o.toggle_key, o.option_key): o.value for o in catalog.toggle_options if o.value is not None}
    return Toggles(columns, values, keys_by_table)


def check_catalog(conn: psycopg.Connection, catalog: Catalog, built: Catalog, compiled: Sequence[CompiledModel],
            parsed: Sequence[ParsedModel], world: World, toggles: Toggles, mapping: MappingFile) -> list[Check]:
    """`catalog`: what the database holds (metrics, variants, links); `built`: the build's own
    catalog, for the report entries and the dimensions offered on each source."""
    owners = {e.metric_key: e for e in built.report if e.placement == "metric" and e.metric_key}
    models = {c.export: (c, p) for c, p in zip(compiled, parsed)}
    offered = offered_columns(built.dimensions, built.data_source_dimensions)
    linked: dict[str, list[str]] = {}
    for link in catalog.data_source_metrics:
        linked.setdefault(link.metric_key, []).append(link.source_key)
    checks = []
    prepared: dict[str, Data] = {}
    for metric in catalog.metrics:
        entry = owners.get(metric.metric_key)
        for source_key in sorted(linked.get(metric.metric_key, ())):
            source = world.sources.get(source_key)
            table = source.tables.get(entry.export) if source is not None and entry is not None else None
            if entry is None or table is None or entry.export not in models:
                checks.append(Check(metric.metric_key, source_key, (), UNVERIFIED,
                                    "no measure or generated rows behind this metric on this source",
                                    cells=((UNVERIFIED, 1),)))
                continue
            model, parsed_model = models[entry.export]
            translation = _translation(model, entry)
            declared = mapping.metric(entry.measure)
            if declared is not None and any(t.casefold() == table.casefold() for t in declared.equivalent_sources):
                checks.append(Check(metric.metric_key, source_key, (), UNVERIFIED,
                                    f"the mapping declares '{table}' equivalent for this metric: a claim about "
                                    "the real rows that generated rows cannot check", cells=((UNVERIFIED, 1),)))
                continue
            dimensions = [_model_column(source, c) for c in offered.get(source_key, {})]
            shapes = cells([d for d in dimensions if d is not None], source.row.date_column, source.frame)
            if entry.export not in prepared:
                prepared[entry.export] = prepare(world.frames[entry.export], parsed_model)
            # An accepted approximation differs where it was accepted to: on the dimensions its
            # CALCULATE overrides (CAT332) and, for ALL read as a window, under the report's filters.
            approximate = {c.casefold() for c in entry.overridden_columns} if entry.accepted else set()
            if entry.accepted and translation is not None:  # a lookup dimension shows an overridden lookup column
                approximate |= {key.casefold() for key, _ in translation.overridden_lookups}
            window = entry.accepted and translation is not None and translation.status is Status.APPROXIMATE
            for setting in _settings(catalog, metric.metric_key, translation, entry.export, toggles):
                checks.append(_check(conn, catalog, metric.metric_key, source, table, setting, parsed_model,
                                     prepared[entry.export], entry, shapes, toggles, approximate, window,
                                     mapping.semantics))
    return checks


def _model_column(source: Source, folded: str) -> str | None:
    return next((c.name for c in source.columns if c.name.casefold() == folded), None)


def _translation(model: CompiledModel, entry: ReportEntry) -> Translation | None:
    return next((t for t in model.translations
                 if t.measure.name.casefold() == entry.measure.casefold()
                 and t.measure.table.casefold() == entry.table.casefold()), None)


def _settings(catalog: Catalog, metric_key: str, translation: Translation | None, export: str,
              toggles: Toggles) -> list[tuple[tuple[str, str], ...]]:
    """Nothing selected, then every combination of options (defaults included) of the toggles
    the metric depends on: those it or a component has variants for, and those its DAX reads."""
    keys = {v.toggle_key for v in catalog.variants if v.metric_key in _closure(catalog, metric_key)}
    if translation is not None:
        keys |= {k for t in translation.toggles
                 if (k := toggles.keys_by_table.get((export, t.casefold()))) is not None}
    options: dict[str, list[str]] = {}
    for option in catalog.toggle_options:
        if option.toggle_key in keys and (option.toggle_key, option.option_key) in toggles.values:
            options.setdefault(option.toggle_key, []).append(option.option_key)
    chosen = sorted(options)
    if not chosen:
        return [()]
    combinations = itertools.product(*(options[k] for k in chosen))
    return [(), *(tuple(zip(chosen, combination)) for combination in combinations)]


def _closure(catalog: Catalog, metric_key: str) -> set[str]:
    by_key = {m.metric_key: m for m in catalog.metrics}
    seen: set[str] = set()
    todo = [metric_key]
    while todo:
        key = todo.pop()
        if key in seen or key not in by_key:
            continue
        seen.add(key)
        formula = by_key[key].derived_formula
        if by_key[key].is_derived and formula:
            todo += [c.name for c in sqlglot.parse_one(formula, dialect=DIALECT).find_all(exp.Column)]
    return seen


def _check(conn: psycopg.Connection, catalog: Catalog, metric_key: str, source: Source, table: str,
           setting: tuple[tuple[str, str], ...], parsed: ParsedModel, frames: Data,
           entry: ReportEntry, shapes: Sequence[Cell], toggles: Toggles, approximate: set[str],
           window: bool, semantics: Semantics) -> Check:
    def result(status: str, detail: str, outcomes: Sequence[Outcome] = ()) -> Check:
        grouped = next((o for o in outcomes if o.cell.group_by), None)
        counted = Counter(o.status for o in outcomes) or Counter({status: 1})
        return Check(metric_key, source.row.source_key, setting, status, detail,
                     grouped.cell.group_by[0] if grouped else None, sum(o.groups for o in outcomes),
                     sum(o.nonblank for o in outcomes), tuple(sorted(counted.items())))

    try:
        sql = resolve(catalog, metric_key, dict(setting))
    except ResolveError as err:
        return result(DISAGREE, f"resolve: {err}")
    slicers = {toggles.columns[toggle_key]: toggles.values[(toggle_key, option_key)]
               for toggle_key, option_key in setting}
    view = view_table(source.row.view_pattern, CLIENT_ID)
    parsed_sql = sqlglot.parse_one(sql, dialect=DIALECT)
    text_columns = {c.name.casefold() for c in source.columns if c.data_type.casefold() == "string"}
    skipped = [cell for cell in shapes if cell.columns & approximate or (window and cell.where)]
    outcomes = [Outcome(cell, UNVERIFIED, f"{cell.label}: an accepted approximation differs here by design "
                        "(CAT332 override, or ALL read as a window over filtered rows)") for cell in skipped]
    outcomes += check_cells(conn, parsed_sql, view, text_columns, parsed, entry.measure, frames, table,
                            [cell for cell in shapes if cell not in skipped], slicers, semantics)
    for status in (DISAGREE, SQL_ERROR, AGREE, UNVERIFIED):
        found = [o for o in outcomes if o.status == status]
        if found:
            detail = found[0].detail if status != AGREE else ""
            more = f" (+{len(found) - 1} more cells)" if len(found) > 1 and status in (DISAGREE, SQL_ERROR) else ""
            return result(status, detail + more, outcomes)
    return result(UNVERIFIED, "no cells", outcomes)
