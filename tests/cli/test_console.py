"""The console a reviewer and CI read: what needs attention, verbosity, colour, --fail-on,
GitHub annotations, paths and order of diagnostics, --version, JSON errors, --mapping."""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.sample import copy_sample, edit_measure_file
from translator.cli import main

ANSI = "\x1b["


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "pbix_exports")


def _report(out: Path) -> list[dict]:
    return json.loads((out / "translation_report.json").read_text(encoding="utf-8"))["measures"]


def _label(entry: dict) -> str:
    return f"'{entry['table']}'[{entry['measure']}]"


def tiny_model(folder: Path, measure: str = "SUM(Sales[Amount])") -> Path:
    """A one-table TMDL model whose one measure translates exactly."""
    model = folder / "Tiny.SemanticModel"
    (model / "definition" / "tables").mkdir(parents=True)
    (model / "definition" / "model.tmdl").write_text("model Model\n\tculture: en-US\n", encoding="utf-8")
    (model / "definition" / "tables" / "Sales.tmdl").write_text(
        f"table Sales\n\n\tmeasure 'Total Sales' = {measure}\n\t\tdisplayFolder: Revenue\n\n"
        "\tcolumn Amount\n\t\tdataType: double\n\t\tsourceColumn: Amount\n\n"
        "\tcolumn 'Order Date'\n\t\tdataType: dateTime\n\t\tsourceColumn: Order Date\n",
        encoding="utf-8",
    )
    return model


# --- needs attention ----------------------------------------------------------------------------


