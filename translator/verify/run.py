"""The verify run: one Check per (metric, source, toggle setting)."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import psycopg
import sqlglot
from sqlglot import exp

from translator.catalog.rows import Catalog, DataSource, ReportEntry
from translator.catalog.sources import build_source, source_tables, view_columns
from translator.catalog.toggles import build_toggles
from translator.compile.translation import CompiledModel, Translation
from translator.dax.model import ParsedModel
from translator.diagnostics import InputError, SourceLocation, error
from translator.diagnostics import codes
from translator.emit import SCHEMA_FILE, SEED_FILE
from translator.model.mapping import Mapping as MappingFile
from translator.readers.mapping import load_mapping
from translator.model.semantic import Column, Table
from translator.reference import EvaluationError, evaluate_measure
from translator.resolve import ResolveError, resolve
from translator.verify.database import DIALECT, apply_files, create_view_table, load_catalog, view_table
from translator.verify.sample import dax_text_values, sample_frame

AGREE, DISAGREE, SQL_ERROR, UNVERIFIED = "agree", "disagree", "sql_error", "unverified"
CLIENT_ID = 1
CANNOT_VERIFY = codes.CLI604


@dataclass(frozen=True, slots=True)
class Check:
    metric_key: str
    source_key: str
    toggles: tuple[tuple[str, str], ...]  # (toggle_key, option_key); () is the default
    status: str  # agree | disagree | sql_error | unverified
    detail: str = ""
    group_by: str | None = None
    groups: int = 0
    nonblank: int = 0  # groups where the SQL gave a value (not NULL): the check is not vacuous

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

    def to_json(self) -> dict[str, object]:
        return {
            "counts": self.counts(),
            "checks": [
                {"metric_key": c.metric_key, "source_key": c.source_key, "toggles": dict(c.toggles),
                 "status": c.status, "detail": c.detail, "group_by": c.group_by, "groups": c.groups,
                 "nonblank": c.nonblank}
                for c in self.checks
            ],
        }


@dataclass(frozen=True, slots=True)
class _Source:
    row: DataSource
    columns: tuple[Column, ...]  # the view's columns, model spelling of the first export
    frame: pd.DataFrame


@dataclass(frozen=True, slots=True)
class _Toggles:
    """Catalog toggle keys back to the model: key -> (slicer table, column), option -> value."""

    columns: dict[str, tuple[str, str]]
    values: dict[tuple[str, str], str]
    keys_by_table: dict[tuple[str, str], str]  # (export, folded table) -> toggle_key


def verify(dsn: str, exports: Path, rows: int = 200, seed: int = 0) -> VerifyResult:
    from translator.pipeline import mapping_path, plan

    planned = plan(exports)
    if not planned.ok:
        raise InputError(error(CANNOT_VERIFY, "the build stops with errors, so there is nothing to "
                               "verify: run `translator build` to see them", SourceLocation(str(exports))))
    mapping = load_mapping(mapping_path(exports))
    sources = _sources(planned.compiled, planned.parsed, mapping, rows, seed)
    toggles = _toggles(planned.compiled, mapping)
    with psycopg.connect(dsn, autocommit=True) as conn:
        apply_files(conn, planned.files[SCHEMA_FILE], planned.files[SEED_FILE])
        for source in sources.values():
            create_view_table(conn, view_table(source.row.view_pattern, CLIENT_ID), source.columns, source.frame)
        catalog = load_catalog(conn)
        checks = _checks(conn, catalog, planned.catalog.report, planned.compiled, planned.parsed,
                         sources, toggles)
    return VerifyResult(tuple(checks))


def _sources(compiled: Sequence[CompiledModel], parsed: Sequence[ParsedModel], mapping: MappingFile,
             rows: int, seed: int) -> dict[str, _Source]:
    texts = sorted({v for p in parsed for v in dax_text_values(p)})
    found: dict[str, tuple[DataSource, list[Column]]] = {}
    for model in compiled:
        for table in source_tables(model, mapping):
            row = build_source(model.model, table, mapping)
            _, columns = found.setdefault(row.source_key, (row, []))
            known = {c.name.casefold() for c in columns}
            columns += [c for c in view_columns(table) if c.name.casefold() not in known]
    result = {}
    for key in sorted(found):
        row, columns = found[key]
        rng = random.Random(f"{seed}:{key}")
        frame = sample_frame(columns, rows, rng, texts, {row.client_id_column: CLIENT_ID})
        result[key] = _Source(row, tuple(columns), frame)
    return result


def _toggles(compiled: Sequence[CompiledModel], mapping: MappingFile) -> _Toggles:
    _, _, keys, _ = build_toggles(compiled, mapping)
    columns: dict[str, tuple[str, str]] = {}
    values: dict[tuple[str, str], str] = {}
    for model in compiled:
        for toggle in model.toggles:
            key = keys.toggle(model.export, toggle.table)
            if key is None:
                continue
            columns.setdefault(key, (toggle.table, toggle.column))
            for value in toggle.options:
                option = keys.option(key, value)
                if option is not None:
                    values.setdefault((key, option), value)
    return _Toggles(columns, values, dict(keys.toggles))


def _checks(conn: psycopg.Connection, catalog: Catalog, report: Sequence[ReportEntry],
            compiled: Sequence[CompiledModel], parsed: Sequence[ParsedModel],
            sources: Mapping[str, _Source], toggles: _Toggles) -> list[Check]:
    owners = {e.metric_key: e for e in report if e.placement == "metric" and e.metric_key}
    models = {c.export: (c, p) for c, p in zip(compiled, parsed)}
    linked: dict[str, list[str]] = {}
    for link in catalog.data_source_metrics:
        linked.setdefault(link.metric_key, []).append(link.source_key)
    checks = []
    for metric in catalog.metrics:
        entry = owners.get(metric.metric_key)
        for source_key in sorted(linked.get(metric.metric_key, ())):
            source = sources.get(source_key)
            if entry is None or source is None or entry.export not in models:
                checks.append(Check(metric.metric_key, source_key, (), UNVERIFIED,
                                    "no measure or sample rows behind this metric"))
                continue
            model, parsed_model = models[entry.export]
            translation = _translation(model, entry)
            for setting in _settings(catalog, metric.metric_key, translation, entry.export, toggles):
                checks.append(_check(conn, catalog, metric.metric_key, source, setting, parsed_model,
                                     entry, translation, toggles))
    return checks


def _translation(model: CompiledModel, entry: ReportEntry) -> Translation | None:
    return next((t for t in model.translations
                 if t.measure.name.casefold() == entry.measure.casefold()
                 and t.measure.table.casefold() == entry.table.casefold()), None)


def _settings(catalog: Catalog, metric_key: str, translation: Translation | None, export: str,
              toggles: _Toggles) -> list[tuple[tuple[str, str], ...]]:
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


def _check(conn: psycopg.Connection, catalog: Catalog, metric_key: str, source: _Source,
           setting: tuple[tuple[str, str], ...], parsed: ParsedModel, entry: ReportEntry,
           translation: Translation | None, toggles: _Toggles) -> Check:
    def result(status: str, detail: str = "", group_by: str | None = None, groups: int = 0,
               nonblank: int = 0) -> Check:
        return Check(metric_key, source.row.source_key, setting, status, detail, group_by, groups, nonblank)

    fact = translation.fact_table if translation is not None and translation.fact_table else entry.table
    fact_table = parsed.model.table(fact)
    if fact_table is None:
        return result(UNVERIFIED, f"the measure's table {fact!r} is not in the model")
    group = _group_column(source, fact_table, translation, entry)
    try:
        sql = resolve(catalog, metric_key, dict(setting))
    except ResolveError as err:
        return result(DISAGREE, f"resolve: {err}")
    try:
        actual = _run_sql(conn, sql, source, group)
    except psycopg.Error as err:
        return result(SQL_ERROR, " ".join(str(err).split())[:300], group)
    slicers = {}
    for toggle_key, option_key in setting:
        table, column = toggles.columns[toggle_key]
        slicers[f"'{table.replace(chr(39), chr(39) * 2)}'[{column}]"] = toggles.values[(toggle_key, option_key)]
    frame = _fact_frame(source, fact_table)
    group_by = (f"'{fact_table.name.replace(chr(39), chr(39) * 2)}'[{group}]",) if group else ()
    try:
        expected = evaluate_measure(parsed, entry.measure, {fact_table.name: frame}, group_by=group_by,
                                    slicers=slicers)
    except EvaluationError as err:
        return result(UNVERIFIED, f"reference: {err}", group)
    expected = {_group_key(k[0] if k else None): v for k, v in expected.items()}
    differences = [
        f"{g!r}: sql {actual.get(g)!r} != dax {expected.get(g)!r}"
        for g in sorted(set(actual) | set(expected), key=repr)
        if not _same(actual.get(g), expected.get(g))
    ]
    nonblank = sum(1 for v in actual.values() if v is not None)
    if differences:
        more = f" (+{len(differences) - 3} more)" if len(differences) > 3 else ""
        return result(DISAGREE, "; ".join(differences[:3]) + more, group, len(actual), nonblank)
    return result(AGREE, "", group, len(actual), nonblank)


def _group_column(source: _Source, fact_table: Table, translation: Translation | None,
                  entry: ReportEntry) -> str | None:
    """A text column of the view that the fact table has and the metric neither reads nor
    overrides (grouping by an overridden column is where the SQL and DAX legitimately part)."""
    used = {c.casefold() for c in entry.overridden_columns}
    if translation is not None:
        used |= {c.casefold() for c in (*translation.columns, *translation.overridden_columns)}
    for column in source.columns:
        name = column.name.casefold()
        if (column.data_type.casefold() == "string" and name not in used
                and name != source.row.client_id_column.casefold() and fact_table.column(column.name)):
            return fact_table.column(column.name).name
    return None


def _fact_frame(source: _Source, fact_table: Table) -> pd.DataFrame:
    """The source's rows under the fact table's name and column spelling."""
    by_name = {c.casefold(): c for c in source.frame.columns}
    data = {}
    for column in view_columns(fact_table):
        present = by_name.get(column.name.casefold())
        data[column.name] = source.frame[present] if present else pd.Series([None] * len(source.frame), dtype=object)
    return pd.DataFrame(data)


def _run_sql(conn: psycopg.Connection, sql: str, source: _Source, group: str | None) -> dict[object, object]:
    value = sqlglot.parse_one(sql, dialect=DIALECT)
    table = view_table(source.row.view_pattern, CLIENT_ID)
    if group is None:
        query = exp.select(exp.alias_(value, "v")).from_(table)
    else:
        # Power BI groups text ignoring case: so does the comparison.
        key = exp.Lower(this=exp.column(group, quoted=True))
        query = exp.select(exp.alias_(key, "g"), exp.alias_(value, "v")).from_(table).group_by(key.copy())
    with conn.transaction():
        rows = conn.execute(query.sql(dialect=DIALECT, unsupported_level=sqlglot.ErrorLevel.RAISE)).fetchall()
    if group is None:
        return {None: rows[0][0]} if rows else {}
    return {_group_key(g): v for g, v in rows}


def _group_key(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    try:
        x, y = float(a), float(b)  # Decimal, int and float alike
    except (TypeError, ValueError):
        return a.casefold() == b.casefold() if isinstance(a, str) and isinstance(b, str) else a == b
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
