"""`diff`: what a build now would change in the catalog, against the committed translation report.

Metrics are compared by their facts (SQL, DAX, variants; a rename keeps the DAX); every other
table the seed writes is compared row by row on its natural key (translator.review.tables), so a
change to a data source, a dimension or a toggle shows, and a renamed toggle is one rename that
its options and variants follow. When a metric's key would change, the mapping line that pins
the old key is printed: saved reports refer to metrics by key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from translator.diagnostics import InputError, SourceLocation, codes, report
from translator.catalog.columns import SEED_TABLES
from translator.emit import REPORT_JSON_FILE
from translator.pipeline import plan
from translator.review.committed import parse_document, previous_order, read_document
from translator.review.tables import TableChanges, compare_catalogs
from translator.review.templates import TemplateChanges, compare_templates

CANNOT_BUILD = codes.CLI602  # diff: the build itself stops with errors
# Every seeded table, a table after those it refers to (the seed's own order).
TABLE_KEYS = {table.name: table.key for table in SEED_TABLES}


@dataclass(frozen=True, slots=True)
class MetricFacts:
    metric_key: str
    sql: str
    dax: str | None  # the measure's DAX (from the report), used to recognise renames
    measure: str | None
    variants: tuple[tuple[str, str, str], ...] = ()  # (toggle_key, option_key, sql), sorted


@dataclass(frozen=True, slots=True)
class CatalogChanges:
    """The catalog-level difference between the committed output and a build now."""

    added: tuple[MetricFacts, ...] = ()
    removed: tuple[MetricFacts, ...] = ()
    renamed: tuple[tuple[MetricFacts, MetricFacts], ...] = ()  # (old, new)
    sql_changed: tuple[tuple[MetricFacts, MetricFacts], ...] = ()  # same key, new SQL
    variants_added: tuple[tuple[str, str, str, str], ...] = ()  # (metric, toggle, option, sql)
    variants_removed: tuple[tuple[str, str, str, str], ...] = ()
    variants_changed: tuple[tuple[str, str, str, str, str], ...] = ()  # (..., old sql, new sql)
    status_changed: tuple[tuple[str, str, str], ...] = ()  # (measure label, old, new)
    old_missing: bool = False  # no committed report: everything counts as added
    tables: tuple[TableChanges, ...] = ()  # every other seeded table, row by row
    templates: TemplateChanges = TemplateChanges()  # report_templates, widget by widget

    def __bool__(self) -> bool:
        return any((self.added, self.removed, self.renamed, self.sql_changed, self.variants_added,
                    self.variants_removed, self.variants_changed, self.status_changed,
                    any(self.tables), self.templates))

    def to_json(self) -> dict[str, object]:
        def metric(m: MetricFacts) -> dict[str, object]:
            return {"metric_key": m.metric_key, "measure": m.measure, "sql": m.sql}

        def variant(v: tuple[str, ...]) -> dict[str, object]:
            names = ("metric_key", "toggle_key", "option_key", "sql", "new_sql")
            return dict(zip(names, v))

        return {
            "old_missing": self.old_missing,
            "metrics_added": [metric(m) for m in self.added],
            "metrics_removed": [metric(m) for m in self.removed],
            "metrics_renamed": [{"old": metric(o), "new": metric(n), "pin": pin_line(o, n)}
                                for o, n in self.renamed],
            "sql_changed": [{"metric_key": n.metric_key, "old_sql": o.sql, "new_sql": n.sql}
                            for o, n in self.sql_changed],
            "variants_added": [variant(v) for v in self.variants_added],
            "variants_removed": [variant(v) for v in self.variants_removed],
            "variants_changed": [
                {"metric_key": m, "toggle_key": t, "option_key": o, "old_sql": a, "new_sql": b}
                for m, t, o, a, b in self.variants_changed
            ],
            "status_changed": [{"measure": m, "old": a, "new": b} for m, a, b in self.status_changed],
            "tables": {t.table: t.to_json() for t in self.tables},
            "templates": self.templates.to_json(),
        }

    def lines(self) -> list[str]:
        """The changes laid out for a person, one section per kind of change."""
        out: list[str] = []
        if self.old_missing:
            out.append("(no committed translation report: every metric counts as added)")

        def section(title: str, items: list[list[str]]) -> None:
            """One block per change; a change may take several lines."""
            if items:
                out.append(f"{title} ({len(items)}):")
                out.extend(line for item in items for line in item)

        section("metrics added", [[f"  + {m.metric_key}: {m.sql}"] for m in self.added])
        section("metrics removed", [[f"  - {m.metric_key}"] for m in self.removed])
        section("metrics renamed", [
            [f"  ~ {old.metric_key} -> {new.metric_key}"]
            + ([f"      old SQL: {old.sql}", f"      new SQL: {new.sql}"] if old.sql != new.sql else [])
            + ([f"      saved reports use the old key; to keep it, pin it in the mapping file: {pin}"]
               if (pin := pin_line(old, new)) else [])
            for old, new in self.renamed
        ])
        section("SQL changed", [
            [f"  ~ {new.metric_key}", f"      old: {old.sql}", f"      new: {new.sql}"]
            for old, new in self.sql_changed
        ])
        section("variants added", [[f"  + {m} [{t} = {o}]: {sql}"] for m, t, o, sql in self.variants_added])
        section("variants removed", [[f"  - {m} [{t} = {o}]"] for m, t, o, _ in self.variants_removed])
        section("variant SQL changed", [
            [f"  ~ {m} [{t} = {o}]", f"      old: {a}", f"      new: {b}"]
            for m, t, o, a, b in self.variants_changed
        ])
        section("measure status changed",
                [[f"  {label}: {old} -> {new}"] for label, old, new in self.status_changed])
        for table in self.tables:
            if table:
                out.extend(table.lines())
        out.extend(self.templates.lines())
        return out


def pin_line(old: MetricFacts, new: MetricFacts) -> str | None:
    """The mapping line that keeps a renamed metric's old key."""
    if new.measure is None:
        return None
    name = new.measure.replace("\\", "\\\\").replace('"', '\\"')
    return f'[metrics."{name}"] key = "{old.metric_key}"'


