"""Issue 12, finding 6: long SWITCH(TRUE(), ...) chains and calculation-group expansion grow
linearly. Measured in work done (sqlglot nodes built, items applied), not in seconds, so the test
cannot flake on a busy machine; benchmarks/linear.py gives the times."""

from __future__ import annotations

import pytest
from sqlglot import exp

from benchmarks.linear import calculation_group_model, switch_model
from translator.compile import calculation_groups, compile_model
from translator.compile import measures as measures_module
from translator.dax import parse_model


def _nodes_built(monkeypatch, work) -> int:
    built = 0
    original = exp.Expression.__init__

    def counting(self, **args):
        nonlocal built
        built += 1
        original(self, **args)

    monkeypatch.setattr(exp.Expression, "__init__", counting)
    try:
        work()
    finally:
        monkeypatch.setattr(exp.Expression, "__init__", original)
    return built


def test_a_switch_chain_twice_as_long_costs_about_twice_as_much(monkeypatch):
    def nodes(branches: int) -> int:
        model, _ = parse_model(switch_model(branches))
        compiled = []
        count = _nodes_built(monkeypatch, lambda: compiled.append(compile_model(model)[0]))
        assert compiled[0].translations[0].status.value == "exact"
        return count

    small, large = nodes(150), nodes(300)
    assert large / small < 2.5, (small, large)  # was ~4 (every WHEN copied the whole CASE)


@pytest.mark.parametrize("measures", [60, 120])
def test_calculation_items_are_applied_once_per_measure_and_item(monkeypatch, measures):
    calls = 0
    real = calculation_groups.apply_item

    def counting(*args):
        nonlocal calls
        calls += 1
        return real(*args)

    monkeypatch.setattr(measures_module, "apply_item", counting)
    compiled, _ = compile_model(parse_model(calculation_group_model(measures))[0])
    items = sum(len(t.calculation_items) - 1 for t in calculation_group_model(0).tables[1:])  # minus identity
    assert calls == measures * items
    assert {t.status.value for t in compiled.translations} == {"exact"}
