"""`translator build` and `translator check` on the bundled sample."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.sample import copy_sample, count_sample_measures, edit_measure_file
from translator.cli import main

FILES = {
    "report_builder_schema.sql",
    "seed_catalog.sql",
    "translation_report.md",
    "translation_report.json",
}


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "pbix_exports")


def test_build_writes_the_four_files_and_a_summary(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    result = _run("build", "--exports", str(exports), "--out", str(out))

    assert result.exit_code == 0, result.output
    assert set(_bytes(out)) == FILES
    summary = re.search(r"(\d+) measures: (.*)", result.stderr)
    assert summary, result.stderr
    assert int(summary[1]) == count_sample_measures(exports) == 126
    counted = dict((status, int(n)) for n, status in re.findall(r"(\d+) (\w+)", summary[2]))
    assert sum(counted.values()) == 126
    assert set(counted) <= {"exact", "approximate", "untranslated", "parse_error", "manual", "presentation", "constant"}
    assert counted.get("exact", 0) > 0
    assert "Traceback" not in result.output


def test_build_twice_is_byte_identical(exports: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert _run("build", "--exports", str(exports), "--out", str(first)).exit_code == 0
    assert _run("build", "--exports", str(exports), "--out", str(second)).exit_code == 0
    assert _run("build", "--exports", str(exports), "--out", str(first)).exit_code == 0
    assert _bytes(first) == _bytes(second)


def test_check_passes_after_build_and_names_the_stale_file_after_an_edit(
    exports: Path, tmp_path: Path
) -> None:
    out = tmp_path / "output"
    assert _run("build", "--exports", str(exports), "--out", str(out)).exit_code == 0
    fresh = _run("check", "--exports", str(exports), "--out", str(out))
    assert fresh.exit_code == 0, fresh.output

    edit_measure_file(
        exports, "Order Summary.tmdl",
        "measure 'Active Campaigns' = DISTINCTCOUNT('Order Summary'[campaign_id])",
        "measure 'Active Campaigns' = DISTINCTCOUNT('Order Summary'[product_id])",
    )
    stale = _run("check", "--exports", str(exports), "--out", str(out))

    assert stale.exit_code == 1, stale.output
    assert "seed_catalog.sql" in stale.stderr
    assert "translation_report.json" in stale.stderr
    assert "report_builder_schema.sql" not in stale.stderr  # the DDL does not depend on DAX


def test_json_format_puts_only_the_payload_on_stdout(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    built = _run("build", "--exports", str(exports), "--out", str(out), "--format", "json")
    assert built.exit_code == 0
    payload = json.loads(built.stdout)
    assert set(payload["written"]) == FILES
    assert sum(payload["counts"].values()) == 126

    checked = _run("check", "--exports", str(exports), "--out", str(out), "--format", "json")
    assert checked.exit_code == 0
    assert json.loads(checked.stdout) == {"schema_version": 1, "kind": "check", "out": str(out),
                                          "up_to_date": True, "stale": []}


def test_parse_errors_are_shown_with_file_line_and_caret_and_the_build_goes_on(
    exports: Path, tmp_path: Path
) -> None:
    edit_measure_file(
        exports, "Order Summary.tmdl",
        "measure 'Active Campaigns' = DISTINCTCOUNT('Order Summary'[campaign_id])",
        "measure 'Active Campaigns' = DISTINCTCOUNT('Order Summary'[campaign_id]",
    )
    out = tmp_path / "output"
    result = _run("build", "--exports", str(exports), "--out", str(out))

    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    first = next(i for i, line in enumerate(lines) if "[DAX1" in line)
    assert re.search(r"Order Summary\.tmdl:113:\d+: error\[DAX10\d\]", lines[first])
    assert any(line.strip() == "^" or line.strip().endswith("^") for line in lines[first + 1 : first + 4])
    report = json.loads((out / "translation_report.json").read_text())
    entry = next(e for e in report["measures"] if e["measure"] == "Active Campaigns")
    assert entry["status"] == "parse_error"
