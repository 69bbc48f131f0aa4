"""The format-agnostic semantic model every reader produces.

Readers fill these from .pbix, .pbit, model.bim, TMDL folders and DMV dumps; later stages never
look at the file formats. Names keep the model's spelling; compare them case-insensitively.
DAX text is kept as text here: parsing is the next stage's job.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TypeVar

from translator.diagnostics import SourceLocation


class TableKind(enum.Enum):
    DATA = "data"  # imported or DirectQuery table
    CALCULATED = "calculated"  # defined by a DAX table expression (DATATABLE, {...}, ...)
    CALCULATION_GROUP = "calculation_group"
    FIELD_PARAMETER = "field_parameter"  # calculated table whose column has ParameterMetadata


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    data_type: str  # TOM names: string, int64, double, decimal, dateTime, boolean, binary, variant
    is_hidden: bool = False
    description: str | None = None
    format_string: str | None = None
    expression: str | None = None  # DAX of a calculated column
    sort_by_column: str | None = None
    is_key: bool = False
    summarize_by: str | None = None  # TOM summarizeBy: sum, none, count, ... (facts vs attributes)
    data_category: str | None = None  # e.g. City, WebUrl; "Time" on a date column


@dataclass(frozen=True, slots=True)
class Measure:
    table: str
    name: str
    expression: str
    format_string: str | None = None
    display_folder: str | None = None
    description: str | None = None
    is_hidden: bool = False
    # Where the expression text starts in the export, so parse errors can point at the file line.
    location: SourceLocation | None = None
    # DMV dumps carry the engine's own state; anything but "Ready" is reported, not translated.
    state: str | None = None
    error_message: str | None = None


@dataclass(frozen=True, slots=True)
class CalculationItem:
    name: str
    expression: str
    ordinal: int = 0
    format_string_expression: str | None = None
    description: str | None = None
    location: SourceLocation | None = None


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    kind: TableKind = TableKind.DATA
    columns: tuple[Column, ...] = ()
    measures: tuple[Measure, ...] = ()
    is_hidden: bool = False
    description: str | None = None
    # DAX source of a calculated table / field parameter (e.g. DATATABLE(...) or {...}).
    expression: str | None = None
    calculation_items: tuple[CalculationItem, ...] = ()
    location: SourceLocation | None = None
    # The partition's source query (Power Query M) of an imported table, when the export has it:
    # it names the database object the table reads, e.g. reporting.order_summary_{client}.
    source: str | None = None
    data_category: str | None = None  # "Time" marks a date table
    # Rows written in the export itself ("Enter data", #table, a list: translator/readers/mliteral.py):
    # (column name, its values typed by the column's data type) sorted by name; None otherwise.
    literal_values: tuple[tuple[str, tuple[object, ...]], ...] | None = None
    # casefolded name -> the first column with it: made on the first `column` lookup (the compiler
    # asks tens of thousands of times); no part of equality, hashing or the repr
    _by_name: dict[str, Column] | None = field(default=None, init=False, repr=False, compare=False)

    def literal_rows(self) -> tuple[tuple[object, ...], ...] | None:
        """The literal rows, one value per column in `columns` order."""
        if self.literal_values is None:
            return None
        by_name = {name.casefold(): values for name, values in self.literal_values}
        if any(c.name.casefold() not in by_name for c in self.columns):
            return None
        return tuple(zip(*(by_name[c.name.casefold()] for c in self.columns)))

    def column(self, name: str) -> Column | None:
        index = self._by_name if self._by_name is not None else _index_names(self, self.columns)
        return index.get(name.casefold())


Named = TypeVar("Named", Column, Table)


def _index_names(owner: Table | SemanticModel, items: tuple[Named, ...]) -> dict[str, Named]:
    """Casefolded name -> the first of `items` with it, kept in `owner`'s `_by_name` (a frozen
    dataclass's field that is no part of equality, hashing or the repr)."""
    index: dict[str, Named] = {}
    for item in items:
        index.setdefault(item.name.casefold(), item)
    object.__setattr__(owner, "_by_name", index)
    return index


class Cardinality(enum.Enum):
    ONE = "one"
    MANY = "many"


