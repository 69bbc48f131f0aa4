"""Issue 7, end to end: models whose names, folders, descriptions, column names and DAX string
literals hold hostile text are built (parse -> compile -> catalog -> render), the seed is applied
with psql, and every value reads back unchanged; the metric's SQL still filters on the hostile
literal over the hostile column names."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from tests.seed.db import render_ok, run_psql
from translator.catalog import build_catalog
from translator.catalog.rows import Catalog
from translator.compile import compile_model
from translator.dax import parse_model
from translator.readers.mapping import load_mapping
from translator.model.semantic import Column, Measure, SemanticModel, Table

FRAGMENTS = ("'", '"', "\\", "$$", ";", "--", "/*", "*/", "\n", "\t", "é", "漢字", "🙂",
             'x"); DROP TABLE t; --', "\\! echo pwned", ":'x'", "]", "[", "{{", "%s")
chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")


def hostile(max_size: int) -> st.SearchStrategy[str]:
    pieces = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(chars, max_size=6)),
                      min_size=1, max_size=6)
    # Power BI trims names; a name that is only blanks is not a name.
    return pieces.map("".join).map(lambda s: s[:max_size]).filter(lambda s: s.strip() == s and s)


def dax_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def dax_column(name: str) -> str:
    return "'Sales'[" + name.replace("]", "]]") + "]"


@st.composite
def hostile_models(draw: st.DrawFn) -> tuple[SemanticModel, str, str, str]:
    amount, kind = draw(st.lists(hostile(40), min_size=2, max_size=2, unique_by=str.casefold))
    literal = draw(hostile(80))
    name = draw(hostile(90).filter(lambda s: any(c.isalnum() for c in s)))
    description = draw(hostile(400))
    folder = draw(hostile(60))
    # KEEPFILTERS: the filter intersects (an override of the model's one dimension is approximate)
    dax = f"CALCULATE(SUM({dax_column(amount)}), KEEPFILTERS({dax_column(kind)} = {dax_string(literal)}))"
    table = Table(
        "Sales",
        columns=(Column(amount, "double", summarize_by="sum"), Column(kind, "string", summarize_by="none")),
        measures=(Measure("Sales", name, dax, format_string="#,##0.00", display_folder=folder,
                          description=description),),
    )
    return SemanticModel("hostile", "hostile.bim", tables=(table,)), amount, kind, literal


def build(model: SemanticModel) -> Catalog:
    catalog, diagnostics = build_catalog([compile_model(parse_model(model)[0])[0]], load_mapping(None)[0])
    assert [d for d in diagnostics if d.severity.value == "error"] == []
    return catalog


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
          deadline=None)
@given(case=hostile_models())
def test_hostile_models_build_apply_and_read_back(schema_db, case):
    conn, url = schema_db
    model, amount, kind, literal = case
    measure = model.tables[0].measures[0]
    catalog = build(model)
    assert [e.status for e in catalog.report] == ["exact"]

    applied = run_psql(url, render_ok(catalog)["seed_catalog.sql"])
    assert applied.returncode == 0, applied.stderr
    key = catalog.metrics[0].metric_key
    display_name, description, sql = conn.execute(
        "SELECT display_name, description, sql_expression FROM report_builder.metrics "
        "WHERE metric_key = %s AND is_active", (key,)).fetchone()
    assert (display_name, description) == (measure.name, measure.description)

    # The seeded SQL reads the hostile columns and keeps the hostile literal intact:
    # on a view with those columns it sums exactly the row whose text equals the literal.
    view = exp.to_identifier("hostile_view", quoted=True).sql("postgres")
    amount_col = exp.to_identifier(amount, quoted=True).sql("postgres")
    kind_col = exp.to_identifier(kind, quoted=True).sql("postgres")
    conn.execute(f"DROP TABLE IF EXISTS {view}")
    conn.execute(f"CREATE TABLE {view} ({amount_col} double precision, {kind_col} text)")
    conn.execute(f"INSERT INTO {view} VALUES (1.5, %s), (2.0, %s)", (literal, literal + "x"))
    assert conn.execute(f"SELECT {sql} FROM {view}").fetchone() == (1.5,)
