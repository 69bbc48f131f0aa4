"""The README's first screen: from a fresh database to an applied catalog, with exactly the psql
commands it shows (development prerequisites, schema, seed), run in that order on an empty
database against the committed output/."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import psycopg

from tests.pgserver import find_pg_bin

ROOT = Path(__file__).resolve().parents[2]
FIRST_SCREEN = 40  # lines


def _readme_psql_commands() -> list[list[str]]:
    head = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:FIRST_SCREEN])
    commands = [shlex.split(line, comments=True) for line in head.splitlines() if line.startswith("psql ")]
    return commands


def _run(command: list[str], url: str) -> subprocess.CompletedProcess[str]:
    args = list(command)
    args[args.index("-d") + 1] = url
    args[0] = str(find_pg_bin() / "psql")
    return subprocess.run([args[0], "-X", "-q", *args[1:]], cwd=ROOT, capture_output=True, text=True)


def test_the_readme_applies_prerequisites_schema_and_seed_on_an_empty_database(pg_url) -> None:
    commands = _readme_psql_commands()
    files = [c[c.index("-f") + 1] for c in commands]
    assert files == ["db/dev_prerequisites.sql", "output/report_builder_schema.sql", "output/seed_catalog.sql"]
    for command in commands:
        assert "ON_ERROR_STOP=1" in command
        done = _run(command, pg_url)
        assert done.returncode == 0, done.stderr
    report = json.loads((ROOT / "output" / "translation_report.json").read_text(encoding="utf-8"))
    metric_keys = {e["metric_key"] for e in report["measures"] if e["placement"] == "metric"}
    with psycopg.connect(pg_url) as conn:
        active = {r[0] for r in conn.execute("SELECT metric_key FROM report_builder.metrics WHERE is_active")}
    assert active == metric_keys


def test_the_prerequisites_refuse_a_database_that_has_the_real_tables(pg_url) -> None:
    prerequisites = _readme_psql_commands()[0]
    assert _run(prerequisites, pg_url).returncode == 0
    again = _run(prerequisites, pg_url)  # as on production, where beast_insights_v2 exists
    assert again.returncode != 0
    assert re.search(r"beast_insights_v2.*already exists", again.stderr)
    text = (ROOT / "db" / "dev_prerequisites.sql").read_text(encoding="utf-8")
    assert "NEVER RUN THIS IN PRODUCTION" in text.splitlines()[1]
