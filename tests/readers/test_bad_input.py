"""Bad input: each case is one InputError naming the file, the line where known, and what was expected."""

from __future__ import annotations

import json
import os
import shutil
import sys
import zipfile

import pytest

from tests.readers.helpers import SALES, input_error, read_one
from tests.readers.writers import write_bim, write_pbit


@pytest.fixture(scope="module")
def sales():
    return read_one(SALES)


def test_truncated_pbit(sales, tmp_path):
    whole = write_pbit(sales, tmp_path / "whole.pbit").read_bytes()
    (tmp_path / "Cut.pbit").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "whole.pbit").unlink()
    diagnostic = input_error(tmp_path).diagnostic
    assert diagnostic.code == "RDR406"
    assert diagnostic.location.file == "Cut.pbit"
    assert "zip" in diagnostic.message


def test_truncated_pbix(tmp_path):
    archive = tmp_path / "whole.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("DataModel", b"\x00" * 5000)
        z.writestr("Version", b"1")
    (tmp_path / "Cut.pbix").write_bytes(archive.read_bytes()[:3000])
    diagnostic = input_error(tmp_path / "Cut.pbix").diagnostic
    assert (diagnostic.code, diagnostic.location.file) == ("RDR406", "Cut.pbix")


def test_pbix_without_a_model_member(tmp_path):
    with zipfile.ZipFile(tmp_path / "Empty.pbix", "w") as z:
        z.writestr("Version", b"1")
    diagnostic = input_error(tmp_path / "Empty.pbix").diagnostic
    assert (diagnostic.code, diagnostic.location.file) == ("RDR410", "Empty.pbix")


def test_damaged_pbix_model(tmp_path):
    with zipfile.ZipFile(tmp_path / "Damaged.pbix", "w") as z:
        z.writestr("DataModel", b"not a data model at all" * 10)
    diagnostic = input_error(tmp_path / "Damaged.pbix").diagnostic
    assert (diagnostic.code, diagnostic.location.file) == ("RDR411", "Damaged.pbix")


def test_thin_pbit_on_a_live_connection(tmp_path):
    with zipfile.ZipFile(tmp_path / "Thin.pbit", "w") as z:
        z.writestr("Connections", json.dumps({"Connections": [{"ConnectionType": "pbiServiceLive"}]}))
        z.writestr("Report/Layout", b"{}")
    diagnostic = input_error(tmp_path / "Thin.pbit").diagnostic
    assert (diagnostic.code, diagnostic.location.file) == ("RDR410", "Thin.pbit")
    assert "live connection" in diagnostic.message


def test_wrong_encoding_bim(sales, tmp_path):
    text = json.dumps({"model": {"tables": [{"name": "Caf\u00e9"}]}}, indent=2, ensure_ascii=False)
    (tmp_path / "Latin.bim").write_bytes(text.encode("latin-1"))
    diagnostic = input_error(tmp_path).diagnostic
    assert diagnostic.code == "RDR404"
    assert diagnostic.location.file == "Latin.bim"
    assert diagnostic.location.line == 5  # the line of "Café"
    assert "UTF-8" in diagnostic.message


def test_utf16_without_bom_where_utf8_is_expected(tmp_path):
    (tmp_path / "Wide.bim").write_bytes('{\n"model": {"tables": []}}'.encode("utf-16-le"))
    diagnostic = input_error(tmp_path / "Wide.bim").diagnostic
    assert (diagnostic.code, diagnostic.location.file) == ("RDR404", "Wide.bim")


