"""Random DAX measures over a generated fact table: translated SQL on PostgreSQL must equal the
reference evaluator, per group of a dimension the measure does not override.

Set DIFFERENTIAL_COLLECT=1 to record every disagreement (in differential_report.json) instead of
stopping and shrinking at the first one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import psycopg
import psycopg.sql
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.differential import harness
from tests.differential.strategies import COLUMNS, FACT, function_measures, measures, rows
from translator.compile.translation import Status
from translator.dax import parse, parse_model, to_dax
from translator.model.semantic import Column, SemanticModel, Table
from translator.reference import EvaluationError

compile_module = pytest.importorskip("translator.compile")
COLLECT = bool(os.environ.get("DIFFERENTIAL_COLLECT"))
REPORT = Path(os.environ.get("DIFFERENTIAL_REPORT", "differential_report.json"))
# Overrides the profile's example count for this suite (e.g. a medium local run).
EXAMPLES = int(os.environ.get("DIFFERENTIAL_EXAMPLES", "0")) or None

PARSED = parse_model(
    SemanticModel(
        "differential",
        "differential.bim",
        tables=(Table(FACT, columns=tuple(Column(name, data_type) for name, data_type, _ in COLUMNS)),),
    )
)[0]
WHERE = st.sampled_from([{}, {}, {"cat": ["x"]}, {"cat": ["X", "y"]}])


def column_names(names) -> set[str]:
    """`Fact[cat]`, `'Fact'[cat]` or `cat` -> {"cat"} (folded)."""
    return {n.rsplit("[", 1)[-1].rstrip("]").casefold() for n in names}


def check(conn, outcome: harness.Outcome, expr, data, where) -> None:
    text = to_dax(expr)
    translation = compile_module.compile_expression(text, PARSED)
    if translation.status is not Status.EXACT or translation.sql is None:
        outcome.skip(f"translation {translation.status.value}")
        return
    sql_text = compile_module.to_sql(translation.sql)
    overridden = column_names(translation.overridden_columns)
    group = None if "dim" in overridden else "dim"
    where = {c: v for c, v in where.items() if c not in overridden}
    frames = {FACT: harness.frame(COLUMNS, data)}
    try:
        reference = harness.run_reference(parse(text), FACT, frames, PARSED, group, where)
    except EvaluationError:
        outcome.skip("reference error")
        return
    harness.load(conn, FACT, COLUMNS, data)
    try:
        database = harness.run_sql(conn, FACT, sql_text, group, where)
    except psycopg.Error as error:
        database = {"<error>": str(error).splitlines()[0]}
    problems = harness.compare(reference, database)
    outcome.compared += 1
    if problems:
        record = {"dax": text, "sql": sql_text, "rows": data, "group_by": group, "where": where, "problems": problems}
        outcome.disagreements.append(json.dumps(record, default=str))
        if not COLLECT:
            raise AssertionError("reference and PostgreSQL disagree:\n" + json.dumps(record, indent=1, default=str))


def _run(conn, expressions) -> harness.Outcome:
    conn.execute(psycopg.sql.SQL("DROP TABLE IF EXISTS {}").format(psycopg.sql.Identifier(FACT)))
    harness.create_table(conn, FACT, COLUMNS)
    outcome = harness.Outcome()

    @settings(
        database=None if COLLECT else settings.default.database,
        max_examples=EXAMPLES or settings.default.max_examples,
    )
    @given(data=rows, expr=expressions, where=WHERE)
    def example(data, expr, where):
        check(conn, outcome, expr, data, where)

    try:
        example()
    finally:
        if COLLECT:
            REPORT.write_text(json.dumps(
                {"compared": outcome.compared, "skipped": outcome.skipped,
                 "disagreements": [json.loads(d) for d in outcome.disagreements]}, indent=1, default=str))
    assert outcome.compared > 0, outcome.skipped
    assert not outcome.disagreements, "\n".join(outcome.disagreements[:20])
    return outcome


def test_random_measures_agree_with_postgres(module_pg):
    _run(module_pg, measures)


def test_text_and_date_functions_agree_with_postgres(module_pg):
    """The scalar functions of issue 13 (text, dates, MEDIAN, AVERAGEA, IFERROR) on their own."""
    outcome = _run(module_pg, function_measures)
    print(f"text and date functions: {outcome.compared} compared, skipped {outcome.skipped}")
