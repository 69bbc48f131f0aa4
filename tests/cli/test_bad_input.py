"""Unreadable input: exit 2, one line naming the file, no traceback, --out untouched."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from translator.cli import main


def _truncated_zip(root: Path) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Version", "1.28")
        archive.writestr("DataModelSchema", json.dumps({"model": {"tables": []}}) * 50)
    data = buffer.getvalue()
    (root / "sales.pbit").write_bytes(data[: len(data) // 2])
    return "sales.pbit"


def _wrong_encoding(root: Path) -> str:
    text = '{"name": "m", "compatibilityLevel": 1550, "model": {"description": "Caf\u00e9 r\u00e9sum\u00e9", "tables": []}}'
    (root / "model.bim").write_bytes(text.encode("latin-1"))
    return "model.bim"


def _broken_json(root: Path) -> str:
    (root / "model.bim").write_text('{"name": "m",\n "model": {"tables": [\n  {"name": "Sales",, }\n]}}\n')
    return "model.bim"


def _bad_tmdl_indentation(root: Path) -> str:
    tables = root / "Sales.SemanticModel" / "definition" / "tables"
    tables.mkdir(parents=True)
    (tables.parent / "model.tmdl").write_text("model Model\n\tculture: en-US\n\nref table Sales\n")
    (tables / "Sales.tmdl").write_text(
        "table Sales\n"
        "\n"
        "\tmeasure Revenue = SUM(Sales[Amount])\n"
        "\t\tformatString: 0\n"
        "\n"
        "\tcolumn Amount\n"
        "\t\t\t\t\tdataType: double\n"
        "\t\tsummarizeBy: sum\n"
    )
    return "Sales.tmdl"


def _unknown_file_type(root: Path) -> str:
    (root / "budget.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    return "budget.xlsx"


def _empty_folder(root: Path) -> str:
    return root.name


CASES = {
    # case: (make the exports, expected code)
    "truncated zip": (_truncated_zip, "RDR406"),
    "wrong encoding": (_wrong_encoding, "RDR404"),
    "broken json": (_broken_json, "RDR405"),
    "tmdl indentation": (_bad_tmdl_indentation, "RDR407"),
    "unknown file type": (_unknown_file_type, "RDR403"),
    "empty folder": (_empty_folder, "RDR402"),
}


def _snapshot(folder: Path) -> dict[str, tuple[bytes | None, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def existing_out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    (out / "nested").mkdir(parents=True)
    (out / "seed_catalog.sql").write_text("-- an earlier build\n")
    (out / "nested" / "keep.txt").write_bytes(b"\x00\x01 untouched")
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_exits_2_with_one_line(case: str, tmp_path: Path, existing_out: Path) -> None:
    make, code = CASES[case]
    exports = tmp_path / "exports"
    exports.mkdir()
    file_name = make(exports)
    before = _snapshot(existing_out)

    result = CliRunner().invoke(main, ["build", "--exports", str(exports), "--out", str(existing_out)])

    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert f"[{code}]" in lines[0]
    assert file_name in lines[0]
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert _snapshot(existing_out) == before


def test_bad_input_through_the_console_script(tmp_path: Path, existing_out: Path) -> None:
    """The installed `translator` script, as a user runs it: no traceback, exit 2."""
    script = Path(sys.executable).with_name("translator")
    if not script.exists():
        found = shutil.which("translator")
        assert found, "the console script `translator` is not installed"
        script = Path(found)
    exports = tmp_path / "exports"
    exports.mkdir()
    _broken_json(exports)
    before = _snapshot(existing_out)

    run = subprocess.run(
        [str(script), "build", "--exports", str(exports), "--out", str(existing_out)],
        capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=120,
    )

    assert run.returncode == 2
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "[RDR405]" in lines[0] and "model.bim" in lines[0], run.stderr
    assert "Traceback" not in run.stderr
    assert _snapshot(existing_out) == before


def test_missing_exports_path_is_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["build", "--exports", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert "nowhere" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
