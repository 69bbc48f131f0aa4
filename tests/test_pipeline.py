"""The pipeline functions behind the CLI: plan writes nothing, build writes what plan made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.sample import copy_sample
from translator.cli import main
from translator.pipeline import build, mapping_path, plan
from translator.review.check import check


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
    assert planned.ok and len(planned.catalog.report) == 126

    out = tmp_path / "out"
    build(exports, out)
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == dict(planned.files)
    assert check(exports, out).stale == ()


def test_a_measure_breaking_a_catalog_invariant_costs_that_measure_only(exports: Path) -> None:
    """Issue 10: a value longer than its column, a function outside the allow-list and SQL reading a
    column no view has each make their one measure untranslated, at its location; the rest of the
    catalog is built and written."""
    before = plan(exports)
    mapping = exports / "translator.toml"
    text = mapping.read_text(encoding="utf-8")
    for old, new in (('key = "attempts"', 'key = "attempts"\nformat_pattern = "' + "0" * 51 + '"'),
                     ('[metrics."Hour Share of Today"]\n', '[metrics."Hour Share of Today"]\nsql = "pg_sleep(1)"\n'),
                     ('key = "avg_7d_revenue"', 'key = "avg_7d_revenue"\nsql = "SUM(no_such_column)"')):
        assert old in text
        text = text.replace(old, new)
    mapping.write_text(text, encoding="utf-8")
    after = plan(exports)
    assert after.ok and set(after.files) == set(before.files)
    entries = {e.measure: e for e in after.catalog.report}  # (a name in two tables: either one)
    wanted = {"Total Attempts": "EMT501", "Hour Share of Today": "EMT513", "7-Day Avg Revenue": "EMT515"}
    for name, code in wanted.items():
        entry = entries[name]
        assert (entry.placement, entry.metric_key) == ("untranslated", None), name
        assert any(r.startswith(code + ": ") for r in entry.reasons), (name, entry.reasons)
        assert entry.location in [d.location for d in after.diagnostics if d.code == code], name
    # Lost from the catalog: those three, and the derived metrics built on them (CAT305); no more.
    for old in before.catalog.report:
        new = entries[old.measure]
        if old.placement == "metric" and new.placement != "metric" and old.measure not in wanted:
            assert any(r.startswith("CAT305: ") for r in new.reasons), (old.measure, new.reasons, new.status, new.placement)
    assert len(after.catalog.metrics) < len(before.catalog.metrics)
    assert not [d for d in after.diagnostics if d.code == "CAT313"]


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


@pytest.mark.parametrize("enabled", [True, False])
def test_plan_runs_without_the_cyclic_collector_and_restores_its_state(exports: Path, enabled: bool) -> None:
    import gc

    seen: list[bool] = []
    collections: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    (gc.enable if enabled else gc.disable)()
    gc.callbacks.append(watch)
    try:
        gc.collect()
        collections.clear()
        planned = plan(exports)
        seen.append(gc.isenabled())
    finally:
        gc.callbacks.remove(watch)
        gc.enable()
    assert planned.ok
    assert collections == []  # no pass ran during the build, whatever the allocation count
    assert seen == [enabled]
