"""The rows the evaluator reads: model tables from pandas frames, with their relationships."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from translator.model.semantic import SemanticModel
from translator.reference.context import ColumnKey, FilterContext
from translator.reference.values import EvaluationError, Scalar, fold


def key(name: str) -> str:
    return name.casefold()


def normalize(value: object) -> Scalar:
    """A frame cell as a DAX scalar: None/NaN/NA are BLANK, numpy scalars become Python ones."""
    if value is None:
        return None
    if isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if value != value else value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        return value.item()
    return value  # dates and other values pass through


@dataclass(frozen=True, slots=True)
class BaseTable:
    name: str  # model spelling
    columns: tuple[str, ...]  # model spelling
    rows: tuple[tuple[Scalar, ...], ...]
    keys: tuple[ColumnKey, ...] = field(init=False, repr=False, compare=False)  # folded (table, column)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", tuple((key(self.name), key(c)) for c in self.columns))

    @staticmethod
    def from_frame(name: str, frame: pd.DataFrame, columns: tuple[str, ...] = ()) -> BaseTable:
        """`columns` gives the model spelling of the frame's columns (matched ignoring case)."""
        spelling = {key(c): c for c in columns}
        names = tuple(spelling.get(key(str(c)), str(c)) for c in frame.columns)
        data = [[normalize(v) for v in frame[c].tolist()] for c in frame.columns]
        rows = tuple(zip(*data)) if data else tuple(() for _ in range(len(frame)))
        return BaseTable(name, names, rows)


@dataclass(frozen=True, slots=True)
class Relationship:
    many: ColumnKey
    one: ColumnKey
    both: bool = False  # cross-filters both ways: the many side's filters reach the one side too


@dataclass
class Data:
    """Base tables keyed by folded name, plus active many-to-one relationships."""

    tables: dict[str, BaseTable]
    relationships: tuple[Relationship, ...] = ()
    _expanded: dict[str, tuple[tuple[ColumnKey, ...], list[tuple]]] = field(default_factory=dict)
    _visible: dict[tuple, list[int]] = field(default_factory=dict)

    @staticmethod
    def build(frames: dict[str, pd.DataFrame], model: SemanticModel | None) -> Data:
        tables: dict[str, BaseTable] = {}
        for name, frame in frames.items():
            table = model.table(name) if model is not None else None
            columns = tuple(c.name for c in table.columns) if table is not None else ()
            tables[key(name)] = BaseTable.from_frame(table.name if table else name, frame, columns)
        relationships = ()
        if model is not None:
            relationships = tuple(
                Relationship((key(r.from_table), key(r.from_column)), (key(r.to_table), key(r.to_column)),
                             r.cross_filtering.casefold() == "bothdirections")
                for r in model.relationships
                if r.is_active and not r.is_many_to_many and key(r.from_table) in tables and key(r.to_table) in tables
            )
        return Data(tables, relationships)

    def table(self, name: str) -> BaseTable:
        found = self.tables.get(key(name))
        if found is None:
            raise EvaluationError(f"no rows given for table {name!r}")
        return found

    def has_column(self, column: ColumnKey) -> bool:
        table = self.tables.get(column[0])
        return table is not None and column in table.keys

    def column_position(self, column: ColumnKey) -> int:
        table = self.tables.get(column[0])
        if table is None:
            raise EvaluationError(f"no rows given for table {column[0]!r}")
        try:
            return table.keys.index(column)
        except ValueError:
            raise EvaluationError(f"table {table.name!r} has no column {column[1]!r}") from None

    def has_blank_row(self, table_key: str) -> bool:
        """The table is on the one side of a relationship where a row of the many side matches none
        of its rows (a BLANK key included): DAX adds a blank row to it, whose columns are BLANK
        (dax.guide "Blank row"; SQLBI "Blank row in DAX")."""
        for rel in self.relationships:
            if rel.one[0] != table_key or rel.many[0] not in self.tables:
                continue
            one, many = self.tables[table_key], self.tables[rel.many[0]]
            keys = {fold(r[one.keys.index(rel.one)]) for r in one.rows}
            at = many.keys.index(rel.many)
            if any(fold(r[at]) is None or fold(r[at]) not in keys for r in many.rows):
                return True
        return False

    def expanded(self, table_key: str, seen: frozenset[str] = frozenset()) -> tuple[tuple[ColumnKey, ...], list[tuple]]:
        """The table joined with the tables on the one side of its relationships (recursively),
        as folded keys; an unmatched or blank foreign key reads the one side's blank row."""
        cached = self._expanded.get(table_key)
        if cached is not None:
            return cached
        table = self.tables[table_key]
        columns = list(table.keys)
        rows = [tuple(fold(v) for v in r) for r in table.rows]
        for rel in self.relationships:
            if rel.many[0] != table_key or rel.one[0] in seen | {table_key}:
                continue
            one_columns, one_rows = self.expanded(rel.one[0], seen | {table_key})
            one_position = one_columns.index(rel.one)
            index: dict[Scalar, tuple] = {}
            for r in one_rows:
                if r[one_position] is not None:
                    index.setdefault(r[one_position], r)
            blank_row = (None,) * len(one_columns)
            many_position = columns.index(rel.many)
            rows = [r + index.get(r[many_position], blank_row) for r in rows]
            columns.extend(one_columns)
        result = (tuple(columns), rows)
        if not seen:
            self._expanded[table_key] = result
        return result

    def visible(self, table_key: str, ctx: FilterContext, seen: frozenset[str] = frozenset()) -> list[int]:
        """Indices of the rows of a base table that the filter context keeps. Filters flow from the
        one side to the many side (the expanded table); along a relationship that cross-filters
        both ways, a filter on the many side also keeps only the one side's rows it reaches."""
        cache_key = (table_key, ctx.filters)
        cached = self._visible.get(cache_key) if not seen else None
        if cached is not None:
            return cached
        columns, rows = self.expanded(table_key)
        position = {c: i for i, c in enumerate(columns)}
        indices = list(range(len(rows)))
        for f in ctx.filters:
            present = [(i, position[c]) for i, c in enumerate(f.columns) if c in position]
            if not present:
                continue
            if len(present) == len(f.columns):
                allowed = f.keys
            else:
                allowed = frozenset(tuple(k[i] for i, _ in present) for k in f.keys)
            positions = [p for _, p in present]
            indices = [i for i in indices if tuple(rows[i][p] for p in positions) in allowed]
        for rel in self.relationships:
            if not rel.both or rel.one[0] != table_key or rel.many[0] in seen | {table_key}:
                continue
            many_columns, many_rows = self.expanded(rel.many[0])
            if not any(c in many_columns and c not in position for f in ctx.filters for c in f.columns):
                continue  # no filter on the many side: nothing flows back
            at = many_columns.index(rel.many)
            reached = {many_rows[i][at] for i in self.visible(rel.many[0], ctx, seen | {table_key})}
            one_at = position[rel.one]
            indices = [i for i in indices if rows[i][one_at] in reached]
        if not seen:
            self._visible[cache_key] = indices
        return indices
