"""The translation report's "Report pages" part: what became of every Power BI visual.

One subsection per report page, in report order: the template it became (or why none), and a
table of its visuals as converted, partly converted (the fields with no catalog counterpart and
why) or not converted (why). The JSON carries the same under `report_pages`, with the counts of
the template pages' visuals (the template rows themselves are under `catalog.report_templates`).
"""

from __future__ import annotations

import re
from collections import Counter

from translator.catalog.rows import Catalog, Conversion, PageAccount
from translator.emit.report import PARTS, Part, code_span

PART_KEY = "report_pages"
_LINE_BREAKS = re.compile(r"[\r\n\t]+")


def visual_counts(pages: tuple[PageAccount, ...]) -> dict[str, int]:
    """Visuals of the pages that became templates, by what became of them."""
    counted = Counter(v.status for p in pages if p.template_key for v in p.visuals)
    return {status.value: counted.get(status, 0) for status in Conversion}


def _page_json(page: PageAccount) -> dict[str, object]:
    return {
        "export": page.export,
        "report": page.report,
        "format": page.format,
        "page": page.page,
        "template_key": page.template_key,
        "excluded": page.excluded,
        "location": str(page.location) if page.location else None,
        "visuals": [{"visual": v.visual, "visual_type": v.visual_type, "status": v.status.value,
                     "widget_type": v.widget_type, "title": v.title, "missing": list(v.missing),
                     "reason": v.reason} for v in page.visuals],
    }


def _cell(text: str) -> str:
    """Text for a markdown table cell: one line, pipes escaped."""
    return _LINE_BREAKS.sub(" ", text).replace("|", "\\|")


def _page_lines(page: PageAccount) -> list[str]:
    lines = ["", f"### Page {code_span(page.page)}", "",
             f"- Report: {code_span(page.report)} ({page.format}, {code_span(page.export)})",
             f"- Template: {code_span(page.template_key)}" if page.template_key else f"- Template: none ({page.excluded})"]
    if page.location:
        lines.append(f"- Location: {code_span(str(page.location))}")
    lines.append("")
    if not page.visuals:
        lines.append("No visuals.")
        return lines
    lines += ["| Visual | Type | Status | Widget | Missing fields / why |", "| --- | --- | --- | --- | --- |"]
    for v in page.visuals:
        name = code_span(v.visual) + (f" {_cell(v.title)}" if v.title else "")
        why = _cell("; ".join(v.missing) or v.reason or "")
        lines.append(f"| {name} | {code_span(v.visual_type or 'group')} | {v.status.value.replace('_', ' ')} | "
                     f"{v.widget_type or 'none'} | {why} |")
    return lines


def report_pages(catalog: Catalog) -> Part | None:
    if not catalog.pages:
        return None
    counts = visual_counts(catalog.pages)
    lines = [f"{len(catalog.pages)} report pages read, {len(catalog.report_templates)} report templates made. "
             "Visuals of the pages that became templates:", "",
             "| Visuals | Count |", "| --- | ---: |",
             *(f"| {status.replace('_', ' ')} | {count} |" for status, count in counts.items())]
    for page in catalog.pages:
        lines += _page_lines(page)
    data = {"visuals": counts, "pages": [_page_json(p) for p in catalog.pages]}
    return Part(PART_KEY, "Report pages", tuple(lines), data)


PARTS.append(report_pages)
