"""The section 4.8 rule on hand-built catalogs: variant, fallback, cascade into derived metrics."""

from __future__ import annotations

import pytest
import sqlglot

import translator
from translator.catalog.rows import (
    Catalog,
    Metric,
    MetricToggle,
    MetricToggleOption,
    MetricVariant,
)
from translator.resolve import ResolveError, resolve

CATALOG = Catalog(
    metrics=(
        Metric("approvals", "Approvals", 'SUM("approvals")', "sales"),
        Metric("attempts", "Attempts", 'SUM("attempts")', "sales"),
        Metric("revenue", "Revenue", 'SUM("revenue")', "revenue"),
        Metric(
            "approval_rate", "Approval Rate", "ignored: derived metrics use their formula", "sales",
            is_derived=True, derived_formula="approvals / NULLIF(attempts, 0) * 100",
        ),
        Metric(
            "revenue_per_approval_rate", "Rev / rate", "ignored", "sales",
            is_derived=True, derived_formula="revenue / NULLIF(approval_rate, 0)",
        ),
        Metric(
            "cb_total", "Chargebacks", 'SUM("cb")', "chargebacks",
        ),
        Metric(
            "net_revenue", "Net revenue", "ignored", "revenue",
            is_derived=True, derived_formula="revenue - cb_total",
        ),
        # a quoted name is a column of the view, even when a metric has the same name
        Metric(
            "revenue_share", "Revenue share", "ignored", "revenue",
            is_derived=True, derived_formula='CAST((revenue) AS DOUBLE PRECISION) / NULLIF(SUM(SUM("revenue")) OVER (), 0)',
        ),
        Metric(
            "cb_per_approval", "CB per approval", "ignored", "chargebacks",
            is_derived=True, derived_formula='SUM("cb") / NULLIF(approvals, 0)',
        ),
        Metric("loop_a", "A", "1", "x", is_derived=True, derived_formula="loop_b + 1"),
        Metric("loop_b", "B", "1", "x", is_derived=True, derived_formula="loop_a + 1"),
        Metric("dangling", "D", "1", "x", is_derived=True, derived_formula="approvals + nope"),
    ),
    toggles=(
        MetricToggle("approval_mode", "Approval Mode"),
        MetricToggle("date_basis", "Date Basis"),
    ),
    toggle_options=(
        MetricToggleOption("approval_mode", "standard", "Standard", is_default=True),
        MetricToggleOption("approval_mode", "organic", "Organic"),
        MetricToggleOption("approval_mode", "net", "Net"),
        MetricToggleOption("date_basis", "transaction_date", "Transaction", is_default=True),
        MetricToggleOption("date_basis", "cb_date", "CB date"),
    ),
    variants=(
        MetricVariant("approvals", "approval_mode", "organic", 'SUM("approvals_organic")'),
        MetricVariant("approvals", "approval_mode", "net", 'SUM("net_approvals")'),
        MetricVariant("cb_total", "date_basis", "cb_date", 'SUM("cb_cb_date")'),
        # A derived metric with its own variant: the variant wins over the cascade.
        MetricVariant("net_revenue", "date_basis", "cb_date", 'SUM("revenue") - SUM("cb_cb_date_dollar")'),
    ),
)

CASES = [
    # metric, toggles, expected SQL (written by hand)
    ("approvals", {}, 'SUM("approvals")'),
    ("approvals", {"approval_mode": "standard"}, 'SUM("approvals")'),
    ("approvals", {"approval_mode": "organic"}, 'SUM("approvals_organic")'),
    ("approvals", {"approval_mode": "net"}, 'SUM("net_approvals")'),
    # a toggle the metric has no variant for: the default
    ("approvals", {"date_basis": "cb_date"}, 'SUM("approvals")'),
    ("attempts", {"approval_mode": "organic"}, 'SUM("attempts")'),
    # derived: components substituted in parentheses, picking up their variants
    ("approval_rate", {}, '(SUM("approvals")) / NULLIF((SUM("attempts")), 0) * 100'),
    (
        "approval_rate", {"approval_mode": "organic"},
        '(SUM("approvals_organic")) / NULLIF((SUM("attempts")), 0) * 100',
    ),
    # two levels deep
    (
        "revenue_per_approval_rate", {"approval_mode": "net"},
        '(SUM("revenue")) / NULLIF(((SUM("net_approvals")) / NULLIF((SUM("attempts")), 0) * 100), 0)',
    ),
    ("net_revenue", {}, '(SUM("revenue")) - (SUM("cb"))'),
    ("net_revenue", {"date_basis": "cb_date"}, 'SUM("revenue") - SUM("cb_cb_date_dollar")'),
    ("net_revenue", {"approval_mode": "organic"}, '(SUM("revenue")) - (SUM("cb"))'),
    (
        "revenue_share", {},
        'CAST(((SUM("revenue"))) AS DOUBLE PRECISION) / NULLIF(SUM(SUM("revenue")) OVER (), 0)',
    ),
    ("cb_per_approval", {"approval_mode": "organic"}, 'SUM("cb") / NULLIF((SUM("approvals_organic")), 0)'),
]


