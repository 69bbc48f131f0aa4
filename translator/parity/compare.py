"""`parity compare`: Power BI's answers against the SQL the report builder runs, cell by cell.

Read-only on the customer's database: one connection whose transactions are READ ONLY, each
query in its own transaction that is rolled back, and only single SELECT statements from the
manifest are sent. Rows are joined on the dimension's value (text ignoring case, as Power BI
groups); a row whose value is BLANK counts as absent (SUMMARIZECOLUMNS leaves such rows out).
Two values agree when both are BLANK, both NaN, the same infinity, equal truth values, equal
text ignoring case, or numbers with |a - b| <= tolerance * max(|a|, |b|) or |a - b| <= tolerance.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import sqlglot
from sqlglot import exp

from translator.diagnostics import InputError, SourceLocation, codes, report
from translator.parity.answers import (
    MISSING_ANSWER,
    REFUSED,
    Answer,
    column_key,
    find_answer,
    read_answer,
    response_text,
)
from translator.parity.manifest import BAD_MANIFEST, ManifestQuery, read_manifest
from translator.parity.questions import CLIENT_PLACEHOLDER, DIALECT, ROW_LIMIT, VALUE_KEY

DEFAULT_TOLERANCE = 1e-9
WRONG_CLIENT = codes.PAR706  # --client-id differs from the client the DAX queries filter on
NO_DATABASE = codes.PAR707  # cannot connect to --dsn
SHOWN_CELLS = 5  # differing cells shown per query in the text report

AGREE, MISMATCH, SQL_ERROR, MISSING = "agree", "mismatch", "sql_error", "missing"


@dataclass(frozen=True, slots=True)
class Cell:
    kind: str  # value_differs | only_in_powerbi | only_in_sql
    key: object  # the dimension value as shown (None for the grand total or a BLANK group)
    powerbi: object
    sql: object


@dataclass(frozen=True, slots=True)
class QueryResult:
    query: ManifestQuery
    status: str  # agree | mismatch | sql_error | missing
    matched: int = 0
    cells: tuple[Cell, ...] = ()
    detail: str = ""

    def count(self, kind: str) -> int:
        return sum(1 for c in self.cells if c.kind == kind)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.query.id, "metric_key": self.query.metric_key, "variant": self.query.variant,
            "dimension": self.query.dimension, "status": self.status, "matched": self.matched,
            "only_in_powerbi": self.count("only_in_powerbi"), "only_in_sql": self.count("only_in_sql"),
            "values_differing": self.count("value_differs"), "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    results: tuple[QueryResult, ...]
    tolerance: float
    client_id: int
    expected_written: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return all(r.status in (AGREE, MISSING) for r in self.results)

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for r in self.results:
            found[r.status] = found.get(r.status, 0) + 1
        return dict(sorted(found.items()))

    def metrics(self) -> dict[str, dict[str, int]]:
        summary: dict[str, dict[str, int]] = {}
        for r in self.results:
            row = summary.setdefault(r.query.metric_key, {"queries": 0, AGREE: 0, MISMATCH: 0, SQL_ERROR: 0, MISSING: 0})
            row["queries"] += 1
            row[r.status] += 1
        return dict(sorted(summary.items()))

    def mismatches(self) -> list[dict[str, Any]]:
        out = []
        for r in self.results:
            if r.status == SQL_ERROR:
                out.append({"query": r.query.id, "metric_key": r.query.metric_key, "kind": SQL_ERROR,
                            "dimension": r.query.dimension, "key": None, "powerbi": None, "sql": None,
                            "detail": r.detail})
            out += [{"query": r.query.id, "metric_key": r.query.metric_key, "kind": c.kind,
                     "dimension": r.query.dimension, "key": _shown(c.key), "powerbi": _shown(c.powerbi),
                     "sql": _shown(c.sql)} for c in r.cells]
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "tolerance": self.tolerance, "client_id": self.client_id,
            "counts": self.counts(), "metrics": self.metrics(),
            "queries": [r.to_json() for r in self.results], "mismatches": self.mismatches(),
            "expected_written": list(self.expected_written),
        }

    def lines(self) -> list[str]:
        """The data-diff style report: each query that disagrees with its first differing cells,
        then a summary per metric with a disagreement, then the totals."""
        out: list[str] = []
        for r in self.results:
            if r.status in (AGREE, MISSING):
                continue
            what = f"{r.query.metric_key} ({r.query.variant}), " + (f"by {r.query.dimension}" if r.query.dimension else "grand total")
            if r.status == SQL_ERROR:
                out.append(f"✗ {r.query.id}: {what}: the SQL failed: {r.detail}")
                continue
            out.append(f"✗ {r.query.id}: {what}: {r.matched} rows matched, {r.count('only_in_powerbi')} only in "
                       f"Power BI, {r.count('only_in_sql')} only in SQL, {r.count('value_differs')} values differing")
            for cell in r.cells[:SHOWN_CELLS]:
                at = "" if r.query.key is None else f"{r.query.key} = {_shown(cell.key)!r}: "
                if cell.kind == "value_differs":
                    out.append(f"    ≠ {at}Power BI {_shown(cell.powerbi)!r}, SQL {_shown(cell.sql)!r}")
                elif cell.kind == "only_in_powerbi":
                    out.append(f"    - {at}only in Power BI: {_shown(cell.powerbi)!r}")
                else:
                    out.append(f"    + {at}only in SQL: {_shown(cell.sql)!r}")
            if len(r.cells) > SHOWN_CELLS:
                out.append(f"    … {len(r.cells) - SHOWN_CELLS} more (--format json lists them all)")
        bad = {k: v for k, v in self.metrics().items() if v[MISMATCH] or v[SQL_ERROR]}
        if bad:
            out.append("metrics that disagree:")
            out += [f"  {k}: {v[MISMATCH]} of {v['queries']} queries differ" + (f", {v[SQL_ERROR]} SQL errors" if v[SQL_ERROR] else "")
                    for k, v in bad.items()]
        counts = self.counts()
        out.append(
            f"{len(self.results)} queries: " + ", ".join(f"{n} {s}" for s, n in counts.items())
            + f" (relative tolerance {self.tolerance:g})"
        )
        return out


def compare(folder: Path, results: Path | None, dsn: str, client_id: int, tolerance: float = DEFAULT_TOLERANCE,
            allow_missing: bool = False, write_expected: Path | None = None) -> Comparison:
    manifest = read_manifest(folder)
    if manifest.client_id is not None and manifest.client_id != client_id:
        raise InputError(report(WRONG_CLIENT, f"the DAX queries filter on client {manifest.client_id}, "
                                f"not {client_id}: pass --client-id {manifest.client_id} or regenerate "
                                "the queries", SourceLocation(str(folder / "manifest.json"))))
    if results is None and write_expected is None:
        raise InputError(report(MISSING_ANSWER, "nothing to do: give --results (Power BI's answers) "
                                "and/or --write-expected"))
    answers = _answers(manifest.queries, results, allow_missing) if results is not None else {}
    statements = {q.id: _statement(q, client_id, folder) for q in manifest.queries}
    out: list[QueryResult] = []
    written: list[str] = []
    try:
        conn = psycopg.connect(dsn, autocommit=False)
    except psycopg.Error as err:
        raise InputError(report(NO_DATABASE, f"cannot connect to the database: {' '.join(str(err).split())}"))
    with conn:
        conn.read_only = True  # every transaction is BEGIN READ ONLY: the database refuses writes
        for query in manifest.queries:
            if write_expected is None and answers.get(query.id) is None:
                out.append(QueryResult(query, MISSING, detail="no answer file"))
                continue
            try:
                sql_rows = _run(conn, statements[query.id])
            except psycopg.Error as err:
                out.append(QueryResult(query, SQL_ERROR, detail=" ".join(str(err).split())[:300]))
                continue
            if write_expected is not None:
                written.append(_write_expected(write_expected, query, sql_rows))
            if query.id in answers:
                answer = answers[query.id]
                out.append(QueryResult(query, MISSING, detail="no answer file") if answer is None
                           else _compare(query, answer, sql_rows, tolerance))
    return Comparison(tuple(out), tolerance, client_id, tuple(written))


def _answers(queries: Sequence[ManifestQuery], results: Path, allow_missing: bool) -> dict[str, Answer | None]:
    if not results.is_dir():
        raise InputError(report(MISSING_ANSWER, f"the results folder {results} does not exist",
                                SourceLocation(str(results))))
    found: dict[str, Answer | None] = {}
    missing = []
    for query in queries:
        path = find_answer(results, query.id)
        if path is None:
            missing.append(query.id)
            found[query.id] = None
            continue
        answer = read_answer(path)
        if len(answer.rows) >= ROW_LIMIT:
            raise InputError(report(REFUSED, f"the answer holds {len(answer.rows):,} rows, executeQueries' "
                                    "limit: it may be cut short, so it cannot be compared", SourceLocation(str(path))))
        found[query.id] = answer
    if missing and not allow_missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise InputError(report(MISSING_ANSWER, f"no answer for query {missing[0]}: expected "
                                f"{results / (missing[0] + '.json')} or .csv{more}; --allow-missing "
                                "compares the others", SourceLocation(str(results))))
    return found


def _statement(query: ManifestQuery, client_id: int, folder: Path) -> str:
    """The manifest's SQL for one client: a single SELECT, `{client_id}` replaced in names."""
    where = SourceLocation(str(folder / "manifest.json"))
    try:
        tree = sqlglot.parse_one(query.sql, dialect=DIALECT)
    except sqlglot.ParseError as err:
        raise InputError(report(BAD_MANIFEST, f"query {query.id}: the SQL does not parse: {err}", where))
    if not isinstance(tree, exp.Select):
        raise InputError(report(BAD_MANIFEST, f"query {query.id}: the SQL is not a single SELECT", where))

    def client(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Identifier) and CLIENT_PLACEHOLDER in node.name:
            return exp.to_identifier(node.name.replace(CLIENT_PLACEHOLDER, str(int(client_id))), quoted=True)
        return node

    return tree.transform(client).sql(dialect=DIALECT)


