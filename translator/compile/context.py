"""The compile context: what the model offers (ModelIndex), where an expression is evaluated
(Scope: filters, row context, variables), and what a measure's compilation found (Collector)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from sqlglot import exp

from translator.compile.translation import Toggle
from translator.dax.ast import Span, fold
from translator.dax.model import ParsedMeasure, ParsedModel
from translator.model.mapping import Mapping, lookup_problem
from translator.model.semantic import Column, Table, TableKind


class ColumnKey(NamedTuple):
    """A physical column, in the model's spelling. A named tuple: made and hashed for every column
    read (a frozen dataclass hashes through a Python-level __hash__)."""

    table: str
    column: str


@dataclass(frozen=True, slots=True)
class Filter:
    """One filter of the current filter context, applied to aggregates as FILTER (WHERE sql)."""

    sql: exp.Expression
    columns: frozenset[ColumnKey]
    replaces: bool = False  # a CALCULATE boolean filter: replaces outer filters on its columns
    table_filter: bool = False  # FILTER(<table>, ...): a filter over whole rows


@dataclass(frozen=True, slots=True)
class TableSource:
    """An iterated table: the fact table's rows, narrowed by row predicates."""

    table: str
    predicates: tuple[exp.Expression, ...] = ()
    columns: frozenset[ColumnKey] = frozenset()


@dataclass(frozen=True, slots=True)
class TableVar:
    """A VAR bound to a table expression, with the filters in force where it was defined."""

    source: TableSource
    filters: tuple[Filter, ...]


class Scope(NamedTuple):
    """Where an expression is evaluated. A named tuple: the compiler makes one per CALCULATE,
    VAR, iterator and inlined measure (a frozen dataclass sets each field through
    object.__setattr__); `_replace` makes a changed copy."""

    filters: tuple[Filter, ...] = ()
    # The table of the row context (inside an iterator or a FILTER predicate), if any.
    row: str | None = None
    # A CALCULATE boolean filter predicate: columns of any table are allowed (checked later).
    predicate: bool = False
    window: str | None = None  # "allselected" | "all": aggregates become windows over groups
    top: bool = True  # a measure reference here is a derived-metric component
    variables: tuple[tuple[str, object], ...] = ()

    def lookup(self, name: str) -> object | None:
        key = fold(name)
        for bound, value in reversed(self.variables):
            if bound == key:
                return value
        return None

    def bind(self, name: str, value: object) -> Scope:
        return Scope(self.filters, self.row, self.predicate, self.window, self.top, (*self.variables, (fold(name), value)))

    @property
    def in_row(self) -> bool:
        return self.row is not None or self.predicate


_NOT_FOUND = object()


@dataclass(frozen=True, slots=True)
class SlicerToggle:
    """A disconnected slicer table with its literal rows (first column = the option)."""

    toggle: Toggle
    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    # (option, fold(column)) -> what `value` finds: the first row naming the option, the first
    # column of that name (the compiler asks once per option per read of the toggle)
    _values: dict[tuple[str, str], object] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        values: dict[tuple[str, str], object] = {}
        seen: set[str] = set()
        for row in self.rows:
            if not row:
                break  # `_scan` fails here: so do the options after it
            option = option_text(row[0])
            if option in seen:
                continue
            seen.add(option)
            for column, cell in zip(self.columns, row):
                values.setdefault((option, fold(column)), cell)
        object.__setattr__(self, "_values", values)

    def value(self, option: str, column: str) -> object:
        found = self._values.get((option, fold(column)), _NOT_FOUND)
        return self._scan(option, column) if found is _NOT_FOUND else found

    def _scan(self, option: str, column: str) -> object:
        index = [fold(c) for c in self.columns].index(fold(column))
        for row in self.rows:
            if option_text(row[0]) == option:
                return row[index]
        raise KeyError(option)

    def column_values(self, column: str) -> list[object]:
        index = [fold(c) for c in self.columns].index(fold(column))
        return [row[index] for row in self.rows]


def option_text(value: object) -> str:
    """How an option value is named in the catalog."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


class ModelIndex:
    """Case-insensitive lookups into the parsed model."""

    def __init__(
        self, parsed: ParsedModel, toggles: dict[str, SlicerToggle], parameters: dict[str, str] | None = None,
        lookups: Mapping | None = None,
    ):
        self.parsed = parsed
        # fold(fact table) -> (fold(lookup table), fold(column)) -> the view column carrying it
        # (the mapping's lookup_columns, docs/mapping.md; the catalog reports the unusable, CAT325)
        self.lookups: dict[str, dict[tuple[str, str], str]] = {}
        for name, override in lookups.sources if lookups is not None else ():
            for lc in override.lookup_columns:
                if lookup_problem(parsed.model, name, lc) is None:
                    self.lookups.setdefault(fold(name), {})[(fold(lc.table), fold(lc.column))] = lc.view_column
        self.model = parsed.model
        self.toggles = toggles
        self.parameters = parameters or {}  # fold(table) -> why a what-if parameter is not a toggle
        self._tables = {fold(t.name): t for t in parsed.model.tables}
        self._measures: dict[str, ParsedMeasure] = {}
        for pm in parsed.measures:
            self._measures.setdefault(fold(pm.measure.name), pm)

    def table(self, name: str) -> Table | None:
        return self._tables.get(fold(name))

    def column(self, table: str, name: str) -> tuple[Table, Column] | None:
        t = self.table(table)
        c = t.column(name) if t else None
        return (t, c) if t and c else None

    def measure(self, name: str) -> ParsedMeasure | None:
        return self._measures.get(fold(name))

    def toggle(self, table: str) -> SlicerToggle | None:
        return self.toggles.get(fold(table))

    def lookup_view(self, table: str, column: str, fact: str | None = None) -> str | None:
        """The view column declared to carry 'table'[column]: for `fact`'s view, or (None) for
        the first source that declares it (the fact table is checked once it is known)."""
        facts = [fold(fact)] if fact is not None else sorted(self.lookups)
        return next((v for f in facts if (v := self.lookups.get(f, {}).get((fold(table), fold(column))))), None)

    def is_data_table(self, table: Table) -> bool:
        return table.kind is TableKind.DATA and fold(table.name) not in self.toggles


@dataclass(slots=True)
class Collector:
    """What one compilation found, checked once the whole measure is compiled."""

    aggregated: dict[str, Span] = field(default_factory=dict)  # tables whose rows are read
    filtered: list[tuple[str, Span]] = field(default_factory=list)  # tables filters refer to
    columns: set[ColumnKey] = field(default_factory=set)
    overridden: set[ColumnKey] = field(default_factory=set)
    approximations: list[tuple[str, str, Span]] = field(default_factory=list)
    toggles: dict[str, Span] = field(default_factory=dict)  # toggle table name -> first read
    inlined: set[str] = field(default_factory=set)
    components: list[str] = field(default_factory=list)
    # toggle table -> the options under which every read of it gives what it gives with nothing
    # selected (Compiler.toggle_value): compiling with one of them selected makes the same SQL
    unselected_alike: dict[str, frozenset[str]] = field(default_factory=dict)
    # view column read for a lookup column (ColumnKey(lookup table, view column)) -> the model column
    looked_up: dict[ColumnKey, str] = field(default_factory=dict)
