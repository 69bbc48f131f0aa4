"""Linear in practice: a long SWITCH(TRUE(), ...) chain and calculation-group expansion.

Run: .venv/bin/python -m benchmarks.linear [--branches 400 800 3000] [--measures 600]
For each size, prints the wall and CPU time to parse and compile one measure that is a
SWITCH(TRUE(), cond1, v1, ..., default) chain, then to compile a model of N measures with two
calculation groups (every item applied to every measure), with the number of apply_item calls.
Doubling the size should about double the time.
"""

from __future__ import annotations

import argparse
import platform
import time

from translator.compile import calculation_groups, compile_model
from translator.dax import parse_model
from translator.model.semantic import CalculationItem, Column, Measure, SemanticModel, Table, TableKind

_COLUMNS = (Column("amount", "double"), Column("quantity", "int64"), Column("status", "string"),
            Column("client_id", "int64"))


def switch_model(branches: int) -> SemanticModel:
    arms = ", ".join(f'SUM(Sales[quantity]) > {branches - i}, SUM(Sales[amount]) * {i}' for i in range(branches))
    measure = Measure("Sales", "Chain", f"SWITCH(TRUE(), {arms}, BLANK())")
    return SemanticModel("bench", "bench.bim", (Table("Sales", columns=_COLUMNS, measures=(measure,)),))


def calculation_group_model(measures: int) -> SemanticModel:
    def expression(i: int) -> str:  # a third each: sums, ratios of base measures, filtered sums
        match i % 3:
            case 0:
                return f"SUM(Sales[amount]) + {i}"
            case 1:
                return f"DIVIDE([M{(i - 1) % 30}], [M{(i + 2) % 30}])"
            case _:
                return f'CALCULATE(SUM(Sales[quantity]), Sales[status] = "s{i % 7}")'

    own = tuple(Measure("Sales", f"M{i}", expression(i)) for i in range(measures))

    def group(name: str, items: tuple[tuple[str, str], ...]) -> Table:
        return Table(name, kind=TableKind.CALCULATION_GROUP,
                     columns=(Column(name, "string"), Column("Ordinal", "int64")),
                     calculation_items=tuple(CalculationItem(n, e, ordinal=i) for i, (n, e) in enumerate(items)))

    return SemanticModel("bench", "bench.bim", (
        Table("Sales", columns=_COLUMNS, measures=own),
        group("Scale", (("Current", "SELECTEDMEASURE()"), ("Double", "SELECTEDMEASURE() * 2"),
                        ("Half", "DIVIDE(SELECTEDMEASURE(), 2)"))),
        group("Shift", (("None", "SELECTEDMEASURE()"), ("Plus one", "SELECTEDMEASURE() + 1"),
                        ("Negated", "-SELECTEDMEASURE()"), ("Named", 'IF(ISSELECTEDMEASURE([M1]), 0, SELECTEDMEASURE())'))),
    ))


def _timed(work):
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--branches", type=int, nargs="*", default=[400, 800, 1600, 3000])
    options.add_argument("--measures", type=int, nargs="*", default=[150, 300, 600])
    args = options.parse_args(argv)
    compile_model(parse_model(switch_model(3))[0])  # warm up: grammar, function table
    for n in args.branches:
        compiled, wall, cpu = _timed(lambda: compile_model(parse_model(switch_model(n))[0])[0])
        status = compiled.translations[0].status.value
        print(f"SWITCH(TRUE(), ...) with {n:>5} branches: {wall:7.2f} s wall, {cpu:7.2f} s cpu ({status})")
    real = calculation_groups.apply_item
    for n in args.measures:
        calls = 0

        def counting(*a, **k):
            nonlocal calls
            calls += 1
            return real(*a, **k)

        calculation_groups.apply_item = counting
        import translator.compile.measures as measures_module
        saved = getattr(measures_module, "apply_item", None)
        if saved is not None:
            measures_module.apply_item = counting
        try:
            compiled, wall, cpu = _timed(lambda: compile_model(parse_model(calculation_group_model(n))[0])[0])
        finally:
            calculation_groups.apply_item = real
            if saved is not None:
                measures_module.apply_item = saved
        variants = sum(len(t.variants) for t in compiled.translations)
        statuses = sorted({t.status.value for t in compiled.translations})
        print(f"{n:>4} measures x 2 calculation groups: {wall:7.2f} s wall, {cpu:7.2f} s cpu, "
              f"{calls:,} apply_item calls, {variants:,} variants ({', '.join(statuses)})")
    print(f"python {platform.python_version()} on {platform.machine()}")


if __name__ == "__main__":
    main()
