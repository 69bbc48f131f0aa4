"""The mapping file checked against the model, at the CLI: every unknown name is reported at its
translator.toml line with the nearest name the model has; a bad date_column never reaches the seed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.sample import copy_sample
from translator.cli import main


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "pbix_exports")


def _append(exports: Path, text: str) -> int:
    """Append a block to the sample's mapping file; returns the line of its first line."""
    path = exports / "translator.toml"
    before = path.read_text(encoding="utf-8")
    path.write_text(before + "\n" + text, encoding="utf-8")
    return before.count("\n") + 2


def _replace(exports: Path, old: str, new: str, section: str) -> int:
    """Replace one value in the sample's mapping file; returns the line of its [section]."""
    path = exports / "translator.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(section)].count("\n") + 1


def _diagnostics(exports: Path, out: Path) -> list[dict]:
    result = CliRunner().invoke(main, ["build", "--exports", str(exports), "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["diagnostics"]


def _at(diagnostics: list[dict], code: str, line: int) -> dict:
    found = [d for d in diagnostics if d["code"] == code and d["line"] == line
             and d["file"].endswith("translator.toml")]
    assert len(found) == 1, [(d["code"], d["file"], d["line"]) for d in diagnostics]
    return found[0]


@pytest.mark.parametrize(("block", "suggested"), [
    ('[metrics."Total Revenu"]\nkey = "rev"\n', "Total Revenue"),
    ('[sources."Order Sumary"]\nrefresh_frequency_minutes = 5\n', "Order Summary"),
    ('[toggles."Aproval Mode"]\nkey = "approval"\n', "Approval Mode"),
    ('[dimensions.campaign_nme]\ndisplay_name = "Campaign"\n', "campaign_name"),
])
def test_an_unknown_name_is_reported_at_its_line_with_the_nearest_name(
        exports: Path, tmp_path: Path, block: str, suggested: str) -> None:
    line = _append(exports, block)
    found = _at(_diagnostics(exports, tmp_path / "out"), "CAT309", line)
    assert any(f"'{suggested}'" in note for note in found["notes"]), found


def test_a_date_column_the_table_does_not_have_is_reported_and_not_seeded(exports: Path, tmp_path: Path) -> None:
    line = _replace(exports, 'date_column = "hour"', 'date_column = "hours"', '[sources."Hourly Revenue"]')
    out = tmp_path / "out"
    found = _at(_diagnostics(exports, out), "CAT309", line)
    assert any("'hour'" in note for note in found["notes"])
    assert "'hours'" not in (out / "seed_catalog.sql").read_text(encoding="utf-8")


def test_a_misspelled_category_is_reported_with_the_nearest_category(exports: Path, tmp_path: Path) -> None:
    line = _append(exports, '[metrics."Active Campaigns"]\ncategory = "revenu"\n')
    found = _at(_diagnostics(exports, tmp_path / "out"), "CAT320", line)
    assert found["severity"] == "warning" and any("'revenue'" in n for n in found["notes"])


def test_mapping_problems_are_listed_under_needs_attention_in_the_report(exports: Path, tmp_path: Path) -> None:
    line = _append(exports, '[metrics."Total Revenu"]\nkey = "rev"\n')
    out = tmp_path / "out"
    _diagnostics(exports, out)
    report = json.loads((out / "translation_report.json").read_text(encoding="utf-8"))
    problems = report["needs_attention"]["mapping_problems"]
    assert [(p["file"], p["line"], p["code"]) for p in problems] == [("translator.toml", line, "CAT309")]
    assert problems[0]["fix"] and any("'Total Revenue'" in n for n in problems[0]["notes"])
    markdown = (out / "translation_report.md").read_text(encoding="utf-8")
    attention = markdown.split("## Needs attention", 1)[1].split("\n## ", 1)[0]
    assert "### Mapping problems" in attention and f"translator.toml:{line}" in attention


def test_a_typo_in_hand_written_sql_is_reported_at_the_mapping_line(exports: Path, tmp_path: Path) -> None:
    line = _replace(exports, 'sql = "SUM(cb_cb_date)"', 'sql = "SUM(cb_cb_dat)"', '[metrics."Chargebacks by CB Date"]')
    result = CliRunner().invoke(main, ["build", "--exports", str(exports), "--out", str(tmp_path / "out"),
                                       "--format", "json"])
    found = _at(json.loads(result.stdout)["diagnostics"], "CAT306", line)
    assert any("'cb_cb_date'" in note for note in found["notes"])
