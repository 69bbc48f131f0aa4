"""Row-level differences of every seeded catalog table, with renames recognised as renames.

The translation report carries the seeded rows of every table (`catalog`, keyed by table name,
each row a mapping of column to value). Two reports are compared table by table on the natural
key. A row of a one-column-key table (a source, a dimension, a toggle, a metric) that disappears
while a row with mostly the same values appears is a rename. Rows of the other tables that
reference a renamed row (a toggle's options, a metric's variants and source links) follow it:
they are counted under the rename, not listed as removed and added.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Row = Mapping[str, object]
Key = tuple[object, ...]

# The column that names a row of each one-column-key table, as the tables that refer to it spell it.
KEY_COLUMNS = {"data_sources": "source_key", "metrics": "metric_key", "dimensions": "dimension_key",
               "metric_toggles": "toggle_key"}


@dataclass(frozen=True, slots=True)
class RowChange:
    key: Key
    columns: tuple[tuple[str, object, object], ...]  # (column, old, new)


@dataclass(frozen=True, slots=True)
class TableChanges:
    table: str
    added: tuple[Key, ...] = ()
    removed: tuple[Key, ...] = ()
    changed: tuple[RowChange, ...] = ()
    renamed: tuple[tuple[object, object, tuple[str, ...]], ...] = ()  # (old key, new key, changed columns)
    following: int = 0  # rows whose key changed only because a row they refer to was renamed

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.renamed)

    def to_json(self) -> dict[str, object]:
        return {
            "added": [list(k) for k in self.added],
            "removed": [list(k) for k in self.removed],
            "changed": [{"key": list(c.key), "columns": {n: {"old": a, "new": b} for n, a, b in c.columns}}
                        for c in self.changed],
            "renamed": [{"old": o, "new": n, "changed_columns": list(cols)} for o, n, cols in self.renamed],
            "following_renames": self.following,
        }

    def lines(self) -> list[str]:
        out = [f"{self.table}:"]
        for old, new, columns in self.renamed:
            also = f"; also changed: {', '.join(columns)}" if columns else ""
            out.append(f"  ~ {old} -> {new} (renamed: the rows that refer to it follow{also})")
        out += [f"  + {_show(k)}" for k in self.added]
        out += [f"  - {_show(k)}" for k in self.removed]
        for change in self.changed:
            out.append(f"  ~ {_show(change.key)}")
            out += [f"      {name}: {old!r} -> {new!r}" for name, old, new in change.columns]
        if self.following:
            out.append(f"  ({self.following} row(s) follow the renames above)")
        return out


def _show(key: Key) -> str:
    return str(key[0]) if len(key) == 1 else " / ".join(str(k) for k in key)


def renames(table: str, key: Sequence[str], old: Mapping[Key, Row], new: Mapping[Key, Row],
            pinned: Mapping[object, object] | None = None) -> dict[object, object]:
    """old key -> new key for the rows of a one-column-key table that were renamed: `pinned`
    pairs first (the metrics' pairing by DAX), then a removed row and an added row sharing at
    least half of their other values (a key inside a value, e.g. a view name, compares equal)."""
    found = {o: n for o, n in (pinned or {}).items() if (o,) in old and (n,) in new}
    if len(key) != 1:
        return found
    gone = [k for k in old if k not in new and k[0] not in found]
    came = [k for k in new if k not in old and k[0] not in found.values()]
    for k in sorted(gone, key=repr):
        best, score = None, 0.5
        for candidate in sorted(came, key=repr):
            value = _similarity(old[k], new[candidate], str(k[0]), str(candidate[0]), key[0])
            if value >= score and (best is None or value > score):
                best, score = candidate, value
        if best is not None:
            found[k[0]] = best[0]
            came.remove(best)
    return found


def _similarity(a: Row, b: Row, old_key: str, new_key: str, key_column: str) -> float:
    columns = [c for c in a if c != key_column]
    if not columns:
        return 0.0
    same = sum(1 for c in columns if a.get(c) == b.get(c)
               or isinstance(a.get(c), str) and isinstance(b.get(c), str)
               and str(a[c]).replace(old_key, new_key) == b[c])
    return same / len(columns)


def compare_table(table: str, key: Sequence[str], old_rows: Sequence[Row], new_rows: Sequence[Row],
                  substitutions: Mapping[str, Mapping[object, object]],
                  pinned: Mapping[object, object] | None = None) -> tuple[TableChanges, dict[object, object]]:
    """The changes of one table, and the renames of its own rows (for the tables after it)."""
    def keyed(rows: Sequence[Row], translate: bool) -> dict[Key, Row]:
        out = {}
        for row in rows:
            moved = {c: substitutions.get(c, {}).get(v, v) if translate and c in substitutions else v
                     for c, v in row.items()}
            out[tuple(moved[c] for c in key)] = moved
        return out

    before = keyed(old_rows, translate=False)
    old = keyed(old_rows, translate=True)
    new = keyed(new_rows, translate=False)
    following = sum(1 for k in old if k in new and k not in before)
    own = renames(table, key, old, new, pinned)
    renamed = []
    for o, n in sorted(own.items(), key=repr):
        columns = tuple(c for c in old[(o,)] if c != key[0] and old[(o,)][c] != new[(n,)].get(c)
                        and not (isinstance(old[(o,)][c], str) and str(old[(o,)][c]).replace(str(o), str(n)) == new[(n,)].get(c)))
        renamed.append((o, n, columns))
    taken_old = {(o,) for o in own}
    taken_new = {(n,) for n in own.values()}
    changes = TableChanges(
        table=table,
        added=tuple(sorted((k for k in new if k not in old and k not in taken_new), key=repr)),
        removed=tuple(sorted((k for k in old if k not in new and k not in taken_old), key=repr)),
        changed=tuple(
            RowChange(k, tuple((c, old[k].get(c), v) for c, v in new[k].items() if old[k].get(c) != v))
            for k in sorted((k for k in new if k in old), key=repr) if old[k] != new[k]
        ),
        renamed=tuple(renamed),
        following=following,
    )
    return changes, own


def compare_catalogs(old: Mapping[str, Sequence[Row]], new: Mapping[str, Sequence[Row]],
                     keys: Mapping[str, Sequence[str]], metric_renames: Mapping[object, object],
                     skip: Sequence[str] = ()) -> tuple[tuple[TableChanges, ...], dict[str, dict[object, object]]]:
    """Every table in `keys` order (a table after the tables it refers to); `skip` tables are
    compared elsewhere but still contribute their renames (the metrics, paired by their DAX)."""
    substitutions: dict[str, dict[object, object]] = {}
    if metric_renames:
        substitutions["metric_key"] = dict(metric_renames)
    found = []
    for table, key in keys.items():
        pinned = metric_renames if table == "metrics" else None
        changes, own = compare_table(table, key, old.get(table, ()), new.get(table, ()), substitutions, pinned)
        if table in KEY_COLUMNS and own:
            substitutions.setdefault(KEY_COLUMNS[table], {}).update(own)
        if table not in skip:
            found.append(changes)
    return tuple(found), substitutions
