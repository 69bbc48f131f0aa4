"""Filter context: which values of which columns are visible.

A filter is a set of allowed value tuples over some columns (a DAX filter table). The filter
context is the AND of its filters. Columns are `ColumnKey`s: (folded table, folded column), and
values are folded (text ignores case), so comparisons and grouping fold case as Power BI does.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Iterable

ColumnKey = tuple[str, str]


class Origin(enum.Enum):
    REPORT = "report"  # the report's WHERE and slicers: ALLSELECTED keeps them
    VISUAL = "visual"  # the visual's group-by: ALLSELECTED removes them
    CALCULATE = "calculate"  # a CALCULATE filter argument
    ROW = "row"  # context transition of an iterator's row


@dataclass(frozen=True, slots=True)
class Filter:
    columns: tuple[ColumnKey, ...]
    keys: frozenset[tuple]  # allowed folded value tuples, aligned with columns
    origin: Origin

    def project(self, removed: frozenset[ColumnKey]) -> Filter | None:
        """The filter without `removed` columns (None when no column is left)."""
        kept = [i for i, c in enumerate(self.columns) if c not in removed]
        if len(kept) == len(self.columns):
            return self
        if not kept:
            return None
        return Filter(
            tuple(self.columns[i] for i in kept),
            frozenset(tuple(k[i] for i in kept) for k in self.keys),
            self.origin,
        )


@dataclass(frozen=True, slots=True)
class FilterContext:
    filters: tuple[Filter, ...] = ()

    def without(self, columns: Iterable[ColumnKey]) -> FilterContext:
        """ALL / REMOVEFILTERS on these columns (and what a replacing filter does first)."""
        removed = frozenset(columns)
        if not removed:
            return self
        kept = (f.project(removed) for f in self.filters)
        return FilterContext(tuple(f for f in kept if f is not None))

    def without_origin(self, origin: Origin, columns: Iterable[ColumnKey] | None = None) -> FilterContext:
        """Drop the filters of one origin (on `columns` only, when given)."""
        removed = None if columns is None else frozenset(columns)
        result = []
        for f in self.filters:
            if f.origin is not origin:
                result.append(f)
            elif removed is not None:
                projected = f.project(removed)
                if projected is not None:
                    result.append(projected)
        return FilterContext(tuple(result))

    def keep(self, *filters: Filter) -> FilterContext:
        """Add filters that intersect with the existing ones (KEEPFILTERS)."""
        return FilterContext(self.filters + filters)

    def replace(self, *filters: Filter) -> FilterContext:
        """Add filters that first remove every existing filter on their columns."""
        columns = [c for f in filters for c in f.columns]
        return self.without(columns).keep(*filters)

    @property
    def columns(self) -> frozenset[ColumnKey]:
        return frozenset(c for f in self.filters for c in f.columns)
