"""The completeness rule: every input measure is in the report exactly once, and the report agrees
with the catalog about where it went."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from translator.catalog.diagnostics import CAT_INCOMPLETE
from translator.catalog.rows import Catalog, Placement, Status
from translator.compile.translation import CompiledModel
from translator.diagnostics import Diagnostic, report



def check_completeness(compiled: Sequence[CompiledModel], catalog: Catalog) -> list[Diagnostic]:
    """CAT313 errors for every way the report fails to account for the input measures."""
    problems: list[str] = []
    expected = Counter(
        (c.export, m.table.casefold(), m.name.casefold()) for c in compiled for m in c.model.measures
    )
    listed = Counter((e.export, e.table.casefold(), e.measure.casefold()) for e in catalog.report)
    missing, extra = (expected - listed, listed - expected) if listed != expected else ((), ())
    for ident in sorted(missing):
        problems.append(f"measure {_show(ident)} is missing from the report")
    for ident in sorted(extra):
        if ident in expected:
            problems.append(f"measure {_show(ident)} is listed {listed[ident]} times")
        else:
            problems.append(f"the report lists {_show(ident)}, which is not an input measure")
    metric_keys = {m.metric_key for m in catalog.metrics}
    placed = set()
    for e in catalog.report:
        if not isinstance(e.status, Status) or not isinstance(e.placement, Placement):
            problems.append(f"{_show((e.export, e.table, e.measure))} has status {e.status!r} placement {e.placement!r}")
        if e.placement == Placement.METRIC:
            placed.add(e.metric_key)
            if e.metric_key not in metric_keys:
                problems.append(f"{_show((e.export, e.table, e.measure))} is placed as metric "
                                f"'{e.metric_key}', which the catalog does not have")
        elif e.placement == Placement.VARIANT and e.metric_key not in metric_keys:
            problems.append(f"{_show((e.export, e.table, e.measure))} is a variant of '{e.metric_key}', "
                            "which the catalog does not have")
    for key in sorted(metric_keys - placed):
        problems.append(f"metric '{key}' comes from no measure in the report")
    return [report(CAT_INCOMPLETE, p) for p in problems]


def _show(ident: tuple[str, str, str]) -> str:
    export, table, measure = ident
    return f"{export}: '{table}'[{measure}]"
