"""Write a ReportLayout in each report format Power BI saves, for the readers' round trips.

The writers are independent of the readers: they build the documents from the formats'
descriptions (PBIR visual.json / page.json; the legacy Layout with JSON held in strings and
fields named through prototypeQuery aliases; pbi-tools' split folders).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from translator.model.layout import AGGREGATE_FUNCTIONS, FieldKind, FieldRef, Filter, Page, ReportLayout, Visual

_FUNCTIONS = {name: code for code, name in AGGREGATE_FUNCTIONS.items()}
_COMPARISONS = {"eq": 0, "gt": 1, "ge": 2, "lt": 3, "le": 4}


def _source(entity: str | None, aliases: dict[str, str] | None) -> dict[str, Any]:
    if aliases is None:
        return {"SourceRef": {"Entity": entity}}
    return {"SourceRef": {"Source": aliases[entity or ""]}}


def field_json(ref: FieldRef, aliases: dict[str, str] | None = None) -> dict[str, Any]:
    """A field as a query expression; `aliases` (entity -> alias) for the legacy form."""
    match ref.kind:
        case FieldKind.MEASURE:
            return {"Measure": {"Expression": _source(ref.entity, aliases), "Property": ref.name}}
        case FieldKind.COLUMN:
            return {"Column": {"Expression": _source(ref.entity, aliases), "Property": ref.name}}
        case FieldKind.AGGREGATION:
            column = field_json(FieldRef(FieldKind.COLUMN, ref.entity, ref.name), aliases)
            return {"Aggregation": {"Expression": column, "Function": _FUNCTIONS[ref.function or "sum"]}}
        case FieldKind.HIERARCHY_LEVEL:
            return {"HierarchyLevel": {"Expression": {"Hierarchy": {"Expression": _source(ref.entity, aliases),
                                                                    "Hierarchy": "Hierarchy"}},
                                       "Level": ref.name}}
        case FieldKind.OTHER:
            return {ref.name or "Arithmetic": {}}
    raise AssertionError(ref.kind)


def _literal(value: str) -> dict[str, Any]:
    if value.lstrip("-").isdigit():
        return {"Literal": {"Value": f"{value}L"}}
    return {"Literal": {"Value": "'" + value.replace("'", "''") + "'"}}


def _entities(refs: list[FieldRef | None]) -> dict[str, str]:
    names: dict[str, str] = {}
    for ref in refs:
        if ref is not None and ref.entity is not None and ref.entity not in names:
            names[ref.entity] = f"t{len(names)}"
    return names


def filter_json(item: Filter, legacy: bool) -> dict[str, Any]:
    """A filter as both formats hold it: the field, a type and a {From, Where} query."""
    aliases = _entities([item.field])
    column = field_json(item.field, aliases) if item.field else {"Arithmetic": {}}
    from_ = [{"Name": alias, "Entity": entity, "Type": 0} for entity, alias in aliases.items()]
    kind = "Categorical"
    if item.operator in ("in", "not_in"):
        condition: dict[str, Any] = {"In": {"Expressions": [column], "Values": [[_literal(v)] for v in item.values]}}
        if item.operator == "not_in":
            condition = {"Not": {"Expression": condition}}
    elif item.operator == "top_n":
        kind = "TopN"
        sub = {"Version": 2, "From": list(from_), "Select": [{**column, "Name": "field"}], "Top": item.top_n}
        from_ = [{"Name": "subquery", "Expression": {"Subquery": {"Query": sub}}, "Type": 2}, *from_]
        condition = {"In": {"Expressions": [column], "Table": {"SourceRef": {"Source": "subquery"}}}}
    else:
        kind = "Advanced"
        operator = "eq" if item.operator == "ne" else item.operator
        condition = {"Comparison": {"ComparisonKind": _COMPARISONS[operator], "Left": column,
                                    "Right": _literal(item.values[0])}}
        if item.operator == "ne":
            condition = {"Not": {"Expression": condition}}
    out: dict[str, Any] = {"name": "filter", "type": kind,
                           "filter": {"Version": 2, "From": from_, "Where": [{"Condition": condition}]}}
    if item.field is not None:
        out["expression" if legacy else "field"] = field_json(item.field)
    return out


def _title(text: str | None) -> dict[str, Any]:
    if text is None:
        return {}
    return {"title": [{"properties": {"text": {"expr": _literal(text)}}}]}


def _text_objects(text: str | None) -> dict[str, Any]:
    if text is None:
        return {}
    return {"general": [{"properties": {"paragraphs": [{"textRuns": [{"value": line}]}
                                                       for line in text.split("\n")]}}]}


def _position(visual: Visual) -> dict[str, Any]:
    p = visual.position
    return {"x": p.x, "y": p.y, "z": p.z, "width": p.width, "height": p.height}


# ------------------------------------------------------------------------------- PBIR


def pbir_visual(visual: Visual) -> dict[str, Any]:
    document: dict[str, Any] = {"name": visual.name, "position": _position(visual)}
    if visual.is_group:
        document["visualGroup"] = {"displayName": visual.title, "groupMode": "ScaleMode"}
    else:
        roles: dict[str, Any] = {}
        for projection in visual.projections:
            roles.setdefault(projection.role, {"projections": []})["projections"].append(
                {"field": field_json(projection.field), "queryRef": projection.field.label})
        body: dict[str, Any] = {"visualType": visual.visual_type, "query": {"queryState": roles}}
        if visual.sort:
            body["query"]["sortDefinition"] = {"sort": [
                {"field": field_json(s.field), "direction": "Descending" if s.descending else "Ascending"}
                for s in visual.sort]}
        if visual.title is not None:
            body["visualContainerObjects"] = _title(visual.title)
        if visual.text is not None:
            body["objects"] = _text_objects(visual.text)
        document["visual"] = body
    if visual.filters:
        document["filterConfig"] = {"filters": [filter_json(f, legacy=False) for f in visual.filters]}
    if visual.group is not None:
        document["parentGroupName"] = visual.group
    if visual.is_hidden:
        document["isHidden"] = True
    return document


def write_pbir(layout: ReportLayout, root: Path, model_path: str = "../Model.SemanticModel") -> Path:
    folder = root / f"{layout.name}.Report"
    _write(folder / "definition.pbir", {"version": "4.0", "datasetReference": {"byPath": {"path": model_path}}})
    _write(folder / "definition" / "report.json",
           {"filterConfig": {"filters": [filter_json(f, legacy=False) for f in layout.filters]}})
    pages = folder / "definition" / "pages"
    ordered = sorted(layout.pages, key=lambda p: p.ordinal)
    _write(pages / "pages.json", {"pageOrder": [p.name for p in ordered]})
    for page in layout.pages:
        document: dict[str, Any] = {"name": page.name, "displayName": page.display_name,
                                    "width": page.width, "height": page.height}
        if page.is_hidden:
            document["visibility"] = "HiddenInViewMode"
        if page.is_tooltip:
            document["type"] = "Tooltip"
        if page.filters:
            document["filterConfig"] = {"filters": [filter_json(f, legacy=False) for f in page.filters]}
        _write(pages / page.name / "page.json", document)
        for visual in page.visuals:
            _write(pages / page.name / "visuals" / visual.name / "visual.json", pbir_visual(visual))
    return folder


# ------------------------------------------------------------------------------- legacy


def legacy_visual(visual: Visual) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    """(the container's own keys, its config, its filters) of the legacy format."""
    config: dict[str, Any] = {"name": visual.name, "layouts": [{"id": 0, "position": _position(visual)}]}
    if visual.is_group:
        config["singleVisualGroup"] = {"displayName": visual.title, "groupMode": 0}
    else:
        refs = [p.field for p in visual.projections] + [s.field for s in visual.sort]
        aliases = _entities(refs)
        selects, names = [], {}
        for ref in refs:
            if ref.label not in names:
                names[ref.label] = ref.label
                selects.append({**field_json(ref, aliases), "Name": ref.label})
        projections: dict[str, list[Any]] = {}
        for projection in visual.projections:
            projections.setdefault(projection.role, []).append({"queryRef": projection.field.label})
        single: dict[str, Any] = {
            "visualType": visual.visual_type, "projections": projections,
            "prototypeQuery": {"Version": 2,
                               "From": [{"Name": a, "Entity": e, "Type": 0} for e, a in aliases.items()],
                               "Select": selects,
                               "OrderBy": [{"Direction": 2 if s.descending else 1,
                                            "Expression": field_json(s.field, aliases)} for s in visual.sort]},
        }
        if visual.title is not None:
            single["vcObjects"] = _title(visual.title)
        if visual.text is not None:
            single["objects"] = _text_objects(visual.text)
        if visual.is_hidden:
            single["display"] = {"mode": "hidden"}
        config["singleVisual"] = single
    if visual.group is not None:
        config["parentGroupName"] = visual.group
    return _position(visual), config, [filter_json(f, legacy=True) for f in visual.filters]


def _section_config(page: Page) -> dict[str, Any]:
    config: dict[str, Any] = {}
    if page.is_hidden:
        config["visibility"] = 1
    if page.is_tooltip:
        config["objects"] = {"pageInformation": [{"properties": {"pageInformationType": {"expr": _literal("Tooltip")}}}]}
    return config


def legacy_document(layout: ReportLayout) -> dict[str, Any]:
    sections = []
    for page in layout.pages:
        containers = []
        for visual in page.visuals:
            own, config, filters = legacy_visual(visual)
            containers.append({**own, "config": json.dumps(config), "filters": json.dumps(filters)})
        sections.append({"name": page.name, "displayName": page.display_name, "ordinal": page.ordinal,
                         "width": page.width, "height": page.height, "displayOption": 1,
                         "config": json.dumps(_section_config(page)),
                         "filters": json.dumps([filter_json(f, legacy=True) for f in page.filters]),
                         "visualContainers": containers})
    return {"id": 0, "config": "{}", "filters": json.dumps([filter_json(f, legacy=True) for f in layout.filters]),
            "sections": sections}


def write_report_json(layout: ReportLayout, root: Path, model_path: str = "../Model.SemanticModel") -> Path:
    folder = root / f"{layout.name}.Report"
    _write(folder / "definition.pbir", {"version": "1.0", "datasetReference": {"byPath": {"path": model_path}}})
    _write(folder / "report.json", legacy_document(layout))
    return folder


def write_layout_archive(layout: ReportLayout, path: Path) -> Path:
    """A .pbix or .pbit holding only the Report/Layout member (UTF-16 LE, as Power BI writes it)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Report/Layout", json.dumps(legacy_document(layout)).encode("utf-16-le"))
    return path


def write_pbi_tools(layout: ReportLayout, folder: Path) -> Path:
    """pbi-tools' extracted Report/ folder: the legacy document split into files."""
    report = folder / "Report"
    _write(report / "report.json", {"id": 0})
    _write(report / "filters.json", [filter_json(f, legacy=True) for f in layout.filters])
    for n, page in enumerate(layout.pages):
        section = report / "sections" / f"{n:03d}_{page.name}"
        _write(section / "section.json", {"name": page.name, "displayName": page.display_name,
                                          "ordinal": page.ordinal, "width": page.width, "height": page.height})
        _write(section / "config.json", _section_config(page))
        _write(section / "filters.json", [filter_json(f, legacy=True) for f in page.filters])
        for m, visual in enumerate(page.visuals):
            own, config, filters = legacy_visual(visual)
            container = section / "visualContainers" / f"{m:05d}_{visual.name}"
            _write(container / "visualContainer.json", own)
            _write(container / "config.json", config)
            _write(container / "filters.json", filters)
    return folder


def _write(path: Path, document: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
