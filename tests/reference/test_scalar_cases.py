"""Scalar DAX semantics pinned from documentation (tests/reference/scalar_cases.tsv)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from translator.dax import parse
from translator.reference import evaluate

CASES = Path(__file__).with_name("scalar_cases.tsv")


def _expected(text: str):
    match text:
        case "BLANK":
            return None
        case "TRUE":
            return True
        case "FALSE":
            return False
        case "NaN":
            return math.nan
        case "Infinity":
            return math.inf
        case "-Infinity":
            return -math.inf
    if text.startswith('"'):
        return text[1:-1].replace('""', '"')
    return float(text)


def _cases():
    for number, line in enumerate(CASES.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        dax, expected, source = line.split("\t")
        yield pytest.param(dax, _expected(expected), source, id=f"{CASES.name}:{number}")


@pytest.mark.parametrize(("dax", "expected", "source"), list(_cases()))
def test_scalar_case(dax, expected, source):
    (result,) = evaluate(parse(dax), {}).values()
    if expected is None or isinstance(expected, (bool, str)):
        assert result == expected and type(result) is type(expected), (dax, result, source)
    elif math.isnan(expected):
        assert isinstance(result, float) and math.isnan(result), (dax, result, source)
    else:
        assert not isinstance(result, (bool, str)) and result is not None, (dax, result, source)
        assert result == pytest.approx(expected), (dax, result, source)
