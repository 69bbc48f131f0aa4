"""probe.dax and `translator parity pin`: every pin, every answer Power BI may give, recorded in the
mapping file without disturbing the rest of it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.parity.conftest import SAMPLE
from translator.cli import main
from translator.dax import parse
from translator.dax.ast import FunctionCall, String
from translator.parity.pin import RULES
from translator.parity.probe import PROBES, probe_dax
from translator.readers.mapping import load_mapping
from translator.model.semantics import BLANK, IGNORE, PINS, ZERO

# For each probe column: (the cell Power BI may answer, None = BLANK) -> the pin recorded.
ANSWERS = {
    "round_blank": {None: BLANK, 0: ZERO},
    "roundup_blank": {None: BLANK, 0: ZERO},
    "rounddown_blank": {None: BLANK, 0: ZERO},
    "trunc_blank": {None: BLANK, 0: ZERO},
    "abs_blank": {None: BLANK, 0: ZERO},
    "mod_blank": {None: BLANK, 0: ZERO},
    "power_blank_base": {None: BLANK, 0: ZERO},
    "power_blank_exponent": {None: BLANK, 1: ZERO},
    "negate_blank": {None: BLANK, 0: ZERO},
    "min_blank_5": {None: BLANK, 0: ZERO, 5: IGNORE},
    "max_blank_minus_5": {None: BLANK, 0: ZERO, -5: IGNORE},
    "min_blank_blank": {None: BLANK, 0: ZERO},
    "countblank_no_blanks": {None: BLANK, 0: ZERO},
    "nan_equals_nan": {True: True, False: False},
    "nan_greater_than_0": {True: True, False: False},
    "nan_less_than_0": {True: True, False: False},
}
CASES = [(column, cell, pinned) for column, answers in ANSWERS.items() for cell, pinned in answers.items()]


def _probe_answer(path: Path, overrides: dict[str, object]) -> Path:
    """A probe answer as executeQueries gives it: every column a typical answer, BLANKs omitted."""
    row = {"round_blank": 0, "roundup_blank": 0, "rounddown_blank": 0, "trunc_blank": 0, "abs_blank": 0,
           "mod_blank": 0, "power_blank_base": 0, "power_blank_exponent": 1, "negate_blank": 0,
           "min_blank_5": 0, "max_blank_minus_5": 0, "min_blank_blank": 0, "countblank_no_blanks": 0, "nan_equals_nan": False,
           "nan_greater_than_0": False, "nan_less_than_0": False, **overrides}
    cells = {f"[{k}]": v for k, v in row.items() if v is not None}
    path.write_text(json.dumps({"results": [{"tables": [{"rows": [cells]}]}]}))
    return path


@pytest.fixture
def exports(tmp_path) -> Path:
    folder = tmp_path / "exports"
    shutil.copytree(SAMPLE, folder)
    return folder


def _pin(exports: Path, results: Path, *extra: str):
    return CliRunner().invoke(main, ["parity", "pin", "--results", str(results), "--exports", str(exports),
                                     "--format", "json", *extra])


def _codes(result) -> list[str]:
    """The codes of an input problem, from the JSON error payload on stdout."""
    return [d["code"] for d in json.loads(result.stdout)["diagnostics"]]


def test_the_probe_asks_one_column_per_pin_and_parses() -> None:
    text = probe_dax(("Order Summary", "attempts"))
    body = "\n".join(line for line in text.splitlines() if not line.startswith("//"))
    tree = parse(body.removeprefix("EVALUATE"))
    assert isinstance(tree, FunctionCall) and tree.name == "ROW"
    columns = [a.value for a in tree.args[::2] if isinstance(a, String)]
    assert sorted(columns) == sorted(rule.column for rule in RULES)
    assert [rule.pin for rule in RULES] == list(PINS)
    assert "countblank_no_blanks" not in probe_dax(None)
    assert len(PROBES) == len(RULES) - 1


@pytest.mark.parametrize("column, cell, pinned", CASES, ids=[f"{c}={v}" for c, v, _ in CASES])
def test_each_answer_of_each_probe_is_pinned(exports, tmp_path, column, cell, pinned) -> None:
    results = _probe_answer(tmp_path / "probe.json", {column: cell})
    result = _pin(exports, results)
    assert result.exit_code == 0, result.output
    rule = next(r for r in RULES if r.column == column)
    assert json.loads(result.stdout)["pins"][rule.pin] == pinned
    assert load_mapping(exports / "translator.toml")[0].semantics.get(rule.pin) == pinned


def test_pinning_keeps_the_mapping_file_and_updates_in_place(exports, tmp_path) -> None:
    mapping = exports / "translator.toml"
    before = mapping.read_text()
    first = _pin(exports, _probe_answer(tmp_path / "a.json", {}), "--engine", "Analysis Services 16.0.122")
    assert first.exit_code == 0, first.output
    after = mapping.read_text()
    assert after.startswith(before)  # every comment and line of the user's file is kept
    assert "[semantics]" in after and after.count("[semantics]") == 1
    second = _pin(exports, _probe_answer(tmp_path / "b.json", {"round_blank": None}))
    assert second.exit_code == 0, second.output
    again = mapping.read_text()
    assert again.startswith(before) and again.count("[semantics]") == 1
    semantics = load_mapping(mapping)[0].semantics
    assert semantics.get("round_blank") == BLANK and semantics.get("abs_blank") == ZERO
    assert semantics.engine == "Analysis Services 16.0.122"


def test_an_answer_no_behaviour_explains_is_refused(exports, tmp_path) -> None:
    mapping = exports / "translator.toml"
    before = mapping.read_text()
    result = _pin(exports, _probe_answer(tmp_path / "odd.json", {"min_blank_5": 3}))
    assert result.exit_code == 2 and _codes(result) == ["PAR708"]
    assert mapping.read_text() == before


def test_a_dax_studio_csv_pins_only_the_columns_it_holds(exports, tmp_path) -> None:
    columns = [r.column for r in RULES if r.column != "countblank_no_blanks"]
    cells = {"power_blank_exponent": "1", "min_blank_5": "5", "max_blank_minus_5": "-5",
             "nan_equals_nan": "True", "nan_greater_than_0": "False", "nan_less_than_0": "False"}
    header = ",".join(f"[{c}]" for c in columns)
    row = ",".join(cells.get(c, "") for c in columns)
    path = tmp_path / "probe.csv"
    path.write_text(f"{header}\n{row}\n")
    result = _pin(exports, path)
    assert result.exit_code == 0, result.output
    pins = json.loads(result.stdout)["pins"]
    assert "countblank_no_blanks" not in pins
    assert pins["round_blank"] == BLANK and pins["power_blank_exponent"] == ZERO
    assert pins["min_blank"] == IGNORE and pins["max_blank"] == IGNORE and pins["nan_equals_nan"] is True


def test_a_broken_mapping_file_is_not_touched(exports, tmp_path) -> None:
    mapping = exports / "translator.toml"
    mapping.write_text("[metrics\n")
    result = _pin(exports, _probe_answer(tmp_path / "a.json", {}))
    assert result.exit_code == 2 and _codes(result) == ["CAT391"]
    assert mapping.read_text() == "[metrics\n"


def test_a_wrong_pin_value_in_the_mapping_file_is_cat392(tmp_path) -> None:
    (tmp_path / "translator.toml").write_text('[semantics]\nmin_blank = "zero-ish"\n')
    with pytest.raises(Exception) as raised:
        load_mapping(tmp_path / "translator.toml")
    assert raised.value.diagnostic.code == "CAT392" and raised.value.diagnostic.location.line == 2


def test_a_build_translates_what_the_pin_settles_and_refuses_without_it(exports, tmp_path) -> None:
    from translator.pipeline import plan

    table = exports / "BeastInsights.SemanticModel" / "definition" / "tables" / "Order Summary.tmdl"
    table.write_text(table.read_text(encoding="utf-8").rstrip("\n")
                     + "\n\n\tmeasure 'Pinned Round' = ROUND(SUM('Order Summary'[revenue]) / 3, 0)\n",
                     encoding="utf-8")

    def entry():
        report = plan(exports).catalog.report
        return next(e for e in report if e.measure == "Pinned Round")

    before = entry()
    assert before.status == "untranslated" and before.reasons[0].startswith("CMP217")
    assert _pin(exports, _probe_answer(tmp_path / "probe.json", {"round_blank": None})).exit_code == 0
    after = entry()
    assert after.status == "exact" and after.placement == "metric"
    assert "ROUND(" in after.sql and "COALESCE" not in after.sql  # BLANK stays BLANK: no COALESCE
