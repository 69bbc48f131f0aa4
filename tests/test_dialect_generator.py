"""translator/dialect.py: TARGET.sql reuses one generator per thread; each call starts afresh."""

from __future__ import annotations

import threading

import pytest
from sqlglot import exp
from sqlglot.errors import UnsupportedError

from translator.dialect import TARGET


def _sum(column: str) -> exp.Expression:
    return exp.Sum(this=exp.column(column, quoted=True))


def test_an_unsupported_tree_raises_and_the_next_rendering_is_clean() -> None:
    assert TARGET.sql(_sum("Amount")) == 'SUM("Amount")'
    with pytest.raises(UnsupportedError):
        TARGET.sql(exp.Pivot())
    assert TARGET.sql(_sum("Amount")) == 'SUM("Amount")'  # the failure's messages are not kept


def test_threads_render_with_their_own_generators() -> None:
    found: dict[int, list[str]] = {}

    def render(n: int) -> None:
        found[n] = [TARGET.sql(_sum(f"c{n}_{i}")) for i in range(200)]

    threads = [threading.Thread(target=render, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == {n: [f'SUM("c{n}_{i}")' for i in range(200)] for n in range(4)}
