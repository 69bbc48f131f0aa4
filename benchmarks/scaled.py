"""The scaled-sample build: the sample's semantic model copied N times (47 by default: about
5,450 measures), built cold, rebuilt unchanged (through the build cache), with peak memory.

Run: .venv/bin/python -m benchmarks.scaled [--copies 47] [--repeat 3] [--distinct]
Each run is a fresh `translator build` process, as a user runs it: the first build starts from an
empty cache folder; the cold build finds no cached build (only the DAX parser's grammar, which
any earlier build left there); the unchanged rebuild is served from the cache. Prints the median
CPU and wall seconds of the repeats (CPU is the steadier figure on a shared machine) and the peak
resident memory of a build.

--distinct makes every copy's measure expressions differ in text (a `/* copy NN */` comment
after the `=`), so nothing keyed by an expression's text is shared between copies: the figure a
model of that many different measures would see.

Targets (issue 17), for the default 47 copies on the project's 2-core machine: a cold build at most
3 s, an unchanged rebuild at most 0.5 s, memory bounded. The figures are read, not asserted: a
timed test would fail on a loaded machine, not on slow code.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COLD_TARGET = 3.0  # seconds, a cold build of the 47-fold sample
REBUILD_TARGET = 0.5  # seconds, an unchanged rebuild

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "pbix_exports"
MODEL = "BeastInsights.SemanticModel"
# `measure Name =` and what follows on its line (a fence opens there, or the expression starts)
_MEASURE = re.compile(r"^(\s*measure\s.*?=[ \t]*)(```)?", re.MULTILINE)


def scaled_exports(folder: Path, copies: int, distinct: bool = False) -> Path:
    """The sample's mapping file and `copies` copies of its model, as separate exports."""
    exports = folder / "exports"
    exports.mkdir(parents=True)
    shutil.copy(SAMPLE / "translator.toml", exports / "translator.toml")
    for n in range(copies):
        target = exports / f"Copy{n:02d}.SemanticModel"
        shutil.copytree(SAMPLE / MODEL, target)
        if distinct:
            for path in target.rglob("*.tmdl"):
                text = path.read_text(encoding="utf-8")
                path.write_text(_MEASURE.sub(lambda m: f"{m[1]}{m[2] or ''}/* copy {n:02d} */ ", text),
                                encoding="utf-8")
    return exports


def _run(exports: Path, out: Path, cache: Path, bytecode: Path | None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (KiB) of one `translator build` in a
    child process. On a shared machine the CPU time is the steadier figure. `bytecode`: where
    Python keeps the compiled modules, as an installed tool does (None: compile every module on
    every run, as PYTHONDONTWRITEBYTECODE=1 makes it)."""
    env = {**os.environ, "TRANSLATOR_CACHE_DIR": str(cache)}
    if bytecode is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    command = [sys.executable, "-m", "translator", "build", "--exports", str(exports), "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"build failed ({done.returncode}):\n{done.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu, after.ru_maxrss  # ru_maxrss: the largest child so far


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=47)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--distinct", action="store_true", help="make every copy's expressions differ in text")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="compile every module on every run (PYTHONDONTWRITEBYTECODE=1), instead of keeping "
                             "the compiled modules (in a temporary folder) as an installed tool does")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="translator-bench-") as tmp:
        folder = Path(tmp)
        exports = scaled_exports(folder, args.copies, args.distinct)
        bytecode = None if args.no_bytecode else folder / "bytecode"
        cold, warm, first = [], [], []
        for n in range(args.repeat):
            cache = folder / f"cache{n}"
            first.append(_run(exports, folder / f"first{n}", cache, bytecode))  # an empty cache folder
            for entry in cache.glob("*.pickle"):  # the builds go; the parser's grammar stays
                entry.unlink()
            cold.append(_run(exports, folder / f"out{n}", cache, bytecode))
            warm.append(_run(exports, folder / f"out{n}", cache, bytecode))
        peak = max(r[2] for r in first + cold + warm)
        files = sum(1 for _ in exports.rglob("*.tmdl"))
        print(f"copies: {args.copies} ({files} .tmdl files){', distinct expressions' if args.distinct else ''}"
              f"{', no bytecode cache' if args.no_bytecode else ''}")
        for label, runs in (("first build (empty cache folder)", first), ("cold build (no cached build)", cold),
                            ("unchanged rebuild", warm)):
            print(f"{label}: {statistics.median(r[1] for r in runs):.2f} s CPU, "
                  f"{statistics.median(r[0] for r in runs):.2f} s wall (median of {len(runs)}; "
                  f"CPU of all: {', '.join(f'{r[1]:.2f}' for r in runs)})")
        print(f"peak memory of a build: {peak / 1024:.0f} MiB (max RSS of the build processes)")
        if args.copies == 47:
            for label, runs, target in (("cold build", cold, COLD_TARGET), ("unchanged rebuild", warm, REBUILD_TARGET)):
                seconds = statistics.median(r[1] for r in runs)
                print(f"target: {label} at most {target} s CPU: {'met' if seconds <= target else 'NOT met'}")
        print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpu(s)")


if __name__ == "__main__":
    main()
