"""The catalog's invariants: every problem the database would otherwise raise at apply time (or,
worse, accept) is found here, naming the measure behind the row.

- `measure_problems`: where a metric's rows are made (catalog/metrics.py), the values, the key and
  the SQL of that one measure's rows, the SQL checked on the compiler's own sqlglot trees. A
  problem costs that measure (it becomes untranslated with the diagnostics); the rest is built.
- `check_rows`: the values, keys and references of every row, and the data sources' and
  dimensions' SQL values (sql_fields.py), once the catalog is built. A
  problem here is a contract breach that no single measure owns: nothing is written.
- `check_catalog`: both, over a finished catalog whose SQL is text (hand-built catalogs, tests).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass

from sqlglot import exp

from translator.catalog.allowlist import Problem, check_sql, check_tree
from translator.catalog.sql_fields import dimension_columns, dimension_problems, source_problems
from translator.catalog.columns import (
    DATA_SOURCE_DIMENSIONS,
    DATA_SOURCE_METRICS,
    DATA_SOURCES,
    DIMENSIONS,
    INTEGER_MAX,
    INTEGER_MIN,
    METRIC_TOGGLE_OPTIONS,
    METRIC_VARIANTS,
    METRICS,
    REPORT_TEMPLATES,
    SEED_TABLES,
    Column,
    Kind,
    SeedTable,
)
from translator.catalog.rows import Catalog, Metric, MetricVariant
from translator.catalog.subjects import Subject, Subjects, row_subject
from translator.catalog.templates import layout_keys
from translator.diagnostics import Diagnostic, SourceLocation, codes, report

TOO_LONG = codes.EMT501
NUL = codes.EMT502
BAD_VALUE = codes.EMT503
DUPLICATE_KEY = codes.EMT504
MISSING_REFERENCE = codes.EMT505
NO_DATA_SOURCE = codes.EMT515


def rows(catalog: Catalog, table: SeedTable) -> tuple[object, ...]:
    return table.rows(catalog)


@dataclass(frozen=True, slots=True)
class MetricTrees:
    """The sqlglot trees behind one metric's SQL texts, as the catalog made them."""

    sql: exp.Expression | None = None  # None: check the text (parsed here)
    derived_formula: exp.Expression | None = None
    variants: tuple[exp.Expression | None, ...] = ()  # one per variant row, same order


def measure_problems(metric: Metric, variants: Sequence[MetricVariant], measure: str,
                     location: SourceLocation | None, allowed: frozenset[str] | None,
                     metric_keys: Set[str], trees: MetricTrees = MetricTrees()) -> list[Diagnostic]:
    """Everything wrong with one measure's metric row and its variant rows. `measure` names the
    measure (subjects.describe), `allowed` holds the columns every data source of the metric has
    (None: it has no data source), `metric_keys` the keys a derived formula may name."""
    subject = row_subject(METRICS, metric, measure, location)
    found = list(_value_problems(METRICS, metric, subject))
    for variant in variants:
        found += _value_problems(METRIC_VARIANTS, variant,
                                 row_subject(METRIC_VARIANTS, variant, measure, location))
    if found:
        return found
    found += _sql_diagnostics(metric.sql_expression, trees.sql, "sql_expression", allowed, subject)
    if metric.derived_formula is not None:
        # The contract: a derived formula ranges over other metrics' keys only (the compiler
        # inlines a measure that mixes components with its own aggregates).
        names = frozenset(metric_keys) - {metric.metric_key}
        problems = _sql_problems(metric.derived_formula, trees.derived_formula, names, "metric key")
        found += [_diagnostic(p.code, subject, f"derived_formula {p.message}") for p in problems]
    variant_trees = trees.variants or (None,) * len(variants)
    for variant, tree in zip(variants, variant_trees, strict=True):
        found += _sql_diagnostics(variant.sql_expression, tree, "sql_expression", allowed,
                                  row_subject(METRIC_VARIANTS, variant, measure, location))
    return found


def check_rows(catalog: Catalog) -> list[Diagnostic]:
    subjects = Subjects(catalog)
    return [
        *_check_values(catalog, subjects),
        *_check_keys(catalog, subjects),
        *_check_references(catalog, subjects),
        *_check_template_references(catalog, subjects),
        *_check_sql_fields(catalog, subjects),
    ]


def check_catalog(catalog: Catalog) -> list[Diagnostic]:
    subjects = Subjects(catalog)
    return [
        *_check_values(catalog, subjects),
        *_check_keys(catalog, subjects),
        *_check_references(catalog, subjects),
        *_check_template_references(catalog, subjects),
        *_check_sql(catalog, subjects),
        *_check_sql_fields(catalog, subjects),
    ]


