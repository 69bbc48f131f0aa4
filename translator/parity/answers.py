"""Power BI's answers, read from the two shapes people get them in, and written in the first:

- the Execute Queries REST response, `RESULTS/<id>.json`:
  `{"results": [{"tables": [{"rows": [{"Table[Column]": ..., "[value]": ...}]}]}]}`.
  Fully qualified columns come back as `Table[Column]` (we also accept `'Table'[Column]`),
  computed ones as `[Name]`; a null is omitted unless the request asked `includeNulls`, so a
  missing key is BLANK; dates are ISO strings. An `error` beside `tables` is Power BI refusing
  the query (too many rows, a DAX error): an input problem, not an answer.
- DAX Studio's CSV export, `RESULTS/<id>.csv`: a header row with the same column names, then
  text cells; an empty cell is BLANK.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
import datetime as dt
from pathlib import Path
from typing import Any

from translator.diagnostics import InputError, SourceLocation, codes, report

MISSING_ANSWER = codes.PAR703  # no RESULTS/<id>.json or .csv for a query
BAD_ANSWER = codes.PAR704  # an answer file that is not an Execute Queries response or a CSV
REFUSED = codes.PAR705  # Power BI answered with an error (row limit, DAX error)


@dataclass(frozen=True, slots=True)
class Answer:
    """One query's rows: each row maps a normalised column key (see `column_key`) to its cell."""

    rows: tuple[dict[str, object], ...]
    path: str
    textual: bool = False  # cells are text (CSV): numbers and dates still to be read
    columns: tuple[str, ...] = ()  # a CSV's header (normalised keys); a JSON answer names only non-BLANK cells


def column_key(name: str) -> str:
    """`'Order Summary'[date]`, `Order Summary[date]` -> `order summary[date]`; `[value]` -> `[value]`."""
    name = name.strip()
    bracket = name.find("[")
    if bracket <= 0:
        return name.casefold()
    table = name[:bracket].strip()
    if len(table) >= 2 and table[0] == table[-1] == "'":
        table = table[1:-1].replace("''", "'")
    return f"{table}{name[bracket:]}".casefold()


def find_answer(results: Path, query_id: str) -> Path | None:
    for suffix in (".json", ".csv"):
        path = results / f"{query_id}{suffix}"
        if path.is_file():
            return path
    return None


def read_answer(path: Path) -> Answer:
    where = SourceLocation(str(path))
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(report(BAD_ANSWER, f"cannot read the answer: {err}", where))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _utf16(raw, where)
    if path.suffix.casefold() == ".csv":
        header, rows = _csv_rows(text, where)
        return Answer(rows, str(path), textual=True, columns=header)
    return Answer(_json_rows(text, where), str(path))


def _utf16(raw: bytes, where: SourceLocation) -> str:
    # DAX Studio can save UTF-16 with a byte order mark
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    raise InputError(report(BAD_ANSWER, "the answer is neither UTF-8 nor UTF-16 text", where))


def _json_rows(text: str, where: SourceLocation) -> tuple[dict[str, object], ...]:
    try:
        data = json.loads(text, parse_constant=_constant)
    except ValueError as err:
        raise InputError(report(BAD_ANSWER, f"the answer is not JSON: {err}", where))
    if isinstance(data, Mapping) and isinstance(data.get("error"), Mapping):
        raise InputError(report(REFUSED, f"Power BI refused the query: {_message(data['error'])}", where))
    results = data.get("results") if isinstance(data, Mapping) else None
    if not isinstance(results, list) or len(results) != 1 or not isinstance(results[0], Mapping):
        raise InputError(report(BAD_ANSWER, "not an Execute Queries response: expected "
                                "{\"results\": [{\"tables\": [{\"rows\": [...]}]}]} with one result", where))
    result = results[0]
    if result.get("error") is not None:
        raise InputError(report(REFUSED, f"Power BI refused the query: {_message(result['error'])}", where))
    tables = result.get("tables")
    if not isinstance(tables, list) or len(tables) != 1 or not isinstance(tables[0], Mapping):
        raise InputError(report(BAD_ANSWER, "expected exactly one table in the result "
                                "(executeQueries answers one table per query)", where))
    rows = tables[0].get("rows", [])
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        raise InputError(report(BAD_ANSWER, "\"rows\" must be a list of objects", where))
    return tuple({column_key(k): v for k, v in row.items() if v is not None} for row in rows)


def _constant(name: str) -> float:
    return float(name)  # NaN, Infinity, -Infinity: Python's json writes them bare


def _message(err: object) -> str:
    if isinstance(err, Mapping):
        parts = [str(err[k]) for k in ("code", "message") if err.get(k)]
        inner = err.get("pbi.error")
        details = inner.get("details") if isinstance(inner, Mapping) else None
        for item in details if isinstance(details, list) else ():
            detail = item.get("detail") if isinstance(item, Mapping) else None
            if isinstance(detail, Mapping) and detail.get("value"):
                parts.append(str(detail["value"]))
        return ("; ".join(parts) or json.dumps(err, sort_keys=True, default=str))[:300]
    return str(err)[:300]


def _csv_rows(text: str, where: SourceLocation) -> tuple[tuple[str, ...], tuple[dict[str, object], ...]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(report(BAD_ANSWER, "the CSV is empty (expected a header row)", where))
    except csv.Error as err:
        raise InputError(report(BAD_ANSWER, f"the CSV does not parse: {err}", where))
    keys = [column_key(name) for name in header]
    rows = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not cells:
                continue
            if len(cells) != len(keys):
                raise InputError(report(BAD_ANSWER, f"row {number} has {len(cells)} cells, the header "
                                        f"{len(keys)}", SourceLocation(where.file, number)))
            rows.append({k: c for k, c in zip(keys, cells) if c != ""})
    except csv.Error as err:
        raise InputError(report(BAD_ANSWER, f"the CSV does not parse: {err}", where))
    return tuple(keys), tuple(rows)


# ---------------------------------------------------------------- writing the same shape


def response(rows: Sequence[Mapping[str, object]]) -> dict[str, Any]:
    """Rows as an Execute Queries response: nulls omitted, dates as ISO strings, NaN and the
    infinities as the strings "NaN", "Infinity", "-Infinity" (JSON has no literal for them)."""
    return {"results": [{"tables": [{"rows": [
        {key: _json_cell(value) for key, value in row.items() if value is not None} for row in rows
    ]}]}]}


def response_text(rows: Sequence[Mapping[str, object]]) -> str:
    return json.dumps(response(rows), indent=2, ensure_ascii=False) + "\n"


def _json_cell(value: object) -> object:
    if isinstance(value, bool) or isinstance(value, (int, str)):
        return value
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day).isoformat(timespec="seconds")
    return str(value)
