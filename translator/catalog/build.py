"""build_catalog: the catalog stage as one pure function."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import PurePath

from translator.catalog.dimensions import build_dimensions
from translator.catalog.links import offered_columns, offered_lookups
from translator.catalog.metrics import build_metrics
from translator.catalog.order import NO_PREVIOUS, PreviousOrder
from translator.catalog.report import check_completeness
from translator.catalog.rows import Catalog, DataSource, MappingProblem
from translator.catalog.sources import (
    ModelSource, build_source, pinned_date_column, source_tables, unsafe_views, view_columns,
)
from translator.catalog.templates import build_templates
from translator.catalog.toggles import build_toggles
from translator.catalog.diagnostics import (
    CAT_LOOKUP_COLUMN, CAT_MAPPING_UNUSED, CAT_NAME_SHORTENED, CAT_UNSAFE_VIEW, at, did_you_mean,
)
from translator.catalog.naming import NAME_LENGTH, fit_name
from translator.compile.translation import CompiledModel
from translator.diagnostics import Diagnostic, Severity, report
from translator.model.layout import ReportLayout
from translator.model.mapping import Mapping, lookup_problem


def build_catalog(compiled: Sequence[CompiledModel], mapping: Mapping,
                  reports: Sequence[ReportLayout] = (),
                  previous: PreviousOrder = NO_PREVIOUS) -> tuple[Catalog, list[Diagnostic]]:
    """`previous`: the sort_order numbers of the output this build replaces (kept, see catalog.order)."""
    diagnostics: list[Diagnostic] = []
    model_sources, sources = _sources(compiled, mapping)
    diagnostics += _unused_sources(compiled, mapping)
    diagnostics += [
        report(CAT_UNSAFE_VIEW, f"table '{table.name}' reads the view {name!r}, which is not a plain "
               "identifier (lower-case letters, digits, _): it is not a data source; name the view with "
               f"[sources.\"{table.name}\"] source_key = \"...\" in the mapping", table.location)
        for c in compiled for table, name in unsafe_views(c, mapping)
    ]
    diagnostics += _lookup_declarations(compiled, mapping)
    toggles, options, toggle_keys, toggle_diagnostics = build_toggles(compiled, mapping, previous)
    diagnostics += toggle_diagnostics
    dimensions, dimension_links, dimension_diagnostics = build_dimensions(
        [c.model for c in compiled], model_sources, mapping, previous
    )
    offered = offered_columns(dimensions, dimension_links)
    metrics, metric_diagnostics = build_metrics(compiled, mapping, sources, toggle_keys, model_sources, offered,
                                                previous, offered_lookups(dimensions, dimension_links))
    diagnostics += metric_diagnostics
    diagnostics += dimension_diagnostics
    catalog = Catalog(
        data_sources=tuple(sources),
        metrics=tuple(metrics.metrics),
        dimensions=tuple(dimensions),
        data_source_metrics=tuple(metrics.links),
        data_source_dimensions=tuple(dimension_links),
        toggles=tuple(toggles),
        toggle_options=tuple(options),
        variants=tuple(metrics.variants),
        report=tuple(metrics.report),
    )
    catalog, shortened = _fit_display_names(catalog)
    diagnostics += shortened
    templates, pages, template_diagnostics = build_templates(
        reports, catalog, [c.model for c in compiled], model_sources, toggle_keys, mapping)
    diagnostics += template_diagnostics
    catalog = replace(catalog, report_templates=tuple(templates), pages=tuple(pages),
                      mapping_problems=mapping_problems(diagnostics, mapping))
    diagnostics += check_completeness(compiled, catalog)
    return catalog, diagnostics


_NAMED_ROWS = (("data_sources", "data source", "source_key"), ("dimensions", "dimension", "dimension_key"),
               ("toggles", "toggle", "toggle_key"), ("toggle_options", "toggle option", "option_key"))


def _fit_display_names(catalog: Catalog) -> tuple[Catalog, list[Diagnostic]]:
    """A display name taken from the model (a table, column or slicer value) that is longer than
    display_name VARCHAR(200) ends in an ellipsis, with a warning (metrics: in build_metrics)."""
    diagnostics: list[Diagnostic] = []
    changes = {}
    for field, what, key in _NAMED_ROWS:
        rows = []
        for row in getattr(catalog, field):
            short = fit_name(row.display_name)
            if short != row.display_name:
                diagnostics.append(report(
                    CAT_NAME_SHORTENED, f"the display name of {what} '{getattr(row, key)}' is {len(row.display_name)} "
                    f"characters, longer than display_name VARCHAR({NAME_LENGTH}); shortened to end in '…'", None,
                    "set a shorter display_name in the mapping file (docs/mapping.md)"))
                row = replace(row, display_name=short)
            rows.append(row)
        changes[field] = tuple(rows)
    return replace(catalog, **changes), diagnostics


def mapping_problems(diagnostics: Sequence[Diagnostic], mapping: Mapping) -> tuple[MappingProblem, ...]:
    """The warnings and errors located in the mapping file, by line."""
    found = {
        MappingProblem(PurePath(d.location.file).name, d.location.line, d.code, d.message, d.notes)
        for d in diagnostics
        if mapping.path and d.location is not None and d.location.file == mapping.path
        and d.severity is not Severity.INFO
    }
    return tuple(sorted(found, key=lambda p: (p.line or 0, p.code, p.message)))


def _sources(compiled: Sequence[CompiledModel], mapping: Mapping) -> tuple[list[ModelSource], list[DataSource]]:
    """Sources per export; the same view read by several exports is one data source."""
    model_sources: list[ModelSource] = []
    merged: dict[str, DataSource] = {}
    for c in compiled:
        for table in source_tables(c, mapping):
            row = replace(build_source(c.model, table, mapping), tables=((c.export, table.name),))
            if row.source_key in merged:
                first = merged[row.source_key]
                have = {x.casefold() for x in first.columns}
                extra = tuple(col for col in row.columns if col.casefold() not in have)
                row = merged[row.source_key] = replace(first, columns=first.columns + extra,
                                                       tables=first.tables + row.tables)
            else:
                merged[row.source_key] = row
            model_sources.append(ModelSource(c.export, table, row))
    # every ModelSource points at the merged row (columns of all exports)
    model_sources = [ModelSource(s.export, s.table, merged[s.row.source_key]) for s in model_sources]
    return model_sources, sorted(merged.values(), key=lambda s: s.source_key)


def _unused_sources(compiled: Sequence[CompiledModel], mapping: Mapping) -> list[Diagnostic]:
    tables = {t.name.casefold(): t for c in compiled for t in c.model.tables}
    found = [
        report(CAT_MAPPING_UNUSED, f"the mapping names table '{name}', which no model has", at(mapping, o.line),
               *did_you_mean(name, (t.name for t in tables.values())))
        for name, o in mapping.sources
        if name.casefold() not in tables
    ]
    for name, o in mapping.sources:
        table = tables.get(name.casefold())
        if table is not None and o.date_column and pinned_date_column(table, o.date_column) is None:
            found.append(report(
                CAT_MAPPING_UNUSED, f"the mapping's date_column '{o.date_column}' is not a column of "
                f"the view of '{table.name}'; the date column is inferred from the model instead", at(mapping, o.line),
                *did_you_mean(o.date_column, (c.name for c in view_columns(table)))))
    return found


def _lookup_declarations(compiled: Sequence[CompiledModel], mapping: Mapping) -> list[Diagnostic]:
    """Each `lookup_columns` entry names a column of a table the source reaches through an active
    many-to-one relationship, as a view column of its own (else the compiler never reads it:
    CAT325 at its line, with the nearest names)."""
    found: list[Diagnostic] = []
    named: dict[tuple[str, str], tuple[str, str]] = {}  # lookup column -> (first source, its view column)
    for name, o in mapping.sources:
        models = [c.model for c in compiled if c.model.table(name) is not None]
        for lc in o.lookup_columns if models else ():
            where = at(mapping, lc.line if lc.line is not None else o.line)
            problems = [lookup_problem(m, name, lc) for m in models]
            if all(problems):
                message, notes = problems[0]  # type: ignore[misc]
                found.append(report(CAT_LOOKUP_COLUMN, message, where, *notes))
                continue
            first, view = named.setdefault((lc.table.casefold(), lc.column.casefold()), (name, lc.view_column))
            if view != lc.view_column:
                # a CALCULATE filter reads the column before the measure's fact table is known
                found.append(report(CAT_LOOKUP_COLUMN, f"lookup column {lc.name} is '{view}' in the view of "
                                    f"'{first}' and '{lc.view_column}' here: a filter on it reads one name for "
                                    f"every view, so the measures of '{name}' that filter on it stay untranslated; "
                                    "name it the same in every view", where))
    return found
