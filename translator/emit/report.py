"""translation_report.md and .json: every input measure, where it went and why.

The report reads top-down for a reviewer: the summary (one consistent definition of the counts),
then what needs attention (untranslated measures grouped by root cause, approximations awaiting
acceptance, each with its fix), then the extra parts other stages contribute (`PARTS`), then a
table of contents and one section per measure. Both files list the measures in the same order
(export, table, measure, location), so a regeneration's git diff shows exactly the measures that
changed. The JSON is the same content for tools (docs/json-schema.md).

To add a part, append a function to `PARTS`: it takes the catalog and returns a `Part` (or None
when it has nothing to say); the part appears in both files, in the order of `PARTS`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from translator.catalog.attention import Attention, fix_for, label, needs_attention, split_reason
from translator.catalog.columns import SEED_TABLES
from translator.catalog.naming import snake_case
from translator.catalog.rows import Catalog, Placement, ReportEntry, Status
from translator.compile.timeintel import KINDS
from translator.diagnostics import codes
from translator.emit import json_text
from translator.emit.templates import render_template

SCHEMA_VERSION = 1  # of translation_report.json and every --format json payload (docs/json-schema.md)
STATUSES = tuple(Status)
PLACEMENTS = tuple(Placement)

_BACKTICKS = re.compile(r"`+")
_LINE_BREAKS = re.compile(r"[\r\n\t]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def ordered_entries(catalog: Catalog) -> list[ReportEntry]:
    for kept, entries in _SORTED:
        if kept is catalog:
            return list(entries)
    return sorted(catalog.report, key=lambda e: (e.export, e.table, e.measure,
                                                 _location(e), e.dax))


_SORTED: list[tuple[Catalog, tuple[ReportEntry, ...]]] = []  # the catalog being rendered, its entries in order


@contextmanager
def entries_sorted_once(catalog: Catalog) -> Iterator[None]:
    """While emit renders `catalog`, ordered_entries sorts its entries once instead of once per
    section and file (eight times, 0.04 s on the 47-fold sample); nothing is kept afterwards."""
    item = (catalog, tuple(ordered_entries(catalog)))
    _SORTED.append(item)
    try:
        yield
    finally:
        del _SORTED[next(i for i, kept in enumerate(_SORTED) if kept is item)]


def _location(entry: ReportEntry) -> str:
    return str(entry.location) if entry.location else ""


def _counts(values: list[str], known: tuple[str, ...]) -> dict[str, int]:
    counted = Counter(values)
    names = [*known, *sorted(set(counted) - set(known))]
    return {name: counted.get(name, 0) for name in names}


def summary(catalog: Catalog) -> dict[str, object]:
    """Counts by status (what the translation is) and by placement (where it went in the
    catalog); the cross table reconciles the two: an approximate measure the mapping file has not
    accepted is `approximate` by status and `untranslated` (not in the catalog) by placement."""
    entries = catalog.report
    statuses = _counts([e.status for e in entries], STATUSES)
    return {
        "measures": len(entries),
        "by_status": statuses,
        "by_placement": _counts([e.placement for e in entries], PLACEMENTS),
        "by_status_and_placement": {
            status: _counts([e.placement for e in entries if e.status == status], PLACEMENTS)
            for status in statuses
        },
        "catalog_rows": {t.name: len(t.rows(catalog)) for t in SEED_TABLES},
        "time_intelligence_by_kind": _counts([use["kind"] for e in entries for use in e.time_intelligence], KINDS),
    }


@dataclass(frozen=True, slots=True)
class Part:
    """A part of the report between "Needs attention" and the measures: a markdown section
    (title and body lines) and the same content as a JSON value under `key`."""

    key: str
    title: str
    lines: tuple[str, ...]
    data: object


# Parts other stages contribute (presentation measures, time intelligence, report pages, ...).
PARTS: list[Callable[[Catalog], Part | None]] = []


def _not_metrics(catalog: Catalog) -> Part | None:
    """Presentation measures (colours, images, URLs, labels) and constants: never seeded."""
    entries = [e for e in ordered_entries(catalog) if e.status in ("presentation", "constant")]
    if not entries:
        return None
    lines = ["Not metrics, so never seeded: text for the report's look, and constant values (a measure",
             "that uses a constant gets its value inlined).", "",
             "| Measure | Status | What |", "| --- | --- | --- |"]
    data = []
    for e in entries:
        what = e.presentation if e.status == "presentation" else e.constant
        lines.append(f"| {code_span(label(e)).replace('|', chr(92) + '|')} | {e.status} | {plain(what or '')} |")
        data.append({"export": e.export, "table": e.table, "measure": e.measure, "status": e.status,
                     "presentation": e.presentation, "constant": e.constant})
    return Part("not_metrics", "Presentation measures and constants", tuple(lines), data)


def _time_intelligence(catalog: Catalog) -> Part | None:
    """Time intelligence, inventoried (still untranslated): what a time-comparison feature must cover."""
    uses = [(e, use) for e in ordered_entries(catalog) for use in e.time_intelligence]
    if not uses:
        return None
    counts = _counts([use["kind"] for _, use in uses], KINDS)
    lines = ["Untranslated: one aggregate over the report's rows cannot read other dates' rows. Each use,",
             "as data, is in translation_report.json under `time_intelligence`.", "",
             "| Kind | Uses |", "| --- | ---: |", *(f"| {kind} | {n} |" for kind, n in counts.items()), "",
             "| Measure | Kind | Function | Base | Date column | Period | Offset |",
             "| --- | --- | --- | --- | --- | --- | ---: |"]
    for entry, use in uses:
        cells = [code_span(str(use[k])).replace("|", chr(92) + "|") if use[k] is not None else ""
                 for k in ("function", "base", "date_column", "period", "offset")]
        lines.append(f"| {code_span(label(entry)).replace('|', chr(92) + '|')} | {use['kind']} | " + " | ".join(cells) + " |")
    data = {"by_kind": counts,
            "uses": [{"export": e.export, "table": e.table, "measure": e.measure, **use} for e, use in uses]}
    return Part("time_intelligence", "Time intelligence", tuple(lines), data)


def _lookup_columns(catalog: Catalog) -> Part | None:
    """Measures a lookup column in the fact's view would make exact, grouped by the columns:
    "adding 'Campaigns'[campaign_type] to the view of 'Order Summary' unlocks 7", with the
    mapping lines that declare it."""
    groups: dict[tuple[str, tuple[str, ...]], list[ReportEntry]] = {}
    for entry in ordered_entries(catalog):
        if entry.lookups and entry.lookup_fact:
            groups.setdefault((entry.lookup_fact, entry.lookups), []).append(entry)
    if not groups:
        return None
    ordered = sorted(groups.items(), key=lambda g: (-len(g[1]), g[0]))
    lines = ["Untranslated measures (CMP240) that filter through an active many-to-one relationship, or",
             "read a lookup column with RELATED: they are exact once the fact's view carries the lookup",
             "column(s), LEFT JOINed on the relationship's key (NULL where no row matches), and the mapping",
             "file declares them (docs/mapping.md, lookup_columns). The lines to add are under each group;",
             "name the view column as the view names it.", ""]
    data = []
    for (fact, columns), entries in ordered:
        names = ", ".join(code_span(label(e)) for e in entries)
        shown = ", ".join(code_span(c) for c in columns)
        declaration = _declaration(fact, columns)
        lines.append(f"- adding {shown} to the view of {code_span(fact)} unlocks **{len(entries)}**: {names}")
        lines += ["", "  ```toml", *(f"  {line}" for line in declaration), "  ```", ""]
        data.append({"fact_table": fact, "columns": list(columns), "unlocks": len(entries),
                     "measures": [e.measure for e in entries], "declaration": "\n".join(declaration)})
    if lines[-1] == "":
        lines.pop()
    return Part("lookup_columns", "Lookup columns", tuple(lines), data)


def _declaration(fact: str, columns: tuple[str, ...]) -> list[str]:
    """The mapping file lines declaring `columns` ('Dim'[c]) for the view of `fact`, each view
    column named as the model column in snake_case."""
    lines = [f"[sources.{json.dumps(fact)}.lookup_columns]"]
    for column in columns:
        view = snake_case(column[column.rindex("[") + 1:-1])
        lines.append(f"{json.dumps(column)} = {json.dumps(view if view[0].isalpha() else 'c_' + view)}")
    return lines


PARTS.extend([_not_metrics, _time_intelligence, _lookup_columns])


def _parts(catalog: Catalog) -> list[Part]:
    return [part for make in PARTS if (part := make(catalog)) is not None]


def reason_json(reason: str, measure: str) -> dict[str, object]:
    code, message = split_reason(reason)
    return {"code": code, "message": message, "fix": fix_for(code, measure)}


def _entry_json(entry: ReportEntry) -> dict[str, object]:
    return {
        "export": entry.export,
        "table": entry.table,
        "measure": entry.measure,
        "location": _location(entry) or None,
        "status": entry.status,
        "placement": entry.placement,
        "metric_key": entry.metric_key,
        "dax": entry.dax,
        "sql": entry.sql,
        "sql_emitted": sql_emitted(entry),
        "reasons": [reason_json(r, entry.measure) for r in entry.reasons],
        "overridden_columns": list(entry.overridden_columns),
        "accepted": entry.accepted,
        "variants": [{"toggle": t, "option": o, "sql": sql} for t, o, sql in entry.variants],
        "presentation": entry.presentation,
        "constant": entry.constant,
        "time_intelligence": list(entry.time_intelligence),
        "blocked_by": entry.blocked_by,
        "lookups": list(entry.lookups),
    }


def sql_emitted(entry: ReportEntry) -> bool:
    """Whether entry.sql went into the seed as a metric's SQL (approximate SQL does only once
    the mapping file accepts it). A measure placed as a variant is seeded as its parent
    metric's variant row, which the parent's entry lists."""
    return entry.sql is not None and entry.placement == Placement.METRIC


def catalog_rows(catalog: Catalog) -> dict[str, list[dict[str, object]]]:
    """Every row the seed writes, per table, sorted by natural key: what `translator diff`
    compares with a build now."""
    found = {}
    for table in SEED_TABLES:
        listed = [{c: getattr(row, c) for c in table.column_names} for row in table.rows(catalog)]
        found[table.name] = sorted(listed, key=lambda r: tuple(str(r[c]) for c in table.key))
    return found


def render_json(catalog: Catalog) -> str:
    payload: dict[str, object] = {
        "schema_version": SCHEMA_VERSION,
        "kind": "translation_report",
        "summary": summary(catalog),
        "needs_attention": needs_attention(catalog.report, catalog.mapping_problems).to_json(),
        "measures": [_entry_json(e) for e in ordered_entries(catalog)],
        "catalog": catalog_rows(catalog),
    }
    for part in _parts(catalog):
        payload[part.key] = part.data
    return json_text.dumps(payload) + "\n"


# --- markdown -------------------------------------------------------------------------------

def code_span(text: str) -> str:
    """`text` as a markdown code span that no backtick or line break inside can end early."""
    flat = text if text.isprintable() else _LINE_BREAKS.sub(" ", text)  # line breaks, tabs: not printable
    if "`" not in flat:  # most text: one backtick each side
        return f"` {flat} `" if not flat.strip() else f"`{flat}`"
    fence = "`" * (_longest_backticks(flat) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat.strip() else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def fence_for(text: str) -> str:
    """A code fence longer than any backtick run in `text` (CommonMark closes on >= length)."""
    return "`" * max(3, _longest_backticks(text) + 1) if "`" in text else "```"


def _longest_backticks(text: str) -> int:
    return max((len(run) for run in _BACKTICKS.findall(text)), default=0)


def plain(text: str) -> str:
    """Text on one line, with the characters markdown would read as markup escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~])", r"\\\1", " ".join(text.split()))


