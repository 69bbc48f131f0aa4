"""`translator diff`: catalog changes laid out for a person; a rename is a rename."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.sample import copy_sample, edit_measure_file
from translator.cli import main
from translator.review import MetricFacts, compare_facts


def _facts(key: str, sql: str, dax: str | None = None, variants=()) -> MetricFacts:
    return MetricFacts(key, sql, dax, key.title(), tuple(sorted(variants)))


def test_rename_by_same_dax_is_a_rename_not_a_removal_and_an_addition() -> None:
    old = {"active_campaigns": _facts("active_campaigns", 'COUNT(DISTINCT "c")', "DISTINCTCOUNT(T[c])")}
    new = {"campaigns_active": _facts("campaigns_active", 'COUNT(DISTINCT "c")', "DISTINCTCOUNT( T[c] )")}
    changes = compare_facts(old, new)
    assert [(o.metric_key, n.metric_key) for o, n in changes.renamed] == [
        ("active_campaigns", "campaigns_active")]
    assert changes.added == () and changes.removed == ()


def test_rename_by_same_sql_when_the_dax_was_respelled() -> None:
    old = {"a": _facts("a", 'SUM("x")', "SUM(T[x])")}
    new = {"b": _facts("b", 'SUM("x")', "SUMX(T, T[x])")}
    changes = compare_facts(old, new)
    assert [(o.metric_key, n.metric_key) for o, n in changes.renamed] == [("a", "b")]


def test_added_removed_sql_and_variant_changes() -> None:
    old = {
        "kept": _facts("kept", 'SUM("a")', "SUM(T[a])", [("mode", "net", 'SUM("n")'), ("mode", "org", 'SUM("o")')]),
        "gone": _facts("gone", 'SUM("g")', "SUM(T[g])"),
        "moved": _facts("moved", 'MAX("m")', "MAX(T[m])"),
    }
    new = {
        "kept": _facts("kept", 'SUM("b")', "SUM(T[b])", [("mode", "net", 'SUM("n2")'), ("basis", "cb", 'SUM("c")')]),
        "fresh": _facts("fresh", 'MIN("f")', "MIN(T[f])", [("mode", "net", 'MIN("fn")')]),
    }
    changes = compare_facts(old, new, {"T[x]": "exact"}, {"T[x]": "untranslated"})
    assert [m.metric_key for m in changes.added] == ["fresh"]
    assert sorted(m.metric_key for m in changes.removed) == ["gone", "moved"]
    assert [(o.sql, n.sql) for o, n in changes.sql_changed] == [('SUM("a")', 'SUM("b")')]
    assert changes.variants_added == (("fresh", "mode", "net", 'MIN("fn")'), ("kept", "basis", "cb", 'SUM("c")'))
    assert changes.variants_removed == (("kept", "mode", "org", 'SUM("o")'),)
    assert changes.variants_changed == (("kept", "mode", "net", 'SUM("n")', 'SUM("n2")'),)
    assert changes.status_changed == (("T[x]", "exact", "untranslated"),)
    text = "\n".join(changes.lines())
    assert "metrics added (1):" in text and "metrics removed (2):" in text
    assert "  + kept [basis = cb]" in text and "  - kept [mode = org]" in text


def test_no_changes_is_falsy() -> None:
    same = {"a": _facts("a", 'SUM("a")', "SUM(T[a])")}
    assert not compare_facts(same, dict(same))


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    exports = copy_sample(tmp_path / "pbix_exports")
    out = tmp_path / "output"
    result = CliRunner().invoke(main, ["build", "--exports", str(exports), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return exports, out


def test_diff_on_the_sample_after_a_rename_and_an_edit(built: tuple[Path, Path]) -> None:
    exports, out = built
    unchanged = CliRunner().invoke(main, ["diff", "--exports", str(exports), "--out", str(out)])
    assert unchanged.exit_code == 0
    assert unchanged.stdout.strip() == "no catalog changes"

    edit_measure_file(exports, "Order Summary.tmdl", "measure 'Active Campaigns' =", "measure 'Campaigns Active' =")
    edit_measure_file(
        exports, "Order Summary.tmdl",
        "measure 'Organic CB Rate' = DIVIDE(SUM('Order Summary'[cb_organic]), SUM('Order Summary'[approvals_organic]))",
        "measure 'Organic CB Rate' = DIVIDE(SUM('Order Summary'[cb_non_organic]), SUM('Order Summary'[approvals_organic]))",
    )
    result = CliRunner().invoke(main, ["diff", "--exports", str(exports), "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)
    assert [(r["old"]["metric_key"], r["new"]["metric_key"]) for r in changes["metrics_renamed"]] == [
        ("active_campaigns", "campaigns_active")]
    assert changes["metrics_added"] == [] and changes["metrics_removed"] == []
    [changed] = changes["sql_changed"]
    assert changed["metric_key"] == "organic_cb_rate"
    assert "cb_non_organic" in changed["new_sql"] and "cb_non_organic" not in changed["old_sql"]

    text = CliRunner().invoke(main, ["diff", "--exports", str(exports), "--out", str(out)])
    assert "active_campaigns -> campaigns_active" in text.stdout
    assert "SQL changed (1):" in text.stdout
