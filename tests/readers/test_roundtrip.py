"""Round trips: TMDL -> SemanticModel -> model.bim / .pbit / DMV dump -> SemanticModel is the same model."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from translator.readers import read_exports
from translator.model.semantic import SemanticModel

from tests.readers.helpers import BEAST, SALES, read_one, without_locations
from tests.readers.writers import tmsl, write_bim, write_dmv, write_pbit, write_pbitools

SOURCES = [pytest.param(SALES, id="sales-fixture"),
           pytest.param(BEAST, id="beast-insights", marks=pytest.mark.skipif(
               not BEAST.is_dir(), reason=f"{BEAST} does not exist yet (the sample model is written separately)"))]


@pytest.fixture(scope="module", params=SOURCES)
def original(request) -> SemanticModel:
    return read_one(request.param)


def test_bim_round_trip(original, tmp_path):
    path = write_bim(original, tmp_path / f"{original.name}.bim")
    again = read_one(path)
    assert again.export == f"{original.name}.bim"
    assert without_locations(again) == without_locations(original)


def test_pbit_round_trip(original, tmp_path):
    path = write_pbit(original, tmp_path / f"{original.name}.pbit")
    again = read_one(path)
    assert again.export == f"{original.name}.pbit"
    assert without_locations(again) == without_locations(original)


def test_pbit_with_byte_order_mark(original, tmp_path):
    path = write_pbit(original, tmp_path / f"{original.name}.pbit", bom=True)
    assert without_locations(read_one(path)) == without_locations(original)


def test_dmv_round_trip_measures(original, tmp_path):
    path = write_dmv(original, tmp_path, original.name)
    again = read_one(path)
    assert again.name == original.name
    assert again.export == f"{original.name}.measures.csv"
    assert [replace(m, location=None) for m in again.measures] == [
        replace(m, location=None) for m in original.measures]


def test_bim_locations_point_at_the_expression(original, tmp_path):
    path = write_bim(original, tmp_path / "model.bim")
    lines = path.read_text(encoding="utf-8").split("\n")
    for measure in read_one(path).measures:
        line, column = measure.location.line, measure.location.column
        first = measure.expression.split("\n")[0]
        # the JSON string literal of the expression's first line starts at (line, column - 1)
        literal = json.dumps(first, ensure_ascii=False)
        assert lines[line - 1][column - 2:].startswith(literal), (measure.name, lines[line - 1])


def test_pbit_locations_name_the_member(original, tmp_path):
    path = write_pbit(original, tmp_path / "M.pbit")
    measure = read_one(path).measures[0]
    assert measure.location.file == "M.pbit/DataModelSchema"
    assert measure.location.line is not None and measure.location.line > 1


def test_tmsl_expression_as_string_or_lines_reads_the_same(tmp_path):
    model = read_one(SALES)
    document = tmsl(model)
    for table in document["model"]["tables"]:
        for measure in table.get("measures", []):
            if isinstance(measure["expression"], list):
                measure["expression"] = "\n".join(measure["expression"])
    (tmp_path / "strings").mkdir()
    (tmp_path / "lines").mkdir()
    (tmp_path / "strings" / "Sales.bim").write_text(json.dumps(document), encoding="utf-8")
    as_strings = read_one(tmp_path / "strings" / "Sales.bim")
    as_lines = read_one(write_bim(model, tmp_path / "lines" / "Sales.bim"))
    assert any("\n" in m.expression for m in as_strings.measures)
    assert without_locations(as_strings) == without_locations(as_lines) == without_locations(model)


def _by_name(model: SemanticModel) -> SemanticModel:
    """A pbi-tools folder keeps objects in files, so it does not keep the model's order."""
    tables = tuple(sorted((replace(t, columns=tuple(sorted(t.columns, key=lambda c: c.name)),
                                   measures=tuple(sorted(t.measures, key=lambda m: m.name)),
                                   calculation_items=tuple(sorted(t.calculation_items, key=lambda i: i.name)))
                           for t in without_locations(model).tables), key=lambda t: t.name))
    return replace(without_locations(model), tables=tables)


def test_pbitools_round_trip(original, tmp_path):
    project = write_pbitools(original, tmp_path / original.name)
    again = read_one(project)
    assert (again.name, again.export) == (original.name, original.name)
    assert _by_name(again) == _by_name(original)


def test_pbitools_folder_among_other_exports(original, tmp_path):
    write_pbitools(original, tmp_path / "exports" / "Project")
    write_bim(original, tmp_path / "exports" / "Other.bim")
    models, _ = read_exports(tmp_path / "exports")
    assert [m.export for m in models] == ["Other.bim", "Project"]
    assert _by_name(models[1]) == _by_name(replace(original, name="Project"))


def test_pbitools_model_folder_given_directly(original, tmp_path):
    write_pbitools(original, tmp_path / "Project")
    again = read_one(tmp_path / "Project" / "Model")
    assert again.name == "Project"
    assert _by_name(again) == _by_name(replace(original, name="Project"))


def test_pbitools_measures_point_at_their_dax_file(original, tmp_path):
    write_pbitools(original, tmp_path / "P")
    for measure in read_one(tmp_path / "P").measures:
        assert measure.location.file.startswith("P/Model/tables/")
        assert measure.location.file.endswith(".dax")
        assert (measure.location.line, measure.location.column) == (1, 1)
        assert (tmp_path / measure.location.file).read_text(encoding="utf-8") == measure.expression


def test_dataset_folder_reads_like_a_semantic_model(original, tmp_path):
    """Before Power BI renamed datasets, a PBIP's model folder was X.Dataset."""
    (tmp_path / "exports").mkdir()
    write_bim(original, tmp_path / "exports" / "model.bim")
    dataset = tmp_path / "exports" / f"{original.name}.Dataset"
    dataset.mkdir()
    (tmp_path / "exports" / "model.bim").rename(dataset / "model.bim")
    (tmp_path / "exports" / f"{original.name}.Report").mkdir()
    models, notes = read_exports(tmp_path / "exports")
    assert [(m.name, m.export) for m in models] == [(original.name, f"{original.name}.Dataset")]
    assert without_locations(models[0]) == without_locations(original)
    assert read_one(dataset).name == original.name
    assert [d.code for d in notes] == ["RDR422"]
