"""Reading Power BI's answers. The fixtures follow Microsoft's documented Execute Queries examples
(learn.microsoft.com/rest/api/power-bi/datasets/execute-queries): fully qualified columns come
back as `Table[Column]`, computed ones as `[Name]`, nulls are left out unless `includeNulls`
was asked, dates are ISO strings; a refused query has an `error` beside (or instead of) `tables`."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest

from translator.diagnostics import InputError
from translator.parity.answers import BAD_ANSWER, REFUSED, column_key, read_answer, response
from translator.parity.compare import agree

FIXTURES = Path(__file__).parent / "fixtures"


def test_documented_response_nulls_left_out_and_both_key_forms() -> None:
    answer = read_answer(FIXTURES / "execute_queries.json")
    assert answer.rows == (
        {"mytable[year]": 2010, "mytable[quarter]": "Q1", "[total sales]": 1250.5},
        {"mytable[year]": 2010, "mytable[quarter]": "Q2"},  # [Total Sales] omitted: BLANK
        {"mytable[year]": 2011, "mytable[quarter]": "Q1", "[total sales]": 99},
    )


def test_include_nulls_gives_the_same_rows() -> None:
    assert read_answer(FIXTURES / "execute_queries_nulls.json").rows == read_answer(FIXTURES / "execute_queries.json").rows


def test_quoted_table_names_and_iso_dates() -> None:
    answer = read_answer(FIXTURES / "by_month.json")
    assert column_key("'Order Summary'[date]") == column_key("Order Summary[date]") == "order summary[date]"
    assert answer.rows[0] == {"order summary[date]": "2024-01-01T00:00:00", "[value]": 10}
    assert agree("2024-01-01T00:00:00", dt.datetime(2024, 1, 1))


@pytest.mark.parametrize("name, code", [
    ("refused_rows.json", REFUSED),  # HTTP 200 with an error: "More than 100000 rows in a query result"
    ("refused_top.json", REFUSED),  # a DAX failure, as the 400 body
    ("two_tables.json", BAD_ANSWER),
    ("not_json.json", BAD_ANSWER),
])
def test_refusals_and_broken_answers_are_input_problems(name: str, code: str) -> None:
    with pytest.raises(InputError) as raised:
        read_answer(FIXTURES / name)
    assert raised.value.diagnostic.code == code
    assert raised.value.diagnostic.location.file.endswith(name)
    if name == "refused_top.json":
        assert "EVALUATEE" in raised.value.diagnostic.message


def test_dax_studio_csv_with_bom_and_empty_cells(tmp_path) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes("\ufeffOrder Summary[sales_type],[value]\r\nInitial,12.5\r\n,3\r\nRebill,\r\n".encode("utf-8"))
    answer = read_answer(path)
    assert answer.textual
    assert answer.rows == ({"order summary[sales_type]": "Initial", "[value]": "12.5"},
                           {"[value]": "3"}, {"order summary[sales_type]": "Rebill"})


def test_a_csv_row_with_the_wrong_number_of_cells_names_its_line(tmp_path) -> None:
    path = tmp_path / "q.csv"
    path.write_text("A[b],[value]\nx,1\ny\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_answer(path)
    assert raised.value.diagnostic.code == BAD_ANSWER and raised.value.diagnostic.location.line == 3


def test_writing_the_shape_leaves_nulls_out_and_spells_nan_and_infinities(tmp_path) -> None:
    written = response([{"T[c]": dt.date(2024, 2, 1), "[value]": None}, {"[value]": math.nan},
                        {"[value]": -math.inf}])
    assert written == {"results": [{"tables": [{"rows": [
        {"T[c]": "2024-02-01T00:00:00"}, {"[value]": "NaN"}, {"[value]": "-Infinity"}]}]}]}
    path = tmp_path / "back.json"
    path.write_text(json.dumps(written))
    rows = read_answer(path).rows
    assert rows[1] == {"[value]": "NaN"}


@pytest.mark.parametrize("a, b, same", [
    (None, None, True), (None, 0.0, False), (0.0, None, False),
    (math.nan, math.nan, True), (math.nan, 1.0, False),
    (math.inf, math.inf, True), (math.inf, -math.inf, False), (math.inf, 1e308, False),
    (100.0, 100.0 + 1e-8, True), (100.0, 100.0001, False), (0.0, 1e-12, True),
    ("Organic", "organic", True), ("Organic", "Net", False), (True, True, True), (True, False, False),
])
def test_agreement(a, b, same) -> None:
    assert agree(a, b) is same