def diff(exports: Path, out: Path, mapping_file: Path | None = None) -> CatalogChanges:
    """Compare the catalog in `out` (its translation report) with a build now."""
    planned = plan(exports, mapping_file, previous_order(out))
    if not planned.ok:
        raise InputError(report(
            CANNOT_BUILD, "the build stops with errors, so there is nothing to compare: "
            "run `translator build` to see them", SourceLocation(str(exports)),
        ))
    old_document = read_document(out / REPORT_JSON_FILE)
    new_document = parse_document(planned.files[REPORT_JSON_FILE], REPORT_JSON_FILE)
    old_entries = old_document["measures"] if old_document is not None else []
    new_entries = new_document["measures"]
    metrics = compare_facts(catalog_facts(old_entries), catalog_facts(new_entries),
                            _statuses(old_entries), _statuses(new_entries), old_document is None)
    tables, substitutions = compare_catalogs(
        _catalog(old_document), _catalog(new_document), TABLE_KEYS,
        {o.metric_key: n.metric_key for o, n in metrics.renamed}, skip=("metric_variants", "report_templates"))
    tables = tuple(_metrics_columns_only(t) for t in tables)
    templates = compare_templates(_catalog(old_document).get("report_templates", []),
                                  _catalog(new_document).get("report_templates", []))
    return _follow_toggle_renames(replace(metrics, tables=tables, templates=templates),
                                  substitutions.get("toggle_key", {}))


def _catalog(document: Mapping[str, object] | None) -> dict[str, list[dict[str, object]]]:
    catalog = document.get("catalog") if document is not None else None
    return catalog if isinstance(catalog, dict) else {}


def _metrics_columns_only(changes: TableChanges) -> TableChanges:
    """The metrics table adds to the metric sections only the changes of its other columns."""
    if changes.table != "metrics":
        return changes
    return replace(changes, added=(), removed=(), renamed=(), following=0, changed=tuple(
        c for c in (replace(c, columns=tuple(x for x in c.columns if x[0] != "sql_expression"))
                    for c in changes.changed) if c.columns))