def test_wrong_encoding_tmdl(tmp_path):
    tables = tmp_path / "Enc.SemanticModel" / "definition" / "tables"
    tables.mkdir(parents=True)
    (tables / "T.tmdl").write_bytes("table T\n\tmeasure 'Caf\u00e9' = 1\n".encode("cp1252"))
    diagnostic = input_error(tmp_path).diagnostic
    assert diagnostic.code == "RDR404"
    assert (diagnostic.location.file, diagnostic.location.line) == ("Enc.SemanticModel/definition/tables/T.tmdl", 2)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_an_encoded_lone_surrogate_in_tmdl_is_bad_encoding(tmp_path, encoding):
    """The strict decoding is what keeps a lone surrogate out of a TMDL model's texts (RDR416's
    search is skipped for them): the bytes of one are refused where they are."""
    tables = tmp_path / "Sur.SemanticModel" / "definition" / "tables"
    tables.mkdir(parents=True)
    text = "table T\n\tmeasure 'Bad \ud800 name' = 1\n"
    data = text.encode("utf-8", "surrogatepass") if encoding == "utf-8" else text.encode("utf-16", "surrogatepass")
    (tables / "T.tmdl").write_bytes(data)
    diagnostic = input_error(tmp_path).diagnostic
    assert (diagnostic.code, diagnostic.location.file) == ("RDR404", "Sur.SemanticModel/definition/tables/T.tmdl")
    assert diagnostic.location.line == 2


@pytest.mark.skipif(os.name != "posix" or sys.platform == "darwin",
                    reason="needs a file system that keeps a file name's undecodable bytes")
@pytest.mark.parametrize("folder", ["tables", "model"])
def test_an_undecodable_file_name_in_a_tmdl_export_is_invalid_unicode(tmp_path, folder):
    """A TMDL model's texts are decoded strictly, but its file names come from the file system,
    which keeps an undecodable byte as a lone surrogate: RDR416 at that table (or model)."""
    model = "Bad\udcffName.SemanticModel" if folder == "model" else "Sales.SemanticModel"
    shutil.copytree(SALES, tmp_path / model)
    if folder == "tables":
        tables = tmp_path / model / "definition" / "tables"
        first = sorted(tables.iterdir())[0]
        first.rename(tables / ("Bad\udcff" + first.name))
    diagnostic = input_error(tmp_path).diagnostic
    assert diagnostic.code == "RDR416"
    if folder == "tables":  # the table's location names the file
        assert diagnostic.location.file.startswith(model + "/definition/tables/Bad\udcff")
        assert diagnostic.location.line == 1
    else:  # the model's name (the export's folder)
        assert diagnostic.location.file == model


def test_broken_json_bim(sales, tmp_path):
    path = write_bim(sales, tmp_path / "Broken.bim")
    lines = path.read_text(encoding="utf-8").split("\n")
    victim = next(i for i, line in enumerate(lines) if line.strip().startswith('"culture"'))
    lines[victim] = lines[victim].rstrip(",")  # drop the comma after "culture": "en-US"
    path.write_text("\n".join(lines), encoding="utf-8")
    diagnostic = input_error(path).diagnostic
    assert diagnostic.code == "RDR405"
    assert diagnostic.location.file == "Broken.bim"
    assert diagnostic.location.line == victim + 2  # json notices at the next key


def test_broken_json_inside_pbit(tmp_path):
    with zipfile.ZipFile(tmp_path / "Broken.pbit", "w") as z:
        z.writestr("DataModelSchema", '{\n  "model": {\n    "tables": [\n  }\n}'.encode("utf-16-le"))
    diagnostic = input_error(tmp_path / "Broken.pbit").diagnostic
    assert diagnostic.code == "RDR405"
    assert (diagnostic.location.file, diagnostic.location.line) == ("Broken.pbit/DataModelSchema", 4)


def test_json_that_is_not_a_model(tmp_path):
    (tmp_path / "Other.bim").write_text('{"hello": "world"}', encoding="utf-8")
    diagnostic = input_error(tmp_path / "Other.bim").diagnostic
    assert (diagnostic.code, diagnostic.location.file) == ("RDR409", "Other.bim")


def test_measure_without_name(tmp_path):
    (tmp_path / "Nameless.bim").write_text(
        '{"model": {"tables": [\n  {"name": "T",\n   "measures": [\n     {"expression": "1"}]}]}}',
        encoding="utf-8")
    diagnostic = input_error(tmp_path / "Nameless.bim").diagnostic
    assert (diagnostic.code, diagnostic.location.file, diagnostic.location.line) == ("RDR409", "Nameless.bim", 4)


