"""Sticky sort_order: a rebuild keeps the numbers of the output it replaces.

Rule (docs/mapping.md, "sort_order"): a value pinned in the mapping file wins; a row the previous
output already had, in the same group, keeps its number; the other rows get the numbers after
the largest number the group keeps, in model order. A group the previous output did not have
(and every group of a fresh output folder) is numbered densely in model order, pinned rows
counting their place. Removing a row therefore renumbers no other row.

The groups: metrics by category, dimensions and toggles each as one group, a toggle's options
by toggle. The previous output is an input (translator.review reads it from the folder a build
replaces); nothing here reads a file.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

# The tables whose rows carry a sort_order, and the columns naming a row (its group first).
ORDERED_TABLES = {
    "metrics": ("category", "metric_key"),
    "dimensions": ("dimension_key",),
    "metric_toggles": ("toggle_key",),
    "metric_toggle_options": ("toggle_key", "option_key"),
}


@dataclass(frozen=True, slots=True)
class PreviousOrder:
    """The sort_order of every row the output being replaced seeded: table -> row -> number,
    a row named by ORDERED_TABLES' columns. A table missing here (a fresh output folder) is
    numbered afresh."""

    tables: Mapping[str, Mapping[tuple[str, ...], int]] = field(default_factory=dict)

    @classmethod
    def from_catalog(cls, catalog: Mapping[str, object]) -> PreviousOrder:
        """From a translation report's `catalog` (table -> list of rows as column -> value);
        rows without a usable sort_order are left out."""
        tables: dict[str, dict[tuple[str, ...], int]] = {}
        for table, columns in ORDERED_TABLES.items():
            rows = catalog.get(table)
            if not isinstance(rows, list):
                continue
            found = tables[table] = {}
            for row in rows:
                if not isinstance(row, dict):
                    continue
                name = tuple(row.get(c) for c in columns)
                number = row.get("sort_order")
                if all(isinstance(v, str) for v in name) and type(number) is int:
                    found[name] = number
        return cls(tables)

    def table(self, name: str) -> Mapping[tuple[str, ...], int] | None:
        return self.tables.get(name)


NO_PREVIOUS = PreviousOrder()


@dataclass(frozen=True, slots=True)
class Place:
    """One row to number, in model order: its group, its name in the previous output's table
    (the group included, as ORDERED_TABLES spells it), and the number the mapping pins."""

    group: Hashable
    name: tuple[str, ...]
    pinned: int | None = None


def sort_orders(places: Sequence[Place], previous: Mapping[tuple[str, ...], int] | None) -> list[int]:
    """The sort_order of each place (same order); `previous` is the previous output's table,
    None when it had none."""
    numbers: list[int | None] = []
    for place in places:
        kept = previous.get(place.name) if previous is not None else None
        numbers.append(place.pinned if place.pinned is not None else kept)
    # A group none of whose rows the previous output had is numbered as a fresh build numbers it.
    kept_groups = {p.group for p in places if previous is not None and p.name in previous}
    largest: dict[Hashable, int] = {}
    for place, number in zip(places, numbers):
        if number is not None:
            largest[place.group] = max(largest.get(place.group, 0), number)
    result = []
    seen: dict[Hashable, int] = {}
    for place, number in zip(places, numbers):
        seen[place.group] = seen.get(place.group, 0) + 1
        if number is None:
            if place.group in kept_groups:
                number = largest[place.group] = largest[place.group] + 1
            else:
                number = seen[place.group]  # its place in model order
        result.append(number)
    return result

