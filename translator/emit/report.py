"""translation_report.md and .json: every input measure, where it went and why.

Both files list the same entries in the same order (export, table, measure, location), so a
regeneration's git diff shows exactly the measures that changed. The markdown is for reviewers;
the JSON is the same content for tools.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass

from translator.catalog.rows import Catalog, ReportEntry
from translator.emit.columns import SEED_TABLES
from translator.emit.checks import rows
from translator.emit.templates import render_template

STATUSES = ("exact", "approximate", "untranslated", "parse_error", "manual")
PLACEMENTS = ("metric", "variant", "untranslated")

_BACKTICKS = re.compile(r"`+")
_LINE_BREAKS = re.compile(r"[\r\n\t]+")


def ordered_entries(catalog: Catalog) -> list[ReportEntry]:
    return sorted(catalog.report, key=lambda e: (e.export, e.table, e.measure,
                                                 e.location or "", e.dax))


def _counts(values: list[str], known: tuple[str, ...]) -> dict[str, int]:
    counted = Counter(values)
    names = [*known, *sorted(set(counted) - set(known))]
    return {name: counted.get(name, 0) for name in names}


def summary(catalog: Catalog) -> dict[str, object]:
    entries = catalog.report
    return {
        "measures": len(entries),
        "by_status": _counts([e.status for e in entries], STATUSES),
        "by_placement": _counts([e.placement for e in entries], PLACEMENTS),
        "catalog_rows": {t.name: len(rows(catalog, t)) for t in SEED_TABLES},
    }


def _entry_json(entry: ReportEntry) -> dict[str, object]:
    return {
        "export": entry.export,
        "table": entry.table,
        "measure": entry.measure,
        "location": entry.location,
        "status": entry.status,
        "placement": entry.placement,
        "metric_key": entry.metric_key,
        "dax": entry.dax,
        "sql": entry.sql,
        "sql_emitted": sql_emitted(entry),
        "reasons": list(entry.reasons),
        "overridden_columns": list(entry.overridden_columns),
        "accepted": entry.accepted,
        "variants": [{"toggle": t, "option": o, "sql": sql} for t, o, sql in entry.variants],
    }


def sql_emitted(entry: ReportEntry) -> bool:
    """Whether entry.sql went into the seed as a metric's SQL (approximate SQL does only once
    the mapping file accepts it). A measure placed as a variant is seeded as its parent
    metric's variant row, which the parent's entry lists."""
    return entry.sql is not None and entry.placement == "metric"


def render_json(catalog: Catalog) -> str:
    payload = {"summary": summary(catalog),
               "measures": [_entry_json(e) for e in ordered_entries(catalog)]}
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- markdown -------------------------------------------------------------------------------

def code_span(text: str) -> str:
    """`text` as a markdown code span that no backtick or line break inside can end early."""
    flat = _LINE_BREAKS.sub(" ", text)
    longest = max((len(run) for run in _BACKTICKS.findall(flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat.strip() else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def fence_for(text: str) -> str:
    """A code fence longer than any backtick run in `text` (CommonMark closes on >= length)."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    return "`" * max(3, longest + 1)


def _sql_title(entry: ReportEntry) -> str:
    if entry.sql is None:
        return "SQL: none"
    emitted = sql_emitted(entry)
    if entry.status == "approximate" and not emitted:
        return "Proposed SQL (approximate; not emitted until the mapping file accepts it by name)"
    if entry.status == "approximate":
        return "SQL (approximate, accepted by the mapping file)"
    return "SQL" if emitted else "SQL (not emitted)"


@dataclass(frozen=True, slots=True)
class Block:
    title: str
    fence: str
    language: str
    text: str


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    facts: tuple[tuple[str, str], ...]
    blocks: tuple[Block, ...]


def _section(entry: ReportEntry) -> Section:
    facts = [
        ("Status", entry.status + (" (accepted)" if entry.accepted else "")),
        ("Placement", entry.placement),
        ("Metric key", code_span(entry.metric_key) if entry.metric_key else "none"),
        ("Location", code_span(entry.location) if entry.location else "unknown"),
        ("Export", code_span(entry.export)),
    ]
    if entry.overridden_columns:
        facts.append(("CALCULATE replaces outer filters on",
                      ", ".join(code_span(c) for c in entry.overridden_columns)))
    blocks = [Block("DAX", fence_for(entry.dax), "dax", entry.dax)]
    if entry.sql is not None:
        blocks.append(Block(_sql_title(entry), fence_for(entry.sql), "sql", entry.sql))
    for toggle, option, sql in entry.variants:
        blocks.append(Block(f"Variant {code_span(f'{toggle} = {option}')}", fence_for(sql), "sql", sql))
    if entry.reasons:
        text = "\n".join(entry.reasons)
        blocks.append(Block("Reasons", fence_for(text), "text", text))
    name = f"'{entry.table}'[{entry.measure}]"
    # No running numbers: adding one measure must not change every later heading in the diff.
    heading = code_span(name)
    return Section(heading, tuple(facts), tuple(blocks))


def render_markdown(catalog: Catalog) -> str:
    entries = ordered_entries(catalog)
    facts = summary(catalog)
    sections = [_section(e) for e in entries]
    return render_template("translation_report.md.j2", summary=facts, sections=sections)
