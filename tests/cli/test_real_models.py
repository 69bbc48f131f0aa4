"""`translator build` on real-shaped models: a problem costs one measure, never the build.

Each failure class that stopped whole builds of public exports, through the CLI, in every format
the model comes in: exit 0, the catalog written, and the one measure reported with its code and
its `file:line:col`. A model Power BI itself refuses (names differing only in case) is exit 2,
naming both definitions. The models are written by tests/cli/real_models.py.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.real_models import (
    CAPACITY_COUNT, GROSS_PROFIT, KPI_MEASURE, LABEL_ONE, LABEL_TWO, LONG_LABEL, SALES, TABLE_FILES,
    Written, expression_at, tmdl_file, write_format, write_tmdl,
)
from translator.cli import main

FORMATS = ["tmdl", "dataset", "bim", "pbit", "pbitools"]
MEASURES = 7


def _build(exports: Path, out: Path):
    return CliRunner().invoke(main, ["build", "--exports", str(exports), "--out", str(out)])


def _report(out: Path) -> dict[str, dict]:
    document = json.loads((out / "translation_report.json").read_text(encoding="utf-8"))
    return {m["measure"]: m for m in document["measures"]}


def _codes(entry: dict) -> list[str]:
    return [reason["code"] for reason in entry["reasons"]]


def _json_location(file: str, text: str, expression: str) -> str:
    """Where a JSON string holding `expression` starts: the character after its opening quote."""
    literal = json.dumps(expression, ensure_ascii=False)
    for number, line in enumerate(text.split("\n"), start=1):
        if literal in line:
            return f"{file}:{number}:{line.index(literal) + 2}"
    raise AssertionError(f"{expression!r} not in {file}")


def _expected_location(kind: str, written: Written, measure: str, expression: str, table: str,
                       table_text: str) -> str:
    """The measure's location, worked out from the files on disk, independently of the readers."""
    root = written.exports
    match kind:
        case "tmdl":
            line, column = expression_at(table_text, measure)
            return f"{tmdl_file(written, f'{table}.tmdl')}:{line}:{column}"
        case "dataset":
            file = f"{written.export}/model.bim"
            return _json_location(file, (root / file).read_text(encoding="utf-8"), expression)
        case "bim":
            return _json_location(written.export, (root / written.export).read_text(encoding="utf-8"), expression)
        case "pbit":
            with zipfile.ZipFile(root / written.export) as archive:
                text = archive.read("DataModelSchema").decode("utf-16-le")
            return _json_location(f"{written.export}/DataModelSchema", text, expression)
        case "pbitools":
            return f"{written.export}/Model/tables/{table}/measures/{measure}.dax:1:1"
    raise AssertionError(kind)


@pytest.fixture(scope="module", params=FORMATS)
def built(request, tmp_path_factory):
    base = tmp_path_factory.mktemp(request.param)
    written = write_format(request.param, base / "exports", base / "scratch")
    result = _build(written.exports, base / "out")
    return request.param, written, result, base / "out"


def test_the_build_succeeds_and_writes_the_catalog(built):
    _, _, result, out = built
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert {p.name for p in out.iterdir()} == {"report_builder_schema.sql", "seed_catalog.sql",
                                              "translation_report.md", "translation_report.json"}
    report = _report(out)
    assert len(report) == MEASURES
    seed = (out / "seed_catalog.sql").read_text(encoding="utf-8")
    for entry in report.values():
        if entry["placement"] == "metric":
            assert f"'{entry['metric_key']}'" in seed


def test_calculated_column_aggregate_is_the_one_untranslated_measure(built):
    kind, written, result, out = built
    report = _report(out)
    assert [name for name, e in report.items() if e["placement"] != "metric"] == [GROSS_PROFIT]
    entry = report[GROSS_PROFIT]
    assert entry["status"] == "untranslated"
    assert "CAT319" in _codes(entry)
    expected = _expected_location(kind, written, GROSS_PROFIT, "SUM(Sales[Gross Profit])", "Sales", SALES)
    assert entry["location"] == expected
    assert f"{expected}: warning[CAT319]" in result.stderr