def test_build_names_every_measure_left_out_grouped_by_root_cause(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    result = _run("build", "--exports", str(exports), "--out", str(out))
    assert result.exit_code == 0, result.output
    entries = _report(out)
    left_out = [e for e in entries if e["status"] in ("untranslated", "parse_error")]
    awaiting = [e for e in entries if e["status"] == "approximate" and not e["accepted"]]
    assert left_out and awaiting
    stderr = result.stderr
    assert "needs attention" in stderr
    block = stderr[stderr.index("needs attention"):]
    for entry in left_out + awaiting:
        assert _label(entry) in block, _label(entry)
    # One line per root cause: its count is the number of measures the line names.
    group_lines = [line for line in block.splitlines() if re.match(r"\s+\d+ × [A-Z]{3}\d{3} ", line)]
    assert sum(int(line.split("×")[0]) for line in group_lines) == len(left_out)
    for line in group_lines:
        assert int(line.split("×")[0]) == sum(line.count(_label(e)) for e in left_out)
    # A measure blocked by an untranslated one is named on its root's line, not on a line of its own.
    blocked = [e for e in left_out if any(r["code"] == "CMP209" for r in e["reasons"])]
    assert blocked
    for entry in blocked:
        root = re.search(r"\[(.+?)\]", next(r["message"] for r in entry["reasons"] if r["code"] == "CMP209"))[1]
        line = next(line for line in group_lines if _label(entry) in line)
        assert f"[{root}]" in line and not line.split("×")[1].strip().startswith("CMP209")
    # Each group and each awaiting approximation carries a fix; approximations name the mapping line.
    fixes = [line for line in block.splitlines() if line.strip().startswith("fix:")]
    assert len(fixes) == len(group_lines) + len(awaiting)
    for entry in awaiting:
        assert f'[metrics."{entry["measure"]}"] accept_approximate = true' in block


def test_build_json_lists_what_needs_attention(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    result = _run("build", "--exports", str(exports), "--out", str(out), "--format", "json")
    assert result.exit_code == 0
    attention = json.loads(result.stdout)["needs_attention"]
    entries = _report(out)
    named = [m for g in attention["untranslated_by_root_cause"] for m in g["roots"] + g["blocked"]]
    assert sorted(named) == sorted(_label(e) for e in entries if e["status"] in ("untranslated", "parse_error"))
    assert sorted(a["measure"] for a in attention["approximate_awaiting_acceptance"]) == sorted(
        _label(e) for e in entries if e["status"] == "approximate" and not e["accepted"])
    assert all(g["fix"] for g in attention["untranslated_by_root_cause"])


# --- verbosity, colour, version -----------------------------------------------------------------


def test_quiet_keeps_the_result_line_and_verbose_adds_informational_diagnostics(
    exports: Path, tmp_path: Path
) -> None:
    normal = _run("build", "--exports", str(exports), "--out", str(tmp_path / "a"))
    quiet = _run("build", "-q", "--exports", str(exports), "--out", str(tmp_path / "b"))
    verbose = _run("-v", "build", "--exports", str(exports), "--out", str(tmp_path / "c"))
    assert normal.exit_code == quiet.exit_code == verbose.exit_code == 0
    assert quiet.stderr.strip().count("\n") == 0 and re.match(r"\d+ measures: ", quiet.stderr)
    assert "needs attention" in normal.stderr and "info[" not in normal.stderr
    assert "info[CAT314]" in verbose.stderr  # the mapping's hand-written SQL, an informational note
    assert len(verbose.stderr) > len(normal.stderr) > len(quiet.stderr)


def test_color_always_and_never(exports: Path, tmp_path: Path) -> None:
    always = _run("build", "--color", "always", "--exports", str(exports), "--out", str(tmp_path / "a"))
    never = _run("build", "--color", "never", "--exports", str(exports), "--out", str(tmp_path / "b"))
    auto = _run("build", "--exports", str(exports), "--out", str(tmp_path / "c"))  # not a terminal
    assert ANSI in always.stderr
    assert ANSI not in never.stderr and ANSI not in auto.stderr


def test_version_names_the_installed_distribution() -> None:
    result = _run("--version")
    assert result.exit_code == 0
    assert metadata.version("pbi-translator") in result.stdout


# --- CI: --fail-on and GitHub annotations --------------------------------------------------------


def test_fail_on_is_a_ladder_and_the_files_are_still_written(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    plain = _run("build", "--exports", str(exports), "--out", str(out))
    failing = _run("build", "--exports", str(exports), "--out", str(out), "--fail-on", "untranslated")
    assert plain.exit_code == 0 and failing.exit_code == 1, failing.output
    assert (out / "seed_catalog.sql").is_file()

    tiny = tiny_model(tmp_path / "tiny")
    for level in ("untranslated", "approximate", "warning"):
        assert _run("build", "--exports", str(tiny), "--out", str(tmp_path / level),
                    "--fail-on", level).exit_code == 0, level
    approximate = tiny_model(tmp_path / "approx", "DIVIDE(SUM(Sales[Amount]), CALCULATE(SUM(Sales[Amount]), ALL(Sales)))")
    levels = {level: _run("build", "--exports", str(approximate), "--out", str(tmp_path / f"x{level}"),
                          "--fail-on", level).exit_code for level in ("untranslated", "approximate")}
    assert levels == {"untranslated": 0, "approximate": 1}


def test_check_fails_on_untranslated_for_ci(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    assert _run("build", "--exports", str(exports), "--out", str(out)).exit_code == 0
    assert _run("check", "--exports", str(exports), "--out", str(out)).exit_code == 0
    assert _run("check", "--exports", str(exports), "--out", str(out), "--fail-on", "untranslated").exit_code == 1


def test_github_format_prints_annotations_at_the_measures(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    result = _run("build", "--exports", str(exports), "--out", str(out), "--format", "github")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines and all(re.match(r"::(error|warning|notice) ", line) for line in lines)
    left_out = [e for e in _report(out) if e["status"] == "untranslated"]
    for entry in left_out:
        file, line = re.match(r"(.*):(\d+):\d+$", entry["location"]).groups()
        mine = [a for a in lines if f"[{entry['measure']}]:" in _unescape(a.split("::")[-1])]
        assert mine and all(f"{file.replace(':', '%3A')},line={line}," in a for a in mine), entry["measure"]
    located = [a for a in lines if "file=" in a]
    assert all(re.search(r"file=[^,]+,line=\d+,col=\d+,title=", a) for a in located)


def _unescape(data: str) -> str:
    return data.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


# --- paths, order, JSON errors --------------------------------------------------------------------


def test_paths_are_relative_to_the_working_directory_and_diagnostics_are_sorted(
    exports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two parse errors, the later file's first in the reader's order would not matter: sorted output.
    edit_measure_file(exports, "Order Summary.tmdl",
                      "measure 'Active Campaigns' = DISTINCTCOUNT('Order Summary'[campaign_id])",
                      "measure 'Active Campaigns' = DISTINCTCOUNT('Order Summary'[campaign_id]")
    edit_measure_file(exports, "Alert Details.tmdl", "COUNTROWS('Alert Details')", "COUNTROWS('Alert Details'")
    monkeypatch.chdir(tmp_path)
    result = _run("build", "--exports", "pbix_exports", "--out", "output")
    assert result.exit_code == 0, result.output
    located = re.findall(r"^(\S[^:\n]*\.tmdl):(\d+):(\d+): (?:error|warning)", result.stderr, re.MULTILINE)
    assert len(located) >= 2
    for file, _, _ in located:
        assert (tmp_path / file).is_file(), file  # relative to the working directory
        assert file.startswith("pbix_exports/")
    keys = [(file, int(line), int(column)) for file, line, column in located]
    assert keys == sorted(keys)


def test_an_input_error_in_json_mode_is_a_json_payload_on_stdout(tmp_path: Path) -> None:
    result = _run("build", "--exports", str(tmp_path / "missing"), "--out", str(tmp_path / "o"),
                  "--format", "json")
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert payload["kind"] == "error" and payload["ok"] is False
    assert [d["code"] for d in payload["diagnostics"]] == ["RDR401"]
    github = _run("build", "--exports", str(tmp_path / "missing"), "--format", "github")
    assert github.exit_code == 2 and github.stdout.startswith("::error ") and "title=RDR401" in github.stdout


# --- the mapping file -----------------------------------------------------------------------------


def test_build_names_the_mapping_file_and_mapping_option_chooses_it(exports: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "review" / "mapping.toml"
    elsewhere.parent.mkdir()
    elsewhere.write_text('[metrics."Total Revenue"]\nkey = "gross_revenue"\n', encoding="utf-8")
    default = _run("build", "--exports", str(exports), "--out", str(tmp_path / "a"), "--format", "json")
    chosen = _run("build", "--exports", str(exports), "--out", str(tmp_path / "b"), "--mapping", str(elsewhere))
    assert default.exit_code == chosen.exit_code == 0, chosen.output
    assert json.loads(default.stdout)["mapping"] == str(exports / "translator.toml")
    assert f"mapping: {elsewhere}" in chosen.stderr
    keys = {e["measure"]: e["metric_key"] for e in _report(tmp_path / "b")}
    assert keys["Total Revenue"] == "gross_revenue"
    missing = _run("build", "--exports", str(exports), "--mapping", str(tmp_path / "nope.toml"))
    assert missing.exit_code == 2 and "CLI605" in missing.stderr


def test_a_mapping_file_beside_a_single_tmdl_folder_is_used(exports: Path, tmp_path: Path) -> None:
    model = exports / "BeastInsights.SemanticModel"
    result = _run("build", "--exports", str(model), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert f"mapping: {exports / 'translator.toml'}" in result.stderr
    keys = {e["measure"]: e["metric_key"] for e in _report(tmp_path / "out")}
    assert keys["Total Revenue"] == "revenue"  # the sample's mapping pins this key


def test_a_parse_error_names_the_measure_it_is_in(exports: Path, tmp_path: Path) -> None:
    edit_measure_file(exports, "Order Summary.tmdl",
                      "measure 'Active Campaigns' = DISTINCTCOUNT('Order Summary'[campaign_id])",
                      "measure 'Active Campaigns' = /* nothing yet */")
    result = _run("build", "--exports", str(exports), "--out", str(tmp_path / "out"), "--format", "json")
    assert result.exit_code == 0, result.output
    [empty] = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"].startswith("DAX")]
    assert empty["code"] == "DAX103" and empty["file"].endswith("Order Summary.tmdl")
    assert "in measure 'Order Summary'[Active Campaigns]" in empty["notes"]


def test_an_engine_error_message_is_plain_text_not_escaped_xml(tmp_path: Path) -> None:
    exports = tmp_path / "dump"
    exports.mkdir()
    (exports / "Shop.measures.csv").write_text(
        "[ID],[TableID],[Name],[Expression],[State],[ErrorMessage]\n"
        "1,12,Total,SUM(Sales[Amount]),1,\n"
        "2,12,Broken,SUM(Sales[Nope]),5,"
        "\"&lt;ccon&gt;Column 'Nope' in table 'Sales' cannot be found.&lt;/ccon&gt;\"\n",
        encoding="utf-8")
    (exports / "Shop.tables.csv").write_text("[ID],[ModelID],[Name]\n12,1,Sales\n", encoding="utf-8")
    result = _run("build", "--exports", str(exports), "--out", str(tmp_path / "out"), "--format", "json")
    assert result.exit_code == 0, result.output
    [warning] = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "RDR420"]
    assert "Column 'Nope' in table 'Sales' cannot be found." in warning["message"]
    assert "&lt;" not in warning["message"] and "<ccon>" not in warning["message"]
