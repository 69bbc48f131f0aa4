"""The semantic model's lookups (translator/model/semantic.py)."""

from __future__ import annotations

import pickle
from dataclasses import replace

from translator.model.semantic import Column, Table


def _table() -> Table:
    return Table("Sales", columns=(Column("Amount", "double"), Column("Region", "string"),
                                   Column("AMOUNT", "int64")))


def test_column_lookup_is_case_insensitive_and_the_first_of_a_name_wins() -> None:
    table = _table()
    assert table.column("amount") == Column("Amount", "double")
    assert table.column("REGION") is table.columns[1]
    assert table.column("Quantity") is None
    assert Table("Empty").column("Amount") is None


def test_column_index_changes_neither_equality_nor_hash_nor_pickling() -> None:
    looked_up, fresh = _table(), _table()
    assert looked_up.column("Region") is not None
    assert looked_up == fresh and hash(looked_up) == hash(fresh)
    assert repr(looked_up) == repr(fresh)
    copy = pickle.loads(pickle.dumps(looked_up))
    assert copy == fresh and copy.column("region") is copy.columns[1]
    changed = replace(looked_up, columns=(Column("Region", "int64"),))
    assert changed.column("region") == Column("Region", "int64")
    assert changed.column("amount") is None