def _run(conn: psycopg.Connection, sql: str) -> list[tuple]:
    with conn.transaction(force_rollback=True):
        return conn.execute(sql).fetchall()


def _write_expected(folder: Path, query: ManifestQuery, sql_rows: list[tuple]) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    rows = expected_rows(query, sql_rows)
    name = f"{query.id}.json"
    (folder / name).write_text(response_text(rows), encoding="utf-8", newline="\n")
    return name


def expected_rows(query: ManifestQuery, sql_rows: Iterable[tuple]) -> list[dict[str, object]]:
    """SQL rows as Power BI would show them: SUMMARIZECOLUMNS leaves out BLANK rows."""
    if query.key is None:
        return [{VALUE_KEY: row[0]} for row in sql_rows] or [{}]
    return [{query.key: row[0], VALUE_KEY: row[1]} for row in sql_rows if row[1] is not None]


# ---------------------------------------------------------------- comparing one query


def _compare(query: ManifestQuery, answer: Answer, sql_rows: list[tuple], tolerance: float) -> QueryResult:
    key_name = column_key(query.key) if query.key else None
    value_name = column_key(VALUE_KEY)
    pbi: dict[object, tuple[object, object]] = {}
    for row in answer.rows:
        shown = row.get(key_name) if key_name else None
        value = _value(row.get(value_name), answer.textual)
        if value is None:
            continue
        pbi.setdefault(_group(shown, query.kind, answer.textual), (shown, value))
    sql: dict[object, tuple[object, object]] = {}
    for row in sql_rows:
        shown, value = (None, row[0]) if key_name is None else (row[0], row[1])
        value = _value(value, False)
        if value is None:
            continue
        sql.setdefault(_group(shown, query.kind, False), (shown, value))
    cells: list[Cell] = []
    matched = 0
    for group in sorted(set(pbi) | set(sql), key=_order):
        if group not in sql:
            cells.append(Cell("only_in_powerbi", pbi[group][0], pbi[group][1], None))
        elif group not in pbi:
            cells.append(Cell("only_in_sql", sql[group][0], None, sql[group][1]))
        elif agree(pbi[group][1], sql[group][1], tolerance):
            matched += 1
        else:
            cells.append(Cell("value_differs", pbi[group][0], pbi[group][1], sql[group][1]))
    return QueryResult(query, MISMATCH if cells else AGREE, matched, tuple(cells))