@dataclass(frozen=True, slots=True)
class Relationship:
    from_table: str  # the many side (of a many-to-one relationship)
    from_column: str
    to_table: str  # the one side (of a many-to-one relationship)
    to_column: str
    is_active: bool = True
    cross_filtering: str = "oneDirection"
    name: str | None = None
    # TOM's fromCardinality / toCardinality (defaults: many-to-one); readers put a one-to-many
    # relationship the other way round, so `to_table` is a one side unless it is many-to-many
    from_cardinality: Cardinality = Cardinality.MANY
    to_cardinality: Cardinality = Cardinality.ONE

    @property
    def is_many_to_many(self) -> bool:
        return self.from_cardinality is Cardinality.MANY and self.to_cardinality is Cardinality.MANY

    def ends(self, cardinality: Cardinality) -> tuple[tuple[str, str], ...]:
        """The (table, column) ends with this cardinality: for Cardinality.ONE the one side
        (`to_table`; both ends of a one-to-one relationship; none of a many-to-many one)."""
        return tuple((t, c) for t, c, k in ((self.from_table, self.from_column, self.from_cardinality),
                                            (self.to_table, self.to_column, self.to_cardinality)) if k is cardinality)

    def one_sides(self) -> tuple[str, ...]:
        return tuple(t for t, _ in self.ends(Cardinality.ONE))

    def many_sides(self) -> tuple[str, ...]:
        return tuple(t for t, _ in self.ends(Cardinality.MANY))


class LookupRefusal(enum.Enum):
    """Why the rows of a fact table have no single value of another table's column."""

    NO_RELATIONSHIP = "no relationship"
    INACTIVE = "inactive relationship"
    DIRECTION = "wrong direction"
    MANY_TO_MANY = "many-to-many relationship"


@dataclass(frozen=True, slots=True)
class SemanticModel:
    name: str
    export: str  # the export this model came from, relative to the exports folder
    tables: tuple[Table, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    culture: str | None = None
    annotations: tuple[tuple[str, str], ...] = field(default=())
    # casefolded name -> the first table with it: made on the first `table` lookup, like
    # Table.column's; no part of equality, hashing or the repr
    _by_name: dict[str, Table] | None = field(default=None, init=False, repr=False, compare=False)

    def table(self, name: str) -> Table | None:
        index = self._by_name if self._by_name is not None else _index_names(self, self.tables)
        return index.get(name.casefold())

    def lookup_relationship(self, fact: str, table: str) -> tuple[str, str] | None:
        """(the key column of `fact`, the key column of `table`) of the active relationship that
        has `table` on its one side and `fact` on the other (lookup_refusal says why there is none)."""
        f, t = fact.casefold(), table.casefold()
        for r in self.relationships:
            if not r.is_active or r.is_many_to_many:
                continue
            for (one, one_column), (other, other_column) in (((r.to_table, r.to_column), (r.from_table, r.from_column)),
                                                              ((r.from_table, r.from_column), (r.to_table, r.to_column))):
                if one.casefold() == t and other.casefold() == f and one in r.one_sides():
                    return other_column, one_column
        return None

    def lookup_refusal(self, fact: str, table: str) -> tuple[LookupRefusal, str] | None:
        """Why a row of `fact` has no single related row of `table`, with the reason in words (None:
        an active relationship runs from `fact` to `table` on its one side, many-to-one or
        one-to-one, so a filter on `table` reaches `fact` and RELATED reads one row or the blank
        row; a view joining `table` on the relationship's key carries its columns)."""
        f, t = fact.casefold(), table.casefold()
        between = [r for r in self.relationships if {r.from_table.casefold(), r.to_table.casefold()} == {f, t}]
        if not between:
            return LookupRefusal.NO_RELATIONSHIP, f"no relationship joins '{fact}' and '{table}'"
        active = [r for r in between if r.is_active]
        if not active:
            return LookupRefusal.INACTIVE, (
                f"the relationship between '{fact}' and '{table}' is inactive: filters on '{table}' do not "
                f"reach '{fact}' and RELATED cannot follow it (only USERELATIONSHIP would)")
        if any(r.is_many_to_many for r in active):
            return LookupRefusal.MANY_TO_MANY, (
                f"the relationship between '{fact}' and '{table}' is many-to-many: a row of '{fact}' can "
                f"match several rows of '{table}', so a view cannot carry one value per row")
        if self.lookup_relationship(fact, table) is not None:
            return None
        return LookupRefusal.DIRECTION, (
            f"'{table}' is on the many side of its relationship with '{fact}': a row of '{fact}' has "
            f"many '{table}' rows, and filters flow from the one side to the many side")

    @property
    def measures(self) -> tuple[Measure, ...]:
        return tuple(m for t in self.tables for m in t.measures)