@pytest.mark.parametrize("name", [LABEL_ONE, LABEL_TWO, LONG_LABEL])
def test_sentence_long_measure_names_are_metrics_with_keys_that_fit(built, name):
    _, _, _, out = built
    report = _report(out)
    entry = report[name]
    assert entry["placement"] == "metric"
    assert len(entry["metric_key"]) <= 100
    assert "CAT317" in _codes(entry)
    keys = [e["metric_key"] for e in report.values() if e["metric_key"]]
    assert len(keys) == len(set(keys))


def test_an_over_long_display_name_is_shortened_with_an_ellipsis(built):
    _, _, result, out = built
    seed = (out / "seed_catalog.sql").read_text(encoding="utf-8")
    shortened = LONG_LABEL[:199].rstrip() + "\u2026"
    assert f"'{shortened}'" in seed
    assert "CAT318" in _codes(_report(out)[LONG_LABEL])
    assert "warning[CAT318]" in result.stderr


def test_a_measure_in_a_separate_metrics_table_counts_the_other_tables_column(built):
    _, _, _, out = built
    entry = _report(out)[CAPACITY_COUNT]
    assert (entry["status"], entry["placement"]) == ("exact", "metric")
    assert "CapacityId" in entry["sql"]


def test_the_kpi_measure_reads_past_its_status_expression(built):
    _, _, _, out = built
    entry = _report(out)[KPI_MEASURE]
    assert entry["dax"] == "SUM(Sales[amount])"
    assert entry["placement"] == "metric"


def test_rebuilding_gives_the_same_bytes(built, tmp_path):
    _, written, _, out = built
    again = tmp_path / "again"
    assert _build(written.exports, again).exit_code == 0
    assert {p.name: p.read_bytes() for p in again.iterdir()} == {p.name: p.read_bytes() for p in out.iterdir()}


# --- models Power BI refuses: exit 2, both definitions named -------------------------------------

def test_a_table_in_two_tmdl_files_differing_in_case_is_exit_2_naming_both(tmp_path):
    tables = dict(TABLE_FILES)
    tables["sales (copy).tmdl"] = SALES.replace("table Sales", "table SALES")
    written = write_tmdl(tmp_path / "exports", tables=tables)
    out = tmp_path / "out"
    result = _build(written.exports, out)
    assert result.exit_code == 2
    assert not out.exists()
    first = tmdl_file(written, "Sales.tmdl")
    second = tmdl_file(written, "sales (copy).tmdl")
    line = SALES.split("\n").index("table Sales") + 1
    assert f"{second}:{line}: error[RDR412]" in result.stderr
    assert f"{first}:{line}" in result.stderr


def test_two_measures_differing_in_case_is_exit_2_naming_both(tmp_path):
    tables = dict(TABLE_FILES)
    copied = f"\tmeasure '{KPI_MEASURE.upper()}' = SUM(Sales[quantity])\n\n"
    tables["Metrics.tmdl"] = tables["Metrics.tmdl"].replace("\tcolumn Column1", copied + "\tcolumn Column1")
    written = write_tmdl(tmp_path / "exports", tables=tables)
    result = _build(written.exports, tmp_path / "out")
    assert result.exit_code == 2
    line, column = expression_at(tables["Metrics.tmdl"], KPI_MEASURE.upper())
    first_line, first_column = expression_at(SALES, KPI_MEASURE)
    assert f"{tmdl_file(written, 'Metrics.tmdl')}:{line}:{column}: error[RDR412]" in result.stderr
    assert f"{tmdl_file(written, 'Sales.tmdl')}:{first_line}:{first_column}" in result.stderr


# --- per-measure problems the catalog's own checks find (EMT5xx): one measure, never the build ----