def _group(value: object, kind: str | None, textual: bool) -> object:
    """The join key of a dimension value, by the dimension's kind."""
    if value is None:
        return None
    if kind == "text":
        return str(value).casefold()
    if kind == "number":
        number = _number(value)
        return number if number is not None else str(value).casefold()
    if kind == "date":
        moment = _moment(value)
        return moment if moment is not None else str(value)
    if kind == "boolean":
        return _truth(value)
    return _value(value, textual)


def _order(group: object) -> tuple:
    return (group is not None, type(group).__name__, str(group))


def _value(value: object, textual: bool) -> object:
    """A cell as a comparable scalar: floats for numbers, datetimes for dates, else text/bool."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return _moment(value)
    if isinstance(value, str):
        if value.strip().casefold() in ("nan", "infinity", "-infinity", "inf", "-inf", "∞", "-∞"):
            return float(value.strip().replace("∞", "inf"))
        if textual:
            if (number := _number(value)) is not None:
                return number
            if value.casefold() in ("true", "false"):
                return value.casefold() == "true"
        return value
    return str(value)


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    try:
        return float(str(value).strip().replace(",", ""))
    except ValueError:
        return None


_DATE_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y")


def _moment(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = str(value).strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "")).replace(tzinfo=None)
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _truth(value: object) -> object:
    if isinstance(value, str) and value.casefold() in ("true", "false"):
        return value.casefold() == "true"
    return bool(value) if isinstance(value, (int, float, bool)) else value


def agree(a: object, b: object, tolerance: float = DEFAULT_TOLERANCE) -> bool:
    """BLANK = NULL, NaN = NaN, same infinity, numbers within the relative tolerance, text
    ignoring case, dates as moments."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return _truth(a) == _truth(b)
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if math.isinf(a) or math.isinf(b):
            return a == b
        return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)
    if isinstance(a, dt.datetime) or isinstance(b, dt.datetime):
        return _moment(a) == _moment(b)
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    return a == b


def _shown(value: object) -> object:
    """A cell for the report and JSON: dates as ISO text, NaN and infinities as text."""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, Decimal):
        return float(value)
    return value
