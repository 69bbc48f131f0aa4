"""`translator` as a process (the console script and `python -m translator` run cli.run, which
leaves without tearing the heap down): exit codes and everything printed survive the quick exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.cli.sample import copy_sample


def _translator(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRANSLATOR_CACHE_DIR": ""}
    return subprocess.run([sys.executable, "-m", "translator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_a_build_exits_0_with_its_summary_and_its_files(tmp_path: Path) -> None:
    exports = copy_sample(tmp_path / "pbix_exports")
    done = _translator("build", "--exports", str(exports), "--out", str(tmp_path / "out"), "--format", "json",
                       cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    payload = json.loads(done.stdout)  # the whole payload, flushed before the process left
    assert payload["ok"] is True and sorted(payload["written"]) == sorted(p.name for p in (tmp_path / "out").iterdir())
    report = json.loads((tmp_path / "out" / "translation_report.json").read_text(encoding="utf-8"))
    assert sum(payload["counts"].values()) == len(report["measures"])


def test_unreadable_input_exits_2_and_a_stale_check_exits_1(tmp_path: Path) -> None:
    missing = _translator("build", "--exports", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"),
                          cwd=tmp_path)
    assert missing.returncode == 2 and "RDR" in missing.stderr
    exports = copy_sample(tmp_path / "pbix_exports")
    out = tmp_path / "out"
    assert _translator("build", "--exports", str(exports), "--out", str(out), cwd=tmp_path).returncode == 0
    (out / "seed_catalog.sql").write_text("-- edited\n", encoding="utf-8")
    stale = _translator("check", "--exports", str(exports), "--out", str(out), cwd=tmp_path)
    assert stale.returncode == 1 and "seed_catalog.sql" in stale.stderr + stale.stdout
    assert _translator("--version", cwd=tmp_path).stdout.startswith("translator (pbi-translator) ")


def _run_with(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """cli.run around a stand-in command (`main`), in a process of its own."""
    script = "import atexit, sys, threading, time\nfrom translator import cli\n" + command + "\ncli.main = main\ncli.run()\n"
    return subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_the_quick_exit_runs_exit_functions_and_waits_for_threads(tmp_path: Path) -> None:
    done = _run_with(
        "def main():\n"
        "    atexit.register(print, 'exit function ran')\n"
        "    threading.Thread(target=lambda: (time.sleep(0.2), print('thread ran', flush=True))).start()\n"
        "    print('command ran', end='\\n')\n"
        "    sys.exit(3)", tmp_path)
    assert done.returncode == 3
    assert done.stdout.splitlines() == ["command ran", "thread ran", "exit function ran"]


def test_a_message_exit_is_shown_and_exits_1(tmp_path: Path) -> None:
    done = _run_with("def main():\n    sys.exit('stopped')", tmp_path)
    assert (done.returncode, done.stderr.strip()) == (1, "stopped")