def _normal(sql: str) -> str:
    return sqlglot.parse_one(sql, dialect="postgres").sql(dialect="postgres")


@pytest.mark.parametrize(("metric", "toggles", "expected"), CASES)
def test_resolve(metric, toggles, expected):
    assert _normal(resolve(CATALOG, metric, toggles)) == _normal(expected)


def test_package_is_callable_and_still_a_package():
    import translator.resolve as package

    assert translator.resolve(CATALOG, "approvals", {"approval_mode": "organic"}) == 'SUM("approvals_organic")'
    assert package.resolve is resolve
    assert package(CATALOG, "approvals") == 'SUM("approvals")'


@pytest.mark.parametrize(
    ("metric", "toggles", "names"),
    [
        ("no_such_metric", {}, ["no_such_metric"]),
        ("approvals", {"no_such_toggle": "x"}, ["no_such_toggle"]),
        ("approvals", {"approval_mode": "gross"}, ["gross", "approval_mode", "organic"]),
        ("loop_a", {}, ["loop_a", "loop_b"]),
        ("dangling", {}, ["dangling", "nope"]),
    ],
)
def test_bad_requests_name_the_key(metric, toggles, names):
    with pytest.raises(ResolveError) as caught:
        resolve(CATALOG, metric, toggles)
    for name in names:
        assert name in str(caught.value)


def test_two_chosen_variants_for_one_metric_is_an_error():
    catalog = Catalog(
        metrics=(Metric("m", "M", 'SUM("a")', "x"),),
        toggles=(MetricToggle("t1", "T1"), MetricToggle("t2", "T2")),
        toggle_options=(MetricToggleOption("t1", "o", "O"), MetricToggleOption("t2", "p", "P")),
        variants=(MetricVariant("m", "t1", "o", 'SUM("b")'), MetricVariant("m", "t2", "p", 'SUM("c")')),
    )
    assert resolve(catalog, "m", {"t1": "o"}) == 'SUM("b")'
    with pytest.raises(ResolveError, match="combination"):
        resolve(catalog, "m", {"t1": "o", "t2": "p"})


def test_resolved_sql_runs_on_postgres(pg):
    """The cascade computes the right numbers, not just the right text."""
    pg.execute(
        "CREATE TABLE v (g text, approvals numeric, approvals_organic numeric, net_approvals numeric, "
        "attempts numeric, revenue numeric, cb numeric, cb_cb_date numeric, cb_cb_date_dollar numeric)"
    )
    pg.execute(
        "INSERT INTO v VALUES ('a', 5, 2, 4, 10, 100, 7, 3, 30), ('a', 3, 1, 3, 10, 50, 0, 1, 4), "
        "('b', 0, 0, 0, 0, 20, 1, 1, 9)"
    )

    def run(metric: str, toggles: dict[str, str]) -> dict[str, float | None]:
        sql = resolve(CATALOG, metric, toggles)
        query = sqlglot.select("g", sqlglot.exp.alias_(sqlglot.parse_one(sql, dialect="postgres"), "m"))
        rows = pg.execute(query.from_("v").group_by("g").order_by("g").sql(dialect="postgres")).fetchall()
        return {g: (None if m is None else float(m)) for g, m in rows}

    assert run("approval_rate", {}) == {"a": 40.0, "b": None}
    assert run("approval_rate", {"approval_mode": "organic"}) == {"a": 15.0, "b": None}
    assert run("net_revenue", {"date_basis": "cb_date"}) == {"a": 116.0, "b": 11.0}


def test_import_translator_stays_light():
    import subprocess
    import sys

    code = "import sys, translator; print('sqlglot' in sys.modules, 'pandas' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "False"]