def test_bad_tmdl_indentation(tmp_path):
    tables = tmp_path / "Ind.SemanticModel" / "definition" / "tables"
    tables.mkdir(parents=True)
    (tables / "T.tmdl").write_text("table T\n\tmeasure M = 1\n    formatString: 0\n")
    diagnostic = input_error(tmp_path).diagnostic
    assert diagnostic.code == "RDR407"
    assert (diagnostic.location.file, diagnostic.location.line) == ("Ind.SemanticModel/definition/tables/T.tmdl", 3)


def test_unknown_file_type(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    diagnostic = input_error(tmp_path).diagnostic
    assert (diagnostic.code, diagnostic.location.file) == ("RDR403", "notes.txt")
    assert ".pbix" in diagnostic.message  # says what was expected


def test_unknown_folder(tmp_path):
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "a.txt").write_text("x")
    diagnostic = input_error(tmp_path).diagnostic
    assert (diagnostic.code, diagnostic.location.file) == ("RDR403", "stuff")


def test_empty_folder(tmp_path):
    diagnostic = input_error(tmp_path).diagnostic
    assert diagnostic.code == "RDR402"
    assert diagnostic.location.file == tmp_path.name


def test_folder_with_only_skipped_files_is_empty(tmp_path):
    (tmp_path / "translator.toml").write_text("")
    (tmp_path / "README.md").write_text("")
    (tmp_path / ".gitkeep").write_text("")
    assert input_error(tmp_path).diagnostic.code == "RDR402"


def test_missing_path(tmp_path):
    diagnostic = input_error(tmp_path / "nowhere").diagnostic
    assert diagnostic.code == "RDR401"
    assert diagnostic.location.file.endswith("nowhere")


