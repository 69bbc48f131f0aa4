"""Literal tables written in Power Query M: what Power BI's "Enter data" and hand-written parameter
tables look like in a partition's source.

- Enter data: `Table.FromRows(Json.Document(Binary.Decompress(Binary.FromText("<base64>",
  BinaryEncoding.Base64), Compression.Deflate)), let _t = ... in type table [A = _t, B = _t])`: the
  base64 text is raw-deflate-compressed JSON, a list of rows of text cells.
- `#table({"A", "B"}, {{"x", 1}, ...})` or `#table(type table [A = text, ...], {...})`.
- A list `{"x", "y"}` made a table by `Table.FromList(<list>, Splitter.SplitByNothing(), ...)`
  (one column, `Column1` unless named).
- `Table.RenameColumns(<step>, {{"old", "new"}, ...})` and `Table.TransformColumnTypes` steps.

Anything else in the query (a database source, a filter, an added column, ...) means the rows are
not literal: `literal_table` returns None. The cells come back as M gave them; their data types
are the model columns' (see `typed_rows`).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import replace

from translator.model.semantic import SemanticModel, Table, TableKind

# M library names a literal table's query may use; any other means the rows come from elsewhere.
_ALLOWED_NAMES = frozenset(
    name.casefold()
    for name in (
        "Table.FromRows", "Json.Document", "Binary.Decompress", "Binary.FromText", "BinaryEncoding.Base64",
        "Compression.Deflate", "Serialized.Text", "Table.TransformColumnTypes", "Table.RenameColumns",
        "Table.FromList", "Splitter.SplitByNothing", "ExtraValues.Error", "Int64.Type", "Number.Type",
        "Text.Type", "Currency.Type", "Percentage.Type", "Logical.Type", "Date.Type", "DateTime.Type",
        "Decimal.Type",
    )
)  # fmt: skip
_NAME = re.compile(r"\b[A-Za-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*\b")
_STRING = re.compile(r'"(?:[^"]|"")*"')
_MAX_DECOMPRESSED = 1 << 20  # an Enter-data table is small; a larger blob is not a slicer table


def with_literal_rows(model: SemanticModel) -> SemanticModel:
    """The model with `Table.literal_rows` set on every imported table whose query is literal."""
    tables = tuple(_with_rows(t) if t.kind is TableKind.DATA and t.source else t for t in model.tables)
    return model if tables == model.tables else replace(model, tables=tables)


def _with_rows(table: Table) -> Table:
    shape = literal_table(table.source)
    if shape is None or not table.columns or any(c.expression for c in table.columns):
        return table
    names, rows = shape
    folded = [n.casefold() for n in names]
    if any(c.name.casefold() not in folded for c in table.columns):
        return table
    positions = [folded.index(c.name.casefold()) for c in table.columns]
    typed = typed_rows(tuple(tuple(row[p] for p in positions) for row in rows), tuple(c.data_type for c in table.columns))
    if typed is None or not typed:
        return table
    columns = zip(*typed)
    values = sorted(((c.name, tuple(v)) for c, v in zip(table.columns, columns)), key=lambda p: p[0].casefold())
    return replace(table, literal_values=tuple(values))


class _NotLiteral(Exception):
    pass


def literal_table(source: str | None) -> tuple[tuple[str, ...], tuple[tuple[object, ...], ...]] | None:
    """(column names, rows) of a literal M table, or None when the query reads anything else."""
    if not source:
        return None
    try:
        return _literal_table(source)
    except (_NotLiteral, ValueError, zlib.error, binascii.Error, RecursionError):
        return None


def _literal_table(source: str) -> tuple[tuple[str, ...], tuple[tuple[object, ...], ...]]:
    outside = _STRING.sub('""', source)
    if any(name.casefold() not in _ALLOWED_NAMES for name in _NAME.findall(outside)):
        raise _NotLiteral()
    if "Binary.FromText" in source:
        names, rows = _enter_data(source)
    elif "#table" in source:
        names, rows = _hash_table(source)
    elif "Table.FromList" in source:
        names, rows = _from_list(source)
    else:
        raise _NotLiteral()
    names = _renamed(source, names)
    if not names or any(len(r) != len(names) for r in rows) or len(set(n.casefold() for n in names)) != len(names):
        raise _NotLiteral()
    return tuple(names), tuple(tuple(r) for r in rows)


def _enter_data(source: str) -> tuple[list[str], list[list[object]]]:
    match = re.search(r'Binary\.FromText\s*\(\s*"([^"]*)"', source)
    if match is None:
        raise _NotLiteral()
    packed = base64.b64decode(match.group(1), validate=True)
    if "Compression.Deflate" in source:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        text = inflater.decompress(packed, _MAX_DECOMPRESSED)
        if inflater.unconsumed_tail:
            raise _NotLiteral()
    else:
        text = packed
    rows = json.loads(text.decode("utf-8"))
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise _NotLiteral()
    if any(not isinstance(c, (str, int, float, bool)) and c is not None for r in rows for c in r):
        raise _NotLiteral()
    return _type_table_names(source), rows


def _type_table_names(source: str) -> list[str]:
    """The column names of `type table [A = _t, #"B c" = _t]`."""
    match = re.search(r"type\s+table\s*\[", source)
    if match is None:
        raise _NotLiteral()
    reader = _Reader(source, match.end())
    names: list[str] = []
    while True:
        reader.skip()
        if reader.peek() == "]":
            return names
        names.append(reader.identifier())
        reader.expect("=")
        reader.skip_until(",]")
        if reader.peek() == ",":
            reader.pos += 1


def _hash_table(source: str) -> tuple[list[str], list[list[object]]]:
    start = source.index("#table")
    reader = _Reader(source, start + len("#table"))
    reader.expect("(")
    reader.skip()
    if source.startswith("type", reader.pos):
        names = _type_table_names(source[reader.pos :])
        reader.skip_until(",")
    else:
        names = reader.value()
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise _NotLiteral()
    reader.expect(",")
    rows = reader.value()
    reader.expect(")")
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise _NotLiteral()
    return list(names), rows


def _from_list(source: str) -> tuple[list[str], list[list[object]]]:
    """`Source = {"a", "b"}, ... Table.FromList(Source, Splitter.SplitByNothing(), ...)`."""
    match = re.search(r"=\s*\{", source)
    if match is None:
        raise _NotLiteral()
    values = _Reader(source, match.end() - 1).value()
    if not isinstance(values, list) or any(isinstance(v, list) for v in values):
        raise _NotLiteral()
    names = ["Column1"]
    header = re.search(r"Table\.FromList\s*\([^,]*,[^,]*\)\s*,\s*\{", source)
    if header is not None:
        given = _Reader(source, header.end() - 1).value()
        if isinstance(given, list) and len(given) == 1 and isinstance(given[0], str):
            names = given
    return names, [[v] for v in values]


def _renamed(source: str, names: list[str]) -> list[str]:
    for match in re.finditer(r"Table\.RenameColumns\s*\([^,]*,\s*\{", source):
        pairs = _Reader(source, match.end() - 1).value()
        if not isinstance(pairs, list):
            raise _NotLiteral()
        for pair in pairs:
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
                raise _NotLiteral()
            folded = [n.casefold() for n in names]
            if pair[0].casefold() not in folded:
                raise _NotLiteral()
            names[folded.index(pair[0].casefold())] = pair[1]
    return names


class _Reader:
    """Just enough of M's literal syntax: lists, text, numbers, true/false/null, identifiers."""

    def __init__(self, text: str, pos: int):
        self.text = text
        self.pos = pos

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        self.skip()
        if self.pos >= len(self.text):
            raise _NotLiteral()
        return self.text[self.pos]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise _NotLiteral()
        self.pos += 1

    def skip_until(self, chars: str) -> None:
        depth = 0
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if depth == 0 and c in chars:
                return
            if c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
            elif c == '"':
                self.string()
                continue
            self.pos += 1
        raise _NotLiteral()

    def string(self) -> str:
        match = _STRING.match(self.text, self.pos)
        if match is None:
            raise _NotLiteral()
        self.pos = match.end()
        return match.group(0)[1:-1].replace('""', '"')

    def identifier(self) -> str:
        self.skip()
        if self.text.startswith('#"', self.pos):
            self.pos += 1
            return self.string()
        match = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*").match(self.text, self.pos)
        if match is None:
            raise _NotLiteral()
        self.pos = match.end()
        return match.group(0)

    def value(self) -> object:
        c = self.peek()
        if c == "{":
            self.pos += 1
            items: list[object] = []
            if self.peek() == "}":
                self.pos += 1
                return items
            while True:
                items.append(self.value())
                if self.peek() == ",":
                    self.pos += 1
                    continue
                self.expect("}")
                return items
        if c == '"':
            return self.string()
        match = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?").match(self.text, self.pos)
        if match is not None:
            self.pos = match.end()
            number = float(match.group(0))
            return int(number) if number.is_integer() and "." not in match.group(0) else number
        word = self.identifier()
        constants = {"true": True, "false": False, "null": None}
        if word not in constants:
            raise _NotLiteral()
        return constants[word]


def typed_rows(
    rows: tuple[tuple[object, ...], ...], data_types: tuple[str, ...]
) -> tuple[tuple[object, ...], ...] | None:
    """The cells converted to the model columns' data types (Enter data stores text), or None
    when a cell does not convert."""
    result = []
    for row in rows:
        converted = []
        for cell, data_type in zip(row, data_types):
            value = _convert(cell, data_type.casefold())
            if value is _BAD:
                return None
            converted.append(value)
        result.append(tuple(converted))
    return tuple(result)


_BAD = object()


def _convert(cell: object, data_type: str) -> object:
    if cell is None or cell == "" and data_type != "string":
        return None
    if data_type == "string":
        return cell if isinstance(cell, str) else _BAD
    if data_type in ("int64", "double", "decimal"):
        if isinstance(cell, bool):
            return _BAD
        if isinstance(cell, (int, float)):
            number = cell
        else:
            try:
                number = float(str(cell))
            except ValueError:
                return _BAD
        if data_type == "int64":
            return int(number) if float(number).is_integer() else _BAD
        return float(number)
    if data_type == "boolean":
        if isinstance(cell, bool):
            return cell
        text = str(cell).casefold()
        return {"true": True, "false": False}.get(text, _BAD)
    return _BAD
