"""The pipeline functions behind the CLI: plan writes nothing, build writes what plan made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.sample import copy_sample
from translator.cli import main
from translator.pipeline import build, mapping_path, plan
from translator.review import check


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "pbix_exports")


def test_mapping_file_sits_in_the_folder_or_beside_a_single_export(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    single = folder / "sales.bim"
    single.write_text("{}")
    assert mapping_path(folder) is None and mapping_path(single) is None  # none: no mapping file
    (folder / "translator.toml").write_text("")
    assert mapping_path(folder) == folder / "translator.toml"
    assert mapping_path(single) == folder / "translator.toml"
    # A TMDL folder given on its own: its own translator.toml first, else the one beside it.
    tmdl = folder / "Sales.SemanticModel"
    (tmdl / "definition").mkdir(parents=True)
    (tmdl / "definition" / "model.tmdl").write_text("model Model\n")
    assert mapping_path(tmdl) == folder / "translator.toml"
    (tmdl / "translator.toml").write_text("")
    assert mapping_path(tmdl) == tmdl / "translator.toml"


def test_plan_writes_nothing_and_build_writes_exactly_the_plan(exports: Path, tmp_path: Path) -> None:
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    planned = plan(exports)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert planned.ok and len(planned.catalog.report) == 124

    out = tmp_path / "out"
    build(exports, out)
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == dict(planned.files)
    assert check(exports, out).stale == ()


def test_check_ignores_files_that_are_not_ours(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(exports, out)
    (out / "README.md").write_text("notes kept beside the generated files\n")
    assert check(exports, out).up_to_date
    (out / "seed_catalog.sql").write_text("-- edited by hand\n")
    assert check(exports, out).stale == ("seed_catalog.sql",)


def test_diff_without_committed_output_counts_everything_as_added(exports: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["diff", "--exports", str(exports), "--out", str(tmp_path / "none"),
                                       "--format", "json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["old_missing"] is True
    assert len(payload["metrics_added"]) == len(plan(exports).catalog.metrics)


def test_diff_with_a_broken_committed_report_is_exit_2(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(exports, out)
    (out / "translation_report.json").write_text('{"measures": [1,]}')
    result = CliRunner().invoke(main, ["diff", "--exports", str(exports), "--out", str(out)])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "[CLI603]" in lines[0] and "translation_report.json" in lines[0]
