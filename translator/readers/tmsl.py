"""TMSL (the JSON of model.bim and of a .pbit's DataModelSchema) to a SemanticModel."""

from __future__ import annotations

from typing import Any

from translator.diagnostics import SourceLocation
from translator.readers import tom
from translator.readers.errors import BAD_STRUCTURE, fail
from translator.readers.jsonpos import JsonArray, JsonObject, Position
from translator.model.semantic import (
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
        culture=reader.text(model, "culture"),
        annotations=tuple((reader.require(a, "name", "annotation"), reader.text(a, "value") or "")
                          for a in reader.list(model, "annotations")),
    )


def _position(obj: dict, key: str) -> Position | None:
    if not isinstance(obj, JsonObject) or key not in obj.positions:
        return None
    value = obj[key]
    if isinstance(value, JsonArray) and value.positions:
        return value.positions[0]
    return obj.positions[key]


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

    def where(self, obj: Any, key: str) -> tuple[int | None, int | None]:
        position = _position(obj, key) if isinstance(obj, dict) else None
        return position or (None, None)

    def text(self, obj: dict, key: str) -> str | None:
        """A string, or a list of lines (TMSL writes long text both ways)."""
        value = obj.get(key)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, list) and all(isinstance(line, str) for line in value):
            return "\n".join(value)
        fail(BAD_STRUCTURE, f'expected "{key}" to be a string or a list of lines', self.file, *self.where(obj, key))

    def flag(self, obj: dict, key: str, default: bool = False) -> bool:
        value = obj.get(key, default)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.casefold() in ("true", "false"):
            return value.casefold() == "true"
        fail(BAD_STRUCTURE, f'expected "{key}" to be true or false', self.file, *self.where(obj, key))

    def scalar(self, obj: dict, key: str) -> str | int | None:
        """A TOM enum value: its name, or its number."""
        value = obj.get(key)
        if value is None or isinstance(value, (str, int)) and not isinstance(value, bool):
            return value
        fail(BAD_STRUCTURE, f'expected "{key}" to be a name or a number', self.file, *self.where(obj, key))

    def integer(self, obj: dict, key: str, default: int) -> int:
        value = obj.get(key, default)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        fail(BAD_STRUCTURE, f'expected "{key}" to be a whole number', self.file, *self.where(obj, key))

    def require(self, obj: Any, key: str, what: str) -> str:
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is None or value == "":
            line = None
            if isinstance(obj, JsonObject) and obj.positions:
                line = min(obj.positions.values())[0]
            fail(BAD_STRUCTURE, f'{what} has no "{key}"; expected every {what} to have one', self.file, line)
        if not isinstance(value, str):
            fail(BAD_STRUCTURE, f'expected the "{key}" of a {what} to be a string', self.file, *self.where(obj, key))
        return value

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
            is_hidden=self.flag(t, "isHidden", False),
            description=self.text(t, "description"),
            expression=self.text(calculated, "expression") if calculated else None,
            calculation_items=items,
            location=self.location(t, "name"),
            source=(self.text(query, "expression") or self.text(query, "query")) if query and calculated is None
            else None,
            data_category=self.text(t, "dataCategory"),
        )

    def column(self, c: dict, table: str) -> Column:
        name = self.require(c, "name", f"column of table '{table}'")
        return Column(
            name=name,
            data_type=tom.data_type(self.scalar(c, "dataType")),
            is_hidden=self.flag(c, "isHidden", False),
            description=self.text(c, "description"),
            format_string=self.text(c, "formatString"),
            expression=self.text(c, "expression"),
            sort_by_column=self.text(c, "sortByColumn"),
            is_key=self.flag(c, "isKey", False),
            summarize_by=tom.summarize_by(self.scalar(c, "summarizeBy")),
            data_category=self.text(c, "dataCategory"),
        )

    def measure(self, m: dict, table: str) -> Measure:
        name = self.require(m, "name", f"measure of table '{table}'")
        return Measure(
            table=table,
            name=name,
            expression=self.text(m, "expression") or "",
            format_string=self.text(m, "formatString"),
            display_folder=self.text(m, "displayFolder"),
            description=self.text(m, "description"),
            is_hidden=self.flag(m, "isHidden", False),
            location=self.location(m, "expression"),
        )

    def calculation_item(self, i: dict, ordinal: int) -> CalculationItem:
        name = self.require(i, "name", "calculation item")
        fmt = i.get("formatStringDefinition")
        return CalculationItem(
            name=name,
            expression=self.text(i, "expression") or "",
            ordinal=self.integer(i, "ordinal", ordinal),
            format_string_expression=self.text(fmt, "expression") if isinstance(fmt, dict) else None,
            description=self.text(i, "description"),
            location=self.location(i, "expression"),
        )

    def relationship(self, r: dict) -> Relationship:
        return tom.relationship(
            from_table=self.require(r, "fromTable", "relationship"),
            from_column=self.require(r, "fromColumn", "relationship"),
            to_table=self.require(r, "toTable", "relationship"),
            to_column=self.require(r, "toColumn", "relationship"),
            is_active=self.flag(r, "isActive", True),
            cross_filtering=tom.cross_filtering(self.scalar(r, "crossFilteringBehavior")),
            name=self.text(r, "name"),
            from_cardinality=self.scalar(r, "fromCardinality"),
            to_cardinality=self.scalar(r, "toCardinality"),
        )


def _is_field_parameter(column: dict) -> bool:
    props = column.get("extendedProperties", [])
    return isinstance(props, list) and any(
        isinstance(p, dict) and p.get("name") == tom.FIELD_PARAMETER_PROPERTY for p in props)
