"""`translator parity queries`: the question folder written from the sample."""

from __future__ import annotations

import json
from pathlib import Path

import sqlglot
from click.testing import CliRunner
from sqlglot import exp

from tests.parity.conftest import SAMPLE
from translator.cli import main
from translator.dax import parse
from translator.dax.ast import ColumnRef, FunctionCall, MeasureRef, Number, String, TableConstructor, walk
from translator.pipeline import plan


def _body(dax: str) -> str:
    lines = [line for line in dax.splitlines() if not line.startswith("//")]
    assert lines[0] == "EVALUATE"
    return "\n".join(lines[1:])


def test_every_query_file_is_its_manifest_entry_and_parses(parity_sample) -> None:
    folder, manifest = parity_sample.folder, parity_sample.manifest
    queries = manifest["queries"]
    ids = [q["id"] for q in queries]
    assert len(ids) == len(set(ids))
    files = {p.name for p in folder.iterdir()}
    assert files == {f"{i}.dax" for i in ids} | {"manifest.json", "probe.dax"}
    for query in queries:
        assert (folder / f"{query['id']}.dax").read_text(encoding="utf-8") == query["dax"]
        parse(_body(query["dax"]))  # the project's parser reads every query back
        tree = sqlglot.parse_one(query["sql"], dialect="postgres")
        assert isinstance(tree, exp.Select)
        assert [t.name for t in tree.find_all(exp.Table)][0].endswith("_{client_id}")


def test_every_seeded_metric_is_asked_or_its_absence_explained(parity_sample) -> None:
    catalog = plan(SAMPLE).catalog
    asked = {q["metric_key"] for q in parity_sample.manifest["queries"]}
    skipped = {s["metric_key"] for s in parity_sample.manifest["skipped"] if s["dimension"] is None}
    assert asked | skipped == {m.metric_key for m in catalog.metrics}
    totals = {q["metric_key"] for q in parity_sample.manifest["queries"]
              if q["dimension"] is None and q["variant"] == "default"}
    assert totals == asked


def test_the_shapes_of_the_questions(parity_sample) -> None:
    queries = {q["id"]: q for q in parity_sample.manifest["queries"]}

    total = queries["revenue.default.total"]
    assert parse(_body(total["dax"])) == FunctionCall("ROW", (String("value"), MeasureRef("Total Revenue")))
    assert total["key"] is None and total["toggles"] == {} and total["variant"] == "default"

    by_type = queries["revenue.default.sales_type"]
    assert parse(_body(by_type["dax"])) == FunctionCall("SUMMARIZECOLUMNS", (
        ColumnRef("Order Summary", "sales_type"), String("value"), MeasureRef("Total Revenue")))
    assert by_type["key"] == "Order Summary[sales_type]" and by_type["kind"] == "text"
    grouped = sqlglot.parse_one(by_type["sql"], dialect="postgres")
    assert grouped.args["group"].expressions[0] == exp.Lower(this=exp.column("sales_type", quoted=True))

    organic = queries["approvals.approval_mode-organic.sales_type"]
    assert organic["toggles"] == {"approval_mode": "organic"}
    tree = parse(_body(organic["dax"]))
    assert FunctionCall("TREATAS", (TableConstructor(((String("Organic"),),)),
                                    ColumnRef("Approval Mode", "Approval Mode"))) in tree.args

    month = queries["revenue.default.month-date"]
    assert month["key"] == "[month]" and month["kind"] == "date"
    assert "DATE_TRUNC('MONTH'" in month["sql"].upper().replace(" ", "")
    assert any(isinstance(n, FunctionCall) and n.name == "ADDCOLUMNS" for n in walk(parse(_body(month["dax"]))))


def test_search_dimensions_and_overridden_columns_are_skipped_with_a_reason(parity_sample) -> None:
    skipped = parity_sample.manifest["skipped"]
    asked = {(q["metric_key"], q["dimension"]) for q in parity_sample.manifest["queries"]}
    search = [s for s in skipped if "search dimension" in s["reason"]]
    assert search and all((s["metric_key"], s["dimension"]) not in asked for s in search)
    assert any("(CAT332)" in s["reason"] for s in skipped)  # CALCULATE overrides the dimension


def test_a_client_id_adds_the_client_filter_and_output_is_deterministic(tmp_path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    # the second folder holds an earlier run's query that is no longer asked, and a file of ours
    second.mkdir()
    (second / "manifest.json").write_text(json.dumps({"queries": [{"id": "gone.default.total"}]}))
    (second / "gone.default.total.dax").write_text('EVALUATE ROW("value", 1)')
    (second / "notes.txt").write_text("mine")
    for out in (first, second):
        result = CliRunner().invoke(main, ["parity", "queries", "--exports", str(SAMPLE), "--out", str(out),
                                           "--client-id", "42", "--format", "json"])
        assert result.exit_code == 0, result.output
    assert (second / "notes.txt").read_text() == "mine"
    (second / "notes.txt").unlink()
    assert {p.name: p.read_bytes() for p in first.iterdir()} == {p.name: p.read_bytes() for p in second.iterdir()}
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest["client_id"] == 42
    total = next(q for q in manifest["queries"] if q["id"] == "revenue.default.total")
    assert parse(_body(total["dax"])) == FunctionCall("CALCULATETABLE", (
        FunctionCall("ROW", (String("value"), MeasureRef("Total Revenue"))),
        FunctionCall("TREATAS", (TableConstructor(((Number(42),),)), ColumnRef("Order Summary", "client_id"))),
    ))


def test_broken_exports_are_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["parity", "queries", "--exports", str(tmp_path / "nothing"),
                                       "--out", str(tmp_path / "q")])
    assert result.exit_code == 2
    assert not (tmp_path / "q").exists()