def _sql_title(entry: ReportEntry) -> str:
    if entry.sql is None:
        return "SQL: none"
    emitted = sql_emitted(entry)
    if entry.status == Status.APPROXIMATE and not emitted:
        return "Proposed SQL (approximate; not emitted until the mapping file accepts it by name)"
    if entry.status == Status.APPROXIMATE:
        return "SQL (approximate, accepted by the mapping file)"
    return "SQL" if emitted else "SQL (not emitted)"


class Block(NamedTuple):
    """A fenced block of a measure's section (a tuple: the template unpacks it)."""

    title: str
    fence: str
    language: str
    text: str


class Section(NamedTuple):
    """A measure's section of translation_report.md (a tuple: the template unpacks it)."""

    anchor: str
    heading: str
    facts: tuple[tuple[str, str], ...]
    blocks: tuple[Block, ...]


def anchors(entries: list[ReportEntry]) -> dict[int, str]:
    """A stable HTML anchor per entry (no running numbers: adding a measure renames no other
    anchor, except a later entry whose name folds to the same slug)."""
    several = len({e.export for e in entries}) > 1
    taken: set[str] = set()
    found: dict[int, str] = {}
    for entry in entries:
        words = [entry.export] if several else []
        base = "m-" + (_NOT_SLUG.sub("-", " ".join([*words, entry.table, entry.measure]).casefold()).strip("-") or "x")
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        found[id(entry)] = slug
    return found


