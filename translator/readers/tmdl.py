"""A TMDL folder (a PBIP `X.SemanticModel/definition/`, or any folder of .tmdl files) to a SemanticModel.

Files read: `database.tmdl`, `model.tmdl`, `relationships.tmdl` and `tables/*.tmdl`. Others
(`expressions.tmdl`, `cultures/`, `roles/`, `perspectives/`) hold nothing the translator uses.
"""

from __future__ import annotations

from pathlib import Path

from translator.diagnostics import Diagnostic, SourceLocation
from translator.readers import tom
from translator.readers.checks import dangling_relationships
from translator.readers.discover import definition_folder
from translator.readers.errors import BAD_STRUCTURE, TMDL_SYNTAX, fail
from translator.readers.limits import check_unicode, holds_surrogate
from translator.model.semantic import (
    CalculationItem,
    Column,
    Measure,
    Relationship,
    SemanticModel,
    Table,
    TableKind,
)
from translator.readers.text import decode
from translator.readers.tmdl_syntax import Node, flag_in, parse, quoted_name


def read_tmdl(folder: Path, *, root: Path, export: str, name: str) -> tuple[SemanticModel, list[Diagnostic]]:
    definition = definition_folder(folder)
    if definition is None:
        fail(BAD_STRUCTURE, "expected a TMDL folder: model.tmdl, database.tmdl or tables/*.tmdl",
             relative_name(folder, root))
    reader = _FolderReader(definition, root)
    model_nodes = reader.nodes("model.tmdl")
    model = next((n for n in model_nodes if n.keyword.casefold() == "model"), None)
    tables_by_file = [reader.table_file(f"tables/{p.name}") for p in sorted((definition / "tables").glob("*.tmdl"))]
    tables = [t for file_tables in tables_by_file for t in file_tables]
    # model.tmdl lists `ref table X` in the model's own order; files without a ref keep name order.
    order = [n.name for n in model_nodes if n.keyword.casefold() == "ref table" and n.name]
    rank = {table_name.casefold(): i for i, table_name in enumerate(order)}
    tables.sort(key=lambda t: rank.get(t.name.casefold(), len(rank)))
    relationship_nodes = [n for n in reader.nodes("relationships.tmdl") if n.keyword.casefold() == "relationship"]
    relationships = tuple(reader.relationship(n) for n in relationship_nodes)
    semantic = SemanticModel(
        name=name,
        export=export,
        tables=tuple(tables),
        relationships=relationships,
        culture=model.text("culture") if model else None,
        # Power BI Desktop writes the model's annotations at the top level of model.tmdl.
        annotations=tuple((a.name or "", a.value or "") for a in [
            *(model.all("annotation") if model else ()),
            *(n for n in model_nodes if n.keyword.casefold() == "annotation")]),
    )
    # RDR416: the files were decoded strictly (text.decode), which refuses a lone surrogate, so
    # only the names taken from the file system can hold one (POSIX keeps undecodable bytes of
    # a file name as surrogate escapes): the model is searched only when one of those does.
    if holds_surrogate(export, name, *reader.files):
        check_unicode(semantic)
    locations = [SourceLocation(reader.relationships_file, n.line) for n in relationship_nodes]
    return semantic, dangling_relationships(semantic, locations)


