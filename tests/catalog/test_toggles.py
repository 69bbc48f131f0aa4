from __future__ import annotations

from tests.catalog.builders import MODE_TOGGLE, compiled, measure, summed
from translator.catalog import build_catalog
from translator.compile.translation import Toggle, ToggleKind
from translator.readers.mapping import parse_mapping

EMPTY = parse_mapping("", "t.toml")
PERIOD = Toggle("Time Period", "Period", ToggleKind.SLICER, ("Daily", "Weekly", "Monthly"), "Daily")
FIELDS = Toggle("Group By", "Group By", ToggleKind.FIELD_PARAMETER, ("Campaign", "Gateway"), "Campaign")


def build(toggles, mapping=EMPTY):
    return build_catalog([compiled(summed(measure("Approvals"), "approvals"), toggles=toggles)], mapping)


def test_toggles_and_options_from_the_model():
    catalog, diagnostics = build((MODE_TOGGLE, PERIOD, FIELDS))
    assert [(t.toggle_key, t.display_name, t.toggle_type, t.ui_component, t.sort_order) for t in catalog.toggles] == [
        ("approval_mode", "Approval Mode", "metric_variant", "pill_group", 1),
        ("group_by", "Group By", "dimension_switch", "pill_group", 3),
        ("time_period", "Time Period", "metric_variant", "pill_group", 2),
    ]
    options = [(o.toggle_key, o.option_key, o.display_name, o.is_default, o.sort_order) for o in catalog.toggle_options]
    assert ("approval_mode", "standard", "Standard", True, 1) in options
    assert ("approval_mode", "net", "Net", False, 3) in options
    assert ("time_period", "weekly", "Weekly", False, 2) in options
    assert len(options) == 8
    assert sum(o.is_default for o in catalog.toggle_options) == 3
    assert diagnostics == [] or all(d.code != "CAT312" for d in diagnostics)


def test_mapping_sets_keys_types_and_option_keys():
    mapping = parse_mapping(
        '[toggles."Time Period"]\nkey = "time_granularity"\ntoggle_type = "dimension_switch"\n'
        'ui_component = "dropdown"\ndescription = "Group by day, week or month"\ndefault = "Weekly"\n'
        '[toggles."Time Period".options]\nDaily = "day"\nWeekly = { key = "week", display_name = "Week" }\n'
        'Monthly = "month"\nYearly = "year"\n',
        "t.toml",
    )
    catalog, diagnostics = build((PERIOD,), mapping)
    (t,) = catalog.toggles
    assert (t.toggle_key, t.toggle_type, t.ui_component, t.description) == (
        "time_granularity", "dimension_switch", "dropdown", "Group by day, week or month")
    assert [(o.option_key, o.display_name, o.is_default) for o in catalog.toggle_options] == [
        ("day", "Daily", False), ("month", "Monthly", False), ("week", "Week", True)]
    # 'Yearly' is not an option of the model's toggle
    assert [d.code for d in diagnostics] == ["CAT309"]


def test_toggle_without_default_is_reported():
    catalog, diagnostics = build((Toggle("Mode", "Mode", ToggleKind.SLICER, ("A", "B"), None),))
    assert not any(o.is_default for o in catalog.toggle_options)
    assert [d.code for d in diagnostics] == ["CAT312"]


def test_option_key_collision_is_suffixed():
    catalog, diagnostics = build((Toggle("Mode", "Mode", ToggleKind.SLICER, ("Net $", "Net-$"), "Net $"),))
    assert [o.option_key for o in catalog.toggle_options] == ["net_dollar", "net_dollar_2"]
    assert [d.code for d in diagnostics] == ["CAT311"]


def test_toggle_description_is_the_slicer_tables():
    from dataclasses import replace

    from tests.catalog.builders import APPROVAL_MODE, CAMPAIGNS, DATES, ORDERS, REFUNDS

    described = replace(APPROVAL_MODE, description="Which approvals count")
    c = compiled(summed(measure("Approvals"), "approvals"), tables=(ORDERS, REFUNDS, CAMPAIGNS, DATES, described))
    catalog, _ = build_catalog([c], EMPTY)
    assert catalog.toggles[0].description == "Which approvals count"
    mapping = parse_mapping('[toggles."Approval Mode"]\ndescription = "Mapped"\n', "t.toml")
    assert build_catalog([c], mapping)[0].toggles[0].description == "Mapped"


def test_a_field_parameter_picking_measures_is_a_metric_picker_not_a_dimension_switch():
    picker = Toggle("Metric", "Metric", ToggleKind.FIELD_PARAMETER, ("Approvals", "Revenue"), "Approvals",
                    targets=("[Approvals]", "[Revenue]"), picks="measures")
    columns = Toggle("Group By", "Group By", ToggleKind.FIELD_PARAMETER, ("Campaign", "Gateway"), "Campaign",
                     targets=("'Sales'[campaign_id]", "'Sales'[gateway_id]"), picks="columns")
    catalog, _ = build((picker, columns))
    assert {t.toggle_key: t.toggle_type for t in catalog.toggles} == {
        "metric": "metric_variant", "group_by": "dimension_switch"}