def _fix(entry: ReportEntry) -> str | None:
    """The fix of an entry that needs one: the first reason that has a fix."""
    if entry.status not in ("untranslated", "parse_error") and not (
            entry.status == "approximate" and not entry.accepted):
        return None
    for reason in entry.reasons:
        fix = fix_for(split_reason(reason)[0], entry.measure)
        if fix is not None:
            return fix
    return None


def _section(entry: ReportEntry, anchor: str) -> Section:
    facts = [
        ("Status", entry.status + (" (accepted)" if entry.accepted else "")),
        ("Placement", entry.placement),
        ("Metric key", code_span(entry.metric_key) if entry.metric_key else "none"),
        ("Location", code_span(_location(entry)) if entry.location else "unknown"),
        ("Export", code_span(entry.export)),
    ]
    if entry.overridden_columns:
        facts.append(("CALCULATE replaces outer filters on",
                      ", ".join(code_span(c) for c in entry.overridden_columns)))
    fix = _fix(entry)
    if fix is not None:
        facts.append(("Fix", code_span(fix)))
    blocks = [Block("DAX", fence_for(entry.dax), "dax", entry.dax)]
    if entry.sql is not None:
        blocks.append(Block(_sql_title(entry), fence_for(entry.sql), "sql", entry.sql))
    for toggle, option, sql in entry.variants:
        blocks.append(Block(f"Variant {code_span(f'{toggle} = {option}')}", fence_for(sql), "sql", sql))
    if entry.reasons:
        text = "\n".join(entry.reasons)
        blocks.append(Block("Reasons", fence_for(text), "text", text))
    return Section(anchor, code_span(label(entry)), tuple(facts), tuple(blocks))


