"""Issue 12, findings 5 and 7: broken input is one line and exit 2 (or costs one measure), never a
traceback, and never a quietly wrong value. Each case runs the real `translator build`."""

from __future__ import annotations

import json
import os
import re
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.sample import copy_sample
from translator.cli import main
from translator.readers import limits


def _bim(measures: list[dict], source: str | None = None) -> dict:
    source = source or 'let S = Sql.Database("h", "d"), T = S{[Schema="reporting",Item="sales_1"]}[Data] in T'
    return {"name": "m", "compatibilityLevel": 1567, "model": {"tables": [{
        "name": "Sales",
        "columns": [{"name": "amount", "dataType": "double", "sourceColumn": "amount"},
                    {"name": "client_id", "dataType": "int64", "sourceColumn": "client_id"}],
        "measures": measures,
        "partitions": [{"name": "p", "source": {"type": "m", "expression": source}}],
    }]}}


def _build(exports: Path, tmp_path: Path) -> tuple[int, str, dict | None]:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--exports", str(exports), "--out", str(out)])
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit), \
        result.output
    report = out / "translation_report.json"
    return result.exit_code, result.stderr, json.loads(report.read_text()) if report.exists() else None


def _one_error(stderr: str, code: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"error[{code}]" in lines[0], stderr


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    return folder


def test_mapping_sql_that_does_not_tokenize_costs_that_measure_only(tmp_path):
    exports = copy_sample(tmp_path / "exports")
    with (exports / "translator.toml").open("a", encoding="utf-8") as f:
        f.write('\n[metrics."Revenue YTD"]\nsql = "SUM(x) || \'unterminated"\n')
    code, stderr, report = _build(exports, tmp_path)
    errors = [line for line in stderr.splitlines() if "error[" in line]
    assert len(errors) == 1 and "error[CAT393]" in errors[0] and "translator.toml:" in errors[0], stderr
    [entry] = [e for e in report["measures"] if e["measure"] == "Revenue YTD"]
    assert entry["status"] == "untranslated" and report["summary"]["catalog_rows"]["metrics"] > 0
    assert code == 0  # written: one measure left out is not a failed build


def test_json_nested_600_levels(tmp_path):
    text = '{"name":"m","model":{"tables":[{"name":"x","annotations":' + "[" * 600 + "]" * 600 + "}]}}"
    code, stderr, _ = _build(_write(tmp_path, "model.bim", text.encode()), tmp_path)
    assert code == 2
    _one_error(stderr, "RDR414")


def test_tmdl_nested_20000_levels(tmp_path):
    folder = tmp_path / "exports" / "deep" / "definition"
    (folder / "tables").mkdir(parents=True)
    (folder / "model.tmdl").write_text("model Model\n\tculture: en-US\n", encoding="utf-8")
    lines = ["table Sales", "\tmeasure A = 1"]
    lines += ["\t" * (i + 2) + f"annotation a{i} = 1" for i in range(20_000)]
    (folder / "tables" / "Sales.tmdl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, stderr, _ = _build(tmp_path / "exports", tmp_path)
    assert code == 2
    _one_error(stderr, "RDR414")


def test_a_lone_surrogate_in_a_measure_name(tmp_path):
    text = json.dumps(_bim([{"name": "Bad \ud800 name", "expression": "SUM(Sales[amount])"}]))
    code, stderr, _ = _build(_write(tmp_path, "model.bim", text.encode()), tmp_path)
    assert code == 2
    _one_error(stderr, "RDR416")
    assert re.search(r"model\.bim:1:\d+: error\[RDR416\]", stderr)  # points at the measure


def test_an_archive_member_over_the_limit_is_refused_before_it_fills_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_MEMBER_BYTES", 1 << 20)
    folder = tmp_path / "exports"
    folder.mkdir()
    with zipfile.ZipFile(folder / "bomb.pbit", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("DataModelSchema", b"\0" * (3 << 20))
    code, stderr, _ = _build(folder, tmp_path)
    assert code == 2
    _one_error(stderr, "RDR415")


def test_an_archive_member_lying_about_its_size_is_not_inflated_past_it(tmp_path, monkeypatch):
    """zipfile inflates at most the declared size (then the CRC fails): memory stays bounded."""
    monkeypatch.setattr(limits, "MAX_MEMBER_BYTES", 1 << 20)
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "liar.pbit"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("DataModelSchema", b"{" * (3 << 20))
    data = bytearray(path.read_bytes())
    declared = (3 << 20).to_bytes(4, "little")
    small = (100).to_bytes(4, "little")
    # the local header and the central directory both state the inflated size: make them lie
    data = data.replace(declared, small)
    path.write_bytes(bytes(data))
    code, stderr, _ = _build(folder, tmp_path)
    assert code == 2
    _one_error(stderr, "RDR406")


@pytest.mark.parametrize(("name", "data", "named"), [
    ("m.bim", json.dumps(_bim([])).encode("utf-32"), "UTF-32"),
    ("m.bim", json.dumps(_bim([])).encode("utf-32-le"), "UTF-32"),
])
def test_a_utf32_bim_is_named_as_such(tmp_path, name, data, named):
    code, stderr, _ = _build(_write(tmp_path, name, data), tmp_path)
    assert code == 2
    _one_error(stderr, "RDR404")
    assert named in stderr


def test_a_pbit_whose_schema_is_utf8_is_named_as_such(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    with zipfile.ZipFile(folder / "m.pbit", "w") as archive:
        archive.writestr("DataModelSchema", json.dumps(_bim([])).encode("utf-8"))
    code, stderr, _ = _build(folder, tmp_path)
    assert code == 2
    _one_error(stderr, "RDR404")
    assert "UTF-8" in stderr


@pytest.mark.parametrize("where", ["folder", "direct"])
def test_a_fifo_is_refused_never_read(tmp_path, where):
    folder = tmp_path / "exports"
    folder.mkdir()
    os.mkfifo(folder / "model.bim")
    code, stderr, _ = _build(folder if where == "folder" else folder / "model.bim", tmp_path)
    assert code == 2
    _one_error(stderr, "RDR413")


def test_a_device_is_refused(tmp_path):
    code, stderr, _ = _build(Path("/dev/zero"), tmp_path)
    assert code == 2
    _one_error(stderr, "RDR413")


@pytest.mark.parametrize(("dax", "code"), [
    ("1e999999", "DAX106"),
    ("SUM(Sales[amount]) * -1e400", "DAX106"),
    ("ABS(" * 200 + "SUM(Sales[amount])" + ")" * 200, "DAX105"),
    ("SUM(Sales[amount])" + " + SUM(Sales[amount])" * 300, "DAX105"),
])
def test_overflowing_numbers_and_deep_dax_cost_the_measure_with_a_syntax_level_code(tmp_path, dax, code):
    text = json.dumps(_bim([{"name": "Bad", "expression": dax},
                            {"name": "Good", "expression": "SUM(Sales[amount])"}]))
    exit_code, stderr, report = _build(_write(tmp_path, "model.bim", text.encode()), tmp_path)
    assert exit_code == 0, stderr
    entries = {e["measure"]: e for e in report["measures"]}
    assert entries["Good"]["status"] == "exact"
    assert entries["Bad"]["status"] == "parse_error" and entries["Bad"]["sql"] is None
    assert entries["Bad"]["reasons"][0]["code"] == code


def test_mapping_fields_that_become_sql_are_names_only(tmp_path):
    """Finding 3: a join_table that carries a statement never reaches the seed."""
    exports = copy_sample(tmp_path / "exports")
    text = (exports / "translator.toml").read_text(encoding="utf-8")
    lines = text.count("\n") + 1
    (exports / "translator.toml").write_text(
        text + '\n[dimensions.campaign_id]\njoin_table = "public.campaigns; DELETE FROM report_builder.saved_views; --"\n',
        encoding="utf-8")
    code, stderr, _ = _build(exports, tmp_path)
    assert code == 2
    _one_error(stderr, "CAT392")
    assert f"translator.toml:{lines + 2}:" in stderr  # the join_table line


def test_a_fifo_as_the_mapping_file_is_refused(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "model.bim").write_text(json.dumps(_bim([])), encoding="utf-8")
    os.mkfifo(tmp_path / "mapping.toml")
    result = CliRunner().invoke(main, ["build", "--exports", str(folder), "--out", str(tmp_path / "out"),
                                       "--mapping", str(tmp_path / "mapping.toml")])
    assert result.exit_code == 2  # refused as no mapping file (--mapping), never opened
    _one_error(result.stderr, "CLI605")


def test_a_report_layout_member_over_the_limit_is_refused_too(tmp_path, monkeypatch):
    # The report reader reads the Layout member of a .pbit/.pbix through the same bound as the model.
    from tests.cli.real_models import write_format
    written = write_format("pbit", tmp_path / "exports", tmp_path / "scratch")
    monkeypatch.setattr(limits, "MAX_MEMBER_BYTES", 1 << 20)
    path = written.exports / written.export
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist() if n != "Report/Layout"}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.writestr("Report/Layout", b"\0" * (3 << 20))
    code, stderr, _ = _build(written.exports, tmp_path)
    assert code == 2
    _one_error(stderr, "RDR415")


@pytest.mark.skipif(os.name != "posix" or sys.platform == "darwin",
                    reason="needs a file system that keeps a file name's undecodable bytes")
def test_an_undecodable_file_name_is_a_clean_exit_2_with_the_cache_on(tmp_path, monkeypatch):
    """The build cache hashes every file name before any reader runs: a name with undecodable
    bytes still reaches the readers' RDR416 at the model, not a traceback."""
    monkeypatch.setenv("TRANSLATOR_CACHE_DIR", str(tmp_path / "cache"))
    model = tmp_path / "exports" / "Bad\udcffName.SemanticModel" / "definition"
    model.mkdir(parents=True)
    (model / "model.tmdl").write_text("model Model\n\tculture: en-US\n", encoding="utf-8")
    code, stderr, _ = _build(tmp_path / "exports", tmp_path)
    assert code == 2
    _one_error(stderr, "RDR416")