def _diagnostic(code: str, subject: Subject, problem: str, *notes: str) -> Diagnostic:
    return report(code, f"{subject.text}: {problem}", subject.location, *notes)


_SHORTEN = ("set a shorter value in the mapping file (docs/mapping.md), e.g. "
            '[metrics."<measure name>"] key = "..." or display_name = "..."')


def value_problem(value: object, column: Column) -> tuple[str, str] | None:
    """(code, problem) when `value` cannot be stored in `column` exactly as it is."""
    if value is None:
        return None if column.nullable else (BAD_VALUE, f"{column.name} is missing")
    match column.kind:
        case Kind.TEXT:
            if not isinstance(value, str):
                return BAD_VALUE, f"{column.name} is {type(value).__name__}, not text"
            if "\x00" in value:
                return NUL, (f"{column.name} contains a NUL character at offset "
                             f"{value.index(chr(0))}; PostgreSQL text cannot hold it")
            if column.max_length is not None and len(value) > column.max_length:
                return TOO_LONG, (f"{column.name} is {len(value)} characters, longer than its "
                                  f"column VARCHAR({column.max_length})")
        case Kind.INTEGER:
            if isinstance(value, bool) or not isinstance(value, int):
                return BAD_VALUE, f"{column.name} is {type(value).__name__}, not an integer"
            if not INTEGER_MIN <= value <= INTEGER_MAX:
                return BAD_VALUE, f"{column.name} {value} is out of range for INTEGER"
        case Kind.BOOLEAN:
            if not isinstance(value, bool):
                return BAD_VALUE, f"{column.name} is {type(value).__name__}, not a boolean"
        case Kind.JSON:
            if not isinstance(value, str) or "\\u0000" in value or "\x00" in value:
                return BAD_VALUE, f"{column.name} is not JSON text PostgreSQL's jsonb can hold"
        case Kind.TEXT_ARRAY:
            if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
                return BAD_VALUE, f"{column.name} is {type(value).__name__}, not a tuple of text"
            for item in value:
                found = value_problem(item, Column(column.name, Kind.TEXT, column.max_length))
                if found is not None:
                    return found
    return None


def _value_problems(table: SeedTable, row: object, subject: Subject) -> Iterator[Diagnostic]:
    for column in table.columns:
        found = value_problem(getattr(row, column.name), column)
        if found is not None:
            notes = (_SHORTEN,) if found[0] == TOO_LONG else ()
            yield _diagnostic(found[0], subject, found[1], *notes)


def _check_values(catalog: Catalog, subjects: Subjects) -> Iterator[Diagnostic]:
    for table in SEED_TABLES:
        for row in table.rows(catalog):
            yield from _value_problems(table, row, subjects.row(table, row))


def _natural_key(table: SeedTable, row: object) -> tuple[object, ...]:
    return tuple(getattr(row, name) for name in table.key)


def _check_keys(catalog: Catalog, subjects: Subjects) -> Iterator[Diagnostic]:
    for table in SEED_TABLES:
        counts = Counter(_natural_key(table, row) for row in table.rows(catalog))
        reported: set[tuple[object, ...]] = set()
        for row in table.rows(catalog):
            key = _natural_key(table, row)
            if counts[key] > 1 and key not in reported:
                reported.add(key)
                yield _diagnostic(DUPLICATE_KEY, subjects.row(table, row),
                                  f"appears {counts[key]} times in {table.name}; its key "
                                  f"({', '.join(table.key)}) must be unique")


def _check_references(catalog: Catalog, subjects: Subjects) -> Iterator[Diagnostic]:
    known = {
        "source_key": {s.source_key for s in catalog.data_sources},
        "metric_key": {m.metric_key for m in catalog.metrics},
        "dimension_key": {d.dimension_key for d in catalog.dimensions},
        "toggle_key": {t.toggle_key for t in catalog.toggles},
    }
    options = {(o.toggle_key, o.option_key) for o in catalog.toggle_options}
    referring = (METRIC_TOGGLE_OPTIONS, METRIC_VARIANTS, DATA_SOURCE_METRICS,
                 DATA_SOURCE_DIMENSIONS)
    for table in referring:
        for row in table.rows(catalog):
            for name in table.key:
                value = getattr(row, name)
                if name in known and value not in known[name]:
                    yield _diagnostic(MISSING_REFERENCE, subjects.row(table, row),
                                      f"refers to {name} {value!r}, which the catalog does "
                                      "not contain")
            if table is METRIC_VARIANTS and (row.toggle_key, row.option_key) not in options:
                yield _diagnostic(MISSING_REFERENCE, subjects.row(table, row),
                                  f"refers to option {row.option_key!r} of toggle "
                                  f"{row.toggle_key!r}, which the catalog does not contain")


