"""What a reviewer must act on: the measures the catalog leaves out, grouped by root cause.

A measure that depends on an untranslated measure (CMP209) is not a problem of its own: it is
blocked by the measure it depends on, and that measure by its own reason. Following those chains
gives one root cause per group, so "302 measures blocked by [ShowValueForDates]" is one line, not
302. The console summary after a build and the report's "Needs attention" section both read this.

The counts follow one definition, the report's status: `untranslated` and `parse_error` measures
are not in the catalog; `approximate` measures whose translation the mapping file has not accepted
are not in it either and wait for a reviewer; everything else is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from translator.catalog.rows import ReportEntry

NOT_TRANSLATED = ("untranslated", "parse_error")
DEPENDS_ON = "CMP209"
# Reasons the catalog adds to say where an entry went; they are consequences, never a cause.
_CONSEQUENCES = ("CAT316", "CAT304")
_REASON = re.compile(r"^(?P<code>[A-Z]{3}\d{3}): (?P<message>.*)$", re.DOTALL)
_DEPENDENCY = re.compile(r"\[(?P<name>(?:[^\]]|\]\])+)\]")

# One line per code: what to do about it. docs/diagnostics.md has the longer "Fix" of each code.
_FIX = {
    "CMP201": "the function is not in the function table: write the metric's SQL in the mapping file",
    "CMP202": "the catalog's one-aggregate contract cannot express it: write the SQL in the mapping file, "
              "or leave the measure out",
    "CMP203": "fix the function's arguments in the model",
    "CMP204": "fix the name in the model, or add the column to the table (and its reporting view)",
    "CMP205": "read one table per measure: add the other table's columns to the reporting view, "
              "or write the SQL in the mapping file",
    "CMP206": "add the filtered column to the fact table's reporting view (a lookup column), "
              "or write the SQL in the mapping file",
    "CMP207": "replace the measure reference inside the row iterator by its expression, "
              "or write the SQL in the mapping file",
    "CMP208": "break the cycle between the measures in the model",
    "CMP210": "write the SQL in the mapping file, or simplify the measure",
    "CMP211": "split the measure so each reads one toggle, or write the SQL in the mapping file",
    "CMP212": "fix the measure in Power BI so its state is Ready, and export again",
    "CMP214": "write the SQL in the mapping file",
    "CMP215": "wrap the column in an aggregate (SUM, MAX, ...) in the model",
    "CMP216": "fix the types in the model (compare numbers with numbers, text with text)",
    "CMP217": "write the SQL in the mapping file",
    "CMP299": "a bug in the translator: report it with the measure's DAX",
    "CAT315": "a bug in the translator: report it with the measure's DAX",
}


def fix_for(code: str, measure: str) -> str:
    """The one-line fix for a reason of `measure` with this code."""
    manual = f'[metrics."{measure}"] sql = "<PostgreSQL aggregate>"'
    if code == "CMP213" or code == "CAT304":
        return f'check the proposed SQL, then accept it: [metrics."{measure}"] accept_approximate = true'
    if code.startswith("DAX"):
        return "fix the DAX at the location shown (it does not parse)"
    base = _FIX.get(code, "write the SQL in the mapping file")
    if "mapping file" in base:
        return f"{base}: {manual}"
    return base


@dataclass(frozen=True, slots=True)
class RootCause:
    """One root cause and the measures it keeps out of the catalog (the roots first)."""

    code: str
    message: str
    roots: tuple[str, ...]  # labels of the measures that fail for this reason themselves
    blocked: tuple[str, ...]  # labels of the measures that fail only because they depend on a root
    fix: str

    @property
    def measures(self) -> tuple[str, ...]:
        return self.roots + self.blocked

    @property
    def count(self) -> int:
        return len(self.roots) + len(self.blocked)

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "count": self.count,
                "roots": list(self.roots), "blocked": list(self.blocked), "fix": self.fix}


@dataclass(frozen=True, slots=True)
class Awaiting:
    """An approximate translation the mapping file has not accepted yet."""

    measure: str
    code: str
    message: str
    fix: str

    def to_json(self) -> dict[str, object]:
        return {"measure": self.measure, "code": self.code, "message": self.message, "fix": self.fix}


@dataclass(frozen=True, slots=True)
class Attention:
    untranslated: tuple[RootCause, ...] = ()
    awaiting: tuple[Awaiting, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.untranslated or self.awaiting)

    @property
    def untranslated_count(self) -> int:
        return sum(group.count for group in self.untranslated)

    def to_json(self) -> dict[str, object]:
        return {
            "untranslated_count": self.untranslated_count,
            "awaiting_count": len(self.awaiting),
            "untranslated_by_root_cause": [g.to_json() for g in self.untranslated],
            "approximate_awaiting_acceptance": [a.to_json() for a in self.awaiting],
        }


def label(entry: ReportEntry) -> str:
    return f"'{entry.table}'[{entry.measure}]"


def split_reason(reason: str) -> tuple[str, str]:
    match = _REASON.match(reason)
    return (match["code"], match["message"]) if match else ("", reason)


def _own_reason(entry: ReportEntry) -> tuple[str, str]:
    """The first reason that is a cause (not the catalog's note of where the entry went)."""
    for reason in entry.reasons:
        code, message = split_reason(reason)
        if code not in _CONSEQUENCES:
            return code, message
    return ("", "no reason recorded")


def needs_attention(entries: Iterable[ReportEntry]) -> Attention:
    entries = list(entries)
    by_name = {(e.export, e.measure.casefold()): e for e in entries}
    left_out = [e for e in entries if e.status in NOT_TRANSLATED]

    def root_of(entry: ReportEntry) -> ReportEntry:
        seen: set[int] = set()
        while id(entry) not in seen:
            seen.add(id(entry))
            code, message = _own_reason(entry)
            found = _DEPENDENCY.search(message) if code == DEPENDS_ON else None
            target = by_name.get((entry.export, found["name"].replace("]]", "]").casefold())) if found else None
            if target is None or target.status not in NOT_TRANSLATED:
                return entry
            entry = target
        return entry

    groups: dict[tuple[str, str], tuple[list[ReportEntry], list[ReportEntry]]] = {}
    for entry in _ordered(left_out):
        root = root_of(entry)
        cause = _own_reason(root)
        roots, blocked = groups.setdefault(cause, ([], []))
        (roots if root is entry else blocked).append(entry)
    causes = [
        RootCause(code, message, tuple(label(e) for e in roots), tuple(label(e) for e in blocked),
                  fix_for(code, roots[0].measure if len(roots) == 1 else "<measure>"))
        for (code, message), (roots, blocked) in groups.items()
    ]
    causes.sort(key=lambda g: (-g.count, g.code, g.message))
    awaiting = tuple(
        Awaiting(label(e), *_own_reason(e), fix_for("CAT304", e.measure))
        for e in _ordered(entries)
        if e.status == "approximate" and not e.accepted
    )
    return Attention(tuple(causes), awaiting)


def _ordered(entries: Sequence[ReportEntry]) -> list[ReportEntry]:
    return sorted(entries, key=lambda e: (e.export, e.table, e.measure, e.location or ""))
