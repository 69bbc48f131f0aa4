"""A folder of exports: one model per export, sorted by export path; non-exports skipped."""

from __future__ import annotations

import shutil
import subprocess
import sys

from translator.diagnostics import Severity
from translator.readers import read_exports

from tests.readers.helpers import SALES, input_error, read_one
from tests.readers.writers import write_bim, write_dmv, write_pbit


def test_folder_of_mixed_exports(tmp_path):
    sales = read_one(SALES)
    shutil.copytree(SALES, tmp_path / "Sales.SemanticModel")
    write_pbit(sales, tmp_path / "Archive.pbit")
    (tmp_path / "Legacy").mkdir()
    write_bim(sales, tmp_path / "Legacy" / "model.bim")
    write_dmv(sales, tmp_path, "Dump")
    (tmp_path / "translator.toml").write_text("[metrics]\n")
    (tmp_path / "README.md").write_text("# exports\n")
    (tmp_path / ".hidden").write_text("x")
    (tmp_path / "Sales.Report").mkdir()
    (tmp_path / "Sales.pbip").write_text("{}")
    models, diagnostics = read_exports(tmp_path)
    assert [(m.export, m.name) for m in models] == [
        ("Archive.pbit", "Archive"),
        ("Dump.measures.csv", "Dump"),
        ("Legacy", "Legacy"),
        ("Sales.SemanticModel", "Sales"),
    ]
    assert models[2].measures[0].location.file == "Legacy/model.bim"
    assert models[3].measures[0].location.file == "Sales.SemanticModel/definition/tables/Sales.tmdl"
    assert [(d.code, d.severity, d.location.file) for d in diagnostics] == [
        ("RDR422", Severity.INFO, "Sales.Report"), ("RDR422", Severity.INFO, "Sales.pbip")]
    assert read_exports(tmp_path) == (models, diagnostics)


def test_single_pbip_model_bim_folder(tmp_path):
    folder = tmp_path / "Old.SemanticModel"
    folder.mkdir()
    write_bim(read_one(SALES), folder / "model.bim")
    model = read_one(folder)
    assert (model.name, model.export) == ("Old", "Old.SemanticModel")
    assert model.measures[0].location.file == "Old.SemanticModel/model.bim"


def test_one_bad_export_stops_the_folder(tmp_path):
    shutil.copytree(SALES, tmp_path / "Sales.SemanticModel")
    (tmp_path / "Broken.bim").write_text("{", encoding="utf-8")
    assert input_error(tmp_path).diagnostic.location.file == "Broken.bim"


def test_dangling_relationship_is_a_warning(tmp_path):
    shutil.copytree(SALES, tmp_path / "Sales.SemanticModel")
    relationships = tmp_path / "Sales.SemanticModel" / "definition" / "relationships.tmdl"
    old = relationships.read_text()
    relationships.write_text(old + "relationship extra\n\tfromColumn: Sales.Nope\n"
                             "\ttoColumn: Date.Date\n")
    models, diagnostics = read_exports(tmp_path)
    assert len(models[0].relationships) == 4
    assert [(d.code, d.location.file, d.location.line) for d in diagnostics] == [
        ("RDR421", "Sales.SemanticModel/definition/relationships.tmdl", old.count("\n") + 1)]


_OTHER_READERS = ["bim", "dmv", "jsonpos", "pbit", "pbitools", "pbix", "report_formats", "tmsl"]


def test_reading_a_tmdl_folder_loads_only_the_tmdl_reader(tmp_path):
    """Finding the exports loads no format's reader; reading loads the one an export needs, and
    looking for reports where there are none loads no report reader (a fresh interpreter: the
    test session has imported them all)."""
    shutil.copytree(SALES, tmp_path / "Sales.SemanticModel")
    script = ("import sys; from pathlib import Path; from translator.readers import read_exports; "
              "from translator.readers.report import read_reports; "
              "models, _ = read_exports(Path(sys.argv[1])); assert len(models) == 1; "
              "assert read_reports(Path(sys.argv[1]), [models[0].export]) == ([], []); "
              "print(' '.join(sorted(m for m in sys.modules if m.startswith('translator.readers.'))))")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, check=True)
    loaded = done.stdout.split()
    assert "translator.readers.tmdl" in loaded
    assert [r for r in _OTHER_READERS if f"translator.readers.{r}" in loaded] == []
