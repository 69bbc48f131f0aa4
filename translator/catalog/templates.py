"""report_templates (section 4.9) from Power BI report pages, and the per-visual account.

Each visible page becomes a template (hidden and tooltip pages do not); the mapping file's
[templates."<page>"] names and classifies it, and pages given the same template_key become one
template with a section per page. Each visual becomes a widget whose fields are catalog keys:
a measure its metric_key (a toggle branch: its metric and the toggle), a column its
dimension_key, a column of a toggle's slicer table that toggle. A field without a catalog
counterpart keeps the widget and is listed as unresolved with the reason. The layout's shape is
docs/layout.md (JSON Schema: docs/layout.schema.json).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from collections.abc import Mapping as Mapping_
from dataclasses import dataclass, field

from sqlglot import exp

from translator.catalog.diagnostics import (
    CAT_FIELD_UNRESOLVED, CAT_MAPPING_UNUSED, CAT_NOT_TRANSLATED, CAT_REMOTE_MODEL, CAT_TEMPLATE_KEY,
    CAT_VISUAL_DROPPED, at,
)
from translator.catalog.naming import fit_key, fit_name
from translator.catalog.rows import Catalog, Conversion, PageAccount, ReportEntry, ReportTemplate, VisualAccount
from translator.catalog.sources import ModelSource
from translator.catalog.sql import to_sql
from translator.catalog.toggles import ToggleKeys
from translator.diagnostics import Diagnostic, SourceLocation, report
from translator.model.layout import FieldKind, FieldRef, Filter, Page, Position, ReportLayout, Visual
from translator.model.mapping import KEY_LENGTH, Mapping, TemplateOverride
from translator.model.semantic import SemanticModel

LAYOUT_VERSION = 1
GRID_COLUMNS = 24  # react-grid-layout columns across the page's width
GRID_ROWS_PER_WIDTH = 64  # a grid row is page width / 64 canvas pixels (20 px on a 1280-wide page)
DEFAULT_CATEGORY = "analytics"
DEFAULT_DATE_RANGE = "last_30_days"

CONVERTED, PARTLY, NOT_CONVERTED = Conversion.CONVERTED, Conversion.PARTLY_CONVERTED, Conversion.NOT_CONVERTED


@dataclass(frozen=True, slots=True)
class WidgetRule:
    widget_type: str | None  # None: the visual becomes no widget (`note` says why)
    chart_type: str | None = None
    note: str | None = None


_DECORATION = "decoration without data (image, shape or button): dropped"

# The one table from Power BI's visualType to the report builder's widget and chart types.
WIDGET_RULES: dict[str, WidgetRule] = {
    "card": WidgetRule("metric_card"),
    "cardVisual": WidgetRule("metric_card"),
    "multiRowCard": WidgetRule("metric_card"),
    "kpi": WidgetRule("metric_card"),
    "gauge": WidgetRule("metric_card"),
    "columnChart": WidgetRule("chart", "column"),
    "clusteredColumnChart": WidgetRule("chart", "column"),
    "stackedColumnChart": WidgetRule("chart", "stacked_column"),
    "hundredPercentStackedColumnChart": WidgetRule("chart", "stacked_column_100"),
    "barChart": WidgetRule("chart", "bar"),
    "clusteredBarChart": WidgetRule("chart", "bar"),
    "stackedBarChart": WidgetRule("chart", "stacked_bar"),
    "hundredPercentStackedBarChart": WidgetRule("chart", "stacked_bar_100"),
    "lineChart": WidgetRule("chart", "line"),
    "areaChart": WidgetRule("chart", "area"),
    "stackedAreaChart": WidgetRule("chart", "stacked_area"),
    "pieChart": WidgetRule("chart", "pie"),
    "donutChart": WidgetRule("chart", "donut"),
    "scatterChart": WidgetRule("chart", "scatter"),
    "lineClusteredColumnComboChart": WidgetRule("chart", "combo"),
    "lineStackedColumnComboChart": WidgetRule("chart", "combo"),
    "tableEx": WidgetRule("data_table", "table"),
    "table": WidgetRule("data_table", "table"),
    "pivotTable": WidgetRule("data_table", "matrix"),
    "matrix": WidgetRule("data_table", "matrix"),
    "slicer": WidgetRule("slicer"),
    "advancedSlicerVisual": WidgetRule("slicer"),
    "textbox": WidgetRule("text"),
    "image": WidgetRule(None, note=_DECORATION),
    "shape": WidgetRule(None, note=_DECORATION),
    "basicShape": WidgetRule(None, note=_DECORATION),
    "actionButton": WidgetRule(None, note=_DECORATION),
    "pageNavigator": WidgetRule(None, note="page navigation: the report builder's sidebar does this"),
    "bookmarkNavigator": WidgetRule(None, note="bookmark navigation has no report builder counterpart"),
}


def widget_rule(visual_type: str | None) -> WidgetRule:
    rule = WIDGET_RULES.get(visual_type or "")
    if rule is None:
        return WidgetRule(None, note=f"no widget type for the visual type '{visual_type}'")
    return rule


def grid_position(position: Position, page_width: float) -> dict[str, int]:
    """The canvas rectangle on a GRID_COLUMNS-wide react-grid-layout grid (rounded half up)."""
    width = page_width if page_width > 0 else 1280
    column, row = width / GRID_COLUMNS, width / GRID_ROWS_PER_WIDTH

    def snap(value: float, unit: float) -> int:
        return math.floor(value / unit + 0.5)

    x = min(max(snap(position.x, column), 0), GRID_COLUMNS - 1)
    right = min(max(snap(position.x + position.width, column), x + 1), GRID_COLUMNS)
    y = max(snap(position.y, row), 0)
    bottom = max(snap(position.y + position.height, row), y + 1)
    return {"x": x, "y": y, "w": right - x, "h": bottom - y}


def slug(name: str) -> str:
    """'Payment Health & Recovery' -> payment-health-and-recovery; a long one is shortened with a
    stable hash (fit_key) so that it fits template_key's VARCHAR(100) with room for a -2 suffix."""
    text = name.replace("&", " and ").replace("%", " pct ")
    text = re.sub(r"[^a-z0-9]+", "-", text.casefold().encode("ascii", "ignore").decode()).strip("-")
    text = text if text[:1].isalpha() else f"page-{text}".rstrip("-")
    return fit_key(text, KEY_LENGTH - 4).replace("_", "-")


