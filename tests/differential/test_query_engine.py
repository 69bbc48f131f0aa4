"""The catalog run the way the report builder runs it: random measures in a small model with two
fact tables that share column names and a dimension table on their one side, built into a catalog,
then every metric on every source it is linked to, through `resolve`, grouped by and filtered by
every dimension the catalog offers there (each alone, and the date grouped with a filter on each
other), with and without the toggle, compared cell by cell with the reference evaluator reading
the model's own tables (one generated world: a view's rows are its table's rows).

A metric linked to a view whose rows its DAX does not read, or an override of an offered
dimension left exact, shows up here as a disagreement.

Set DIFFERENTIAL_COLLECT=1 to record every disagreement instead of stopping at the first;
DIFFERENTIAL_ENGINE_REPORT=<file> writes the run's figures (examples, cells, time) as JSON.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import time
from collections import Counter
from pathlib import Path

import pandas as pd
from psycopg import sql
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.differential.strategies import CATS, DIMS, FACT, decimals, ints, measures
from translator.catalog import build_catalog
from translator.compile import compile_model
from translator.dax import ast, parse, to_dax
from translator.dax.model import ParsedMeasure, ParsedModel, ParsedTable
from translator.readers.mapping import parse_mapping
from translator.model.semantic import Column, Measure, Relationship, SemanticModel, Table, TableKind
from translator.verify.database import view_table
from translator.verify.engine import AGREE, DISAGREE, SQL_ERROR, UNVERIFIED
from translator.verify.run import CLIENT_ID, check_catalog, load_views, toggle_map, world_of

COLLECT = bool(os.environ.get("DIFFERENTIAL_COLLECT"))
REPORT = os.environ.get("DIFFERENTIAL_ENGINE_REPORT")
EXAMPLES = int(os.environ.get("DIFFERENTIAL_EXAMPLES", "0")) or None
EXPORT = "engine.bim"
EMPTY = parse_mapping("", "translator.toml")

FACT_COLUMNS = (Column("dim", "string"), Column("cat", "string"), Column("n", "int64"), Column("d", "double"),
                Column("day", "dateTime"), Column("pid", "int64"))
DIM_COLUMNS = (Column("pid", "int64", is_key=True), Column("grp", "string"), Column("size", "int64"))
MODE = Table("Mode", TableKind.CALCULATED, (Column("Mode", "string"),),
             expression='DATATABLE("Mode", STRING, {{"Base"}, {"Alt"}})')
RELATIONSHIPS = (Relationship(FACT, "pid", "Dim", "pid"), Relationship("Other", "pid", "Dim", "pid"))
# Counts of the one side: DAX counts every member, with facts or not, whatever filters the facts.
DIM_MEASURES = {"Dim Members": "DISTINCTCOUNT(Dim[pid])", "Dim Rows": "COUNTROWS(Dim)",
                "Dim Size": "SUM(Dim[size])"}

days = st.sampled_from([dt.datetime(2024, 1, d) for d in (1, 2, 3)])
fact_rows = st.lists(st.tuples(st.sampled_from(DIMS), st.sampled_from(CATS), ints, decimals,
                               st.one_of(st.none(), days), st.one_of(st.none(), st.integers(1, 5))), max_size=10)
dim_rows = st.lists(st.tuples(st.sampled_from(["g", "G", "h", None]), st.one_of(st.none(), st.integers(0, 9))),
                    max_size=4)


def retarget(node, table: str):
    """A generated expression over `Fact`, read from `table` instead."""
    if isinstance(node, ast.ColumnRef) and node.table == FACT:
        return dataclasses.replace(node, table=table)
    if isinstance(node, ast.TableRef) and node.name == FACT:
        return dataclasses.replace(node, name=table)
    if isinstance(node, tuple):
        return tuple(retarget(n, table) for n in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {f.name: retarget(getattr(node, f.name), table) for f in dataclasses.fields(node)
                   if isinstance(getattr(node, f.name), tuple) or dataclasses.is_dataclass(getattr(node, f.name))}
        return dataclasses.replace(node, **changes)
    return node


DIM_PARSED = {name: parse(dax) for name, dax in DIM_MEASURES.items()}
MODE_PARSED = ParsedTable(MODE, parse(MODE.expression))


def build_model(own, other, toggled) -> ParsedModel:
    """The model with its measures' trees as generated (the parser has its own round-trip tests)."""
    trees = {FACT: {"Own": own, "Toggled": toggled}, "Other": {"Theirs": other}, "Dim": DIM_PARSED}
    measures = {table: tuple(Measure(table, name, to_dax(tree)) for name, tree in named.items())
                for table, named in trees.items()}
    model = SemanticModel("engine", EXPORT, (
        Table(FACT, columns=FACT_COLUMNS, measures=measures[FACT]),
        Table("Other", columns=FACT_COLUMNS, measures=measures["Other"]),
        Table("Dim", columns=DIM_COLUMNS, measures=measures["Dim"]),
        MODE,
    ), RELATIONSHIPS)
    parsed = tuple(ParsedMeasure(m, trees[table][m.name]) for table, ms in measures.items() for m in ms)
    return ParsedModel(model, parsed, (MODE_PARSED,))


