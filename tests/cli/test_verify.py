"""`translator verify --dsn`: a table of checks; exit 1 on any disagreement."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import psycopg
from click.testing import CliRunner

import translator.verify.run as run
from translator.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "pbix_exports"
SCHEMA = jsonschema.Draft202012Validator(json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "translator.schema.json").read_text(encoding="utf-8")))


def test_verify_on_the_sample_agrees_and_leaves_the_database_as_found(pg_url) -> None:
    result = CliRunner().invoke(main, ["verify", "--dsn", pg_url, "--exports", str(SAMPLE),
                                       "--rows", "40", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    SCHEMA.validate(payload)  # docs/translator.schema.json
    assert payload["kind"] == "verify"
    assert payload["counts"].get("disagree", 0) == 0 and payload["counts"].get("sql_error", 0) == 0
    assert payload["counts"]["agree"] > 100
    assert len({c["metric_key"] for c in payload["checks"]}) > 50
    with psycopg.connect(pg_url) as conn:
        schemas = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname IN "
                               "('report_builder', 'reporting', 'beast_insights_v2')").fetchall()
    assert schemas == []  # the run's transaction was rolled back


def test_a_wrong_sql_is_a_disagreement_and_exit_1(pg_url, monkeypatch) -> None:
    real = run.resolve

    def off_by_one(catalog, metric_key, toggles):
        sql = real(catalog, metric_key, toggles)
        return f"({sql}) + 1" if metric_key == "attempts" else sql

    monkeypatch.setattr(run, "resolve", off_by_one)
    result = CliRunner().invoke(main, ["verify", "--dsn", pg_url, "--exports", str(SAMPLE), "--rows", "40"])

    assert result.exit_code == 1, result.output
    table_rows = [line for line in result.stdout.splitlines() if line.startswith("│") and "disagree" in line]
    cells = [[cell.strip() for cell in line.split("│")] for line in table_rows]
    assert cells and {row[1] for row in cells} == {"attempts"}
    # A summary, not every check: only the disagreements are listed, the counts go to stderr.
    listed = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert len(listed) == len(table_rows)
    checks_line = next(line for line in result.stderr.splitlines() if " checks: " in line)
    counts = dict((status, int(n)) for n, status in re.findall(r"(\d+) (\w+)", checks_line.split(":", 1)[1]))
    assert counts["disagree"] == len(table_rows) and counts["agree"] > 100
    # ... and the cells, one query of the engine each: every cell of 'attempts' disagrees
    cells_line = next(line for line in result.stderr.splitlines() if " cells " in line)
    cell_counts = dict((status, int(n)) for n, status in re.findall(r"(\d+) (\w+)", cells_line.split(":", 1)[1]))
    assert cell_counts["disagree"] > len(table_rows) and cell_counts["agree"] > 1000
