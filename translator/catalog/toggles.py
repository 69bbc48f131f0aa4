"""Toggles (sections 4.6 and 4.7) from the model's own context switches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from translator.catalog.diagnostics import CAT_MAPPING_UNUSED, CAT_NO_DEFAULT, CAT_TOGGLE_KEY, at, did_you_mean
from translator.catalog.naming import assign_unique, snake_case
from translator.catalog.order import NO_PREVIOUS, Place, PreviousOrder, sort_orders
from translator.catalog.rows import MetricToggle, MetricToggleOption
from translator.compile.translation import CompiledModel, Toggle, ToggleKind
from translator.diagnostics import Diagnostic, report
from translator.model.mapping import Mapping

# Slicers and calculation groups switch how a measure is computed. A field parameter that picks
# columns switches which column a visual groups by; one that picks measures is a metric picker,
# whose options the compiler turns into variants of the measures that read it.
_TOGGLE_TYPES = {
    ToggleKind.SLICER: "metric_variant",
    ToggleKind.CALCULATION_GROUP: "metric_variant",
    ToggleKind.FIELD_PARAMETER: "dimension_switch",
}


def toggle_type(toggle: Toggle) -> str:
    if toggle.kind is ToggleKind.FIELD_PARAMETER and toggle.picks == "measures":
        return "metric_variant"
    return _TOGGLE_TYPES[toggle.kind]


@dataclass(frozen=True, slots=True)
class ToggleKeys:
    """How variants find their rows: (export, slicer table) -> toggle_key, and
    (toggle_key, option value) -> option_key, both case-folded."""

    toggles: dict[tuple[str, str], str]
    options: dict[tuple[str, str], str]

    def toggle(self, export: str, table: str) -> str | None:
        return self.toggles.get((export, table.casefold()))

    def option(self, toggle_key: str, value: str) -> str | None:
        return self.options.get((toggle_key, value.casefold()))


def build_toggles(
    compiled: Sequence[CompiledModel], mapping: Mapping, previous: PreviousOrder = NO_PREVIOUS
) -> tuple[list[MetricToggle], list[MetricToggleOption], ToggleKeys, list[Diagnostic]]:
    found: list[tuple[str, Toggle]] = [(c.export, t) for c in compiled for t in c.toggles]
    diagnostics: list[Diagnostic] = []

    # Toggles with the same slicer table name in several exports are one toggle.
    groups: dict[str, list[tuple[str, Toggle]]] = {}
    for export, toggle in found:
        groups.setdefault(toggle.table.casefold(), []).append((export, toggle))
    tables = list(groups)
    keys, renamed = assign_unique(tables, lambda name: _wanted_key(groups[name][0][1], mapping))
    diagnostics += [
        report(CAT_TOGGLE_KEY, f"toggle key '{wanted}' of table '{groups[name][0][1].table}' is taken; using '{given}'",
               None, "pin a key with [toggles.\"<table>\"] key = \"...\" in the mapping file")
        for name, wanted, given in renamed
    ]

    toggles, options = [], []
    toggle_keys: dict[tuple[str, str], str] = {}
    option_keys: dict[tuple[str, str], str] = {}
    # Toggles are one group, a toggle's options another; sticky across rebuilds (catalog.order).
    toggle_orders = sort_orders(
        [Place(None, (keys[n],), o.sort_order if (o := mapping.toggle(groups[name][0][1].table)) else None)
         for n, name in enumerate(tables)], previous.table("metric_toggles"))
    for position, name in enumerate(tables):
        members = groups[name]
        first = members[0][1]
        key = keys[position]
        override = mapping.toggle(first.table)
        for export, _ in members:
            toggle_keys[(export, name)] = key
        toggles.append(MetricToggle(
            toggle_key=key,
            display_name=(override.display_name if override else None) or first.table,
            toggle_type=(override.toggle_type if override else None) or toggle_type(first),
            ui_component=(override.ui_component if override else None) or "pill_group",
            description=(override.description if override else None) or _table_description(compiled, members),
            sort_order=toggle_orders[position],
            model_columns=tuple((export, toggle.table, toggle.column) for export, toggle in members),
        ))
        values = _union(v for _, t in members for v in t.options)
        default = (override.default if override and override.default else None) or first.default
        if default is None or default.casefold() not in {v.casefold() for v in values}:
            diagnostics.append(report(CAT_NO_DEFAULT, f"toggle '{first.table}' has no default option",
                                      None, "set [toggles.\"<table>\"] default = \"<option>\" in the mapping file"))
        option_override = override.option if override else (lambda _v: None)
        ids, clashes = assign_unique(values, lambda v: (o.key if (o := option_override(v)) and o.key else snake_case(v)))
        diagnostics += [
            report(CAT_TOGGLE_KEY, f"option key '{wanted}' of '{value}' in toggle '{key}' is taken; using '{given}'")
            for value, wanted, given in clashes
        ]
        option_orders = sort_orders([Place(key, (key, ids[n])) for n in range(len(values))],
                                    previous.table("metric_toggle_options"))
        for index, value in enumerate(values):
            o = option_override(value)
            option_keys[(key, value.casefold())] = ids[index]
            options.append(MetricToggleOption(
                toggle_key=key,
                option_key=ids[index],
                display_name=(o.display_name if o else None) or value,
                is_default=default is not None and value.casefold() == default.casefold(),
                description=o.description if o else None,
                sort_order=option_orders[index],
                value=value,
            ))
        if override is not None:
            diagnostics += [
                report(CAT_MAPPING_UNUSED, f"the mapping names option '{value}' of toggle '{first.table}', which the model does not have",
                       at(mapping, o.line), *did_you_mean(value, values))
                for value, o in override.options
                if value.casefold() not in {v.casefold() for v in values}
            ]
    diagnostics += [
        report(CAT_MAPPING_UNUSED, f"the mapping names toggle table '{name}', which is not a toggle in the model",
               at(mapping, o.line), *did_you_mean(name, (members[0][1].table for members in groups.values())))
        for name, o in mapping.toggles
        if name.casefold() not in groups
    ]
    return (
        sorted(toggles, key=lambda t: t.toggle_key),
        sorted(options, key=lambda o: (o.toggle_key, o.option_key)),
        ToggleKeys(toggle_keys, option_keys),
        diagnostics,
    )


def _table_description(compiled: Sequence[CompiledModel], members: list[tuple[str, Toggle]]) -> str | None:
    """The slicer table's own description, from the first export that has one."""
    models = {c.export: c.model for c in compiled}
    for export, toggle in members:
        table = models[export].table(toggle.table)
        if table is not None and table.description:
            return table.description
    return None


def _wanted_key(toggle: Toggle, mapping: Mapping) -> str:
    override = mapping.toggle(toggle.table)
    return (override.key if override else None) or snake_case(toggle.table)


def _union(values) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for v in values:
        if v.casefold() not in seen:
            seen.add(v.casefold())
            out.append(v)
    return out
