"""Packaging: the metadata a reader of the distribution expects, every package shipped, and the
sample .pbix files committed with their licence so a fresh clone runs every reader test."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from click.testing import CliRunner

from translator.cli import main

ROOT = Path(__file__).resolve().parents[1]
PBIX = ROOT / "tests" / "readers" / "pbix"


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_metadata_has_licence_classifiers_and_python_requirement() -> None:
    project = _project()["project"]
    assert project["license"] and project["requires-python"].startswith(">=3.")
    assert any(c.startswith("License ::") for c in project["classifiers"])
    assert any(c.startswith("Programming Language :: Python :: 3.") for c in project["classifiers"])
    assert project["name"] != "translator"  # taken on PyPI by an unrelated project
    assert project["scripts"]["translator"] == "translator.cli:run"  # main, then a quick exit
    assert any(r.startswith("jsonschema") for r in project["optional-dependencies"]["test"])


def test_every_package_of_the_source_tree_is_shipped() -> None:
    listed = set(_project()["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "translator").rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)


def test_sample_pbix_files_are_committed_with_their_licence_and_origin() -> None:
    files = sorted(p.name for p in PBIX.glob("*.pbix"))
    assert len(files) == 6
    licence = (PBIX / "LICENSE-pbixray").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Igor Cotruta" in licence
    readme = (PBIX / "README.md").read_text(encoding="utf-8")
    assert "Hugoberry/pbixray" in readme and all(name in readme for name in files)


def test_build_reads_a_committed_pbix(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--exports", str(PBIX / "adventure-internet-sales.pbix"),
                                       "--out", str(tmp_path / "out"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert sum(json.loads(result.stdout)["counts"].values()) == 5
