"""The scaled-sample build: the sample's semantic model copied N times (47 by default: about
5,450 measures), built cold, rebuilt unchanged (through the build cache), with peak memory.

Run: .venv/bin/python -m benchmarks.scaled [--copies 47] [--repeat 3]
Each run is a fresh `translator build` process, as a user runs it; the cold run starts from an
empty cache folder, the warm run reuses it. Prints seconds (best of the repeats) and the peak
resident memory of the build process.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "pbix_exports"
MODEL = "BeastInsights.SemanticModel"


def scaled_exports(folder: Path, copies: int) -> Path:
    """The sample's mapping file and `copies` copies of its model, as separate exports."""
    exports = folder / "exports"
    exports.mkdir(parents=True)
    shutil.copy(SAMPLE / "translator.toml", exports / "translator.toml")
    for n in range(copies):
        shutil.copytree(SAMPLE / MODEL, exports / f"Copy{n:02d}.SemanticModel")
    return exports


def _run(exports: Path, out: Path, cache: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (KiB) of one `translator build` in a
    child process. On a shared machine the CPU time is the steadier figure."""
    env = {**os.environ, "TRANSLATOR_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "translator", "build", "--exports", str(exports), "--out", str(out)]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"build failed ({done.returncode}):\n{done.stderr[-2000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, usage.ru_utime + usage.ru_stime - cpu_before, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=47)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="translator-bench-") as tmp:
        folder = Path(tmp)
        exports = scaled_exports(folder, args.copies)
        cold, warm, peak = [], [], 0
        for n in range(args.repeat):
            cache = folder / f"cache{n}"
            cold.append(_run(exports, folder / f"out{n}", cache))
            warm.append(_run(exports, folder / f"out{n}", cache))
            peak = max(peak, cold[-1][2], warm[-1][2])
        measures = sum(1 for _ in exports.rglob("*.tmdl"))
        print(f"copies: {args.copies} ({measures} .tmdl files)")
        for label, runs in (("cold build", cold), ("unchanged rebuild", warm)):
            best = min(runs, key=lambda r: r[1])
            print(f"{label}: {best[1]:.2f} s CPU, {best[0]:.2f} s wall (best of {len(runs)} by CPU; "
                  f"wall of all: {', '.join(f'{r[0]:.2f}' for r in runs)})")
        print(f"peak memory of a build: {peak / 1024:.0f} MiB (max RSS of the build processes)")
        print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpu(s)")


if __name__ == "__main__":
    main()
