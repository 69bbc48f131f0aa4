"""A folder of exports: one model per export, sorted by export path; non-exports skipped."""

from __future__ import annotations

import shutil

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