def _check_template_references(catalog: Catalog, subjects: Subjects) -> Iterator[Diagnostic]:
    """A template's layout names only keys of the same catalog (docs/layout.md)."""
    known = {"metric": {m.metric_key for m in catalog.metrics},
             "dimension": {d.dimension_key for d in catalog.dimensions},
             "toggle": {t.toggle_key for t in catalog.toggles},
             "source": {s.source_key for s in catalog.data_sources}}
    for template in catalog.report_templates:
        try:
            found = layout_keys(template)
        except (ValueError, KeyError, TypeError):
            yield _diagnostic(BAD_VALUE, subjects.row(REPORT_TEMPLATES, template),
                              "layout is not the layout JSON of docs/layout.md")
            continue
        for kind, keys in sorted(found.items()):
            for key in sorted(keys - known[kind]):
                yield _diagnostic(MISSING_REFERENCE, subjects.row(REPORT_TEMPLATES, template),
                                  f"layout refers to {kind} key {key!r}, which the catalog does not contain")


def metric_columns(catalog: Catalog) -> dict[str, frozenset[str] | None]:
    """Per metric key, the columns every one of its data sources has (None: no data source)."""
    columns = {s.source_key: frozenset(s.columns) for s in catalog.data_sources}
    sources: dict[str, list[frozenset[str]]] = defaultdict(list)
    for link in catalog.data_source_metrics:
        if link.source_key in columns:
            sources[link.metric_key].append(columns[link.source_key])
    return {m.metric_key: frozenset.intersection(*sources[m.metric_key])
            if sources[m.metric_key] else None for m in catalog.metrics}


def _check_sql(catalog: Catalog, subjects: Subjects) -> Iterator[Diagnostic]:
    allowed = metric_columns(catalog)
    metric_keys = frozenset(m.metric_key for m in catalog.metrics)
    variants: dict[str, list[MetricVariant]] = defaultdict(list)
    for variant in catalog.variants:
        variants[variant.metric_key].append(variant)
    for metric in catalog.metrics:
        # Values were checked above: only the SQL is left to check.
        subject = subjects.row(METRICS, metric)
        yield from _sql_diagnostics(metric.sql_expression, None, "sql_expression",
                                    allowed[metric.metric_key], subject)
        if metric.derived_formula is not None:
            names = metric_keys - {metric.metric_key}
            for found in _sql_problems(metric.derived_formula, None, names, "metric key"):
                yield _diagnostic(found.code, subject, f"derived_formula {found.message}")
    for variant in catalog.variants:
        yield from _sql_diagnostics(variant.sql_expression, None, "sql_expression",
                                    allowed.get(variant.metric_key),
                                    subjects.row(METRIC_VARIANTS, variant))


def _check_sql_fields(catalog: Catalog, subjects: Subjects) -> Iterator[Diagnostic]:
    """The data sources' and dimensions' values the report builder pastes into SQL."""
    for source in catalog.data_sources:
        for field, found in source_problems(source):
            yield _diagnostic(found.code, subjects.row(DATA_SOURCES, source), f"{field} {found.message}")
    columns = dimension_columns(catalog)
    for dimension in catalog.dimensions:
        for field, found in dimension_problems(dimension, columns[dimension.dimension_key]):
            yield _diagnostic(found.code, subjects.row(DIMENSIONS, dimension), f"{field} {found.message}")


def _sql_problems(text: object, tree: exp.Expression | None, allowed: Set[str],
                  noun: str = "column") -> list[Problem]:
    if tree is not None:
        return check_tree(tree, allowed, noun)
    if not isinstance(text, str) or "\x00" in text:
        return []  # reported by the value checks
    return check_sql(text, allowed, noun)


def _sql_diagnostics(text: object, tree: exp.Expression | None, field: str,
                     allowed: frozenset[str] | None, subject: Subject) -> Iterator[Diagnostic]:
    problems = _sql_problems(text, tree, allowed or frozenset())
    if allowed is None and any(p.code == codes.EMT512 for p in problems):
        yield _diagnostic(NO_DATA_SOURCE, subject,
                          f"{field} reads columns but the metric has no data source "
                          "(no data_source_metrics row), so no view can run it")
        problems = [p for p in problems if p.code != codes.EMT512]
    for found in problems:
        yield _diagnostic(found.code, subject, f"{field} {found.message}")