def _follow_toggle_renames(changes: CatalogChanges, toggles: Mapping[object, object]) -> CatalogChanges:
    """A variant whose toggle was renamed follows the rename: compare it under the new key."""
    if not toggles:
        return changes
    moved = lambda v: (v[0], toggles.get(v[1], v[1]), *v[2:])  # noqa: E731
    removed = {moved(v)[:3]: moved(v) for v in changes.variants_removed}
    added = {v[:3]: v for v in changes.variants_added}
    same = {k for k in removed if k in added and removed[k][3] == added[k][3]}
    changed = [(*k, removed[k][3], added[k][3]) for k in sorted(set(removed) & set(added) - same)]
    return replace(
        changes,
        variants_removed=tuple(v for v in changes.variants_removed if moved(v)[:3] not in added),
        variants_added=tuple(v for v in changes.variants_added if v[:3] not in removed),
        variants_changed=tuple(sorted([*changes.variants_changed, *changed])),
    )


def compare_facts(
    old: Mapping[str, MetricFacts],
    new: Mapping[str, MetricFacts],
    statuses_old: Mapping[str, str] | None = None,
    statuses_new: Mapping[str, str] | None = None,
    old_missing: bool = False,
) -> CatalogChanges:
    removed = [old[k] for k in sorted(set(old) - set(new))]
    added = [new[k] for k in sorted(set(new) - set(old))]
    renamed: list[tuple[MetricFacts, MetricFacts]] = []
    # A rename keeps the measure's DAX (or at least its SQL) under a new key.
    for same in (lambda a, b: a.dax is not None and _squash(a.dax) == _squash(b.dax),
                 lambda a, b: a.sql == b.sql):
        for gone in list(removed):
            match = next((m for m in added if same(gone, m)), None)
            if match is not None:
                renamed.append((gone, match))
                removed.remove(gone)
                added.remove(match)
    renamed.sort(key=lambda pair: pair[1].metric_key)
    kept = sorted(set(old) & set(new))
    sql_changed = tuple((old[k], new[k]) for k in kept if old[k].sql != new[k].sql)

    # Variants are compared under the new key for renamed metrics.
    pairs = [(old[k], new[k]) for k in kept] + renamed
    variants_added, variants_removed, variants_changed = [], [], []
    for before, after in pairs:
        was = {(t, o): sql for t, o, sql in before.variants}
        now = {(t, o): sql for t, o, sql in after.variants}
        key = after.metric_key
        variants_added += [(key, t, o, now[(t, o)]) for t, o in sorted(set(now) - set(was))]
        variants_removed += [(key, t, o, was[(t, o)]) for t, o in sorted(set(was) - set(now))]
        variants_changed += [(key, t, o, was[(t, o)], now[(t, o)])
                             for t, o in sorted(set(was) & set(now)) if was[(t, o)] != now[(t, o)]]
    for facts, bucket in ((added, variants_added), (removed, variants_removed)):
        for metric in facts:
            bucket += [(metric.metric_key, t, o, sql) for t, o, sql in metric.variants]

    statuses_old, statuses_new = statuses_old or {}, statuses_new or {}
    status_changed = tuple(
        (label, statuses_old[label], statuses_new[label])
        for label in sorted(set(statuses_old) & set(statuses_new))
        if statuses_old[label] != statuses_new[label]
    )
    return CatalogChanges(
        added=tuple(added), removed=tuple(removed), renamed=tuple(renamed), sql_changed=sql_changed,
        variants_added=tuple(sorted(variants_added)), variants_removed=tuple(sorted(variants_removed)),
        variants_changed=tuple(sorted(variants_changed)), status_changed=status_changed,
        old_missing=old_missing,
    )


def catalog_facts(entries: Sequence[Mapping[str, object]]) -> dict[str, MetricFacts]:
    """Each metric's SQL, DAX and variants, as the translation report lists them."""
    facts = {}
    for entry in entries:
        key = entry.get("metric_key")
        if entry.get("placement") != "metric" or not key or entry.get("sql") is None:
            continue
        variants = tuple(sorted((v["toggle"], v["option"], v["sql"]) for v in entry.get("variants", [])))
        facts[key] = MetricFacts(key, entry["sql"], entry.get("dax"), entry.get("measure"), variants)
    return facts


def _statuses(entries: Sequence[Mapping[str, object]]) -> dict[str, str]:
    return {f"{e.get('table')}[{e.get('measure')}] ({e.get('export')})": str(e.get("status"))
            for e in entries}


def _squash(text: str) -> str:
    return " ".join(text.split())
