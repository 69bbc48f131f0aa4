"""Every measure of the sample models whose translation is exact (and each of its variants)
must give on PostgreSQL what the reference evaluator gives, on generated fact rows.

Models: pbix_exports/ (the sample model) and the reader fixture tests/readers/fixtures/.
Each measure is grouped by a text column of its fact table that it does not override; text
keys compare in lower case (the SQL groups by LOWER(column)). Each folder's translator.toml is
read: a measure reading a lookup column the view is declared to carry runs on PostgreSQL over a
table that carries it (the related row's value, NULL for keys no row matches), and through the
reference over the lookup table's own generated rows (some keys unmatched, some values blank).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.differential import harness
from translator.compile.translation import Status
from translator.dax import ast, parse_model
from translator.model.mapping import lookup_problem
from translator.readers import read_exports
from translator.readers.mapping import load_mapping
from translator.reference import EvaluationError
from translator.verify.sample import column_text_values

compile_module = pytest.importorskip("translator.compile")
ROOT = Path(__file__).resolve().parents[2]
EXPORTS = (ROOT / "pbix_exports", ROOT / "tests" / "readers" / "fixtures")
COLLECT = bool(os.environ.get("DIFFERENTIAL_COLLECT"))
# Per measure: a twentieth of the profile's examples (at least 10): CI 10, long 500.
EXAMPLES = int(os.environ.get("DIFFERENTIAL_MODEL_EXAMPLES", "0")) or None

PG_TYPES = {"string": "text", "int64": "bigint", "double": "double precision", "decimal": "numeric",
            "boolean": "boolean", "dateTime": "timestamp"}


def _load():
    compiled = []
    for folder in EXPORTS:
        if not folder.is_dir() or not any(folder.iterdir()):
            continue
        models, _ = read_exports(folder)
        mapping, _ = load_mapping(folder / "translator.toml")
        for model in models:
            parsed, _ = parse_model(model)
            compiled.append((folder.name, parsed, compile_module.compile_model(parsed, mapping=mapping)[0], mapping))
    return compiled


COMPILED = _load()
CASES = [
    pytest.param(parsed, model, t, variant, mapping,
                 id=f"{folder}/{model.export}:{t.measure.name}" + (f"[{variant.option}]" if variant else ""))
    for folder, parsed, model, mapping in COMPILED
    for t in model.translations
    if t.status is Status.EXACT and t.sql is not None and t.fact_table
    for variant in (None, *t.variants)
]


def _literals(parsed) -> tuple[list[str], list[int | float]]:
    texts, numbers = set(), set()
    for measure in parsed.measures:
        if measure.tree is None:
            continue
        for node in ast.walk(measure.tree):
            if isinstance(node, ast.String):
                texts.add(node.value)
            elif isinstance(node, ast.Number) and abs(node.value) < 1e9:
                numbers.add(node.value)
    return sorted(texts), sorted(numbers)


def _referenced_columns(parsed, table: str) -> set[str]:
    """Folded names of the table's columns that any measure of the model reads."""
    found = set()
    for measure in parsed.measures:
        if measure.tree is None:
            continue
        for node in ast.walk(measure.tree):
            if isinstance(node, ast.ColumnRef) and (node.table or "").casefold() == table.casefold():
                found.add(node.column.casefold())
    return found


def _values(data_type: str, texts, numbers):
    match data_type:
        case "string":
            words = ["a", "A", "b", *texts, *(t.upper() for t in texts), *(t.lower() for t in texts)]
            return st.one_of(st.none(), st.sampled_from(sorted(set(words))))
        case "int64":
            near = [int(n) + k for n in numbers for k in (-1, 0, 1)]
            return st.one_of(st.none(), st.integers(-5, 5), st.sampled_from(sorted(set(near)) or [0]))
        case "double" | "decimal":
            near = [n + k for n in numbers for k in (-0.25, 0, 0.25)]
            return st.one_of(st.none(), st.integers(-40, 40).map(lambda k: k / 4), st.sampled_from(sorted(set(near)) or [0.0]))
        case "boolean":
            return st.one_of(st.none(), st.booleans())
        case "dateTime":
            return st.one_of(st.none(), st.sampled_from([dt.datetime(2024, 1, d) for d in (1, 2, 15)]))
    return st.none()


def _slicer_frames(parsed, model) -> dict:
    """Imported slicer tables (no DAX of their own): a frame of the toggle's options."""
    frames = {}
    for toggle in model.toggles:
        table = parsed.model.table(toggle.table)
        if table is not None and table.expression is None:
            frames[table.name] = harness.frame(((toggle.column, "string", "text"),), [(o,) for o in toggle.options])
    return frames


# The lookup table's keys (the first few match facts); a fact key no row has.
LOOKUP_KEYS = {"int64": [1, 2, 3], "string": ["k1", "k2", "K3"], "double": [1.0, 2.0, 3.0]}
UNMATCHED = {"int64": 99, "string": "no such key", "double": 99.0}


def _lookups(parsed, mapping, fact: str, read: set[str]) -> list[tuple]:
    """(view column, lookup table, its column, fact key column, lookup key column) for each lookup
    column the translation reads from the view of `fact` (the mapping's usable declarations)."""
    found = []
    override = mapping.source(fact)
    for lc in override.lookup_columns if override is not None else ():
        if lc.view_column.casefold() in read and lookup_problem(parsed.model, fact, lc) is None:
            fact_key, lookup_key = parsed.model.lookup_relationship(fact, lc.table)
            found.append((lc.view_column, parsed.model.table(lc.table), lc.column, fact_key, lookup_key))
    return found


