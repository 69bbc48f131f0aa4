"""Round trips: TMDL -> SemanticModel -> model.bim / .pbit / DMV dump -> SemanticModel is the same model."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from translator.readers.model import SemanticModel

from tests.readers.helpers import BEAST, SALES, read_one, without_locations
from tests.readers.writers import tmsl, write_bim, write_dmv, write_pbit

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
