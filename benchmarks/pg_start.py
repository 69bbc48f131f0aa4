"""How long the throwaway PostgreSQL cluster (verify and the test suite) takes to start (target: under 2 s).

Run: .venv/bin/python -m benchmarks.pg_start
"""

import platform
import statistics
import time

from translator.verify.cluster import find_pg_bin, throwaway_cluster


def main(runs: int = 5) -> None:
    times = []
    for _ in range(runs):
        started = time.monotonic()
        with throwaway_cluster():
            times.append(time.monotonic() - started)
    print(f"python {platform.python_version()} on {platform.machine()}, server binaries {find_pg_bin()}")
    print(f"cluster start: median {statistics.median(times):.2f}s, max {max(times):.2f}s over {runs} runs")


if __name__ == "__main__":
    main()
