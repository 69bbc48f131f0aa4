"""`translator parity compare` end to end on the sample: the reference evaluator stands in for
Power BI, the sample's generated rows are the reporting views on the suite's PostgreSQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg
from click.testing import CliRunner

from tests.parity.conftest import METRICS, subset
from translator.cli import main

import translator.parity.compare as compare_module


def run(*args: str):
    return CliRunner().invoke(main, ["parity", "compare", *args])


def _copy(results: Path, dest: Path) -> Path:
    shutil.copytree(results, dest)
    return dest


def test_the_reference_answers_agree_on_every_query(answered) -> None:
    result = run(str(answered.folder), "--results", str(answered.results), "--dsn", answered.sample.dsn,
                 "--client-id", "1", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    queries = payload["queries"]
    assert {q["status"] for q in queries} == {"agree"}
    assert {q["metric_key"] for q in queries} == set(METRICS)
    assert payload["mismatches"] == []
    # not vacuous: grouped queries matched rows, and toggled settings were asked
    assert sum(q["matched"] for q in queries) > 5 * len(queries)
    assert any(q["variant"] != "default" for q in queries)
    assert any(q["dimension"] and q["dimension"].startswith("month:") for q in queries)


def _query(answered, metric: str, dimension: str) -> dict:
    return next(q for q in json.loads((answered.folder / "manifest.json").read_text())["queries"]
                if q["metric_key"] == metric and q["dimension"] == dimension and q["variant"] == "default")


def _edit_rows(results: Path, query: dict, edit) -> None:
    """Change the rows of one answer in place: `edit(rows)`."""
    path = results / f"{query['id']}.json"
    answer = json.loads(path.read_text())
    edit(answer["results"][0]["tables"][0]["rows"])
    path.write_text(json.dumps(answer))


def test_a_planted_wrong_value_is_exactly_one_mismatch_with_its_cell(answered, tmp_path) -> None:
    results = _copy(answered.results, tmp_path / "results")
    query = _query(answered, "revenue", "sales_type")
    planted: dict = {}

    def plant(rows: list) -> None:
        planted.update(rows[1])
        rows[1]["[value]"] = rows[1]["[value]"] + 1

    _edit_rows(results, query, plant)
    original = planted["[value]"]

    result = run(str(answered.folder), "--results", str(results), "--dsn", answered.sample.dsn,
                 "--client-id", "1", "--format", "json")

    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    key_column = "Order Summary[sales_type]"
    assert payload["mismatches"] == [{
        "query": query["id"], "metric_key": "revenue", "kind": "value_differs", "dimension": "sales_type",
        "key": planted.get(key_column), "powerbi": original + 1, "sql": original,
    }]
    assert payload["metrics"]["revenue"]["mismatch"] == 1
    assert payload["counts"]["mismatch"] == 1


def test_the_text_report_shows_the_differing_cell(answered, tmp_path) -> None:
    results = _copy(answered.results, tmp_path / "results")
    query = _query(answered, "approvals", None)
    (results / f"{query['id']}.json").write_text(json.dumps({"results": [{"tables": [{"rows": [{"[value]": -7}]}]}]}))

    result = run(str(answered.folder), "--results", str(results), "--dsn", answered.sample.dsn, "--client-id", "1")

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith(f"✗ {query['id']}:"))
    assert "1 values differing" in lines[header] and "0 only in Power BI" in lines[header]
    assert "Power BI -7" in lines[header + 1]
    assert any(line.strip().startswith("approvals: 1 of") for line in lines)


def test_rows_only_on_one_side_are_reported_as_such(answered, tmp_path) -> None:
    results = _copy(answered.results, tmp_path / "results")
    query = _query(answered, "revenue", "sales_type")
    dropped: dict = {}

    def drop_one_add_one(rows: list) -> None:
        dropped.update(rows.pop(0))
        rows.append({"Order Summary[sales_type]": "No such type", "[value]": 5})

    _edit_rows(results, query, drop_one_add_one)

    result = run(str(answered.folder), "--results", str(results), "--dsn", answered.sample.dsn,
                 "--client-id", "1", "--format", "json")

    assert result.exit_code == 1
    # text keys join ignoring case: a group is named in the spelling of the side that has it
    kinds = sorted((m["kind"], m["key"].casefold()) for m in json.loads(result.stdout)["mismatches"])
    assert kinds == sorted([("only_in_sql", dropped.get("Order Summary[sales_type]").casefold()),
                            ("only_in_powerbi", "no such type")])


def test_text_keys_join_ignoring_case_and_blank_rows_count_as_absent(answered, tmp_path) -> None:
    results = _copy(answered.results, tmp_path / "results")
    query = _query(answered, "revenue", "sales_type")

    def swap_case(rows: list) -> None:
        for row in rows:
            if isinstance(row.get("Order Summary[sales_type]"), str):
                row["Order Summary[sales_type]"] = row["Order Summary[sales_type]"].swapcase()
        rows.append({"Order Summary[sales_type]": "only blank"})  # a BLANK value: no row in SUMMARIZECOLUMNS

    _edit_rows(results, query, swap_case)

    result = run(str(answered.folder), "--results", str(results), "--dsn", answered.sample.dsn, "--client-id", "1")

    assert result.exit_code == 0, result.output


def test_a_missing_answer_is_exit_2_naming_it_unless_allowed(answered, tmp_path) -> None:
    results = _copy(answered.results, tmp_path / "results")
    query = _query(answered, "revenue", None)
    (results / f"{query['id']}.json").unlink()

    refused = run(str(answered.folder), "--results", str(results), "--dsn", answered.sample.dsn, "--client-id", "1")
    assert refused.exit_code == 2
    assert "PAR703" in refused.stderr and f"{query['id']}.json" in refused.stderr

    allowed = run(str(answered.folder), "--results", str(results), "--dsn", answered.sample.dsn,
                  "--client-id", "1", "--allow-missing", "--format", "json")
    assert allowed.exit_code == 0, allowed.output
    statuses = {q["id"]: q["status"] for q in json.loads(allowed.stdout)["queries"]}
    assert statuses[query["id"]] == "missing"
    assert sum(1 for s in statuses.values() if s == "agree") == len(statuses) - 1


def test_dax_studio_csv_answers_are_read(answered, tmp_path) -> None:
    results = _copy(answered.results, tmp_path / "results")
    query = _query(answered, "revenue", "sales_type")
    rows = json.loads((results / f"{query['id']}.json").read_text())["results"][0]["tables"][0]["rows"]
    (results / f"{query['id']}.json").unlink()
    lines = ["Order Summary[sales_type],[value]"]
    lines += [f"{row.get('Order Summary[sales_type]', '')},{row['[value]']}" for row in rows]
    (results / f"{query['id']}.csv").write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))

    agreeing = run(str(answered.folder), "--results", str(results), "--dsn", answered.sample.dsn, "--client-id", "1")
    assert agreeing.exit_code == 0, agreeing.output

    lines[1] = lines[1].rsplit(",", 1)[0] + ",0.5"
    (results / f"{query['id']}.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    differing = run(str(answered.folder), "--results", str(results), "--dsn", answered.sample.dsn,
                    "--client-id", "1", "--format", "json")
    assert differing.exit_code == 1
    assert [m["kind"] for m in json.loads(differing.stdout)["mismatches"]] == ["value_differs"]


def test_write_expected_writes_the_sql_answers_in_the_response_shape(answered, tmp_path) -> None:
    expected = tmp_path / "expected"
    result = run(str(answered.folder), "--write-expected", str(expected), "--dsn", answered.sample.dsn,
                 "--client-id", "1", "--format", "json")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in expected.iterdir())
    assert written == sorted(p.name for p in answered.results.iterdir())
    # the SQL side's answers are the reference's answers, as Power BI would give them
    again = run(str(answered.folder), "--results", str(expected), "--dsn", answered.sample.dsn, "--client-id", "1")
    assert again.exit_code == 0, again.output
    month = next(p for p in written if ".month-" in p)
    rows = json.loads((expected / month).read_text())["results"][0]["tables"][0]["rows"]
    assert rows and all(set(row) <= {"[month]", "[value]"} for row in rows)
    assert all(row["[month]"].endswith("-01T00:00:00") for row in rows)
    assert all(None not in row.values() for row in rows)


def test_the_customer_database_is_only_read(answered, tmp_path) -> None:
    folder = subset(answered.sample, ("revenue",), tmp_path / "queries")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["queries"] = manifest["queries"][:1]
    manifest["queries"][0]["sql"] = "SELECT nextval('parity_probe_seq') AS \"value\""
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with psycopg.connect(answered.sample.dsn, autocommit=True) as conn:
        conn.execute("CREATE SEQUENCE IF NOT EXISTS parity_probe_seq")
    results = tmp_path / "results"
    results.mkdir()
    (results / f"{manifest['queries'][0]['id']}.json").write_text('{"results": [{"tables": [{"rows": [{"[value]": 1}]}]}]}')

    result = run(str(folder), "--results", str(results), "--dsn", answered.sample.dsn, "--client-id", "1",
                 "--format", "json")

    assert result.exit_code == 1
    [mismatch] = json.loads(result.stdout)["mismatches"]
    assert mismatch["kind"] == "sql_error" and "read-only" in mismatch["detail"]
    with psycopg.connect(answered.sample.dsn, autocommit=True) as conn:
        assert conn.execute("SELECT last_value, is_called FROM parity_probe_seq").fetchone() == (1, False)


def test_sql_that_is_not_a_select_is_refused_before_running(answered, tmp_path) -> None:
    folder = subset(answered.sample, ("revenue",), tmp_path / "queries")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["queries"][0]["sql"] = 'DELETE FROM "reporting"."order_summary_{client_id}"'
    (folder / "manifest.json").write_text(json.dumps(manifest))

    result = run(str(folder), "--results", str(answered.results), "--dsn", answered.sample.dsn, "--client-id", "1",
                 "--allow-missing")

    assert result.exit_code == 2 and "PAR702" in result.stderr
    with psycopg.connect(answered.sample.dsn) as conn:
        assert conn.execute('SELECT count(*) FROM "reporting"."order_summary_1"').fetchone()[0] > 0


def test_an_answer_at_the_row_limit_is_an_input_problem(answered, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(compare_module, "ROW_LIMIT", 3)
    result = run(str(answered.folder), "--results", str(answered.results), "--dsn", answered.sample.dsn,
                 "--client-id", "1")
    assert result.exit_code == 2 and "PAR705" in result.stderr


def test_a_client_other_than_the_queries_filter_on_is_refused(answered, tmp_path) -> None:
    folder = subset(answered.sample, ("revenue",), tmp_path / "queries")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["client_id"] = 42
    (folder / "manifest.json").write_text(json.dumps(manifest))
    result = run(str(folder), "--results", str(answered.results), "--dsn", answered.sample.dsn, "--client-id", "1")
    assert result.exit_code == 2 and "PAR706" in result.stderr


def test_an_unreachable_database_is_exit_2(answered) -> None:
    result = run(str(answered.folder), "--results", str(answered.results),
                 "--dsn", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", "--client-id", "1")
    assert result.exit_code == 2 and "PAR707" in result.stderr
