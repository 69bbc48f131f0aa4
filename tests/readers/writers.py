"""Test-only writers: a SemanticModel out as model.bim, .pbit and a DMV dump, for round trips.

They write what Power BI / SSAS write (TMSL with list-of-lines expressions, a UTF-16 LE
DataModelSchema inside a zip, INFO.MEASURES() output with bracketed headers), independently of
the readers' code.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zlib
from pathlib import Path
from typing import Any

from translator.model.semantic import Column, Measure, SemanticModel, Table, TableKind

_STATE_NUMBERS = {"Ready": 1, "SemanticError": 5, "EvaluationError": 6, "DependencyError": 7, "SyntaxError": 9}


def _lines(text: str) -> str | list[str]:
    """TMSL writes multi-line text as a list of lines."""
    return text.split("\n") if "\n" in text else text


def _put(target: dict, key: str, value: Any, default: Any = None) -> None:
    if value is not None and value != default:
        target[key] = value


def _column(column: Column, table: Table, first: bool) -> dict:
    out: dict[str, Any] = {"name": column.name}
    if column.data_type != "automatic":
        out["dataType"] = column.data_type
    if column.expression is not None:
        out["type"] = "calculated"
        out["expression"] = _lines(column.expression)
    elif table.kind in (TableKind.CALCULATED, TableKind.FIELD_PARAMETER):
        out["type"] = "calculatedTableColumn"
        out["sourceColumn"] = f"[{column.name}]"
    else:
        out["sourceColumn"] = column.name
    _put(out, "isHidden", column.is_hidden, False)
    _put(out, "isKey", column.is_key, False)
    _put(out, "description", column.description)
    _put(out, "formatString", column.format_string)
    _put(out, "sortByColumn", column.sort_by_column)
    _put(out, "summarizeBy", column.summarize_by)
    _put(out, "dataCategory", column.data_category)
    if table.kind is TableKind.FIELD_PARAMETER and first:
        out["extendedProperties"] = [{"type": "json", "name": "ParameterMetadata",
                                      "value": {"version": 3, "kind": 2}}]
    return out


def _measure(measure: Measure) -> dict:
    out: dict[str, Any] = {"name": measure.name, "expression": _lines(measure.expression)}
    _put(out, "formatString", measure.format_string)
    _put(out, "displayFolder", measure.display_folder)
    _put(out, "description", measure.description)
    _put(out, "isHidden", measure.is_hidden, False)
    return out


def _table(table: Table) -> dict:
    out: dict[str, Any] = {"name": table.name}
    _put(out, "isHidden", table.is_hidden, False)
    _put(out, "description", table.description)
    _put(out, "dataCategory", table.data_category)
    out["columns"] = [_column(c, table, i == 0) for i, c in enumerate(table.columns)]
    if table.kind is TableKind.CALCULATION_GROUP:
        items = []
        for item in table.calculation_items:
            entry: dict[str, Any] = {"name": item.name, "expression": _lines(item.expression),
                                     "ordinal": item.ordinal}
            _put(entry, "description", item.description)
            if item.format_string_expression is not None:
                entry["formatStringDefinition"] = {"expression": item.format_string_expression}
            items.append(entry)
        out["calculationGroup"] = {"precedence": 10, "calculationItems": items}
        source: dict[str, Any] | None = {"type": "calculationGroup"}
    elif table.kind in (TableKind.CALCULATED, TableKind.FIELD_PARAMETER):
        source = {"type": "calculated", "expression": _lines(table.expression or "")}
    elif table.source is not None:
        source = {"type": "m", "expression": _lines(table.source)}
    else:
        source = None
    if source is not None:
        out["partitions"] = [{"name": table.name, "mode": "import", "source": source}]
    if table.measures:
        out["measures"] = [_measure(m) for m in table.measures]
    return out


def tmsl(model: SemanticModel) -> dict:
    body: dict[str, Any] = {}
    _put(body, "culture", model.culture)
    body["tables"] = [_table(t) for t in model.tables]
    relationships = []
    for r in model.relationships:
        entry: dict[str, Any] = {"name": r.name, "fromTable": r.from_table, "fromColumn": r.from_column,
                                 "toTable": r.to_table, "toColumn": r.to_column}
        _put(entry, "isActive", r.is_active, True)
        _put(entry, "crossFilteringBehavior", r.cross_filtering, "oneDirection")
        _put(entry, "fromCardinality", r.from_cardinality.value, "many")
        _put(entry, "toCardinality", r.to_cardinality.value, "one")
        relationships.append(entry)
    if relationships:
        body["relationships"] = relationships
    if model.annotations:
        body["annotations"] = [{"name": k, "value": v} for k, v in model.annotations]
    return {"name": model.name, "compatibilityLevel": 1567, "model": body}


def write_bim(model: SemanticModel, path: Path) -> Path:
    path.write_text(json.dumps(tmsl(model), indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def write_pbit(model: SemanticModel, path: Path, *, bom: bool = False) -> Path:
    schema = json.dumps(tmsl(model), indent=2, ensure_ascii=False).encode("utf-16-le")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Version", "1.28".encode("utf-16-le"))
        archive.writestr("DataModelSchema", (b"\xff\xfe" if bom else b"") + schema)
        archive.writestr("Report/Layout", json.dumps({"sections": []}).encode("utf-16-le"))
        archive.writestr("[Content_Types].xml", "<Types/>")
    return path


_MEASURE_HEADERS = ["[ID]", "[TableID]", "[Name]", "[Description]", "[DataType]", "[Expression]",
                    "[FormatString]", "[IsHidden]", "[State]", "[ErrorMessage]", "[DisplayFolder]"]


def write_dmv(model: SemanticModel, folder: Path, stem: str) -> Path:
    """`<stem>.measures.csv` and `<stem>.tables.csv` as DAX query view exports INFO.MEASURES/TABLES()."""
    table_ids = {t.name: 100 + 3 * i for i, t in enumerate(model.tables)}
    measures = io.StringIO()
    writer = csv.writer(measures, lineterminator="\r\n")
    writer.writerow(_MEASURE_HEADERS)
    for number, m in enumerate(model.measures, start=1):
        writer.writerow([number, table_ids[m.table], m.name, m.description or "", 6, m.expression,
                         m.format_string or "", "True" if m.is_hidden else "False",
                         _STATE_NUMBERS[m.state or "Ready"], m.error_message or "", m.display_folder or ""])
    tables = io.StringIO()
    writer = csv.writer(tables, lineterminator="\r\n")
    writer.writerow(["[ID]", "[ModelID]", "[Name]", "[IsHidden]"])
    for t in model.tables:
        writer.writerow([table_ids[t.name], 1, t.name, "True" if t.is_hidden else "False"])
    # DAX Studio and Excel write UTF-8 with a byte-order mark.
    (folder / f"{stem}.tables.csv").write_bytes(b"\xef\xbb\xbf" + tables.getvalue().encode("utf-8"))
    path = folder / f"{stem}.measures.csv"
    path.write_bytes(b"\xef\xbb\xbf" + measures.getvalue().encode("utf-8"))
    return path


def _file_name(name: str) -> str:
    """pbi-tools percent-encodes the characters a file name cannot hold; a name too long for a
    file name is cut (the object's .json then keeps the whole name)."""
    encoded = "".join(f"%{ord(c):02X}" if c in '<>:"/\\|?*%' else c for c in name)
    if len(encoded) <= 150:
        return encoded
    return f"{encoded[:140]}~{zlib.crc32(name.encode('utf-8')):08x}"


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False), encoding="utf-8")


