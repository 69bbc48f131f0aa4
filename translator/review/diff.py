"""`diff`: what a build now would change in the catalog, against the committed translation report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from translator.diagnostics import InputError, SourceLocation, codes, error
from translator.emit import REPORT_JSON_FILE
from translator.pipeline import plan
from translator.review.committed import parse_report, read_report

CANNOT_BUILD = codes.CLI602  # diff: the build itself stops with errors


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

    def __bool__(self) -> bool:
        return any((self.added, self.removed, self.renamed, self.sql_changed, self.variants_added,
                    self.variants_removed, self.variants_changed, self.status_changed))

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
            "metrics_renamed": [{"old": metric(o), "new": metric(n)} for o, n in self.renamed],
            "sql_changed": [{"metric_key": n.metric_key, "old_sql": o.sql, "new_sql": n.sql}
                            for o, n in self.sql_changed],
            "variants_added": [variant(v) for v in self.variants_added],
            "variants_removed": [variant(v) for v in self.variants_removed],
            "variants_changed": [
                {"metric_key": m, "toggle_key": t, "option_key": o, "old_sql": a, "new_sql": b}
                for m, t, o, a, b in self.variants_changed
            ],
            "status_changed": [{"measure": m, "old": a, "new": b} for m, a, b in self.status_changed],
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
        return out


def diff(exports: Path, out: Path, mapping_file: Path | None = None) -> CatalogChanges:
    """Compare the catalog in `out` (its translation report) with a build now."""
    planned = plan(exports, mapping_file)
    if not planned.ok:
        raise InputError(error(
            CANNOT_BUILD, "the build stops with errors, so there is nothing to compare: "
            "run `translator build` to see them", SourceLocation(str(exports)),
        ))
    old_entries = read_report(out / REPORT_JSON_FILE)
    new_entries = parse_report(planned.files[REPORT_JSON_FILE], REPORT_JSON_FILE)
    old_missing = old_entries is None
    old = catalog_facts(old_entries or [])
    return compare_facts(old, catalog_facts(new_entries), _statuses(old_entries or []),
                         _statuses(new_entries), old_missing)


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
