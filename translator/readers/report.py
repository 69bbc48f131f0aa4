"""Which exports hold a report: a PBIP `X.Report` folder, a pbi-tools folder's `Report/`, or
a .pbix/.pbit (its Report/Layout member). Reading one is report_formats.py's job: it is loaded
only when an export may hold a report, so a folder of models alone never loads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from translator.diagnostics import Diagnostic
from translator.model.layout import ReportLayout
from translator.readers.discover import REPORT_SUFFIX

__all__ = ["read_reports", "read_report"]


def read_reports(path: Path, models: Sequence[str]) -> tuple[list[ReportLayout], list[Diagnostic]]:
    """Every report in the exports at `path` (a folder of exports or one export), sorted by export.
    `models` are the exports that hold the models read (relative, posix): a report on one of them
    is built with it."""
    path = Path(path)
    if path.is_file():
        found = _report_at(path, path.parent, models)
        return ([found] if found else []), []
    if path.name.endswith(REPORT_SUFFIX) or not path.is_dir():
        found = _report_at(path, path.parent, models) if path.is_dir() else None
        return ([found] if found else []), []
    reports = [r for entry in sorted(path.iterdir(), key=lambda p: p.name)
               if not entry.name.startswith(".") and (r := _report_at(entry, path, models)) is not None]
    return sorted(reports, key=lambda r: r.export), []


def read_report(path: Path, root: Path, models: Sequence[str] = ()) -> ReportLayout | None:
    """One export's report, or None when the export holds none."""
    return _report_at(path, root, models)


def _report_at(entry: Path, root: Path, models: Sequence[str]) -> ReportLayout | None:
    export = entry.relative_to(root).as_posix()
    if entry.is_file() and entry.suffix.casefold() in (".pbix", ".pbit"):
        from translator.readers.report_formats import archive_report

        return archive_report(entry, export, models)
    if not entry.is_dir():
        return None
    if entry.name.endswith(REPORT_SUFFIX):
        from translator.readers.report_formats import report_folder

        return report_folder(entry, root, export, models)
    tools = entry / "Report"
    if (tools / "report.json").is_file() and (tools / "sections").is_dir():
        from translator.readers.report_formats import pbi_tools_report

        return pbi_tools_report(tools, root, name=entry.name, export=export,
                                model=export if export in models else None)
    return None
