"""Who a catalog problem is about: the measure behind a row, named so a person can find it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from translator.catalog.columns import SeedTable
from translator.catalog.rows import Catalog, Placement, ReportEntry
from translator.diagnostics import SourceLocation


@dataclass(frozen=True, slots=True)
class Subject:
    text: str  # e.g. metric 'approval_rate' (measure 'Sales'[Approval Rate] in sales.pbix)
    location: SourceLocation | None


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def visible(text: str) -> str:
    """`text` on one line: control characters shown as escapes, everything else as is."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def describe(table: str, measure: str, export: str) -> str:
    return f"measure '{visible(table)}'[{visible(measure)}] in {visible(export)}"


def describe_measure(entry: ReportEntry) -> str:
    return describe(entry.table, entry.measure, entry.export)


def row_subject(table: SeedTable, row: object, measure: str | None = None,
                location: SourceLocation | None = None) -> Subject:
    """A row named by its natural key; a metric's rows also by `measure` (see `describe`)."""
    key = {name: getattr(row, name) for name in table.key}
    if "metric_key" in key:
        others = ", ".join(f"{k} {v!r}" for k, v in key.items() if k != "metric_key")
        text = f"metric {key['metric_key']!r}"
        if table.name != "metrics":
            text = f"{table.name} row of metric {key['metric_key']!r}" + (f" ({others})" if others else "")
        return Subject(f"{text} ({measure})" if measure else text, location if measure else None)
    keys = ", ".join(f"{k} {v!r}" for k, v in key.items())
    return Subject(f"{table.name} row ({keys})", None)


class Subjects:
    """Names catalog rows after the measures that produced them."""

    def __init__(self, catalog: Catalog):
        self._by_metric: dict[str, ReportEntry] = {}
        # A metric's own measure wins over measures placed as its variants.
        ranked = sorted(catalog.report, key=lambda e: (e.placement != Placement.METRIC, e.export,
                                                       e.table, e.measure))
        for entry in ranked:
            if entry.metric_key is not None:
                self._by_metric.setdefault(entry.metric_key, entry)

    def row(self, table: SeedTable, row: object) -> Subject:
        metric_key = getattr(row, "metric_key", None) if "metric_key" in table.key else None
        entry = self._by_metric.get(metric_key) if metric_key is not None else None
        if entry is None:
            return row_subject(table, row)
        return row_subject(table, row, describe_measure(entry), entry.location)
