"""Report layouts: Power BI report pages and visuals as `translator.model.layout.ReportLayout`.

Four formats hold the same layout:
- PBIR (current Power BI Desktop): `X.Report/definition/pages/pages.json` (`pageOrder`),
  `pages/<page>/page.json` and `pages/<page>/visuals/<visual>/visual.json`; fields are named in
  `visual.query.queryState.<role>.projections[].field`.
- legacy PBIP `X.Report/report.json`, and the `Report/Layout` member of a .pbix or .pbit (UTF-16 LE):
  `sections[].visualContainers[]`, whose `config`, `filters` and `query` are JSON held in strings;
  fields are named in `config.singleVisual.prototypeQuery.Select` under the `queryRef` the
  projections use.
- pbi-tools `Report/` folders: the legacy document, split into `report.json`,
  `sections/<n>_<page>/section.json|config.json|filters.json` and
  `visualContainers/<n>_<visual>/visualContainer.json|config.json|filters.json`.
A `.Report` folder names its model in `definition.pbir` (`datasetReference.byPath` for a model
beside it, `byConnection` for a remote one). Unreadable files stop the run (RDR405, RDR406).
report.py finds the reports among the exports and loads this module only when there is one.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from translator.diagnostics import SourceLocation
from translator.readers.discover import REPORT_SUFFIX
from translator.readers.errors import BAD_JSON, BAD_STRUCTURE, fail
from translator.model.layout import (
    AGGREGATE_FUNCTIONS, FieldKind, FieldRef, Filter, Page, Position, Projection, ReportFormat,
    ReportLayout, Sort, Visual,
)
from translator.readers.limits import open_archive, read_sound_member
from translator.readers.text import decode

LAYOUT_MEMBER = "Report/Layout"
_COMPARISONS = {0: "eq", 1: "gt", 2: "ge", 3: "lt", 4: "le"}


def archive_report(path: Path, export: str, models: Sequence[str]) -> ReportLayout | None:
    """The report in a .pbix or .pbit's Report/Layout member, None when it has none."""
    text = _layout_member(path, export)
    if text is None:
        return None
    kind = ReportFormat.PBIX if path.suffix.casefold() == ".pbix" else ReportFormat.PBIT
    file = f"{export}/{LAYOUT_MEMBER}"
    return _legacy(_loads(text, file), name=path.stem, export=export, kind=kind, file=file,
                   model=export if export in models else None, reference=export)


# ------------------------------------------------------------------------------- files


_SAVED_AS = "a complete file saved by Power BI Desktop"


def _layout_member(path: Path, file: str) -> str | None:
    with open_archive(path, file, _SAVED_AS) as archive:
        if LAYOUT_MEMBER not in archive.namelist():
            return None
        data = read_sound_member(archive, LAYOUT_MEMBER, file, _SAVED_AS)
    return decode(data, f"{file}/{LAYOUT_MEMBER}", encoding="utf-16-le")


def _loads(text: str, file: str) -> Any:
    try:
        return json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        fail(BAD_JSON, f"broken JSON: {exc.msg}; expected a valid JSON document", file, exc.lineno, exc.colno)
    except RecursionError:
        fail(BAD_JSON, "JSON nested too deeply; expected a report saved by Power BI Desktop", file)


def _read_json(path: Path, root: Path) -> Any:
    file = path.relative_to(root).as_posix()
    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(BAD_STRUCTURE, f"cannot read the file ({exc.strerror or exc})", file)
    return _loads(decode(data, file), file)


