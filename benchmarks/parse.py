"""Parse throughput: a generated model of realistic measures, parsed with spans.

Run: .venv/bin/python -m benchmarks.parse [--measures 5000] [--repeat 3]
Prints measures per second (best of the repeats) and the environment.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time

import lark

from translator.dax import parse_model
from translator.model.semantic import Measure, SemanticModel, Table

_TABLES = ("Sales", "'Order Lines'", "Customer", "'Date'", "Product", "'Returns 2024'")
_COLUMNS = ("[Amount]", "[Quantity]", "[Unit Price]", "[Cost]", "[Discount %]", "[Order Date]", "[Status]")
_MEASURES = ("[Revenue]", "[Total Cost]", "[Orders]", "[Margin %]", "[Customers]", "[Net Sales]")


def _column(rng: random.Random) -> str:
    return rng.choice(_TABLES) + rng.choice(_COLUMNS)


def _scalar(rng: random.Random, depth: int = 0) -> str:
    choice = rng.randrange(10 if depth < 3 else 4)
    match choice:
        case 0:
            return rng.choice(_MEASURES)
        case 1:
            return str(rng.choice((0, 1, 100, 0.5, 1e-3)))
        case 2:
            return f"SUM({_column(rng)})"
        case 3:
            return f"DISTINCTCOUNT({_column(rng)})"
        case 4:
            return f"DIVIDE({_scalar(rng, depth + 1)}, {_scalar(rng, depth + 1)}, 0)"
        case 5:
            return f"CALCULATE({_scalar(rng, depth + 1)}, {_filter(rng)})"
        case 6:
            return f"({_scalar(rng, depth + 1)} {rng.choice('+-*/')} {_scalar(rng, depth + 1)})"
        case 7:
            return f"IF(ISBLANK({_scalar(rng, depth + 1)}), BLANK(), {_scalar(rng, depth + 1)})"
        case 8:
            return f"SUMX(FILTER({rng.choice(_TABLES)}, {_column(rng)} > 0), {_column(rng)} * {_column(rng)})"
        case _:
            return f"COALESCE({_scalar(rng, depth + 1)}, 0)"


def _filter(rng: random.Random) -> str:
    match rng.randrange(4):
        case 0:
            return f'{_column(rng)} = "Completed"'
        case 1:
            return f'{_column(rng)} IN {{"A", "B", "C"}}'
        case 2:
            return f"ALL({rng.choice(_TABLES)})"
        case _:
            return "DATESYTD('Date'[Date])"


def measure_text(rng: random.Random) -> str:
    """One measure the way models are written: formatted, with comments and variables."""
    match rng.randrange(4):
        case 0:
            return _scalar(rng)
        case 1:
            return (
                f"-- {rng.choice(('current period', 'prior year', 'ratio'))}\n"
                f"VAR __current = {_scalar(rng)}\n"
                f"VAR __previous = CALCULATE({_scalar(rng)}, SAMEPERIODLASTYEAR('Date'[Date]))\n"
                "RETURN\n    IF(NOT ISBLANK(__previous), DIVIDE(__current - __previous, __previous))"
            )
        case 2:
            return (
                "SWITCH(\n    TRUE(),\n"
                f"    SELECTEDVALUE('Metric'[Metric]) = \"Revenue\", {_scalar(rng)},  // default\n"
                f"    SELECTEDVALUE('Metric'[Metric]) = \"Cost\", {_scalar(rng)},\n"
                f"    {_scalar(rng)}\n)"
            )
        case _:
            return f"/* rank */ RANKX(ALLSELECTED({rng.choice(_TABLES)}), {_scalar(rng)},, DESC, DENSE)"


def generate_model(count: int, seed: int = 7) -> SemanticModel:
    rng = random.Random(seed)
    measures = tuple(Measure("Metrics", f"Measure {i}", measure_text(rng)) for i in range(count))
    return SemanticModel("bench", "bench.bim", (Table("Metrics", measures=measures),))


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--measures", type=int, default=5000)
    options.add_argument("--repeat", type=int, default=3)
    args = options.parse_args(argv)

    model = generate_model(args.measures)
    characters = sum(len(m.expression) for m in model.measures)
    parse_model(generate_model(10))  # build the parser outside the timing
    best_wall = best_cpu = float("inf")
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        parsed, _ = parse_model(model)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    failed = sum(1 for m in parsed.measures if m.error is not None)
    print(f"measures: {args.measures} ({characters / args.measures:.0f} characters each), failed: {failed}")
    # CPU time as well: on a shared machine the wall clock also counts other people's work.
    print(
        f"best of {args.repeat}: {best_wall:.3f} s wall, {args.measures / best_wall:,.0f} measures/s; "
        f"{best_cpu:.3f} s cpu, {args.measures / best_cpu:,.0f} measures/s (spans on)"
    )
    print(
        f"python {platform.python_version()} ({platform.python_implementation()}), lark {lark.__version__}, "
        f"cpus {os.cpu_count()}, {platform.machine()} {sys.platform}"
    )


if __name__ == "__main__":
    main()
