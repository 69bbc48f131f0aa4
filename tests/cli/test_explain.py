"""`translator explain "<DAX>"`: SQL, fidelity and reasons for one expression."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlglot
from click.testing import CliRunner

from translator.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "pbix_exports"


def _explain(*args: str):
    return CliRunner().invoke(main, ["explain", *args, "--exports", str(SAMPLE)])


@pytest.mark.parametrize(
    ("dax", "sql"),
    [
        ("SUM('Order Summary'[attempts])", 'SUM("attempts")'),
        ("sum('order summary'[ATTEMPTS])", 'SUM("attempts")'),
    ],
)
def test_exact_expression_gives_sql_and_exit_0(dax: str, sql: str) -> None:
    result = _explain(dax, "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["status"] == "exact"
    assert sqlglot.parse_one(payload["sql"], dialect="postgres") == sqlglot.parse_one(sql, dialect="postgres")
    assert payload["reasons"] == []


def test_untranslated_expression_gives_the_reason_and_exit_1() -> None:
    result = _explain("CALCULATE([Total Revenue], SAMEPERIODLASTYEAR('Date'[Date]))", "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["status"] == "untranslated" and payload["sql"] is None
    assert [r["code"] for r in payload["reasons"]] and all(r["code"].startswith("CMP") for r in payload["reasons"])


def test_syntax_error_shows_code_position_and_caret() -> None:
    result = _explain("SUM('Order Summary'[attempts]")
    assert result.exit_code == 1
    assert "status: parse_error" in result.stdout
    lines = result.stderr.splitlines()
    assert any(":1:30:" in line and "[DAX103]" in line for line in lines), result.stderr
    caret = next(line for line in lines if line.strip().endswith("^"))
    source = lines[lines.index(caret) - 1]
    # the caret sits just past the last character of the expression
    assert caret.index("^") == len(source.rstrip()) and "Traceback" not in result.output


def test_unknown_model_name_is_exit_2_with_one_line() -> None:
    result = _explain("SUM('Order Summary'[attempts])", "--model", "nope")
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "[CLI601]" in lines[0] and "nope" in lines[0]


def test_a_bare_measure_shows_the_toggle_its_definition_reads() -> None:
    # [Cancels] = IF(SELECTEDVALUE('Approval Mode'[Approval Mode], "Standard") = "Organic", ...)
    payload = json.loads(_explain("[Cancels]", "--format", "json").stdout)
    assert payload["toggles"] == ["Approval Mode"]
    assert [(v["toggle"], v["option"]) for v in payload["variants"]] == [("Approval Mode", "Organic")]
    text = _explain("[Cancels]").stdout
    assert "Approval Mode" in text and "variant" in text


@pytest.mark.parametrize(("dax", "suggested"), [
    ("SUM('Order Summary'[cancelz])", "cancel"),
    ("SUM('Order Sumary'[cancel])", "Order Summary"),
    ("[Total Revenu]", "Total Revenue"),
])
def test_an_unknown_name_gets_the_nearest_name_as_a_note(dax: str, suggested: str) -> None:
    result = _explain(dax, "--format", "json")
    assert result.exit_code == 1
    [reason] = json.loads(result.stdout)["reasons"]
    assert reason["code"] == "CMP204"
    assert any(f"'{suggested}'" in note for note in reason["notes"])