# ------------------------------------------------------------------------------- resolving fields


@dataclass(frozen=True, slots=True)
class Resolved:
    metrics: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    toggles: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # data sources the field needs (a metric's home view)
    missing: str | None = None  # the reason, when the field has no catalog counterpart


class _Resolver:
    """Finds the catalog key of each field a report names, against the model it is built with."""

    def __init__(self, catalog: Catalog, models: Sequence[SemanticModel], sources: Sequence[ModelSource],
                 toggles: ToggleKeys):
        self.models = {m.export: m for m in models}
        self.toggles = toggles
        self.entries: dict[tuple[str, str], ReportEntry] = {}
        for entry in catalog.report:
            self.entries.setdefault((entry.export, entry.measure.casefold()), entry)
        self.metric_keys = {m.metric_key for m in catalog.metrics}
        self.metric_sql = {m.metric_key: m.sql_expression for m in catalog.metrics}
        self.variant_toggles: dict[str, set[str]] = {}
        for variant in catalog.variants:
            self.variant_toggles.setdefault(variant.metric_key, set()).add(variant.toggle_key)
        self.metric_sources: dict[str, list[str]] = {}
        for link in catalog.data_source_metrics:
            self.metric_sources.setdefault(link.metric_key, []).append(link.source_key)
        self.home = {(s.export, s.table.name.casefold()): s.row.source_key for s in sources}
        # dimension keys by the source column they read (a joined dimension also by what it shows)
        self.by_column: dict[str, list[tuple[str, str | None]]] = {}
        for dimension in sorted(catalog.dimensions, key=lambda d: (d.join_table is not None, d.dimension_key)):
            column = _column_name(dimension.column_expression)
            if column is not None:
                self.by_column.setdefault(column.casefold(), []).append(
                    (dimension.dimension_key, dimension.display_column))

    def field(self, model: str | None, ref: FieldRef, prefer: Sequence[str] = ()) -> Resolved:
        """`prefer`: fact tables whose relationships decide which dimension a lookup column is
        (the visual's own measures' tables first, then the page's)."""
        if model is None or model not in self.models:
            return Resolved(missing="the report's model is not among the exports")
        match ref.kind:
            case FieldKind.MEASURE:
                return self._measure(model, ref)
            case FieldKind.COLUMN | FieldKind.HIERARCHY_LEVEL:
                return self._column(model, ref, prefer)
            case FieldKind.AGGREGATION:
                return self._aggregation(model, ref)
            case FieldKind.OTHER:
                return Resolved(missing=f"a computed expression ({ref.name}) has no catalog counterpart")
        return Resolved(missing="unknown field kind")  # pragma: no cover - FieldKind is closed

    def _measure(self, model: str, ref: FieldRef) -> Resolved:
        entry = self.entries.get((model, (ref.name or "").casefold()))
        if entry is None:
            return Resolved(missing="the model has no measure of that name")
        key = entry.metric_key
        if entry.placement in ("metric", "variant") and key in self.metric_keys:
            # a toggled measure (or a toggle branch of one) needs its toggles on the page
            return Resolved(metrics=(key,), toggles=tuple(sorted(self.variant_toggles.get(key, ()))),
                            sources=self._sources(model, entry.table, key))
        why = next((r for r in entry.reasons if not r.startswith(CAT_NOT_TRANSLATED)),
                   entry.reasons[0] if entry.reasons else "")
        return Resolved(missing=f"the measure is {entry.status}, not a metric" + (f" ({why})" if why else ""))

    def _sources(self, model: str, table: str, metric_key: str) -> tuple[str, ...]:
        linked = self.metric_sources.get(metric_key, [])
        home = self.home.get((model, table.casefold()))
        if home in linked:
            return (home,)
        return tuple(sorted(linked)[:1])

    def home_table(self, model: str | None, ref: FieldRef) -> str | None:
        """The table of the measure a field names (for `prefer`)."""
        if ref.kind is not FieldKind.MEASURE or model is None:
            return ref.entity if ref.kind is FieldKind.AGGREGATION else None
        entry = self.entries.get((model, (ref.name or "").casefold()))
        return entry.table if entry is not None else ref.entity

    def _column(self, model: str, ref: FieldRef, prefer: Sequence[str]) -> Resolved:
        table_name, column = ref.entity or "", ref.name or ""
        toggle = self.toggles.toggle(model, table_name)
        if toggle is not None:
            return Resolved(toggles=(toggle,))
        semantic = self.models[model]
        table = semantic.table(table_name)
        if table is None or table.column(column) is None:
            return Resolved(missing="the model has no such column")
        if (model, table.name.casefold()) in self.home:
            found = [key for key, _ in self.by_column.get(column.casefold(), [])]
            if found:
                return Resolved(dimensions=(found[0],))
        # A lookup (or date) table's column: the dimension on the fact column that relates to it.
        rank = {name.casefold(): n for n, name in reversed(list(enumerate(prefer)))}
        relationships = sorted((r for r in semantic.relationships
                                if r.to_table.casefold() == table.name.casefold() and not r.is_many_to_many),
                               key=lambda r: (rank.get(r.from_table.casefold(), len(rank)), not r.is_active,
                                              r.from_table.casefold(), r.from_column.casefold()))
        for relationship in relationships:
            for key, shown in self.by_column.get(relationship.from_column.casefold(), []):
                if column.casefold() == relationship.to_column.casefold() or (shown or "").casefold() == column.casefold():
                    return Resolved(dimensions=(key,))
        return Resolved(missing="the catalog has no dimension for this column")

    def _aggregation(self, model: str, ref: FieldRef) -> Resolved:
        """An implicit measure: a metric whose SQL is exactly that aggregate of that column."""
        builders = {"sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max}
        builder = builders.get(ref.function or "")
        home = self.home.get((model, (ref.entity or "").casefold()))
        if builder is not None and ref.name and home is not None:
            wanted = to_sql(builder(this=exp.column(ref.name, quoted=True)))
            for key in sorted(self.metric_keys):
                if self.metric_sql[key] == wanted and home in self.metric_sources.get(key, []):
                    return Resolved(metrics=(key,), sources=(home,))
        return Resolved(missing=f"an implicit {ref.function or 'aggregation'} of a column, and no metric "
                                "computes exactly that; add a measure for it")


def _column_name(expression: str) -> str | None:
    match = re.fullmatch(r'"((?:[^"]|"")*)"', expression.strip())
    return match.group(1).replace('""', '"') if match else None


# ------------------------------------------------------------------------------- widgets


@dataclass(slots=True)
class _Widget:
    visual: Visual
    rule: WidgetRule
    metrics: list[str] = field(default_factory=list)
    dimensions: list[str] = field(default_factory=list)
    toggles: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    filters: list[dict[str, object]] = field(default_factory=list)
    unresolved: list[dict[str, str]] = field(default_factory=list)
    sort: dict[str, str] | None = None
    top_n: int | None = None

    def add(self, resolved: Resolved, ref: FieldRef) -> None:
        if resolved.missing is not None:
            item = {"field": ref.label, "reason": resolved.missing}
            if item not in self.unresolved:
                self.unresolved.append(item)
            return
        for target, keys in ((self.metrics, resolved.metrics), (self.dimensions, resolved.dimensions),
                             (self.toggles, resolved.toggles), (self.sources, resolved.sources)):
            target.extend(k for k in keys if k not in target)


def _filter_json(resolver: _Resolver, model: str | None, item: Filter,
                 prefer: Sequence[str]) -> tuple[dict[str, object] | None, Resolved]:
    if item.field is None:
        return None, Resolved(missing="a filter on an expression the report builder cannot express")
    resolved = resolver.field(model, item.field, prefer)
    if resolved.missing is not None:
        return None, resolved
    if item.operator == "other" or item.operator == "relative_date":
        return None, Resolved(missing=f"a {item.operator.replace('_', ' ')} filter condition is not carried over")
    if resolved.metrics:
        return None, Resolved(missing="a filter on a measure's value is not carried over")
    target = {"toggle": resolved.toggles[0]} if resolved.toggles else {"dimension": resolved.dimensions[0]}
    return {**target, "operator": item.operator, "values": list(item.values)}, resolved


def _preferred(resolver: _Resolver, model: str | None, visuals: Iterable[Visual]) -> list[str]:
    """Measure tables of these visuals, most used first (ties by name)."""
    counts: dict[str, int] = {}
    for visual in visuals:
        for projection in visual.projections:
            table = resolver.home_table(model, projection.field)
            if table is not None:
                counts[table] = counts.get(table, 0) + 1
    return sorted(counts, key=lambda t: (-counts[t], t.casefold()))


def _widget(resolver: _Resolver, model: str | None, visual: Visual, page_tables: Sequence[str]) -> _Widget:
    widget = _Widget(visual, widget_rule(visual.visual_type))
    prefer = [*_preferred(resolver, model, [visual]), *page_tables]
    for projection in visual.projections:
        widget.add(resolver.field(model, projection.field, prefer), projection.field)
    for item in visual.filters:
        if item.operator == "top_n":
            if item.top_n is not None and item.top_n >= 1:
                widget.top_n = item.top_n
            else:
                widget.add(Resolved(missing="a Top N filter without a count"),
                           item.field or FieldRef(FieldKind.OTHER, None, "filter"))
            continue
        rendered, resolved = _filter_json(resolver, model, item, prefer)
        if rendered is None:
            widget.add(resolved, item.field or FieldRef(FieldKind.OTHER, None, "filter"))
        elif rendered not in widget.filters:
            widget.filters.append(rendered)
            widget.toggles.extend(t for t in resolved.toggles if t not in widget.toggles)
    if visual.sort:
        first = visual.sort[0]
        resolved = resolver.field(model, first.field, prefer)
        key = next(iter(resolved.metrics + resolved.dimensions), None)
        if key is not None:
            widget.sort = {"by": key, "direction": "desc" if first.descending else "asc"}
    return widget


def _account(widget: _Widget) -> VisualAccount:
    visual, rule = widget.visual, widget.rule
    missing = tuple(f"{u['field']}: {u['reason']}" for u in widget.unresolved)
    if visual.is_hidden:
        return VisualAccount(visual.name, visual.visual_type, NOT_CONVERTED, None, visual.title,
                             reason="hidden in the report (shown only by a bookmark or a button)")
    if rule.widget_type is None:
        return VisualAccount(visual.name, visual.visual_type, NOT_CONVERTED, None, visual.title, reason=rule.note)
    if rule.widget_type != "text" and not visual.projections:
        return VisualAccount(visual.name, visual.visual_type, NOT_CONVERTED, None, visual.title,
                             reason="the visual shows no field")
    status = PARTLY if missing else CONVERTED
    return VisualAccount(visual.name, visual.visual_type, status, rule.widget_type, visual.title, missing)


def _widget_json(widget: _Widget, page: Page) -> dict[str, object]:
    visual, rule = widget.visual, widget.rule
    out: dict[str, object] = {
        "key": visual.name,
        "widget_type": rule.widget_type,
        "chart_type": rule.chart_type,
        "title": visual.title,
        "metrics": widget.metrics,
        "dimensions": widget.dimensions,
        "toggles": widget.toggles,
        "filters": widget.filters,
        "sort": widget.sort,
        "top_n": widget.top_n,
        "position": grid_position(visual.position, page.width),
        "unresolved": widget.unresolved,
        "source": {"visual": visual.name, "visual_type": visual.visual_type},
    }
    if rule.widget_type == "text":
        out["text"] = visual.text
    return out


# ------------------------------------------------------------------------------- templates


@dataclass(slots=True)
class _Section:
    layout: ReportLayout
    page: Page
    override: TemplateOverride | None
    widgets: list[_Widget]
    filters: list[dict[str, object]]
    unresolved: list[dict[str, str]]
    toggles: list[str]


def build_templates(
    layouts: Sequence[ReportLayout],
    catalog: Catalog,
    models: Sequence[SemanticModel],
    sources: Sequence[ModelSource],
    toggles: ToggleKeys,
    mapping: Mapping,
) -> tuple[list[ReportTemplate], list[PageAccount], list[Diagnostic]]:
    resolver = _Resolver(catalog, models, sources, toggles)
    diagnostics: list[Diagnostic] = []
    groups: dict[str, list[_Section]] = {}
    accounts: list[PageAccount] = []
    pages_seen: set[str] = set()
    explicit = {o.template_key for _, o in mapping.templates if o.template_key}
    for layout in sorted(layouts, key=lambda r: r.export):
        if layout.model is None:
            diagnostics.append(report(CAT_REMOTE_MODEL, f"report '{layout.name}' is built on a model that is not "
                                      f"among the exports ({layout.model_reference or 'unknown'}): its layout is read, "
                                      "its fields stay unresolved", SourceLocation(layout.export)))
        for page in layout.pages:
            pages_seen.add(page.display_name.casefold())
            override = mapping.template(page.display_name)
            excluded = _excluded(page, override)
            page_tables = _preferred(resolver, layout.model, page.visuals)
            widgets = [_widget(resolver, layout.model, v, page_tables) for v in page.visuals if not v.is_group]
            visual_accounts = tuple(_account(w) for w in widgets)
            key = None
            if excluded is None:
                key = _template_key(page, override, groups, explicit)
                if override is None or override.template_key is None:
                    wanted = slug(page.display_name)
                    if key != wanted:
                        diagnostics.append(report(
                            CAT_TEMPLATE_KEY, f"template key '{wanted}' of page '{page.display_name}' in report "
                            f"'{layout.name}' is taken; using '{key}'", page.location,
                            f"pin a key with [templates.\"{page.display_name}\"] template_key = \"...\" in the "
                            "mapping file (pages given the same template_key are merged)"))
                section_filters, section_unresolved, section_toggles = _page_filters(
                    resolver, layout.model, page.filters, page_tables)
                groups.setdefault(key, []).append(_Section(
                    layout, page, override,
                    [w for w, a in zip(widgets, visual_accounts) if a.widget_type is not None],
                    section_filters, section_unresolved, section_toggles))
            accounts.append(PageAccount(
                export=layout.export, report=layout.name, format=layout.format.value, page=page.display_name,
                template_key=key, excluded=excluded,
                location=page.location, visuals=visual_accounts))
            diagnostics += _visual_diagnostics(page, visual_accounts, excluded)
    diagnostics += [
        report(CAT_MAPPING_UNUSED, f"the mapping names report page '{name}', which no report has",
               at(mapping, override.line))
        for name, override in mapping.templates if name.casefold() not in pages_seen
    ]
    templates = [_template(key, sections, position, resolver)
                 for position, (key, sections) in enumerate(groups.items(), start=1)]
    return sorted(templates, key=lambda t: t.template_key), accounts, diagnostics


def _template_key(page: Page, override: TemplateOverride | None, taken: Mapping_[str, object],
                  explicit: set[str]) -> str:
    """The mapping's key (pages sharing one are merged), else the page name's slug, with -2, -3,
    ... when another page already has it: only the mapping merges pages."""
    if override is not None and override.template_key:
        return override.template_key
    wanted = slug(page.display_name)
    key, n = wanted, 1
    while key in taken or key in explicit:
        n += 1
        key = f"{wanted}-{n}"
    return key


def _excluded(page: Page, override: TemplateOverride | None) -> str | None:
    if override is not None and override.include is False:
        return "excluded by the mapping file (include = false)"
    if override is not None and override.include:
        return None
    if page.is_tooltip:
        return "tooltip page"
    if page.is_hidden:
        return "hidden page"
    return None


def _page_filters(resolver: _Resolver, model: str | None, filters: Iterable[Filter],
                  prefer: Sequence[str] = ()) -> tuple[list[dict[str, object]], list[dict[str, str]], list[str]]:
    rendered, unresolved, toggles = [], [], []
    for item in filters:
        found, resolved = _filter_json(resolver, model, item, prefer)
        if found is None:
            label = item.field.label if item.field else "filter"
            unresolved.append({"field": label, "reason": resolved.missing or "not carried over"})
        elif found not in rendered:
            rendered.append(found)
            toggles.extend(t for t in resolved.toggles if t not in toggles)
    return rendered, unresolved, toggles


def _visual_diagnostics(page: Page, accounts: Sequence[VisualAccount], excluded: str | None) -> list[Diagnostic]:
    if excluded is not None:
        return []
    out = []
    for account in accounts:
        where = page.location
        if account.status == PARTLY:
            out.append(report(CAT_FIELD_UNRESOLVED, f"page '{page.display_name}', visual {account.visual} "
                              f"({account.visual_type}): " + "; ".join(account.missing), where))
        elif account.status == NOT_CONVERTED:
            out.append(report(CAT_VISUAL_DROPPED, f"page '{page.display_name}', visual {account.visual} "
                              f"({account.visual_type}): {account.reason}", where))
    return out


def _first(sections: Sequence[_Section], name: str) -> object:
    return next((getattr(s.override, name) for s in sections
                 if s.override is not None and getattr(s.override, name) is not None), None)


def _template(key: str, sections: list[_Section], position: int, resolver: _Resolver) -> ReportTemplate:
    first = sections[0]
    category = _first(sections, "category") or DEFAULT_CATEGORY
    date_range = _first(sections, "default_date_range") or DEFAULT_DATE_RANGE
    report_filters, report_unresolved, report_toggles = _page_filters(resolver, first.layout.model,
                                                                      first.layout.filters)
    layout_sections = []
    metrics_sources: list[str] = []
    toggles: list[str] = list(report_toggles)
    for section in sections:
        ordered = sorted(section.widgets, key=lambda w: (grid_position(w.visual.position, section.page.width)["y"],
                                                         grid_position(w.visual.position, section.page.width)["x"],
                                                         w.visual.name))
        for widget in ordered:
            metrics_sources.extend(s for s in widget.sources if s not in metrics_sources)
            toggles.extend(t for t in widget.toggles if t not in toggles)
        toggles.extend(t for t in section.toggles if t not in toggles)
        layout_sections.append({
            "key": slug(section.page.display_name),
            "title": (section.override.section_title if section.override else None) or section.page.display_name,
            "source": {"report": section.layout.name, "page": section.page.display_name},
            "filters": section.filters,
            "unresolved_filters": section.unresolved,
            "widgets": [_widget_json(w, section.page) for w in ordered],
        })
    layout = {
        "version": LAYOUT_VERSION,
        "grid": {"columns": GRID_COLUMNS},
        "source": {"report": first.layout.name, "export": first.layout.export,
                   "pages": [s.page.display_name for s in sections]},
        "sections": layout_sections,
    }
    default_filters: dict[str, object] = {"dateRange": date_range}
    if report_filters:
        default_filters["filters"] = report_filters
    if report_unresolved:
        default_filters["unresolved"] = report_unresolved
    nav_order = _first(sections, "nav_order")
    return ReportTemplate(
        template_key=key,
        name=str(_first(sections, "name") or fit_name(first.page.display_name)),
        category=str(category),
        layout=_json(layout),
        description=_first(sections, "description"),  # type: ignore[arg-type]
        default_filters=_json(default_filters),
        default_date_range=str(date_range),
        required_data_sources=tuple(sorted(metrics_sources)),
        required_toggles=tuple(sorted(toggles)),
        nav_section=str(_first(sections, "nav_section") or category),
        nav_order=int(nav_order) if nav_order is not None else position,  # type: ignore[call-overload]
        nav_icon=_first(sections, "nav_icon"),  # type: ignore[arg-type]
    )


def _json(value: object) -> str:
    """Canonical JSON: the text PostgreSQL's jsonb gives back is compared, not this; keys sorted
    so that the seed is byte-identical for the same input."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def layout_keys(template: ReportTemplate) -> dict[str, set[str]]:
    """Every catalog key a template's layout names, by kind (metric, dimension, toggle, source)."""
    layout = json.loads(template.layout)
    found: dict[str, set[str]] = {"metric": set(), "dimension": set(), "toggle": set(),
                                  "source": set(template.required_data_sources)}
    found["toggle"].update(template.required_toggles)
    filters = [f for s in layout["sections"] for f in s["filters"]]
    filters += json.loads(template.default_filters or "{}").get("filters", [])
    for section in layout["sections"]:
        for widget in section["widgets"]:
            found["metric"].update(widget["metrics"])
            found["dimension"].update(widget["dimensions"])
            found["toggle"].update(widget["toggles"])
            filters += widget["filters"]
            if widget["sort"]:
                found["metric" if widget["sort"]["by"] in widget["metrics"] else "dimension"].add(widget["sort"]["by"])
    for item in filters:
        if "dimension" in item:
            found["dimension"].add(item["dimension"])
        if "toggle" in item:
            found["toggle"].add(item["toggle"])
    return found