def _link(name: str, anchor: str | None) -> str:
    return f"[{code_span(name)}](#{anchor})" if anchor else code_span(name)


def _attention_lines(attention: Attention, where: dict[str, str]) -> list[str]:
    lines: list[str] = []
    if not attention:
        return ["Nothing: every measure is in the catalog."]
    if attention.untranslated:
        lines += ["### Untranslated, by root cause", "",
                  f"{attention.untranslated_count} measures are not in the catalog. Each line is one root "
                  "cause with the measures it keeps out; fixing a root brings in the measures blocked "
                  "through it.", ""]
        for group in attention.untranslated:
            roots = ", ".join(_link(m, where.get(m)) for m in group.roots)
            lines.append(f"- **{group.count}** × {code_span(group.code)} {plain(group.message)}")
            lines.append(f"  - Measures: {roots}" if roots else "  - Measures: none of their own")
            if group.blocked:
                lines.append(f"  - Blocked through them: {', '.join(_link(m, where.get(m)) for m in group.blocked)}")
            lines.append(f"  - Fix: {code_span(group.fix)}")
    if attention.awaiting:
        if lines:
            lines.append("")
        lines += ["### Approximate, awaiting acceptance", "",
                  f"{len(attention.awaiting)} approximate translations are not in the catalog until the "
                  "mapping file accepts them by name, after review.", ""]
        for item in attention.awaiting:
            lines.append(f"- {_link(item.measure, where.get(item.measure))} {code_span(item.code)} {plain(item.message)}")
            lines.append(f"  - Fix: {code_span(item.fix)}")
    if attention.mapping:
        if lines:
            lines.append("")
        lines += ["### Mapping problems", "",
                  f"{len(attention.mapping)} problem(s) in the mapping file.", ""]
        for problem in attention.mapping:
            where = f"{problem.file}:{problem.line}" if problem.line else problem.file
            lines.append(f"- {code_span(where)} {code_span(problem.code)} {plain(problem.message)}")
            lines += [f"  - {plain(note)}" for note in problem.notes]
            if problem.code in codes.REGISTRY:
                lines.append(f"  - Fix: {code_span(codes.lookup(problem.code).fix)}")
    return lines


def _contents(entries: list[ReportEntry], found: dict[int, str]) -> list[str]:
    """Each table, then its measures as links to their sections, one per line (so adding a
    measure adds one line to the diff)."""
    several = len({e.export for e in entries}) > 1
    lines: list[str] = []
    current: tuple[str, str] | None = None
    for entry in entries:
        if (entry.export, entry.table) != current:
            current = (entry.export, entry.table)
            lines.append(f"- {code_span(entry.table)}" + (f" ({code_span(entry.export)})" if several else ""))
        lines.append(f"  - [{code_span(entry.measure)}](#{found[id(entry)]})")
    return lines


def render_markdown(catalog: Catalog) -> str:
    entries = ordered_entries(catalog)
    found = anchors(entries)
    where = {label(e): found[id(e)] for e in entries}
    facts = summary(catalog)
    by_status_and_placement = facts["by_status_and_placement"]
    return render_template(
        "translation_report.md.j2",
        summary=facts,
        status_rows=[(status, count, *by_status_and_placement[status].values())
                     for status, count in facts["by_status"].items()],
        in_catalog=sum(n for p, n in facts["by_placement"].items() if p != "untranslated"),
        attention=_attention_lines(needs_attention(entries, catalog.mapping_problems), where),
        parts=_parts(catalog),
        contents=_contents(entries, found),
        sections=[_section(e, found[id(e)]) for e in entries],
    )