def _mapping_line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), start=1) if needle in line)


@pytest.mark.parametrize(("sql", "codes"), [
    pytest.param("SUM(qty_typo)", {"EMT512", "EMT515"}, id="column-no-view-has"),
    pytest.param("SUM(quantity) -- total", {"EMT511"}, id="comment"),
])
def test_manual_sql_the_catalog_refuses_costs_only_that_measure(tmp_path, sql, codes):
    written = write_tmdl(tmp_path / "exports")
    mapping = f'[metrics."Quantity"]\nsql = "{sql}"\n'
    (written.exports / "translator.toml").write_text(mapping, encoding="utf-8")
    out = tmp_path / "out"
    result = _build(written.exports, out)
    assert result.exit_code == 0, result.output
    report = _report(out)
    assert len(report) == MEASURES
    entry = report["Quantity"]
    assert entry["placement"] == "untranslated"
    assert codes & set(_codes(entry)), entry["reasons"]
    line, column = expression_at(SALES, "Quantity")
    assert entry["location"] == f"{tmdl_file(written, 'Sales.tmdl')}:{line}:{column}"
    # every other measure is still a metric, and the catalog is written
    assert sum(e["placement"] == "metric" for e in report.values()) == MEASURES - 2
    assert "'sales_amount'" in (out / "seed_catalog.sql").read_text(encoding="utf-8")


# --- the date column: only a column the view has can be the source's date_column ---------------

RLS_PBIX = Path(__file__).parent.parent / "readers" / "pbix" / "rls-sample-report.pbix"


def _sources(out: Path) -> dict[str, dict]:
    document = json.loads((out / "translation_report.json").read_text(encoding="utf-8"))
    return {s["display_name"]: s for s in document["catalog"]["data_sources"]}


def test_a_calculated_date_key_related_to_the_date_table_is_not_the_date_column(tmp_path):
    # In the public rls sample, Sales[Date Key] = FORMAT(Sales[SalesDate], "YYYYMMDD") relates
    # Sales to the date table; it exists only in the model, so the view's date is SalesDate.
    out = tmp_path / "out"
    result = _build(RLS_PBIX, out)
    assert result.exit_code == 0, result.output
    assert _sources(out)["Sales"]["date_column"] == "SalesDate"


def test_a_pinned_date_column_that_is_calculated_is_reported_and_inferred_instead(tmp_path):
    calculated = "\tcolumn order_day = DATEVALUE(Sales[order_date])\n\t\tdataType: dateTime\n\n"
    sales = SALES.replace("\tcolumn 'Gross Profit'", calculated + "\tcolumn 'Gross Profit'")
    written = write_tmdl(tmp_path / "exports", tables={**TABLE_FILES, "Sales.tmdl": sales})
    mapping = '[sources."Sales"]\ndate_column = "order_day"\n'
    (written.exports / "translator.toml").write_text(mapping, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--exports", str(written.exports), "--out", str(out),
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    found = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "CAT309"]
    assert [d["line"] for d in found] == [1], found  # the [sources."Sales"] table
    assert _sources(out)["Sales"]["date_column"] == "order_date"


# Every public .pbix that holds a model builds; each measure ends up in the report. The counts come
# from tests/readers/pbix/README.md (the files' own contents), not from the program's output.
PBIX_MEASURES = {"abc.pbix": 0, "adventure-internet-sales.pbix": 5, "directquery-parameters.pbix": 0,
                 "empty-schema-calc-only.pbix": 1, "rls-sample-report.pbix": 66}


@pytest.mark.parametrize("file", sorted(PBIX_MEASURES))
def test_every_public_pbix_with_a_model_builds(tmp_path, file):
    out = tmp_path / "out"
    result = _build(RLS_PBIX.parent / file, out)
    assert result.exit_code == 0, result.output
    assert len(_report(out)) == PBIX_MEASURES[file]
