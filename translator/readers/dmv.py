"""DMV dumps: the output of INFO.MEASURES() / $SYSTEM.TMSCHEMA_MEASURES saved as CSV or JSON.

Naming convention (one export per model):
  <model>.measures.csv|json   required: TableID (or TableName), Name, Expression, and optionally
                              FormatString, DisplayFolder, Description, IsHidden, State, ErrorMessage
  <model>.tables.csv|json     optional: ID, Name (INFO.TABLES() / TMSCHEMA_TABLES); names the TableIDs
  <model>.columns.csv|json    optional: TableID, ExplicitName, ExplicitDataType, ... (INFO.COLUMNS())
  <model>.relationships.csv|json  optional: FromTableID, FromColumnID, ToTableID, ToColumnID,
                              IsActive, CrossFilteringBehavior, FromCardinality, ToCardinality
                              (INFO.RELATIONSHIPS() / TMSCHEMA_RELATIONSHIPS; the IDs are named
                              by the tables and columns dumps)
INFO.* output wraps column names in brackets (`[Name]`, or `Measures[Name]` from some tools);
both spellings are accepted. A JSON dump is a list of row objects, or the body the Power BI
REST `executeQueries` call returns.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translator.diagnostics import Diagnostic, SourceLocation, report
from translator.readers import jsonpos, tom
from translator.readers.discover import DmvExport
from translator.readers.errors import BAD_STRUCTURE, MEASURE_NOT_READY, fail
from translator.model.semantic import Column, Measure, Relationship, SemanticModel, Table
from translator.readers.text import decode

_TAGS = re.compile(r"</?[A-Za-z][\w:.-]*[^<>]*>")  # an XML element's tag in an engine message
_HEADER = re.compile(r"^(?:[^\[\]]*\[)?([^\[\]]+)\]?$")
_TRUE = {"true", "1", "yes", "-1"}

@dataclass(frozen=True, slots=True)
class _Row:
    values: dict[str, Any]
    line: int | None  # where the row starts
    expression_line: int | None = None
    expression_column: int | None = None

    def get(self, key: str) -> Any:
        value = self.values.get(key.casefold())
        return None if value == "" else value


def read_dmv(export: DmvExport, *, root: Path) -> tuple[SemanticModel, list[Diagnostic]]:
    measures_file = _relative(export.measures, root)
    rows = _rows(export.measures, measures_file)
    _require(rows, measures_file, ("name", "expression"), "INFO.MEASURES()")
    table_names: dict[str, str] = {}
    columns_by_table: dict[str, list[Column]] = {}
    column_names: dict[str, str] = {}  # column ID -> name (for the relationships dump)
    if export.tables is not None:
        tables_file = _relative(export.tables, root)
        table_rows = _rows(export.tables, tables_file)
        _require(table_rows, tables_file, ("id", "name"), "INFO.TABLES()")
        table_names = {_key(r.get("id")): str(r.get("name")) for r in table_rows}
    if export.columns is not None:
        columns_file = _relative(export.columns, root)
        column_rows = _rows(export.columns, columns_file)
        _require(column_rows, columns_file, ("tableid",), "INFO.COLUMNS()")
        for r in column_rows:
            if _int(r.get("type")) == tom.COLUMN_ROW_NUMBER:
                continue
            name = r.get("explicitname") or r.get("inferredname") or r.get("name")
            if name is None:
                fail(BAD_STRUCTURE, "a column row has no ExplicitName; expected INFO.COLUMNS() output",
                     columns_file, r.line)
            columns_by_table.setdefault(_key(r.get("tableid")), []).append(_column(r, str(name)))
            if r.get("id") is not None:
                column_names[_key(r.get("id"))] = str(name)
    relationships: tuple[Relationship, ...] = ()
    if export.relationships is not None:
        relationships = _relationships(_relative(export.relationships, root), export.relationships, table_names,
                                       column_names)

    diagnostics: list[Diagnostic] = []
    measures_by_table: dict[str, list[Measure]] = {}
    order: list[str] = []
    for r in rows:
        table = _table_name(r, table_names, measures_file)
        location = SourceLocation(measures_file, r.expression_line, r.expression_column)
        measure = Measure(
            table=table,
            name=str(r.get("name")),
            expression=str(r.get("expression") or ""),
            format_string=_text(r.get("formatstring")),
            display_folder=_text(r.get("displayfolder")),
            description=_text(r.get("description")),
            is_hidden=_bool(r.get("ishidden")),
            location=location,
            state=tom.state(r.get("state")),
            error_message=_engine_message(r.get("errormessage")),
        )
        if measure.state is not None:
            detail = f": {measure.error_message}" if measure.error_message else ""
            diagnostics.append(report(
                MEASURE_NOT_READY, f"measure [{measure.name}] is in the state {measure.state}{detail}; "
                "it is reported, not translated", location))
        if table not in measures_by_table:
            order.append(table)
        measures_by_table.setdefault(table, []).append(measure)

    # Tables in the tables dump's order, then any only the measures name.
    names_in_order = list(dict.fromkeys([*table_names.values(), *order]))
    ids_by_name = {name: key for key, name in table_names.items()}
    tables = tuple(
        Table(name=name, columns=tuple(columns_by_table.get(ids_by_name.get(name, ""), ())),
              measures=tuple(measures_by_table.get(name, ())))
        for name in names_in_order)
    return SemanticModel(name=export.model, export=measures_file, tables=tables,
                         relationships=relationships), diagnostics


def _relationships(file: str, path: Path, tables: dict[str, str], columns: dict[str, str]) -> tuple[Relationship, ...]:
    """The relationships dump, its table and column IDs named by the tables and columns dumps."""
    rows = _rows(path, file)
    ends = ("fromtableid", "fromcolumnid", "totableid", "tocolumnid")
    _require(rows, file, ends, "INFO.RELATIONSHIPS()")
    found = []
    for r in rows:
        names = []
        for end, known in zip(ends, (tables, columns, tables, columns)):
            name = known.get(_key(r.get(end)))
            if name is None:
                fail(BAD_STRUCTURE, f"{end} {r.get(end)} of the relationship is not in the "
                     f"{'tables' if 'table' in end else 'columns'} dump; expected INFO.TABLES() and "
                     "INFO.COLUMNS() dumps beside it", file, r.line)
            names.append(name)
        active = r.get("isactive")
        found.append(tom.relationship(
            *names, is_active=True if active is None else _bool(active),
            cross_filtering=tom.cross_filtering(r.get("crossfilteringbehavior")), name=_text(r.get("name")),
            from_cardinality=r.get("fromcardinality"), to_cardinality=r.get("tocardinality")))
    return tuple(found)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _rows(path: Path, file: str) -> list[_Row]:
    text = decode(path.read_bytes(), file)
    if path.suffix.lower() == ".json":
        return list(_json_rows(text, file))
    return list(_csv_rows(text, file))


def _normal(header: str) -> str:
    """`[Name]`, `Measures[Name]` and `Name` all mean the column `name`."""
    match = _HEADER.match(header.strip())
    return (match.group(1) if match else header).strip().casefold()


def _csv_rows(text: str, file: str) -> Iterator[_Row]:
    if not text.strip():
        fail(BAD_STRUCTURE, "the dump is empty; expected a header row and one row per object", file, 1)
    first_line = text.split("\n", 1)[0]
    # Some locales save CSV with ';'; the header line (names only) tells which separator it is.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [_normal(h) for h in next(reader)]
        expression_index = header.index("expression") if "expression" in header else None
        line = reader.line_num + 1
        for record in reader:
            if not any(cell.strip() for cell in record):
                line = reader.line_num + 1
                continue
            if len(record) != len(header):
                fail(BAD_STRUCTURE, f"the row has {len(record)} fields; expected {len(header)} like the header",
                     file, line)
            # The expression starts below `line` when an earlier field (a description) spans lines.
            offset = sum(cell.count("\n") for cell in record[:expression_index or 0])
            yield _Row(dict(zip(header, record)), line, line + offset)
            line = reader.line_num + 1
    except csv.Error as exc:
        fail(BAD_STRUCTURE, f"broken CSV ({exc}); expected comma-separated rows with quoted text", file,
             reader.line_num)


def _json_rows(text: str, file: str) -> Iterator[_Row]:
    document = jsonpos.loads(text, file)
    rows = document
    if isinstance(document, dict):
        # executeQueries: {"results": [{"tables": [{"rows": [...]}]}]}
        try:
            rows = document["results"][0]["tables"][0]["rows"]
        except (KeyError, IndexError, TypeError):
            rows = document.get("value", document.get("rows"))
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        fail(BAD_STRUCTURE, "expected a JSON array of row objects (or an executeQueries response)", file, 1)
    for r in rows:
        values = {_normal(k): v for k, v in r.items()}
        positions = {_normal(k): p for k, p in getattr(r, "positions", {}).items()}
        line = min(positions.values())[0] if positions else None
        expression = positions.get("expression")
        yield _Row(values, line, *(expression or (line, None)))


def _require(rows: list[_Row], file: str, keys: tuple[str, ...], what: str) -> None:
    if not rows:
        return
    missing = [k for k in keys if k not in rows[0].values]
    if missing:
        fail(BAD_STRUCTURE, f"the dump has no column {', '.join(missing)}; expected the output of {what}",
             file, 1)


def _table_name(row: _Row, names: dict[str, str], file: str) -> str:
    explicit = row.get("tablename") or row.get("table")
    if explicit is not None:
        return str(explicit)
    table_id = row.get("tableid")
    if table_id is None:
        fail(BAD_STRUCTURE, "the measure row has neither TableID nor TableName; expected INFO.MEASURES() "
             "output", file, row.line)
    name = names.get(_key(table_id))
    if name is None:
        stem = file.rsplit("/", 1)[-1].split(".measures.")[0]
        hint = (f"TableID {table_id} is not in the tables dump" if names
                else f"no {stem}.tables.csv (INFO.TABLES()) beside it names the TableIDs")
        fail(BAD_STRUCTURE, f"cannot name the table of measure [{row.get('name')}]: {hint}; expected a "
             "tables dump or a TableName column", file, row.line)
    return name


def _column(r: _Row, name: str) -> Column:
    explicit = _int(r.get("explicitdatatype"))
    data_type = explicit if explicit not in (None, 1) else _int(r.get("inferreddatatype"))
    raw_type = r.get("datatype")
    return Column(
        name=name,
        data_type=tom.data_type(data_type if data_type is not None else raw_type),
        is_hidden=_bool(r.get("ishidden")),
        description=_text(r.get("description")),
        format_string=_text(r.get("formatstring")),
        expression=_text(r.get("expression")),
        is_key=_bool(r.get("iskey")),
        summarize_by=tom.summarize_by(r.get("summarizeby")),
        data_category=_text(r.get("datacategory")),
    )


def _key(value: Any) -> str:
    text = str(value).strip()
    try:
        return str(int(float(text)))
    except ValueError:
        return text


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(float(str(value)))
    except ValueError:
        return None


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return value is not None and str(value).strip().casefold() in _TRUE


def _engine_message(value: Any) -> str | None:
    """The engine's error message as plain text: DMV dumps often hold it HTML-escaped and
    wrapped in XML elements (`&lt;ccon&gt;...&lt;/ccon&gt;`), which a reader should not see."""
    text = _text(value)
    if text is None:
        return None
    plain = _TAGS.sub("", html.unescape(text))
    return " ".join(plain.split()) or None


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)