class Figures:
    def __init__(self) -> None:
        self.examples = 0
        self.checks = 0
        self.cells: Counter[str] = Counter()
        self.disagreements: list[str] = []
        self.started = time.monotonic()

    def to_json(self) -> dict[str, object]:
        return {"examples": self.examples, "checks": self.checks, "cells": dict(self.cells),
                "compared": self.cells[AGREE] + self.cells[DISAGREE] + self.cells[SQL_ERROR],
                "disagreements": len(self.disagreements), "seconds": round(time.monotonic() - self.started, 1),
                "first": [json.loads(d) for d in self.disagreements[:20]]}


def refill(conn, world, created: set[str]) -> None:
    """The views' rows for this example: created once, then TRUNCATE + COPY (fast)."""
    if not created:
        load_views(conn, world)
        created.update(world.sources)
        return
    for source in world.sources.values():
        view = view_table(source.row.view_pattern, CLIENT_ID)
        table = sql.Identifier(view.db, view.name)
        conn.execute(sql.SQL("TRUNCATE {}").format(table))
        names = sql.SQL(", ").join(sql.Identifier(c.name) for c in source.columns)
        with conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN").format(table, names)) as copy:
            for row in source.frame.itertuples(index=False):
                copy.write_row([None if v is None or v != v else v for v in row])


def run_example(conn, figures: Figures, own, other, alternative, fact, others, dims, created: set[str]) -> None:
    mode = ast.FunctionCall("SELECTEDVALUE", (ast.ColumnRef("Mode", "Mode"), ast.String("Base")))
    toggled = ast.FunctionCall("SWITCH", (mode, ast.String("Alt"), alternative, own))
    parsed = build_model(own, retarget(other, "Other"), toggled)
    compiled, _ = compile_model(parsed)
    catalog, _ = build_catalog([compiled], EMPTY)
    frames = {
        FACT: pd.DataFrame(fact, columns=[c.name for c in FACT_COLUMNS], dtype=object),
        "Other": pd.DataFrame(others, columns=[c.name for c in FACT_COLUMNS], dtype=object),
        "Dim": pd.DataFrame([(n, *row) for n, row in enumerate(dims, start=1)],
                            columns=[c.name for c in DIM_COLUMNS], dtype=object),
    }
    generated = world_of(catalog, [compiled], EMPTY, {EXPORT: frames})
    refill(conn, generated, created)
    checks = check_catalog(conn, catalog, catalog, [compiled], [parsed], generated, toggle_map(catalog), EMPTY)
    figures.examples += 1
    figures.checks += len(checks)
    for check in checks:
        figures.cells.update(dict(check.cells))
        if check.status in (DISAGREE, SQL_ERROR):
            measure = next(e for e in catalog.report if e.metric_key == check.metric_key and e.placement == "metric")
            record = {"metric": check.metric_key, "dax": measure.dax, "source": check.source_key,
                      "toggles": dict(check.toggles), "detail": check.detail,
                      "rows": {name: frame.values.tolist() for name, frame in frames.items()}}
            figures.disagreements.append(json.dumps(record, default=str))
            if not COLLECT:
                raise AssertionError("the query engine's SQL and the reference disagree:\n"
                                     + json.dumps(record, indent=1, default=str))
    # Every unverified cell is an accepted approximation or a reference error, never silence.
    assert all(c.status != UNVERIFIED or c.detail for c in checks)


def test_the_catalog_agrees_with_the_reference_cell_by_cell(module_pg):
    figures = Figures()
    created: set[str] = set()

    @settings(database=None if COLLECT else settings.default.database,
              max_examples=EXAMPLES or settings.default.max_examples)
    @given(own=measures, other=measures, alternative=measures, fact=fact_rows, others=fact_rows, dims=dim_rows)
    def example(own, other, alternative, fact, others, dims):
        run_example(module_pg, figures, own, other, alternative, fact, others, dims, created)

    try:
        example()
    finally:
        if REPORT:
            Path(REPORT).write_text(json.dumps(figures.to_json(), indent=1, default=str))
    assert figures.cells[AGREE] > 0, figures.to_json()
    assert not figures.disagreements, "\n".join(figures.disagreements[:5])
