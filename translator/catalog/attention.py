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

from translator.catalog.rows import MappingProblem, ReportEntry
from translator.diagnostics import codes

NOT_TRANSLATED = ("untranslated", "parse_error")
# Reasons the catalog adds to say where an entry went; they are consequences, never a cause.
_CONSEQUENCES = (codes.CAT316, codes.CAT304)
# Reasons whose remedy is the mapping file's hand-written SQL for the measure.
_MANUAL_SQL = (codes.CMP201, codes.CMP202, codes.CMP205, codes.CMP206, codes.CMP207, codes.CMP210,
               codes.CMP211, codes.CMP214, codes.CMP217)
_REASON = re.compile(r"^(?P<code>[A-Z]{3}\d{3}): (?P<message>.*)$", re.DOTALL)
_DEPENDENCY = re.compile(r"\[(?P<name>(?:[^\]]|\]\])+)\]")


def fix_for(code: str, measure: str) -> str | None:
    """The one-line fix for a reason of `measure` with this code (the registry's, made concrete
    with the mapping line to write where the mapping file is the remedy); None when there is
    nothing to do (the mapping's own SQL, the catalog's note of where a measure went)."""
    if code in (codes.CAT314, codes.CAT316) or code not in codes.REGISTRY:
        return None
    if code in (codes.CMP213, codes.CMP221, codes.CAT304):
        return f'check the proposed SQL, then accept it: [metrics."{measure}"] accept_approximate = true'
    fix = codes.lookup(code).fix
    if code in _MANUAL_SQL:
        return f'{fix}; the mapping line: [metrics."{measure}"] sql = "<PostgreSQL aggregate>"'
    return fix


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
    mapping: tuple[MappingProblem, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.untranslated or self.awaiting or self.mapping)

    @property
    def untranslated_count(self) -> int:
        return sum(group.count for group in self.untranslated)

    def to_json(self) -> dict[str, object]:
        return {
            "untranslated_count": self.untranslated_count,
            "awaiting_count": len(self.awaiting),
            "untranslated_by_root_cause": [g.to_json() for g in self.untranslated],
            "approximate_awaiting_acceptance": [a.to_json() for a in self.awaiting],
            "mapping_problems": [
                {"file": p.file, "line": p.line, "code": p.code, "message": p.message, "notes": list(p.notes),
                 "fix": codes.lookup(p.code).fix if p.code in codes.REGISTRY else None}
                for p in self.mapping
            ],
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


def needs_attention(entries: Iterable[ReportEntry], mapping: Iterable[MappingProblem] = ()) -> Attention:
    entries = list(entries)
    by_name = {(e.export, e.measure.casefold()): e for e in entries}
    left_out = [e for e in entries if e.status in NOT_TRANSLATED]

    def root_of(entry: ReportEntry) -> ReportEntry:
        seen: set[int] = set()
        while id(entry) not in seen:
            seen.add(id(entry))
            code, message = _own_reason(entry)
            found = _DEPENDENCY.search(message) if code == codes.CMP209 else None
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
                  fix_for(code, roots[0].measure if len(roots) == 1 else "<measure>")
                  or "see the measure's reasons in the report")
        for (code, message), (roots, blocked) in groups.items()
    ]
    causes.sort(key=lambda g: (-g.count, g.code, g.message))
    awaiting = tuple(
        Awaiting(label(e), *_own_reason(e), fix_for(codes.CAT304, e.measure) or "")
        for e in _ordered([e for e in entries if e.status == "approximate" and not e.accepted])
    )
    return Attention(tuple(causes), awaiting, tuple(mapping))


def _ordered(entries: Sequence[ReportEntry]) -> list[ReportEntry]:
    return sorted(entries, key=lambda e: (e.export, e.table, e.measure, str(e.location) if e.location else ""))