def relative_name(path: Path, root: Path) -> str:
    """How locations name a file: relative to the exports folder, posix."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


class _FolderReader:
    """Reads the files of one definition folder; `relative` names are relative to that folder."""

    def __init__(self, definition: Path, root: Path):
        self.definition = definition
        folder = relative_name(definition, root)
        self.prefix = "" if folder == "." else f"{folder}/"  # the folder's name as locations give it
        self.relationships_file = self.location("relationships.tmdl")
        self.files: list[str] = [self.relationships_file]  # the names of the files read, as locations give them

    def location(self, relative: str) -> str:
        return self.prefix + relative

    def nodes(self, relative: str) -> tuple[Node, ...]:
        path = self.definition / relative
        if not path.is_file():
            return ()
        return self.parse(relative)

    def parse(self, relative: str) -> tuple[Node, ...]:
        file = self.location(relative)
        self.files.append(file)
        return parse(decode((self.definition / relative).read_bytes(), file), file)

    def table_file(self, relative: str) -> list[Table]:
        file = self.location(relative)
        nodes = self.parse(relative)
        tables = [n for n in nodes if n.keyword.casefold() == "table"]
        others = [n for n in nodes if n.keyword.casefold() not in ("table", "ref table")]
        if others or not tables:
            line = others[0].line if others else 1
            fail(TMDL_SYNTAX, "expected a table file to declare 'table <Name>' at the top level", file, line)
        return [_table(t, file) for t in tables]

    def relationship(self, node: Node) -> Relationship:
        file = self.relationships_file
        from_table, from_column = self.endpoint(node, "from", file)
        to_table, to_column = self.endpoint(node, "to", file)
        return tom.relationship(
            from_table=from_table,
            from_column=from_column,
            to_table=to_table,
            to_column=to_column,
            is_active=not _is_false(node.text("isActive")),
            cross_filtering=tom.cross_filtering(node.text("crossFilteringBehavior")),
            name=node.name,
            from_cardinality=node.text("fromCardinality"),
            to_cardinality=node.text("toCardinality"),
        )

    @staticmethod
    def endpoint(node: Node, end: str, file: str) -> tuple[str, str]:
        column = node.child(f"{end}Column")
        if column is None or not column.value:
            fail(BAD_STRUCTURE, f"relationship {node.name} has no {end}Column; expected "
                 f"'{end}Column: Table.Column'", file, node.line)
        table = node.text(f"{end}Table")
        if table:  # the older spelling: fromTable / fromColumn as two properties
            return _unquote_name(table), _unquote_name(column.value)
        split = _split_qualified(column.value)
        if split is None:
            fail(BAD_STRUCTURE, f"cannot read {end}Column {column.value!r}; expected 'Table Name'.Column",
                 file, column.line, column.value_column)
        return split


def _named(node: Node, file: str) -> str:
    if not node.name:
        fail(TMDL_SYNTAX, f"{node.keyword} without a name; expected '{node.keyword} <Name>'", file, node.line)
    return node.name


def _table(node: Node, file: str) -> Table:
    name = _named(node, file)
    group = node.child("calculationGroup")
    partitions = node.all("partition")
    calculated = next((p for p in partitions if (p.value or "").casefold() == "calculated"), None)
    imported = next((p for p in partitions if (p.value or "").casefold() in ("m", "query", "entity")), None)
    columns = node.all("column")
    items: tuple[CalculationItem, ...] = ()
    if group is not None:
        kind = TableKind.CALCULATION_GROUP
        items = tuple(_calculation_item(i, n, file) for n, i in enumerate(group.all("calculationItem")))
    elif calculated is not None:
        parameter = any(p.name == tom.FIELD_PARAMETER_PROPERTY for c in columns for p in c.all("extendedProperty"))
        kind = TableKind.FIELD_PARAMETER if parameter else TableKind.CALCULATED
    else:
        kind = TableKind.DATA
    return Table(
        name=name,
        kind=kind,
        columns=tuple(_column(c, file) for c in columns),
        measures=tuple(_measure(m, name, file) for m in node.all("measure")),
        is_hidden=node.flag("isHidden"),
        description=_description(node),
        expression=calculated.text("source") if calculated else None,
        calculation_items=items,
        location=SourceLocation(file, node.line),
        source=imported.text("source") if imported and calculated is None else None,
        data_category=node.text("dataCategory"),
    )


def _column(node: Node, file: str) -> Column:
    values = node.values()  # a model has thousands of columns: one pass over each one's properties
    return Column(
        name=_named(node, file),
        data_type=tom.data_type(values.get("datatype")),
        is_hidden=flag_in(values, "ishidden"),
        description=node.description if node.description is not None else values.get("description"),
        format_string=values.get("formatstring"),
        expression=node.value,
        sort_by_column=_unquote_name(values.get("sortbycolumn")),
        is_key=flag_in(values, "iskey"),
        summarize_by=tom.summarize_by(values.get("summarizeby")),
        data_category=values.get("datacategory"),
    )


def _measure(node: Node, table: str, file: str) -> Measure:
    _named(node, file)
    if node.value is None:
        fail(TMDL_SYNTAX, f"measure {node.name!r} has no expression; expected 'measure Name = <DAX>'",
             file, node.line)
    values = node.values()
    return Measure(
        table=table,
        name=node.name or "",
        expression=node.value,
        format_string=values.get("formatstring"),
        display_folder=values.get("displayfolder"),
        description=node.description if node.description is not None else values.get("description"),
        is_hidden=flag_in(values, "ishidden"),
        location=SourceLocation(file, node.value_line, node.value_column),
    )


def _calculation_item(node: Node, position: int, file: str) -> CalculationItem:
    ordinal = node.text("ordinal")
    format_node = node.child("formatStringDefinition")
    return CalculationItem(
        name=_named(node, file),
        expression=node.value or "",
        ordinal=int(ordinal) if ordinal and ordinal.strip().lstrip("-").isdigit() else position,
        format_string_expression=format_node.value if format_node else None,
        description=_description(node),
        location=SourceLocation(file, node.value_line, node.value_column) if node.value_line else None,
    )


def _description(node: Node) -> str | None:
    return node.description if node.description is not None else node.text("description")


def _is_false(value: str | None) -> bool:
    return value is not None and value.strip().casefold() == "false"


def _unquote_name(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    if text.startswith("'"):
        name, end = quoted_name(text, 0)
        if end == len(text):
            return name
    return text


def _split_qualified(text: str) -> tuple[str, str] | None:
    """`'Table Name'.Column`, `Table.'Column'` or `Table.Column` to (table, column)."""
    text = text.strip()
    if text.startswith("'"):
        table, end = quoted_name(text, 0)
        if end < 0 or end >= len(text) or text[end] != ".":
            return None
        rest = text[end + 1:]
    else:
        dot = text.find(".")
        if dot <= 0:
            return None
        table, rest = text[:dot], text[dot + 1:]
    column = _unquote_name(rest)
    return (table, column) if column else None
