"""`translator diff` shows report template changes (issue 14): pages added or removed, widgets
added, removed or changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from tests.cli.sample import copy_sample
from translator.cli import main
from translator.review.templates import compare_templates

PAGES = Path("BeastInsights.Report") / "definition" / "pages"


def test_diff_lists_template_and_widget_changes(tmp_path: Path) -> None:
    exports = copy_sample(tmp_path / "pbix_exports")
    out = tmp_path / "output"
    assert CliRunner().invoke(main, ["build", "--exports", str(exports), "--out", str(out)]).exit_code == 0

    shutil.rmtree(exports / PAGES / "real_time_pulse")  # a page gone: its template is removed
    pages = json.loads((exports / PAGES / "pages.json").read_text(encoding="utf-8"))
    pages["pageOrder"].remove("real_time_pulse")
    (exports / PAGES / "pages.json").write_text(json.dumps(pages), encoding="utf-8")
    shutil.rmtree(exports / PAGES / "revenue_analytics" / "visuals" / "ra_trend")  # a widget gone
    card = exports / PAGES / "revenue_analytics" / "visuals" / "ra_card_2" / "visual.json"
    visual = json.loads(card.read_text(encoding="utf-8"))
    visual["visual"]["query"]["queryState"]["Values"]["projections"][0]["field"]["Measure"]["Property"] = "Total Costs"
    card.write_text(json.dumps(visual), encoding="utf-8")

    result = CliRunner().invoke(main, ["diff", "--exports", str(exports), "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)["templates"]
    assert changes["removed"] == ["real-time-pulse"]
    assert changes["added"] == []
    [changed] = changes["changed"]
    assert changed["template_key"] == "revenue-analytics"
    assert "widget removed: revenue-analytics/ra_trend" in changed["changes"]
    assert "widget changed: revenue-analytics/ra_card_2 (metrics, toggles)" in changed["changes"]
    assert any(c.startswith("required_toggles:") for c in changed["changes"])

    text = CliRunner().invoke(main, ["diff", "--exports", str(exports), "--out", str(out)]).stdout
    assert "templates removed (1):\n  - real-time-pulse" in text
    assert "templates changed (1):\n  ~ revenue-analytics" in text


def test_template_comparison_by_key() -> None:
    row = {"template_key": "a", "name": "A", "layout": json.dumps({"sections": [{"key": "s", "title": "S", "widgets": [
        {"key": "w", "widget_type": "chart", "metrics": ["m"]}]}]})}
    moved = {**row, "layout": json.dumps({"sections": [{"key": "s", "title": "S", "widgets": [
        {"key": "w", "widget_type": "chart", "metrics": ["m"], "position": {"x": 1}}]}]})}
    assert not compare_templates([row], [row])
    assert compare_templates([row], [moved]).changed == (("a", ("widget changed: s/w (position)",)),)
    assert compare_templates([], [row]).added == ("a",)
