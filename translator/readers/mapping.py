"""The mapping file (pbix_exports/translator.toml): overrides only, documented in docs/mapping.md.

Everything the catalog needs is derived from the model itself; this file pins keys, names and
categories, declares toggle keys and UI types, accepts approximate translations by name and supplies
hand-written SQL for measures the compiler cannot translate. Names of model objects (measures,
tables, toggle values) are matched case-insensitively, as DAX does.

A missing file is an empty Mapping. A malformed one raises InputError naming the file, the line and
what was expected.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar


from translator.diagnostics import Diagnostic, InputError, SourceLocation, report
from translator.diagnostics import codes
from translator.functions import Aggregation
from translator.model.semantics import ENGINE, PINS, Semantics
from translator.readers.limits import ensure_regular
from translator.model.mapping import (
    KEY_LENGTH,
    NAME_LENGTH,
    TEMPLATE_CATEGORIES,
    DimensionOverride,
    LookupColumn,
    Mapping,
    MetricOverride,
    OptionOverride,
    SourceOverride,
    TemplateOverride,
    ToggleOverride,
)

T = TypeVar("T")  # the override record kind a mapping section holds


# ---------------------------------------------------------------- loading

_TOP_LEVEL = ("defaults", "categories", "sources", "metrics", "dimensions", "toggles", "templates", "semantics")
_METRIC_DATA_TYPES = ("integer", "decimal", "currency", "percentage", "text")
_AGGREGATIONS = tuple(a.value for a in Aggregation)
_DIMENSION_DATA_TYPES = ("text", "integer", "decimal", "date", "boolean")
_FILTER_TYPES = ("multi_select", "single_select", "date_range", "search")
_TOGGLE_TYPES = ("metric_variant", "dimension_switch")
_UI_COMPONENTS = ("pill_group", "dropdown", "toggle_switch")
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_SLUG_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")  # a template_key is a URL slug
# Mapping fields that name SQL objects, and how many dotted parts each may have.
_NAME_FIELDS = {"join_table": 2, "display_column": 1, "date_column": 1, "schema": 1}
_SQL_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?")

# Allowed value sets for fields that have one; fields ending in "key" must be snake_case keys.
_CHOICES: dict[tuple[type, str], tuple[str, ...]] = {
    (MetricOverride, "data_type"): _METRIC_DATA_TYPES,
    (MetricOverride, "aggregation_type"): _AGGREGATIONS,
    (DimensionOverride, "data_type"): _DIMENSION_DATA_TYPES,
    (DimensionOverride, "filter_type"): _FILTER_TYPES,
    (ToggleOverride, "toggle_type"): _TOGGLE_TYPES,
    (ToggleOverride, "ui_component"): _UI_COMPONENTS,
    (TemplateOverride, "category"): TEMPLATE_CATEGORIES,
}


def load_mapping(path: Path | None) -> tuple[Mapping, list[Diagnostic]]:
    """The mapping file at `path` (an empty Mapping when there is none), and the reader's
    non-fatal diagnostics. A file that cannot be read as a mapping raises InputError."""
    if path is None or not path.exists():
        return Mapping(), []
    ensure_regular(path, str(path))  # a FIFO named translator.toml would block forever
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(report(codes.CAT390, f"cannot read the mapping file: {e}", SourceLocation(str(path))))
    return parse_mapping(text, str(path)), []


def parse_mapping(text: str, file: str) -> Mapping:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line, column = _toml_position(e)
        if line is None:  # "at end of document"
            line = max(1, len(text.splitlines()))
        message = str(e).split(" (at line")[0]
        raise InputError(report(codes.CAT391, f"the mapping file is not valid TOML: {message}",
                                SourceLocation(file, line, column)))
    return _Loader(text, file).mapping(data)


def _toml_position(e: tomllib.TOMLDecodeError) -> tuple[int | None, int | None]:
    line = getattr(e, "lineno", None)  # Python 3.14 has them as attributes; 3.11 only in the text
    column = getattr(e, "colno", None)
    if line is None:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        if m:
            line, column = int(m.group(1)), int(m.group(2))
    return line, column


class _Loader:
    """Checks the parsed TOML against the schema, pointing errors at the offending line."""

    def __init__(self, text: str, file: str):
        self.file = file
        self.lines = _key_lines(text)

    def fail(self, path: tuple[str, ...], expected: str) -> InputError:
        where = ".".join(_quote_key(p) for p in path) or "the top level"
        return InputError(report(codes.CAT392, f"mapping file: {where}: expected {expected}",
                                 SourceLocation(self.file, self.line(path))))

    def line(self, path: tuple[str, ...]) -> int | None:
        for n in range(len(path), 0, -1):
            if (found := self.lines.get(path[:n])) is not None:
                return found
        return None

    def mapping(self, data: dict[str, Any]) -> Mapping:
        for key in data:
            if key not in _TOP_LEVEL:
                raise self.fail((key,), "one of the tables " + ", ".join(f"[{k}]" for k in _TOP_LEVEL))
        defaults = self.table(data, ("defaults",))
        self.known(defaults, ("defaults",), ("lookup_schema",))
        return Mapping(
            path=self.file,
            lookup_schema=(None if defaults.get("lookup_schema") is None else
                           self.sql_name(defaults["lookup_schema"], ("defaults", "lookup_schema"), parts=1)),
            categories=tuple(
                (folder, self.key_value(value, ("categories", folder)))
                for folder, value in self.table(data, ("categories",)).items()
            ),
            sources=self.named(data, "sources", SourceOverride),
            metrics=self.named(data, "metrics", MetricOverride),
            dimensions=self.named(data, "dimensions", DimensionOverride),
            toggles=self.named(data, "toggles", ToggleOverride),
            templates=self.named(data, "templates", TemplateOverride),
            semantics=self.semantics(data),
        )

    def semantics(self, data: dict[str, Any]) -> Semantics:
        path = ("semantics",)
        values = self.table(data, path)
        self.known(values, path, (*PINS, ENGINE))
        pins = []
        for name, allowed in PINS.items():
            if name not in values:
                continue
            value = values[name]
            if value not in allowed or isinstance(value, bool) != isinstance(allowed[0], bool):
                raise self.fail((*path, name), "one of " + ", ".join(
                    str(a).lower() if isinstance(a, bool) else f'"{a}"' for a in allowed))
            pins.append((name, value))
        return Semantics(tuple(pins), self.string(values, (*path, ENGINE)), self.line(path))

    def named(self, data: dict[str, Any], section: str, kind: type[T]) -> tuple[tuple[str, T], ...]:
        table = self.table(data, (section,))
        self.unique(table, (section,))
        return tuple((name, self.record(kind, table, (section, name))) for name in table)

    def record(self, kind: type[T], parent: dict[str, Any], path: tuple[str, ...]) -> T:
        values = self.table(parent, path)
        names = tuple(f.name for f in fields(kind) if f.name != "line")
        self.known(values, path, names)
        args: dict[str, Any] = {"line": self.line(path)}
        for f in fields(kind):
            if f.name not in values:
                continue
            where = (*path, f.name)
            value = values[f.name]
            if f.name == "options":
                args[f.name] = self.options(value, where)
            elif f.name == "lookup_columns":
                args[f.name] = self.lookup_columns(value, where)
            elif f.name == "sql":
                args[f.name] = self.sql(value, where)
            elif f.name == "template_key":
                if not isinstance(value, str) or not _SLUG_RE.match(value) or len(value) > KEY_LENGTH:
                    raise self.fail(where, f"a URL slug of at most {KEY_LENGTH} characters (lower-case letters and "
                                    "digits in words joined by -)")
                args[f.name] = value
            elif f.name in ("key", "source_key"):
                args[f.name] = self.key_value(value, where)
            elif f.type == "tuple[str, ...]":
                args[f.name] = self.names(value, where)
            elif f.name in _NAME_FIELDS:
                args[f.name] = self.sql_name(value, where, parts=_NAME_FIELDS[f.name])
            elif f.type in ("bool | None", "bool"):
                args[f.name] = self.boolean(value, where)
            elif f.type == "int | None":
                args[f.name] = self.integer(value, where)
            else:
                args[f.name] = self.string(values, where)
                if f.name in ("display_name", "name") and len(value) > NAME_LENGTH:
                    raise self.fail(where, f"a display name of at most {NAME_LENGTH} characters (its column is "
                                    f"VARCHAR({NAME_LENGTH})); this one has {len(value)}")
                if (choices := _CHOICES.get((kind, f.name))) and value not in choices:
                    raise self.fail(where, "one of " + ", ".join(choices))
        return kind(**args)

    def options(self, value: Any, path: tuple[str, ...]) -> tuple[tuple[str, OptionOverride], ...]:
        if not isinstance(value, dict):
            raise self.fail(path, "a table of option value = \"option_key\" or { key = ..., display_name = ... }")
        self.unique(value, path)
        out = []
        for name, option in value.items():
            if isinstance(option, str):
                out.append((name, OptionOverride(key=self.key_value(option, (*path, name)),
                                                  line=self.line((*path, name)))))
            else:
                out.append((name, self.record(OptionOverride, value, (*path, name))))
        return tuple(out)

    def lookup_columns(self, value: Any, path: tuple[str, ...]) -> tuple[LookupColumn, ...]:
        if not isinstance(value, dict):
            raise self.fail(path, "a table of \"Table[column]\" = \"view_column\"")
        self.unique(value, path)
        out: list[LookupColumn] = []
        for name, view_column in value.items():
            where = (*path, name)
            m = _MODEL_COLUMN_RE.match(name)
            if m is None:
                raise self.fail(where, "a model column as Table[column] or 'Table'[column]")
            if any(lc.view_column == view_column for lc in out):
                raise self.fail(where, "a view column no other lookup column of this source has")
            table = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2).strip()
            out.append(LookupColumn(table, m.group(3).strip(), self.key_value(view_column, where), self.line(where)))
        return tuple(out)

    def table(self, parent: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
        value = parent.get(path[-1], {})
        if not isinstance(value, dict):
            raise self.fail(path, "a table")
        return value

    def known(self, values: dict[str, Any], path: tuple[str, ...], names: tuple[str, ...]) -> None:
        for key in values:
            if key not in names:
                raise self.fail((*path, key), "one of the keys " + ", ".join(names))

    def unique(self, table: dict[str, Any], path: tuple[str, ...]) -> None:
        seen: dict[str, str] = {}
        for name in table:
            if (other := seen.get(name.casefold())) is not None:
                raise self.fail((*path, name), f"names that differ in more than case (\"{other}\" is also given)")
            seen[name.casefold()] = name

    def string(self, values: dict[str, Any], path: tuple[str, ...]) -> str | None:
        value = values.get(path[-1])
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise self.fail(path, "a non-empty string")
        return value

    def sql_name(self, value: Any, path: tuple[str, ...], parts: int) -> str:
        """A name the report builder puts into SQL (a column, or [schema.]table): plain identifiers
        only, so nothing in it can end the name and start SQL of its own."""
        if not isinstance(value, str) or not _SQL_NAME_RE.fullmatch(value) or value.count(".") >= parts:
            what = "a plain column name" if parts == 1 else "a table name: [schema.]table"
            raise self.fail(path, f"{what} (letters, digits and _, starting with a letter or _)")
        return value

    def key_value(self, value: Any, path: tuple[str, ...]) -> str:
        if not isinstance(value, str) or not _KEY_RE.match(value):
            raise self.fail(path, "a snake_case key (lower-case letters, digits and _, starting with a letter)")
        if len(value) > KEY_LENGTH:
            raise self.fail(path, f"a key of at most {KEY_LENGTH} characters (its column is VARCHAR({KEY_LENGTH})); "
                            f"this one has {len(value)}")
        return value

    def names(self, value: Any, path: tuple[str, ...]) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(path, "a list of table names")
        return tuple(value)

    def boolean(self, value: Any, path: tuple[str, ...]) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, "true or false")
        return value

    def integer(self, value: Any, path: tuple[str, ...]) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(path, "an integer")
        return value

    def sql(self, value: Any, path: tuple[str, ...]) -> str:
        """The text only: the catalog parses and checks it where it uses it (catalog/metrics.py)."""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, "a PostgreSQL expression as a string")
        return value


def _quote_key(part: str) -> str:
    return part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else '"' + part.replace('"', '\\"') + '"'


# A model column in the mapping: Table[column] or 'Table'[column] (as in DAX).
_MODEL_COLUMN_RE = re.compile(r"^\s*(?:'((?:[^']|'')+)'|([^'\[\]]+))\[([^\[\]]+)\]\s*$")

_HEADER_RE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY_LINE_RE = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*=""")


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line where each table header and key is first written, keyed by its path.
    Used only to point errors at a line; TOML itself is parsed by tomllib."""
    lines: dict[tuple[str, ...], int] = {}
    current: tuple[str, ...] = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        if m := _HEADER_RE.match(raw):
            current = _dotted(m.group(1))
            for n in range(1, len(current) + 1):
                lines.setdefault(current[:n], number)
        elif m := _KEY_LINE_RE.match(raw):
            path = (*current, *_dotted(m.group(1)))
            lines.setdefault(path, number)
            # inline table: { key = ..., other = ... } on the same line
            rest = raw[m.end():]
            for inner in re.finditer(r"[{,]\s*([A-Za-z0-9_-]+)\s*=", rest):
                lines.setdefault((*path, inner.group(1)), number)
    return lines


def _dotted(key: str) -> tuple[str, ...]:
    try:
        node: Any = tomllib.loads(f"{key} = 0")
    except tomllib.TOMLDecodeError:
        return ()
    parts: list[str] = []
    while isinstance(node, dict) and len(node) == 1:
        name, node = next(iter(node.items()))
        parts.append(name)
    return tuple(parts)