def _related(data, columns, lookups, lookup_rows) -> list[tuple]:
    """The fact rows with the view's lookup columns appended, as a LEFT JOIN gives them."""
    names = [name.casefold() for name, _, _ in columns]
    out = []
    for row in data:
        extra = []
        for (_, table, column, fact_key, lookup_key), rows in zip(lookups, lookup_rows):
            key = row[names.index(fact_key.casefold())]
            match = next((r for r in rows if key is not None and harness.same(r[0], key)), None)
            extra.append(None if match is None else match[1])
        out.append(tuple(row) + tuple(extra))
    return out


@pytest.mark.parametrize(("parsed", "model", "translation", "variant", "mapping"), CASES)
def test_model_measure_agrees_with_postgres(module_pg, parsed, model, translation, variant, mapping):
    table = parsed.model.table(translation.fact_table)
    columns = tuple((c.name, c.data_type, PG_TYPES.get(c.data_type, "text")) for c in table.columns)
    lookups = _lookups(parsed, mapping, table.name, {c.casefold() for c in translation.columns})
    texts, numbers = _literals(parsed)
    overridden = {n.rsplit("[", 1)[-1].rstrip("]").casefold() for n in translation.overridden_columns}
    text_columns = [c for c, kind, _ in columns if kind == "string" and c.casefold() not in overridden]
    group = text_columns[0] if text_columns else None
    slicers = {}
    if variant is not None:
        toggle = next(t for t in model.toggles if t.table.casefold() == variant.toggle_table.casefold())
        slicers = {f"'{toggle.table}'[{toggle.column}]": variant.option}
    sql_text = compile_module.to_sql(variant.sql if variant else translation.sql)
    pg_table = "fact"
    module_pg.execute(psycopg.sql.SQL("DROP TABLE IF EXISTS {}").format(psycopg.sql.Identifier(pg_table)))
    view_columns = columns + tuple(
        (view, t.column(c).data_type, PG_TYPES.get(t.column(c).data_type, "text")) for view, t, c, _, _ in lookups)
    harness.create_table(module_pg, pg_table, view_columns)
    outcome = harness.Outcome()
    # Only the columns some measure reads (or the SQL reads, or the grouping) get values: the
    # others stay NULL, which keeps the examples small and fast.
    used = _referenced_columns(parsed, table.name) | {c.casefold() for c in translation.columns}
    used |= {group.casefold()} if group else set()
    used |= {fact_key.casefold() for _, _, _, fact_key, _ in lookups}
    key_types = {fact_key.casefold(): table.column(fact_key).data_type for _, _, _, fact_key, _ in lookups}
    row = st.tuples(*(
        st.sampled_from([*LOOKUP_KEYS[key_types[name.casefold()]], UNMATCHED[key_types[name.casefold()]], None])
        if name.casefold() in key_types else _values(kind, texts, numbers) if name.casefold() in used else st.none()
        for name, kind, _ in columns))
    # each lookup table: its keys, each with a generated value of the declared column (text: the
    # values the measures compare it with, in two letter cases, another value or BLANK)
    def lookup_values(t, c):
        compared = column_text_values(parsed, t.name, c)
        if t.column(c).data_type != "string" or not compared:
            return _values(t.column(c).data_type, texts, numbers)
        return st.sampled_from([*compared, *(v.lower() for v in compared), "other", None])

    lookup_rows = st.tuples(*(
        st.tuples(*(st.tuples(st.just(k), lookup_values(t, c)) for k in LOOKUP_KEYS[t.column(key).data_type]))
        for _, t, c, _, key in lookups))

    @settings(database=None if COLLECT else settings.default.database,
              max_examples=EXAMPLES or max(10, settings.default.max_examples // 20))
    @given(data=st.lists(row, max_size=10), related=lookup_rows)
    def example(data, related):
        frames = {table.name: harness.frame(columns, data), **_slicer_frames(parsed, model)}
        for (_, t, c, _, key), rows in zip(lookups, related):  # the lookup table's own rows
            frames[t.name] = harness.frame(((key, "", ""), (c, "", "")), rows)
        try:
            reference = harness.run_reference(ast.MeasureRef(translation.measure.name), table.name, frames, parsed, group, {}, slicers)
        except EvaluationError as error:
            outcome.skip(f"reference error: {error}")
            return
        harness.load(module_pg, pg_table, view_columns, _related(data, columns, lookups, related))
        try:
            database = harness.run_sql(module_pg, pg_table, sql_text, group, {})
        except psycopg.Error as error:
            database = {"<error>": str(error).splitlines()[0]}
        outcome.compared += 1
        problems = harness.compare(reference, database)
        if problems:
            record = {"measure": translation.measure.name, "dax": translation.measure.expression, "slicers": slicers,
                      "sql": sql_text, "rows": data, "lookup_rows": related, "group_by": group, "problems": problems}
            outcome.disagreements.append(json.dumps(record, default=str))
            if not COLLECT:
                raise AssertionError("reference and PostgreSQL disagree:\n" + json.dumps(record, indent=1, default=str))

    example()
    assert outcome.compared > 0, outcome.skipped
    assert not outcome.disagreements, "\n".join(outcome.disagreements[:5])
