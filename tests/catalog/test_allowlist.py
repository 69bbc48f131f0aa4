"""The SQL allow-list, case by case (tests/catalog/allowlist_cases.txt, a test id per line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from translator.catalog.allowlist import check_sql

CASES_FILE = Path(__file__).with_name("allowlist_cases.txt")
COLUMNS = frozenset({"approvals", "attempts", "revenue", "date", "campaign_id",
                     'x"); DROP TABLE t; --'})


def _cases() -> list:
    cases = []
    for number, line in enumerate(CASES_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#") or not line.strip():
            continue
        expected, _, sql = line.partition("\t")
        cases.append(pytest.param(expected, sql, id=f"{CASES_FILE.name}:{number}"))
    return cases


@pytest.mark.parametrize(("expected", "sql"), _cases())
def test_allowlist_case(expected: str, sql: str) -> None:
    codes = [p.code for p in check_sql(sql, COLUMNS)]
    if expected == "ok":
        assert codes == []
    else:
        assert expected in codes


def test_cases_file_covers_every_code() -> None:
    expected = {c.values[0] for c in _cases()}
    assert expected >= {"ok", "EMT510", "EMT511", "EMT512", "EMT513", "EMT514"}
