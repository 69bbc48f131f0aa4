"""A .pbix file, through pbixray.

pbixray's ready-made frames are not enough: its measure list lacks format strings, hidden flags and
the engine's state, its column list skips the columns of calculated tables, and its relationship
list drops every relationship that touches a calculated table. So this reader asks pbixray's
metadata database (the model's own TMSCHEMA tables, in SQLite) directly, in one place: `_Metadata`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from translator.diagnostics import Diagnostic, SourceLocation, report
from translator.readers import tom
from translator.readers.checks import dangling_relationships
from translator.readers.limits import MAX_MEMBER_BYTES, open_archive
from translator.readers.errors import (
    MEASURE_NOT_READY,
    MEMBER_TOO_LARGE,
    NO_EMBEDDED_MODEL,
    UNREADABLE_MODEL,
    fail,
)
from translator.model.semantic import (
    CalculationItem,
    Column,
    Measure,
    SemanticModel,
    Table,
    TableKind,
)

_MODEL_MEMBER = "DataModel"
_COLUMN_OBJECT_TYPE = 4  # ExtendedProperty.ObjectType of a column
_MODEL_OBJECT_TYPE = 1  # Annotation.ObjectType of the model
_INTERNAL_TABLE_FLAG = 1  # Table.SystemFlags bit of the engine's own H$/R$/U$ tables


def read_pbix(path: Path, *, file: str, export: str, name: str) -> tuple[SemanticModel, list[Diagnostic]]:
    _check_archive(path, file)
    metadata = _Metadata.open(path, file)
    try:
        return _build(metadata, file=file, export=export, name=name)
    finally:
        metadata.close()


def _check_archive(path: Path, file: str) -> None:
    """Fail on a damaged zip before pbixray does (its message would only say "compression format")."""
    with open_archive(path, file, "a complete .pbix saved by Power BI Desktop") as archive:
        names = set(archive.namelist())
        declared = archive.getinfo(_MODEL_MEMBER).file_size if _MODEL_MEMBER in names else 0
    if declared > MAX_MEMBER_BYTES:
        fail(MEMBER_TOO_LARGE, f"the archive member {_MODEL_MEMBER} inflates to {declared:,} bytes, over the "
             f"limit of {MAX_MEMBER_BYTES:,}; expected a model export", file)
    if _MODEL_MEMBER not in names:
        if "Connections" in names:
            return  # a thin report: pbixray names its connection below
        fail(NO_EMBEDDED_MODEL, "this .pbix holds no data model (no DataModel member); expected a .pbix "
             "with an imported or DirectQuery model", file)


class _Metadata:
    def __init__(self, ray: Any, file: str):
        self.ray = ray
        self.file = file
        source = getattr(getattr(ray, "_metadata", None), "source", None)
        self.db = getattr(source, "_db", None)
        if self.db is None or not hasattr(self.db, "query"):
            fail(UNREADABLE_MODEL, "the installed pbixray does not expose the model's metadata database; "
                 "expected pbixray 0.15 (see pyproject.toml)", file)
        self.columns_of: dict[str, set[str]] = {}

    @classmethod
    def open(cls, path: Path, file: str) -> _Metadata:
        from pbixray import PBIXRay
        from pbixray.exceptions import LiveConnectionError, NoEmbeddedModelError

        try:
            return cls(PBIXRay(str(path)), file)
        except LiveConnectionError as exc:
            target = f" to the dataset {exc.database_name!r}" if exc.database_name else ""
            fail(NO_EMBEDDED_MODEL, f"this .pbix is a thin report on a live connection{target} "
                 f"({exc.connection_type}): it holds no model to translate; expected the dataset's own "
                 ".pbix, or its TMDL/model.bim export", file, None, None,
                 f"connection: {exc.connection_string}" if exc.connection_string else "no connection string")
        except NoEmbeddedModelError as exc:
            fail(NO_EMBEDDED_MODEL, f"this .pbix holds no data model ({exc}); expected a .pbix with a model",
                 file)
        except Exception as exc:  # pbixray reports damage as assorted exceptions; name it, no traceback
            fail(UNREADABLE_MODEL, f"pbixray cannot read the data model ({type(exc).__name__}: {exc}); "
                 "expected a .pbix saved by Power BI Desktop", file)

    def close(self) -> None:
        self.ray.close()

    def has(self, table: str, column: str) -> bool:
        if table not in self.columns_of:
            frame = self.db.query(f'PRAGMA table_info("{table}")')
            self.columns_of[table] = set(frame["name"]) if "name" in frame else set()
        return column in self.columns_of[table]

    def rows(self, table: str, columns: dict[str, str], where: str = "", order: str = "ID") -> list[dict]:
        """SELECT the wanted columns (alias -> column, or NULL where this schema version lacks one)."""
        if not self.has(table, "ID") and order == "ID":
            order = ""
        selected = ", ".join(f"[{column}] AS [{alias}]" if self.has(table, column) else f"NULL AS [{alias}]"
                             for alias, column in columns.items())
        sql = f"SELECT {selected} FROM [{table}]"
        sql += f" WHERE {where}" if where else ""
        sql += f" ORDER BY {order}" if order else ""
        frame = self.db.query(sql)
        return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _build(meta: _Metadata, *, file: str, export: str, name: str) -> tuple[SemanticModel, list[Diagnostic]]:
    legacy = not meta.has("Relationship", "FromColumnID")  # old schemas spell it FromEndColumnID
    table_rows = meta.rows("Table", {"ID": "ID", "Name": "Name", "Description": "Description",
                                     "DataCategory": "DataCategory", "IsHidden": "IsHidden",
                                     "SystemFlags": "SystemFlags"})
    user_tables = [t for t in table_rows if not int(t["SystemFlags"] or 0) & _INTERNAL_TABLE_FLAG]
    table_names = {t["ID"]: t["Name"] for t in table_rows}
    type_column = "Type" if meta.has("Column", "Type") else "BindingType"
    column_rows = meta.rows("Column", {
        "ID": "ID", "TableID": "TableID", "ExplicitName": "ExplicitName", "InferredName": "InferredName",
        "Type": type_column, "ExplicitDataType": "ExplicitDataType", "InferredDataType": "InferredDataType",
        "DataCategory": "DataCategory", "Description": "Description", "IsHidden": "IsHidden", "IsKey": "IsKey",
        "SummarizeBy": "SummarizeBy", "Expression": "Expression", "FormatString": "FormatString",
        "SortByColumnID": "SortByColumnID"})
    column_names = {c["ID"]: c["ExplicitName"] or c["InferredName"] for c in column_rows}
    parameter_columns = {p["ObjectID"] for p in meta.rows(
        "ExtendedProperty", {"ObjectID": "ObjectID", "ObjectType": "ObjectType", "Name": "Name"})
        if p["ObjectType"] == _COLUMN_OBJECT_TYPE and p["Name"] == tom.FIELD_PARAMETER_PROPERTY}
    measure_rows = meta.rows("Measure", {
        "TableID": "TableID", "Name": "Name", "Expression": "Expression", "FormatString": "FormatString",
        "DisplayFolder": "DisplayFolder", "Description": "Description", "IsHidden": "IsHidden",
        "State": "State", "ErrorMessage": "ErrorMessage"})
    partition_rows = meta.rows("Partition", {"TableID": "TableID", "Type": "Type",
                                             "QueryDefinition": "QueryDefinition"})
    group_tables = {g["ID"]: g["TableID"] for g in meta.rows("CalculationGroup", {"ID": "ID", "TableID": "TableID"})}
    format_definitions = {f["ID"]: f["Expression"] for f in meta.rows(
        "FormatStringDefinition", {"ID": "ID", "Expression": "Expression"})} if meta.has(
        "FormatStringDefinition", "ID") else {}
    item_rows = meta.rows("CalculationItem", {
        "CalculationGroupID": "CalculationGroupID", "Name": "Name", "Expression": "Expression",
        "Ordinal": "Ordinal", "Description": "Description",
        "FormatStringDefinitionID": "FormatStringDefinitionID"}) if meta.has("CalculationItem", "ID") else []

    diagnostics: list[Diagnostic] = []
    location = SourceLocation(file)
    tables: list[Table] = []
    for t in user_tables:
        table_id, table_name = t["ID"], t["Name"]
        columns = [c for c in column_rows if c["TableID"] == table_id and c["Type"] != tom.COLUMN_ROW_NUMBER]
        partitions = [p for p in partition_rows if p["TableID"] == table_id]
        calculated = next((p for p in partitions if p["Type"] == tom.PARTITION_CALCULATED), None)
        imported = next((p for p in partitions if p["Type"] in (tom.PARTITION_M, tom.PARTITION_QUERY)), None)
        items = tuple(
            CalculationItem(
                name=i["Name"], expression=i["Expression"] or "", ordinal=int(i["Ordinal"] or 0),
                format_string_expression=format_definitions.get(i["FormatStringDefinitionID"]),
                description=i["Description"], location=location)
            for i in sorted(item_rows, key=lambda i: (i["Ordinal"] or 0, i["Name"]))
            if group_tables.get(i["CalculationGroupID"]) == table_id)
        if table_id in group_tables.values():
            kind = TableKind.CALCULATION_GROUP
        elif calculated is not None:
            parameter = any(c["ID"] in parameter_columns for c in columns)
            kind = TableKind.FIELD_PARAMETER if parameter else TableKind.CALCULATED
        else:
            kind = TableKind.DATA
        measures = []
        for m in (m for m in measure_rows if m["TableID"] == table_id):
            measure = Measure(
                table=table_name, name=m["Name"], expression=m["Expression"] or "",
                format_string=m["FormatString"] or None, display_folder=m["DisplayFolder"] or None,
                description=m["Description"] or None, is_hidden=bool(m["IsHidden"]), location=location,
                state=tom.state(m["State"]), error_message=m["ErrorMessage"] or None)
            if measure.state is not None:
                diagnostics.append(_not_ready(measure, location))
            measures.append(measure)
        tables.append(Table(
            name=table_name,
            kind=kind,
            columns=tuple(_column(c, column_names) for c in columns),
            measures=tuple(measures),
            is_hidden=bool(t["IsHidden"]),
            description=t["Description"] or None,
            expression=calculated["QueryDefinition"] if calculated else None,
            calculation_items=items,
            location=location,
            source=imported["QueryDefinition"] if imported and calculated is None else None,
            data_category=t["DataCategory"] or None,
        ))
    prefix = "FromEnd" if legacy else "From"
    to_prefix = "ToEnd" if legacy else "To"
    relationship_rows = meta.rows("Relationship", {
        "Name": "Name", "IsActive": "IsActive", "CrossFilteringBehavior": "CrossFilteringBehavior",
        "FromTableID": f"{prefix}TableID", "FromColumnID": f"{prefix}ColumnID",
        "ToTableID": f"{to_prefix}TableID", "ToColumnID": f"{to_prefix}ColumnID",
        "FromCardinality": f"{prefix}Cardinality", "ToCardinality": f"{to_prefix}Cardinality"})
    relationships = tuple(
        tom.relationship(
            from_table=table_names.get(r["FromTableID"], f"#{r['FromTableID']}"),
            from_column=column_names.get(r["FromColumnID"], f"#{r['FromColumnID']}"),
            to_table=table_names.get(r["ToTableID"], f"#{r['ToTableID']}"),
            to_column=column_names.get(r["ToColumnID"], f"#{r['ToColumnID']}"),
            is_active=bool(r["IsActive"]) if r["IsActive"] is not None else True,
            cross_filtering=tom.cross_filtering(r["CrossFilteringBehavior"]),
            name=r["Name"], from_cardinality=r["FromCardinality"], to_cardinality=r["ToCardinality"])
        for r in relationship_rows)
    model_rows = meta.rows("Model", {"Culture": "Culture"})
    annotations = tuple((a["Name"], a["Value"] or "") for a in meta.rows(
        "Annotation", {"Name": "Name", "Value": "Value", "ObjectType": "ObjectType"},
        where=f"ObjectType = {_MODEL_OBJECT_TYPE}"))
    model = SemanticModel(
        name=name, export=export, tables=tuple(tables), relationships=relationships,
        culture=model_rows[0]["Culture"] if model_rows else None, annotations=annotations)
    return model, diagnostics + dangling_relationships(model)


def _column(c: dict, names: dict[int, str]) -> Column:
    explicit = c["ExplicitDataType"]
    data_type = explicit if explicit not in (None, 1) else c["InferredDataType"]
    return Column(
        name=c["ExplicitName"] or c["InferredName"],
        data_type=tom.data_type(data_type),
        is_hidden=bool(c["IsHidden"]),
        description=c["Description"] or None,
        format_string=c["FormatString"] or None,
        expression=c["Expression"] or None,
        sort_by_column=names.get(c["SortByColumnID"]) if c["SortByColumnID"] else None,
        is_key=bool(c["IsKey"]),
        summarize_by=tom.summarize_by(c["SummarizeBy"]),
        data_category=c["DataCategory"] or None,
    )


def _not_ready(measure: Measure, location: SourceLocation) -> Diagnostic:
    detail = f": {measure.error_message}" if measure.error_message else ""
    return report(MEASURE_NOT_READY, f"measure [{measure.name}] is in the state {measure.state}{detail}; "
                  "it is reported, not translated", location)
