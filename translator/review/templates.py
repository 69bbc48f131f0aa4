"""`diff` for report_templates: templates added or removed, and per changed template what changed
(its row's fields, sections added or removed, widgets added, removed or changed), compared on the
rows the translation report carries (`catalog.report_templates`, the layout as JSON text). A
layout is one JSON value, so the generic row diff would show it as one long changed string."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Row fields compared one by one (the layout is compared section by section, widget by widget).
_FIELDS = ("name", "description", "category", "default_filters", "default_date_range",
           "required_data_sources", "required_toggles", "nav_section", "nav_order", "nav_icon")


@dataclass(frozen=True, slots=True)
class TemplateChanges:
    added: tuple[str, ...] = ()  # template keys
    removed: tuple[str, ...] = ()
    changed: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (template key, what changed)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def to_json(self) -> dict[str, object]:
        return {"added": list(self.added), "removed": list(self.removed),
                "changed": [{"template_key": k, "changes": list(c)} for k, c in self.changed]}

    def lines(self) -> list[str]:
        out: list[str] = []
        for title, items in (("templates added", [f"  + {k}" for k in self.added]),
                             ("templates removed", [f"  - {k}" for k in self.removed]),
                             ("templates changed", [line for key, changes in self.changed
                                                    for line in [f"  ~ {key}", *(f"      {c}" for c in changes)]])):
            if items:
                count = len(self.changed) if title == "templates changed" else len(items)
                out.append(f"{title} ({count}):")
                out.extend(items)
        return out


def compare_templates(old: Sequence[Mapping[str, object]], new: Sequence[Mapping[str, object]]) -> TemplateChanges:
    before = {str(t["template_key"]): _parsed(t) for t in old}
    after = {str(t["template_key"]): _parsed(t) for t in new}
    changed = []
    for key in sorted(set(before) & set(after)):
        found = _template_changes(before[key], after[key])
        if found:
            changed.append((key, tuple(found)))
    return TemplateChanges(tuple(sorted(set(after) - set(before))), tuple(sorted(set(before) - set(after))),
                           tuple(changed))


def _template_changes(old: Mapping[str, object], new: Mapping[str, object]) -> list[str]:
    out = [f"{name}: {old.get(name)!r} -> {new.get(name)!r}" for name in _FIELDS if old.get(name) != new.get(name)]
    sections_old = {s["key"]: s for s in _sections(old)}
    sections_new = {s["key"]: s for s in _sections(new)}
    out += [f"section added: {k}" for k in sections_new if k not in sections_old]
    out += [f"section removed: {k}" for k in sections_old if k not in sections_new]
    for key in (k for k in sections_new if k in sections_old):
        was, now = sections_old[key], sections_new[key]
        for part in ("title", "filters", "unresolved_filters"):
            if was.get(part) != now.get(part):
                out.append(f"section {key}: {part} changed")
        widgets_old = {w["key"]: w for w in was.get("widgets", [])}
        widgets_new = {w["key"]: w for w in now.get("widgets", [])}
        out += [f"widget added: {key}/{k} ({w.get('widget_type')})" for k, w in widgets_new.items()
                if k not in widgets_old]
        out += [f"widget removed: {key}/{k}" for k in widgets_old if k not in widgets_new]
        for k in (k for k in widgets_new if k in widgets_old):
            parts = sorted(p for p in set(widgets_old[k]) | set(widgets_new[k])
                           if widgets_old[k].get(p) != widgets_new[k].get(p))
            if parts:
                out.append(f"widget changed: {key}/{k} ({', '.join(parts)})")
    return out


def _parsed(row: Mapping[str, object]) -> dict[str, object]:
    """The row with its JSON columns (layout, default_filters) parsed; a value that is not JSON
    text is compared as it is."""
    out = dict(row)
    for name in ("layout", "default_filters"):
        if isinstance(out.get(name), str):
            try:
                out[name] = json.loads(out[name])
            except ValueError:
                pass
    return out


def _sections(template: Mapping[str, object]) -> list[dict]:
    layout = template.get("layout")
    return list(layout.get("sections", [])) if isinstance(layout, dict) else []