def test_errors_render_without_traceback_text(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    rendered = str(input_error(tmp_path))
    assert rendered.startswith("notes.txt: error[RDR403]:")
    assert "Traceback" not in rendered


def test_pbitools_bad_measure_json_names_the_file(tmp_path):
    model = tmp_path / "exports" / "P" / "Model"
    (model / "tables" / "Sales" / "measures").mkdir(parents=True)
    (model / "database.json").write_text('{"name": "P", "model": {"culture": "en-US"}}', encoding="utf-8")
    (model / "tables" / "Sales" / "table.json").write_text('{"name": "Sales"}', encoding="utf-8")
    (model / "tables" / "Sales" / "measures" / "Total.dax").write_text("SUM(Sales[Amount])", encoding="utf-8")
    (model / "tables" / "Sales" / "measures" / "Total.json").write_text('{"name": "Total",', encoding="utf-8")
    diagnostic = input_error(tmp_path / "exports").diagnostic
    assert diagnostic.code == "RDR405"
    assert diagnostic.location.file == "P/Model/tables/Sales/measures/Total.json"
    assert diagnostic.location.line == 1


def test_pbitools_measure_without_json_takes_the_file_name(tmp_path):
    model = tmp_path / "P" / "Model"
    (model / "tables" / "Sales" / "measures").mkdir(parents=True)
    (model / "database.json").write_text('{"name": "P", "model": {}}', encoding="utf-8")
    (model / "tables" / "Sales" / "measures" / "Net %2F Gross.dax").write_text(
        "\n\nDIVIDE(1, 2)\n", encoding="utf-8")
    (measure,) = read_one(tmp_path / "P").measures
    assert (measure.table, measure.name, measure.expression) == ("Sales", "Net / Gross", "DIVIDE(1, 2)")
    assert (measure.location.file, measure.location.line) == ("P/Model/tables/Sales/measures/Net %2F Gross.dax", 3)


# --- models Power BI refuses: names that differ only in case (RDR412) ---------------------------

def _tmdl(tmp_path, files: dict[str, str]):
    tables = tmp_path / "D.SemanticModel" / "definition" / "tables"
    tables.mkdir(parents=True)
    for name, text in files.items():
        (tables / name).write_text(text, encoding="utf-8")
    return tmp_path / "D.SemanticModel"


def test_duplicate_table_across_tmdl_files_names_both(tmp_path):
    export = _tmdl(tmp_path, {"A.tmdl": "table Sales\n\tcolumn a\n\t\tdataType: int64\n",
                              "B.tmdl": "\n\ntable SALES\n\tcolumn b\n\t\tdataType: int64\n"})
    diagnostic = input_error(export).diagnostic
    assert diagnostic.code == "RDR412"
    assert (diagnostic.location.file, diagnostic.location.line) == ("D.SemanticModel/definition/tables/B.tmdl", 3)
    assert "D.SemanticModel/definition/tables/A.tmdl:1" in diagnostic.message


def test_measures_differing_in_case_in_two_tables_name_both(tmp_path):
    export = _tmdl(tmp_path, {"A.tmdl": "table A\n\tmeasure 'Net Sales' = 1\n",
                              "B.tmdl": "table B\n\tmeasure 'net sales' = 2\n"})
    diagnostic = input_error(export).diagnostic
    assert diagnostic.code == "RDR412"
    assert (diagnostic.location.file, diagnostic.location.line, diagnostic.location.column) == (
        "D.SemanticModel/definition/tables/B.tmdl", 2, 24)
    assert "D.SemanticModel/definition/tables/A.tmdl:2:24" in diagnostic.message


def test_columns_differing_in_case_in_one_table(tmp_path):
    export = _tmdl(tmp_path, {"A.tmdl": "table A\n\tcolumn Amount\n\t\tdataType: int64\n\tcolumn amount\n"})
    diagnostic = input_error(export).diagnostic
    assert diagnostic.code == "RDR412"
    assert diagnostic.location.file == "D.SemanticModel/definition/tables/A.tmdl"


def test_same_column_name_in_two_tables_is_fine(tmp_path):
    export = _tmdl(tmp_path, {"A.tmdl": "table A\n\tcolumn Id\n", "B.tmdl": "table B\n\tcolumn ID\n"})
    assert [t.name for t in read_one(export).tables] == ["A", "B"]


def test_duplicate_table_in_a_bim_names_both_lines(tmp_path):
    document = {"model": {"tables": [{"name": "Sales", "measures": [{"name": "M", "expression": "1"}]},
                                     {"name": "sales"}]}}
    path = tmp_path / "Dup.bim"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    diagnostic = input_error(path).diagnostic
    assert diagnostic.code == "RDR412"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert '"sales"' in lines[diagnostic.location.line - 1]
    first_line = next(i for i, line in enumerate(lines, 1) if '"Sales"' in line)
    assert f"Dup.bim:{first_line}:" in diagnostic.message


def test_pbitools_before_0_6_keeps_columns_and_measures_in_the_table_file(tmp_path):
    """pbixproj 0.5 and older: tables/<name>/<name>.json holds the whole table."""
    model = tmp_path / "Old" / "Model"
    (model / "tables" / "Sales").mkdir(parents=True)
    (tmp_path / "Old" / ".pbixproj.json").write_text('{"version": "0.5"}', encoding="utf-8")
    (model / "database.json").write_text('{"name": "Old", "model": {"culture": "en-US"}}', encoding="utf-8")
    (model / "tables" / "Sales" / "Sales.json").write_text(json.dumps({
        "name": "Sales", "columns": [{"name": "Amount", "dataType": "decimal", "sourceColumn": "Amount"}],
        "measures": [{"name": "Total", "expression": "SUM(Sales[Amount])"}]}), encoding="utf-8")
    (found,) = read_one(tmp_path / "Old").tables
    assert [c.name for c in found.columns] == ["Amount"]
    assert [(m.name, m.expression) for m in found.measures] == [("Total", "SUM(Sales[Amount])")]
    assert found.measures[0].location.file == "Old/Model/tables/Sales/Sales.json"