def _split_expression(entry: dict, folder: Path, stem: str) -> None:
    """`<stem>.dax` holds the expression; `<stem>.json` the other properties (name only when the
    file name cannot spell it)."""
    expression = entry.pop("expression", None)
    if isinstance(expression, list):
        expression = "\n".join(expression)
    if expression is not None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{stem}.dax").write_text(expression, encoding="utf-8")
    if entry.get("type") == "calculated":
        del entry["type"]
    if entry.get("name") == stem:
        del entry["name"]
    if entry or expression is None:
        _write_json(folder / f"{stem}.json", entry)


def write_pbitools(model: SemanticModel, project: Path) -> Path:
    """`pbi-tools extract`'s layout: .pbixproj.json, Model/database.json, one folder per table."""
    document = tmsl(model)
    tables = document["model"].pop("tables")
    _write_json(project / ".pbixproj.json", {"version": "0.11", "created": "2024-01-01T00:00:00"})
    _write_json(project / "Model" / "database.json", document)
    for table in tables:
        folder = project / "Model" / "tables" / _file_name(table["name"])
        for kind, key in (("columns", "columns"), ("measures", "measures")):
            for entry in table.pop(key, []):
                _split_expression(entry, folder / kind, _file_name(entry["name"]))
        group = table.get("calculationGroup")
        if group is not None:
            for item in group.pop("calculationItems"):
                _split_expression(item, folder / "calculationItems", _file_name(item["name"]))
        for partition in table.get("partitions", []):
            source = partition["source"]
            expression = source.pop("expression", None)
            if isinstance(expression, list):
                expression = "\n".join(expression)
            if expression is None:
                continue
            if source["type"] == "calculated":
                (folder / "table.dax").parent.mkdir(parents=True, exist_ok=True)
                (folder / "table.dax").write_text(expression, encoding="utf-8")
            else:
                queries = project / "Model" / "queries"
                queries.mkdir(parents=True, exist_ok=True)
                (queries / f"{_file_name(table['name'])}.m").write_text(expression, encoding="utf-8")
        _write_json(folder / "table.json", table)
    return project