def _embedded(value: Any, file: str) -> Any:
    """The legacy format keeps config, filters and query as JSON inside strings."""
    if isinstance(value, str):
        return _loads(value, file) if value.strip() else None
    return value


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _number(value: Any, default: float = 0) -> float:
    """A finite number, else `default` (JSON may hold NaN, Infinity or a string)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return default


# ------------------------------------------------------------------------------- .Report folders


def report_folder(folder: Path, root: Path, export: str, models: Sequence[str]) -> ReportLayout | None:
    """The report in a `.Report` folder (PBIR or legacy report.json), None when it has none."""
    name = folder.name[: -len(REPORT_SUFFIX)]
    model, reference = _dataset_reference(folder, root, models)
    definition = folder / "definition"
    if (definition / "pages").is_dir():
        return _pbir(definition, root, name=name, export=export, model=model, reference=reference)
    if (folder / "report.json").is_file():
        file = (folder / "report.json").relative_to(root).as_posix()
        return _legacy(_read_json(folder / "report.json", root), name=name, export=export,
                       kind=ReportFormat.REPORT_JSON, file=file, model=model, reference=reference)
    return None


def _dataset_reference(folder: Path, root: Path, models: Sequence[str]) -> tuple[str | None, str | None]:
    """(the model's export when the report names one in the exports by path, how it names it)."""
    pbir = folder / "definition.pbir"
    if not pbir.is_file():
        return None, None
    reference = _object(_object(_read_json(pbir, root)).get("datasetReference"))
    by_path = _object(reference.get("byPath")).get("path")
    if isinstance(by_path, str):
        target = (folder / by_path.replace("\\", "/")).resolve()
        for model in models:
            if (root / model).resolve() == target:
                return model, by_path
        return None, by_path
    connection = _object(reference.get("byConnection"))
    text = connection.get("connectionString") or connection.get("pbiModelDatabaseName")
    return None, str(text) if text else "byConnection"


def _pbir(definition: Path, root: Path, *, name: str, export: str, model: str | None,
          reference: str | None) -> ReportLayout:
    report_file = definition / "report.json"
    report = _object(_read_json(report_file, root)) if report_file.is_file() else {}
    pages_dir = definition / "pages"
    order = []
    if (pages_dir / "pages.json").is_file():
        order = [p for p in _list(_object(_read_json(pages_dir / "pages.json", root)).get("pageOrder"))
                 if isinstance(p, str)]
    folders = sorted((p for p in pages_dir.iterdir() if (p / "page.json").is_file()), key=lambda p: p.name)
    rank = {page: n for n, page in enumerate(order)}
    pages = []
    for folder in folders:
        file = (folder / "page.json").relative_to(root).as_posix()
        page = _object(_read_json(folder / "page.json", root))
        page_name = str(page.get("name") or folder.name)
        visuals = []
        visuals_dir = folder / "visuals"
        if visuals_dir.is_dir():
            for visual_dir in sorted(visuals_dir.iterdir(), key=lambda p: p.name):
                if (visual_dir / "visual.json").is_file():
                    visual_file = (visual_dir / "visual.json").relative_to(root).as_posix()
                    visuals.append(_pbir_visual(_object(_read_json(visual_dir / "visual.json", root)),
                                                visual_dir.name, visual_file))
        page_type = page.get("type") or _object(page.get("pageBinding")).get("type")
        pages.append(Page(
            name=page_name,
            display_name=str(page.get("displayName") or page_name),
            ordinal=rank.get(page_name, rank.get(folder.name, len(order) + len(pages))),
            width=_number(page.get("width"), 1280),
            height=_number(page.get("height"), 720),
            is_hidden=page.get("visibility") == "HiddenInViewMode",
            is_tooltip=page_type == "Tooltip",
            filters=_filters(_object(page.get("filterConfig")).get("filters"), {}),
            visuals=tuple(visuals),
            location=SourceLocation(file),
        ))
    pages.sort(key=lambda p: (p.ordinal, p.name))
    return ReportLayout(name=name, export=export, format=ReportFormat.PBIR, model=model,
                        model_reference=reference,
                        filters=_filters(_object(report.get("filterConfig")).get("filters"), {}),
                        pages=tuple(pages))


def _pbir_visual(document: dict[str, Any], folder_name: str, file: str) -> Visual:
    visual = _object(document.get("visual"))
    position = _object(document.get("position"))
    group = _object(document.get("visualGroup"))
    query = _object(visual.get("query"))
    projections = []
    for role, state in _object(query.get("queryState")).items():
        for projection in _list(_object(state).get("projections")):
            field = _field(_object(projection).get("field"), {})
            if field is not None:
                projections.append(Projection(role, field))
    sort = []
    for item in _list(_object(query.get("sortDefinition")).get("sort")):
        field = _field(_object(item).get("field"), {})
        if field is not None:
            sort.append(Sort(field, str(_object(item).get("direction", "")).casefold() == "descending"))
    return _visual(
        str(document.get("name") or folder_name), visual, group, position, projections, sort,
        _filters(_object(document.get("filterConfig")).get("filters"), {}), {},
        title_objects=_object(visual.get("visualContainerObjects")), parent=document.get("parentGroupName"),
        hidden=document.get("isHidden") is True, file=file)


# ------------------------------------------------------------------------------- legacy layout


def _legacy(document: Any, *, name: str, export: str, kind: ReportFormat, file: str, model: str | None,
            reference: str | None) -> ReportLayout:
    document = _object(document)
    pages = []
    for n, section in enumerate(_list(document.get("sections"))):
        section = _object(section)
        pages.append(_legacy_page(section, n, file, lambda key, s=section: _embedded(s.get(key), file),
                                  [(vc, lambda key, v=vc: _embedded(_object(v).get(key), file), file)
                                   for vc in _list(section.get("visualContainers"))]))
    pages.sort(key=lambda p: (p.ordinal, p.name))
    return ReportLayout(name=name, export=export, format=kind, model=model, model_reference=reference,
                        filters=_filters(_embedded(document.get("filters"), file), {}), pages=tuple(pages))


def pbi_tools_report(folder: Path, root: Path, *, name: str, export: str, model: str | None) -> ReportLayout:
    """The report of a pbi-tools folder, whose `Report/` is `folder`."""
    report = _object(_read_json(folder / "report.json", root))
    report_filters = folder / "filters.json"
    filters = _read_json(report_filters, root) if report_filters.is_file() else report.get("filters")

    def part(directory: Path, fallback: dict[str, Any]) -> Callable[[str], Any]:
        def read(key: str) -> Any:
            path = directory / f"{key}.json"
            if path.is_file():
                return _read_json(path, root)
            return _embedded(fallback.get(key), directory.relative_to(root).as_posix())
        return read

    pages = []
    sections = sorted((p for p in (folder / "sections").iterdir() if (p / "section.json").is_file()),
                      key=lambda p: p.name)
    for n, directory in enumerate(sections):
        section = _object(_read_json(directory / "section.json", root))
        containers = []
        visuals_dir = directory / "visualContainers"
        if visuals_dir.is_dir():
            for vdir in sorted(visuals_dir.iterdir(), key=lambda p: p.name):
                vfile = vdir / "visualContainer.json"
                if vfile.is_file():
                    container = _object(_read_json(vfile, root))
                    containers.append((container, part(vdir, container), vfile.relative_to(root).as_posix()))
        pages.append(_legacy_page(section, n, (directory / "section.json").relative_to(root).as_posix(),
                                  part(directory, section), containers))
    pages.sort(key=lambda p: (p.ordinal, p.name))
    return ReportLayout(name=name, export=export, format=ReportFormat.PBI_TOOLS, model=model,
                        model_reference=export, filters=_filters(filters, {}), pages=tuple(pages))


def _legacy_page(section: dict[str, Any], position: int, file: str, read: Callable[[str], Any],
                 containers: Iterable[tuple[Any, Callable[[str], Any], str]]) -> Page:
    config = _object(read("config"))
    visuals = []
    for n, (container, read_part, visual_file) in enumerate(containers):
        visuals.append(_legacy_visual(_object(container), n, read_part, visual_file))
    page_info = _object(config.get("objects")).get("pageInformation")
    information = _literal_property(page_info, "pageInformationType")
    name = str(section.get("name") or f"section{position}")
    return Page(
        name=name,
        display_name=str(section.get("displayName") or name),
        ordinal=int(_number(section.get("ordinal"), position)),
        width=_number(section.get("width"), 1280),
        height=_number(section.get("height"), 720),
        is_hidden=config.get("visibility") == 1,
        is_tooltip=information == "Tooltip" or config.get("type") == 2,
        filters=_filters(read("filters"), {}),
        visuals=tuple(visuals),
        location=SourceLocation(file),
    )


def _legacy_visual(container: dict[str, Any], index: int, read: Callable[[str], Any], file: str) -> Visual:
    config = _object(read("config"))
    single = _object(config.get("singleVisual"))
    group = _object(config.get("singleVisualGroup"))
    prototype = _object(single.get("prototypeQuery"))
    aliases = _aliases(prototype)
    selects = {}
    for select in _list(prototype.get("Select")):
        select = _object(select)
        field = _field(select, aliases)
        if field is not None and isinstance(select.get("Name"), str):
            selects[select["Name"]] = field
    projections = []
    for role, items in _object(single.get("projections")).items():
        for item in _list(items):
            ref = _object(item).get("queryRef")
            if isinstance(ref, str) and ref in selects:
                projections.append(Projection(role, selects[ref]))
    sort = []
    for item in _list(prototype.get("OrderBy")):
        item = _object(item)
        field = _field(_object(item.get("Expression")), aliases)
        if field is not None:
            sort.append(Sort(field, item.get("Direction") == 2))
    layouts = _list(config.get("layouts"))
    position = _object(_object(layouts[0]).get("position")) if layouts else {}
    return _visual(
        str(config.get("name") or f"visual{index}"), single, group, position or container, projections, sort,
        _filters(read("filters"), {}), aliases, title_objects=_object(single.get("vcObjects")),
        parent=config.get("parentGroupName"), hidden=_object(single.get("display")).get("mode") == "hidden",
        file=file)


def _visual(name: str, body: dict[str, Any], group: dict[str, Any], position: dict[str, Any],
            projections: list[Projection], sort: list[Sort], filters: tuple[Filter, ...],
            aliases: dict[str, str], *, title_objects: dict[str, Any], parent: Any, hidden: bool,
            file: str) -> Visual:
    """What both formats hold for a visual: `body` is PBIR's `visual` or legacy `singleVisual`,
    `group` its `visualGroup` / `singleVisualGroup` (a group has no body)."""
    objects = _object(body.get("objects"))
    return Visual(
        name=name,
        visual_type=None if group and not body else str(body.get("visualType") or "") or None,
        position=Position(_number(position.get("x")), _number(position.get("y")),
                          _number(position.get("width")), _number(position.get("height")),
                          _number(position.get("z"))),
        projections=tuple(projections),
        filters=(*filters, *_slicer_selection(objects, aliases)),
        sort=tuple(sort),
        title=_title(title_objects) or (group.get("displayName") if group else None),
        text=_text(objects),
        group=parent if isinstance(parent, str) else None,
        is_hidden=hidden,
        location=SourceLocation(file),
    )


# ------------------------------------------------------------------------------- queries


def _aliases(query: dict[str, Any]) -> dict[str, str]:
    """A query's `From` names each table by an alias (`Source`) that its expressions use."""
    return {str(f["Name"]): str(f["Entity"]) for f in map(_object, _list(query.get("From")))
            if isinstance(f.get("Name"), str) and isinstance(f.get("Entity"), str)}


def _entity(expression: Any, aliases: dict[str, str]) -> str | None:
    source = _object(_object(_object(expression).get("Expression")).get("SourceRef"))
    entity = source.get("Entity")
    if isinstance(entity, str):
        return entity
    alias = source.get("Source")
    return aliases.get(alias) if isinstance(alias, str) else None


def _field(expression: Any, aliases: dict[str, str]) -> FieldRef | None:
    """A query expression naming a model object (Measure, Column, Aggregation, HierarchyLevel)."""
    expression = _object(expression)
    if not expression:
        return None
    for key, kind in (("Measure", FieldKind.MEASURE), ("Column", FieldKind.COLUMN)):
        if key in expression:
            inner = _object(expression[key])
            return FieldRef(kind, _entity(inner, aliases), _string(inner.get("Property")))
    if "Aggregation" in expression:
        inner = _object(expression["Aggregation"])
        column = _field(_object(inner.get("Expression")), aliases)
        function = inner.get("Function")
        return FieldRef(FieldKind.AGGREGATION, column.entity if column else None,
                        column.name if column else None,
                        AGGREGATE_FUNCTIONS.get(function, f"function_{function}") if isinstance(function, int) else None)
    if "HierarchyLevel" in expression:
        inner = _object(expression["HierarchyLevel"])
        hierarchy = _object(_object(inner.get("Expression")).get("Hierarchy"))
        return FieldRef(FieldKind.HIERARCHY_LEVEL, _entity(hierarchy, aliases), _string(inner.get("Level")))
    return FieldRef(FieldKind.OTHER, None, next(iter(expression), None))


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _filters(value: Any, aliases: dict[str, str]) -> tuple[Filter, ...]:
    """Filters as both formats write them: `{field|expression, type, filter: {From, Where}}`.
    A filter without a condition (nothing selected) filters nothing and is left out."""
    out = []
    for item in map(_object, _list(value)):
        definition = _object(item.get("filter"))
        local = {**aliases, **_aliases(definition)}
        field = _field(item.get("field") or item.get("expression"), local)
        where = _list(definition.get("Where"))
        if not where:
            continue
        condition = _object(_object(where[0]).get("Condition"))
        parsed = _condition(condition, local)
        if str(item.get("type", "")).casefold() == "topn":
            parsed = Filter(parsed.field, "top_n", (), _find_int(definition, "Top"))
        elif str(item.get("type", "")).casefold() == "relativedate":
            parsed = Filter(parsed.field, "relative_date")
        out.append(Filter(field or parsed.field, parsed.operator, parsed.values, parsed.top_n))
    return tuple(out)


def _condition(condition: dict[str, Any], aliases: dict[str, str]) -> Filter:
    if "In" in condition:
        inner = _object(condition["In"])
        expressions = _list(inner.get("Expressions"))
        field = _field(expressions[0], aliases) if len(expressions) == 1 else None
        values = tuple(_literal(row[0]) for row in _list(inner.get("Values"))
                       if isinstance(row, list) and len(row) == 1 and _literal(row[0]) is not None)
        return Filter(field, "in", values)  # type: ignore[arg-type]
    if "Not" in condition:
        inner = _condition(_object(_object(condition["Not"]).get("Expression")), aliases)
        if inner.operator == "in":
            return Filter(inner.field, "not_in", inner.values)
        if inner.operator == "eq":
            return Filter(inner.field, "ne", inner.values)
        return Filter(inner.field, "other")
    if "Comparison" in condition:
        inner = _object(condition["Comparison"])
        value = _literal(inner.get("Right"))
        kind = inner.get("ComparisonKind")
        operator = _COMPARISONS.get(kind, "other") if isinstance(kind, int) else "other"
        return Filter(_field(inner.get("Left"), aliases), operator, (value,) if value is not None else ())
    return Filter(None, "other")


_TYPED_LITERAL = re.compile(r"^(-?\d+(?:\.\d+)?)[LDM]$")


def _literal(expression: Any) -> str | None:
    """A literal as text: 'abc' -> abc, 12L -> 12, 1.5D -> 1.5, datetime'2024-01-01' -> 2024-01-01."""
    value = _object(_object(expression).get("Literal")).get("Value")
    if not isinstance(value, str):
        return None
    if (m := re.fullmatch(r"(?:datetime)?'(.*)'", value, re.DOTALL)) is not None:
        return m.group(1).replace("''", "'")
    if (m := _TYPED_LITERAL.match(value)) is not None:
        return m.group(1)
    return value


def _find_int(value: Any, key: str) -> int | None:
    if isinstance(value, dict):
        if isinstance(value.get(key), int) and not isinstance(value.get(key), bool):
            return value[key]
        values: Iterable[Any] = value.values()
    elif isinstance(value, list):
        values = value
    else:
        return None
    for item in values:
        if (found := _find_int(item, key)) is not None:
            return found
    return None


def _literal_property(objects: Any, name: str) -> str | None:
    for item in map(_object, _list(objects)):
        found = _literal(_object(_object(_object(item.get("properties")).get(name)).get("expr")))
        if found is not None:
            return found
    return None


def _title(objects: dict[str, Any]) -> str | None:
    return _literal_property(objects.get("title"), "text")


def _text(objects: dict[str, Any]) -> str | None:
    """A text box's text: its paragraphs' text runs, one line per paragraph."""
    lines = []
    for general in map(_object, _list(objects.get("general"))):
        for paragraph in map(_object, _list(_object(general.get("properties")).get("paragraphs"))):
            runs = [str(_object(run).get("value", "")) for run in _list(paragraph.get("textRuns"))]
            lines.append("".join(runs))
    return "\n".join(lines) if lines else None


def _slicer_selection(objects: dict[str, Any], aliases: dict[str, str]) -> list[Filter]:
    """A slicer keeps its selection as a filter in objects.general[].properties.filter.filter."""
    found = []
    for general in map(_object, _list(objects.get("general"))):
        definition = _object(_object(_object(general.get("properties")).get("filter")).get("filter"))
        if definition:
            found += _filters([{"filter": definition}], aliases)
    return found
