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


def test_every_accepted_case_is_accepted_by_postgresql(pg) -> None:
    """The allow-list never passes SQL that PostgreSQL would refuse at query time (an undefined
    window, an absurd type modifier, ...): every `ok` case runs over a table of those columns."""
    import psycopg

    columns = ", ".join(psycopg.sql.Identifier(c).as_string(pg) + (" timestamp" if c == "date" else " text"
                                                                     if c == "campaign_id" else " numeric")
                        for c in sorted(COLUMNS))
    pg.execute(f"CREATE TABLE v ({columns})")
    accepted = [c.values[1] for c in _cases() if c.values[0] == "ok"]
    assert len(accepted) > 10
    for sql in accepted:
        try:
            pg.execute(f"SELECT {sql} FROM v")
        except psycopg.Error as error:
            pytest.fail(f"{sql!r} passes the allow-list but PostgreSQL refuses it: {error}")
