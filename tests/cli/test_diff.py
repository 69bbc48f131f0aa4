"""`translator diff`: catalog changes laid out for a person; a rename is a rename."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.sample import copy_sample, edit_measure_file
from translator.cli import main
from translator.review.diff import MetricFacts, compare_facts


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


def _mapping_edit(exports: Path, old: str, new: str) -> None:
    path = exports / "translator.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _diff(exports: Path, out: Path, *extra: str):
    result = CliRunner().invoke(main, ["diff", "--exports", str(exports), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result


def test_a_data_source_change_shows_in_the_diff(built: tuple[Path, Path]) -> None:
    exports, out = built
    _mapping_edit(exports, "refresh_frequency_minutes = 15", "refresh_frequency_minutes = 30")
    changes = json.loads(_diff(exports, out, "--format", "json").stdout)
    [changed] = changes["tables"]["data_sources"]["changed"]
    assert changed["columns"] == {"refresh_frequency_minutes": {"old": 15, "new": 30}}
    text = _diff(exports, out).stdout
    assert "no catalog changes" not in text and "refresh_frequency_minutes: 15 -> 30" in text


def test_a_toggle_rename_is_one_rename_that_options_and_variants_follow(built: tuple[Path, Path]) -> None:
    exports, out = built
    _mapping_edit(exports, 'key = "approval_mode"', 'key = "acquisition_mode"')
    changes = json.loads(_diff(exports, out, "--format", "json").stdout)
    toggles = changes["tables"]["metric_toggles"]
    assert [(r["old"], r["new"]) for r in toggles["renamed"]] == [("approval_mode", "acquisition_mode")]
    assert toggles["added"] == [] and toggles["removed"] == []
    options = changes["tables"]["metric_toggle_options"]
    assert options["added"] == [] and options["removed"] == [] and options["following_renames"] > 0
    assert changes["variants_added"] == [] and changes["variants_removed"] == []
    assert changes["variants_changed"] == []


def test_a_metric_key_change_prints_the_mapping_line_that_pins_the_old_key(built: tuple[Path, Path]) -> None:
    exports, out = built
    _mapping_edit(exports, '[metrics."Total Revenue"]\nkey = "revenue"', '[metrics."Total Revenue"]\nkey = "gross_revenue"')
    changes = json.loads(_diff(exports, out, "--format", "json").stdout)
    [renamed] = changes["metrics_renamed"]
    assert (renamed["old"]["metric_key"], renamed["new"]["metric_key"]) == ("revenue", "gross_revenue")
    assert renamed["pin"] == '[metrics."Total Revenue"] key = "revenue"'
    links = changes["tables"]["data_source_metrics"]
    assert links["added"] == [] and links["removed"] == [] and links["following_renames"] > 0
    assert '[metrics."Total Revenue"] key = "revenue"' in _diff(exports, out).stdout
