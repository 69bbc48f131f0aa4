"""TMSL (the JSON of model.bim and of a .pbit's DataModelSchema) to a SemanticModel."""

from __future__ import annotations

from typing import Any

from translator.diagnostics import SourceLocation
from translator.readers import tom
from translator.readers.errors import BAD_STRUCTURE, fail
from translator.readers.jsonpos import JsonArray, JsonObject, Position
from translator.readers.model import (
    CalculationItem,
    Column,
    Measure,
    Relationship,
    SemanticModel,
    Table,
    TableKind,
)


def model_from_tmsl(document: Any, *, name: str, export: str, file: str) -> SemanticModel:
    """`file` is where locations point (relative to the exports folder)."""
    reader = _Reader(file)
    if not isinstance(document, dict):
        fail(BAD_STRUCTURE, "expected a TMSL document: a JSON object with a \"model\" object", file, 1)
    model = document.get("model", document if "tables" in document else None)
    if not isinstance(model, dict):
        fail(BAD_STRUCTURE, "expected a TMSL document: a JSON object with a \"model\" object holding "
             "\"tables\"", file, 1)
    tables = reader.list(model, "tables")
    return SemanticModel(
        name=name,
        export=export,
        tables=tuple(reader.table(t) for t in tables),
        relationships=tuple(reader.relationship(r) for r in reader.list(model, "relationships")),
        culture=_text(model.get("culture")),
        annotations=_annotations(reader.list(model, "annotations")),
    )


def _text(value: Any) -> str | None:
    """TMSL writes long text either as a string or as a list of lines."""
    if value is None:
        return None
    if isinstance(value, list):
        return "\n".join(str(line) for line in value)
    return str(value)


def _position(obj: dict, key: str) -> Position | None:
    if not isinstance(obj, JsonObject) or key not in obj.positions:
        return None
    value = obj[key]
    if isinstance(value, JsonArray) and value.positions:
        return value.positions[0]
    return obj.positions[key]


def _annotations(items: list) -> tuple[tuple[str, str], ...]:
    return tuple((str(a.get("name")), _text(a.get("value")) or "") for a in items if isinstance(a, dict))


class _Reader:
    def __init__(self, file: str):
        self.file = file

    def location(self, obj: dict, key: str) -> SourceLocation:
        where = _position(obj, key)
        return SourceLocation(self.file, *where) if where else SourceLocation(self.file)

    def list(self, obj: dict, key: str) -> list:
        value = obj.get(key, [])
        if not isinstance(value, list):
            where = _position(obj, key) or (None, None)
            fail(BAD_STRUCTURE, f'expected "{key}" to be a JSON array', self.file, *where)
        return value

    def require(self, obj: Any, key: str, what: str) -> str:
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is None or value == "":
            line = None
            if isinstance(obj, JsonObject) and obj.positions:
                line = min(obj.positions.values())[0]
            fail(BAD_STRUCTURE, f'{what} has no "{key}"; expected every {what} to have one', self.file, line)
        return _text(value) or ""

    def table(self, t: dict) -> Table:
        name = self.require(t, "name", "table")
        columns = tuple(self.column(c, name) for c in self.list(t, "columns")
                        if isinstance(c, dict) and c.get("type") != "rowNumber")
        partitions = [p for p in self.list(t, "partitions") if isinstance(p, dict)]
        sources = [p.get("source") for p in partitions if isinstance(p.get("source"), dict)]
        calculated = next((s for s in sources if str(s.get("type", "")).casefold() == "calculated"), None)
        query = next((s for s in sources if str(s.get("type", "m")).casefold() in ("m", "query")), None)
        group = t.get("calculationGroup")
        items: tuple[CalculationItem, ...] = ()
        if isinstance(group, dict):
            kind = TableKind.CALCULATION_GROUP
            items = tuple(self.calculation_item(i, n) for n, i in enumerate(self.list(group, "calculationItems")))
        elif calculated is not None:
            parameter = any(_is_field_parameter(c) for c in self.list(t, "columns") if isinstance(c, dict))
            kind = TableKind.FIELD_PARAMETER if parameter else TableKind.CALCULATED
        else:
            kind = TableKind.DATA
        return Table(
            name=name,
            kind=kind,
            columns=columns,
            measures=tuple(self.measure(m, name) for m in self.list(t, "measures")),
            is_hidden=bool(t.get("isHidden", False)),
            description=_text(t.get("description")),
            expression=_text(calculated.get("expression")) if calculated else None,
            calculation_items=items,
            location=self.location(t, "name"),
            source=_text(query.get("expression", query.get("query"))) if query and calculated is None else None,
            data_category=_text(t.get("dataCategory")),
        )

    def column(self, c: dict, table: str) -> Column:
        name = self.require(c, "name", f"column of table '{table}'")
        return Column(
            name=name,
            data_type=tom.data_type(c.get("dataType")),
            is_hidden=bool(c.get("isHidden", False)),
            description=_text(c.get("description")),
            format_string=_text(c.get("formatString")),
            expression=_text(c.get("expression")),
            sort_by_column=_text(c.get("sortByColumn")),
            is_key=bool(c.get("isKey", False)),
            summarize_by=tom.summarize_by(c.get("summarizeBy")),
            data_category=_text(c.get("dataCategory")),
        )

    def measure(self, m: dict, table: str) -> Measure:
        name = self.require(m, "name", f"measure of table '{table}'")
        return Measure(
            table=table,
            name=name,
            expression=_text(m.get("expression")) or "",
            format_string=_text(m.get("formatString")),
            display_folder=_text(m.get("displayFolder")),
            description=_text(m.get("description")),
            is_hidden=bool(m.get("isHidden", False)),
            location=self.location(m, "expression"),
        )

    def calculation_item(self, i: dict, ordinal: int) -> CalculationItem:
        fmt = i.get("formatStringDefinition")
        return CalculationItem(
            name=self.require(i, "name", "calculation item"),
            expression=_text(i.get("expression")) or "",
            ordinal=int(i.get("ordinal", ordinal)),
            format_string_expression=_text(fmt.get("expression")) if isinstance(fmt, dict) else None,
            description=_text(i.get("description")),
            location=self.location(i, "expression"),
        )

    def relationship(self, r: dict) -> Relationship:
        return Relationship(
            from_table=self.require(r, "fromTable", "relationship"),
            from_column=self.require(r, "fromColumn", "relationship"),
            to_table=self.require(r, "toTable", "relationship"),
            to_column=self.require(r, "toColumn", "relationship"),
            is_active=bool(r.get("isActive", True)),
            cross_filtering=tom.cross_filtering(r.get("crossFilteringBehavior")),
            name=_text(r.get("name")),
        )


def _is_field_parameter(column: dict) -> bool:
    props = column.get("extendedProperties", [])
    return isinstance(props, list) and any(
        isinstance(p, dict) and p.get("name") == tom.FIELD_PARAMETER_PROPERTY for p in props)
