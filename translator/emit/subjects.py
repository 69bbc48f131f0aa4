"""Who a build error is about: the measure behind a catalog row, named so a person can find it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from translator.catalog.rows import Catalog, ReportEntry
from translator.diagnostics import SourceLocation
from translator.emit.columns import SeedTable

_LOCATION = re.compile(r"^(?P<file>.*?)(?::(?P<line>\d+))?(?::(?P<column>\d+))?$", re.S)


@dataclass(frozen=True, slots=True)
class Subject:
    text: str  # e.g. metric 'approval_rate' (measure 'Sales'[Approval Rate] in sales.pbix)
    location: SourceLocation | None


def parse_location(text: str | None) -> SourceLocation | None:
    """'file:line[:column]' as the report stores it, back into a SourceLocation."""
    if not text:
        return None
    match = _LOCATION.match(text)
    assert match is not None  # the pattern matches every string
    line, column = match["line"], match["column"]
    return SourceLocation(match["file"], int(line) if line else None,
                          int(column) if column else None)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def visible(text: str) -> str:
    """`text` on one line: control characters shown as escapes, everything else as is."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def describe_measure(entry: ReportEntry) -> str:
    return f"measure '{visible(entry.table)}'[{visible(entry.measure)}] in {visible(entry.export)}"


class Subjects:
    """Names catalog rows after the measures that produced them."""

    def __init__(self, catalog: Catalog):
        self._by_metric: dict[str, ReportEntry] = {}
        # A metric's own measure wins over measures placed as its variants.
        ranked = sorted(catalog.report, key=lambda e: (e.placement != "metric", e.export,
                                                       e.table, e.measure))
        for entry in ranked:
            if entry.metric_key is not None:
                self._by_metric.setdefault(entry.metric_key, entry)

    def metric(self, metric_key: str, what: str | None = None) -> Subject:
        text = what or f"metric {metric_key!r}"
        entry = self._by_metric.get(metric_key)
        if entry is None:
            return Subject(text, None)
        return Subject(f"{text} ({describe_measure(entry)})", parse_location(entry.location))

    def row(self, table: SeedTable, row: object) -> Subject:
        key = {name: getattr(row, name) for name in table.key}
        if "metric_key" in key:
            others = ", ".join(f"{k} {v!r}" for k, v in key.items() if k != "metric_key")
            what = f"{table.name} row of metric {key['metric_key']!r}" + (
                f" ({others})" if others else "")
            if table.name == "metrics":
                what = None
            return self.metric(key["metric_key"], what)
        keys = ", ".join(f"{k} {v!r}" for k, v in key.items())
        return Subject(f"{table.name} row ({keys})", None)
