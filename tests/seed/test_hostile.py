"""Issue 7: hostile text survives render -> psql apply -> read back, byte for byte.

Names, folders, descriptions, keys and DAX string literals may hold quotes, backslashes, dollar
quotes, semicolons, comment openers, psql meta-commands and variables, control characters and
non-ASCII; none of it may leave its literal. The SQL values are built the way the compiler
builds them (sqlglot, quoted identifiers), over view columns with hostile names too.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from tests.seed.db import (
    active_catalog,
    expected_catalog,
    render_ok,
    run_psql,
)
from translator.catalog.rows import (
    Catalog,
    DataSource,
    DataSourceDimension,
    DataSourceMetric,
    Dimension,
    Metric,
    MetricToggle,
    MetricToggleOption,
    MetricVariant,
)

FRAGMENTS = (
    "'", "''", '"', '""', "\\", "\\'", "$$", "$tag$", ";", "--", "/*", "*/", "\n", "\r\n", "\t",
    "\\g", "\\! echo pwned", "\\i /etc/passwd", ":x", ":'x'", ':"x"', "%s", "%(x)s", "{x}",
    "{{", "{%", "E'", "U&'", "é", "漢字", "🙂", "\u200b", "\x7f", "\x01", "x\"); DROP TABLE t; --",
    "'); DROP TABLE report_builder.metrics; --", "COMMIT;", "ROLLBACK;",
)

text_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


def hostile(max_size: int, min_size: int = 1) -> st.SearchStrategy[str]:
    pieces = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(text_chars, max_size=8)),
                      max_size=8)
    return pieces.map("".join).map(lambda s: s[:max_size]).filter(lambda s: len(s) >= min_size)


def long_text(size: int) -> st.SearchStrategy[str]:
    return st.sampled_from(FRAGMENTS).map(lambda f: (f * size)[:size])


def quoted(name: str) -> str:
    return exp.to_identifier(name, quoted=True).sql(dialect="postgres")


def view_name(name: str) -> str:
    return exp.table_(exp.to_identifier(name, quoted=True), db="reporting").sql(dialect="postgres")


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    columns = draw(st.lists(hostile(60), min_size=2, max_size=4, unique=True))
    source_keys = draw(st.lists(st.one_of(hostile(100), long_text(100)), min_size=1, max_size=3,
                                unique=True))
    # Values the report builder pastes into SQL are SQL (issue 12): names quoted the way the
    # catalog quotes them, hostile inside the quotes.
    sources = tuple(DataSource(k, draw(hostile(200)), view_name(draw(hostile(200))), draw(
        st.none() | st.sampled_from(columns)), description=draw(st.none() | hostile(3000) | long_text(5000)),
        columns=tuple(columns)) for k in source_keys)
    metric_keys = draw(st.lists(hostile(100), min_size=1, max_size=4, unique=True))

    def aggregate() -> str:
        compare = draw(st.sampled_from(columns))
        value = draw(st.sampled_from(columns))
        test = exp.EQ(this=exp.func("LOWER", exp.column(compare, quoted=True)),
                      expression=exp.Literal.string(draw(hostile(200))))
        case = exp.Case().when(test, exp.column(value, quoted=True))
        return exp.Sum(this=case).sql(dialect="postgres")

    metrics = tuple(Metric(
        k, draw(hostile(200) | long_text(200)), aggregate(), draw(hostile(100)),
        description=draw(st.none() | hostile(2000)), data_type=draw(hostile(50)),
        format_pattern=draw(st.none() | hostile(50)), aggregation_type=draw(hostile(50)),
        sort_order=draw(st.integers(-(2**31), 2**31 - 1)), is_invertable=draw(st.booleans()),
    ) for k in metric_keys)
    links = tuple(DataSourceMetric(s, m) for s in source_keys for m in metric_keys)
    dimension_keys = draw(st.lists(hostile(100), max_size=3, unique=True))
    dimensions = tuple(Dimension(k, draw(hostile(200)), quoted(draw(st.sampled_from(columns))),
                                 join_table='"public"."lookup"',
                                 join_condition=draw(st.none() | st.sampled_from(columns).map(
                                     lambda c: f'{{source}}.{quoted(c)} = "lookup".{quoted(c)}')),
                                 category=draw(st.none() | hostile(100)))
                       for k in dimension_keys)
    dimension_links = tuple(DataSourceDimension(s, d) for s in source_keys for d in dimension_keys)
    toggle_key = draw(hostile(100))
    option_keys = draw(st.lists(hostile(100), min_size=1, max_size=3, unique=True))
    toggles = (MetricToggle(toggle_key, draw(hostile(200)), description=draw(hostile(300))),)
    options = tuple(MetricToggleOption(toggle_key, o, draw(hostile(200)), is_default=i == 0)
                    for i, o in enumerate(option_keys))
    variants = tuple(MetricVariant(m, toggle_key, o, aggregate())
                     for m in metric_keys[:2] for o in option_keys[1:])
    return Catalog(sources, metrics, dimensions, links, dimension_links, toggles, options,
                   variants)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
          deadline=None)
@given(catalog=catalogs())
def test_hostile_text_round_trips_through_psql(schema_db, catalog):
    conn, url = schema_db
    files = render_ok(catalog)
    result = run_psql(url, files["seed_catalog.sql"])
    assert result.returncode == 0, result.stderr
    # Successive examples share the database: earlier catalogs' rows must now be inactive.
    assert active_catalog(conn) == expected_catalog(catalog)
    # The SQL still reads the hostile columns it names: run it on a table of those columns.
    run_sql_on_view(conn, catalog)


def run_sql_on_view(conn: psycopg.Connection, catalog: Catalog) -> None:
    columns = catalog.data_sources[0].columns
    table = exp.to_identifier("hostile_view", quoted=True).sql("postgres")
    definition = ", ".join(f"{exp.to_identifier(c, quoted=True).sql('postgres')} text"
                           for c in columns)
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(f"CREATE TABLE {table} ({definition})")
    for (sql_expression,) in conn.execute(
            "SELECT sql_expression FROM report_builder.metrics WHERE is_active").fetchall():
        with pytest.raises(psycopg.errors.UndefinedFunction):
            # SUM(text) does not exist: proof PostgreSQL parsed exactly one aggregate over the
            # named text columns, and nothing escaped into another statement.
            conn.execute(f"SELECT {sql_expression} FROM {table}")


def test_psql_meta_commands_inside_literals_stay_text(schema_db):
    conn, url = schema_db
    evil = "x'\n\\! touch /tmp/emit-pwned\n\\set ON_ERROR_STOP 0\n:'x' $$ ; -- /* "
    catalog = Catalog(
        data_sources=(DataSource("s", evil, "v", None, columns=("c",)),),
        metrics=(Metric("m", "M", exp.Sum(this=exp.column("c", quoted=True)).sql("postgres"),
                        "cat", description=evil),),
        data_source_metrics=(DataSourceMetric("s", "m"),),
    )
    marker = Path("/tmp/emit-pwned")
    marker.unlink(missing_ok=True)
    result = run_psql(url, render_ok(catalog)["seed_catalog.sql"])
    assert result.returncode == 0, result.stderr
    assert not marker.exists()
    assert conn.execute("SELECT description FROM report_builder.metrics").fetchone() == (evil,)
    assert conn.execute("SELECT display_name FROM report_builder.data_sources").fetchone() == (
        evil,)
