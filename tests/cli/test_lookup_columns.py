"""Lookup columns at the CLI: the report prints the mapping lines that would unlock a measure
filtered through a relationship; adding exactly those lines to translator.toml makes it exact,
and a declaration the model cannot use is reported at its line (CAT325)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.cli.sample import copy_sample
from translator.cli import main

DECLARED = '[sources."Order Summary".lookup_columns]\n"Campaigns[campaign_type]" = "campaign_type"\n'


def _build(exports: Path, out: Path) -> dict:
    result = CliRunner().invoke(main, ["build", "--exports", str(exports), "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _report(out: Path) -> dict:
    return json.loads((out / "translation_report.json").read_text(encoding="utf-8"))


def _status(report: dict, measure: str) -> str:
    return next(e["status"] for e in report["measures"] if e["measure"] == measure)


def test_the_suggested_declaration_unlocks_the_measures(tmp_path: Path) -> None:
    exports = copy_sample(tmp_path / "pbix_exports")
    mapping = exports / "translator.toml"
    text = mapping.read_text(encoding="utf-8")
    assert DECLARED in text
    mapping.write_text(text.replace(DECLARED, ""), encoding="utf-8")

    _build(exports, tmp_path / "without")
    without = _report(tmp_path / "without")
    trial = ["Trial Campaign Attempts", "Trial Campaign Revenue"]
    assert [_status(without, m) for m in trial] == ["untranslated", "untranslated"]
    group = next(g for g in without["lookup_columns"] if g["columns"] == ["'Campaigns'[campaign_type]"])
    assert (group["fact_table"], sorted(group["measures"]), group["unlocks"]) == ("Order Summary", trial, 2)
    assert group["declaration"] in (tmp_path / "without" / "translation_report.md").read_text(encoding="utf-8").replace(
        "\n  ", "\n")

    mapping.write_text(mapping.read_text(encoding="utf-8") + "\n" + group["declaration"] + "\n", encoding="utf-8")
    _build(exports, tmp_path / "with")
    with_ = _report(tmp_path / "with")
    assert [_status(with_, m) for m in trial] == ["exact", "exact"]
    assert all(g["columns"] != ["'Campaigns'[campaign_type]"] for g in with_.get("lookup_columns", []))


def test_a_declaration_across_no_relationship_is_reported_at_its_line(tmp_path: Path) -> None:
    exports = copy_sample(tmp_path / "pbix_exports")
    mapping = exports / "translator.toml"
    before = mapping.read_text(encoding="utf-8")
    mapping.write_text(before + '\n[sources."Hourly Revenue".lookup_columns]\n"Campaigns[campaign_typ]" = "t"\n',
                       encoding="utf-8")
    line = before.count("\n") + 3
    found = [d for d in _build(exports, tmp_path / "out")["diagnostics"]
             if d["code"] == "CAT325" and d["file"].endswith("translator.toml")]
    assert [d["line"] for d in found] == [line]
