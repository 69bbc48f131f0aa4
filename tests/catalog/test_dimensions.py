from __future__ import annotations

from tests.catalog.builders import (
    APPROVAL_MODE, CAMPAIGNS, DATES, ORDERS, REFUNDS, attr, col, compiled, measure, summed,
)
from translator.catalog import build_catalog
from translator.readers.mapping import parse_mapping
from translator.model.semantic import Relationship, Table

EMPTY = parse_mapping("", "t.toml")


def build(c, mapping=EMPTY):
    return build_catalog([c], mapping)


def dims(catalog):
    return {d.dimension_key: d for d in catalog.dimensions}


BASE = compiled(summed(measure("Approvals"), "approvals"))
# Orders alone: the only source
SINGLE = compiled(summed(measure("Approvals"), "approvals"), tables=(ORDERS, CAMPAIGNS, DATES, APPROVAL_MODE))


def test_shared_attributes_joined_ids_and_date_columns_are_dimensions():
    # order_id, bill_email, sales_type (Orders only) and alert_type (Refund Alerts only) are details
    catalog, _ = build(BASE)
    assert sorted(dims(catalog)) == ["campaign_name", "date"]


def test_with_one_source_every_attribute_is_a_dimension_and_facts_are_not():
    catalog, _ = build(SINGLE)
    assert sorted(dims(catalog)) == ["bill_email", "campaign_name", "date", "order_id", "sales_type"]


def test_an_attribute_shared_by_two_sources_is_a_dimension():
    shared = Table("Refund Alerts", columns=REFUNDS.columns + (attr("sales_type"),))
    c = compiled(summed(measure("Approvals"), "approvals"), tables=(ORDERS, shared, CAMPAIGNS, DATES, APPROVAL_MODE))
    assert sorted(dims(build(c)[0])) == ["campaign_name", "date", "sales_type"]


def test_related_id_joins_its_lookup():
    d = dims(build(BASE)[0])["campaign_name"]
    assert d.column_expression == '"campaign_id"'
    assert d.display_column == "campaign_name"
    assert d.join_table == '"public"."campaigns"'
    assert d.join_condition == ('{source}."campaign_id" = "campaigns"."campaign_id" '
                                'AND "campaigns"."client_id" = {client_id}')
    assert (d.display_name, d.data_type, d.filter_type, d.category) == ("Campaign", "text", "multi_select", "marketing")


def test_lookup_schema_from_mapping_when_m_names_none():
    bare = Table("Campaigns", columns=CAMPAIGNS.columns)
    c = compiled(summed(measure("Approvals"), "approvals"), tables=(ORDERS, REFUNDS, bare, DATES, APPROVAL_MODE))
    d = dims(build(c, parse_mapping('[defaults]\nlookup_schema = "crm"\n', "t.toml"))[0])["campaign_name"]
    assert d.join_table == '"crm"."campaigns"'
    d = dims(build(c)[0])["campaign_name"]
    assert d.join_table == '"campaigns"'


def test_dimension_types_and_filters():
    found = dims(build(SINGLE)[0])
    assert (found["date"].data_type, found["date"].filter_type, found["date"].category) == ("date", "date_range", "time")
    assert found["order_id"].filter_type == "search"
    assert found["bill_email"].filter_type == "search"
    assert (found["sales_type"].filter_type, found["sales_type"].category) == ("multi_select", "transaction")


def test_one_dimension_per_column_linked_to_every_source_having_it():
    catalog, _ = build(BASE)
    links = {(l.source_key, l.dimension_key) for l in catalog.data_source_dimensions}
    assert links == {
        ("order_summary", "campaign_name"), ("refund_alerts", "campaign_name"),
        ("order_summary", "date"), ("refund_alerts", "date"),
    }


def test_prefixed_id_to_the_same_lookup_gets_a_prefixed_key():
    cohort = Table("Cohort", columns=(attr("trial_campaign_id", "int64"), col("approvals")))
    rels = (Relationship("Cohort", "trial_campaign_id", "Campaigns", "campaign_id"),)
    c = compiled(summed(measure("Approvals", table="Cohort"), "approvals"),
                 tables=(cohort, CAMPAIGNS), relationships=rels)
    d = dims(build(c)[0])["trial_campaign_name"]
    assert (d.column_expression, d.display_column) == ('"trial_campaign_id"', "campaign_name")
    assert d.join_condition.startswith('{source}."trial_campaign_id" = "campaigns"."campaign_id"')


def test_key_collision_between_columns_is_suffixed_and_reported():
    # a plain campaign_name column on another source collides with the lookup dimension's key
    other = Table("Details", columns=(attr("campaign_name"), col("approvals")))
    c = compiled(summed(measure("Approvals"), "approvals"), summed(measure("X", table="Details"), "approvals"),
                 tables=(ORDERS, other, CAMPAIGNS, DATES, APPROVAL_MODE))
    catalog, diagnostics = build(c, parse_mapping("[dimensions.campaign_name]\ninclude = true\n", "t.toml"))
    found = dims(catalog)
    assert found["campaign_name"].display_column == "campaign_name"  # the join keeps the key
    assert found["campaign_name_2"].column_expression == '"campaign_name"'
    assert [d.code for d in diagnostics].count("CAT310") == 1


def test_mapping_overrides_and_excludes_dimensions():
    mapping = parse_mapping(
        '[dimensions.campaign_id]\nkey = "campaign"\ndisplay_name = "Campaign"\ncategory = "marketing"\n'
        '[dimensions.bill_email]\ninclude = false\n'
        '[dimensions.sales_type]\ninclude = true\nfilter_type = "single_select"\nsort_order = 99\n'
        'is_groupable = false\n'
        '[dimensions.nothing_like_this]\ncategory = "x"\n',
        "t.toml",
    )
    catalog, diagnostics = build(BASE, mapping)
    found = dims(catalog)
    assert "bill_email" not in found and "campaign_name" not in found
    assert found["campaign"].display_column == "campaign_name"
    s = found["sales_type"]
    assert (s.filter_type, s.sort_order, s.is_groupable) == ("single_select", 99, False)
    assert [d.code for d in diagnostics].count("CAT309") == 1


def test_lookup_without_client_id_joins_on_the_key_only():
    shared = Table("Campaigns", columns=(attr("campaign_id", "int64"), attr("campaign_name")))
    c = compiled(summed(measure("Approvals"), "approvals"), tables=(ORDERS, REFUNDS, shared, DATES, APPROVAL_MODE))
    d = dims(build(c)[0])["campaign_name"]
    assert d.join_condition == '{source}."campaign_id" = "campaigns"."campaign_id"'
    assert d.join_table == '"campaigns"'


def test_lookup_name_column_beside_its_id_is_the_joined_dimension():
    # Details has campaign_id and a denormalised campaign_name: one dimension, not two
    details = Table("Details", columns=(attr("campaign_id", "int64"), attr("campaign_name"), col("approvals")))
    rels = (Relationship("Details", "campaign_id", "Campaigns", "campaign_id"),)
    c = compiled(summed(measure("X", table="Details"), "approvals"), tables=(details, CAMPAIGNS), relationships=rels)
    catalog, diagnostics = build(c)
    assert sorted(dims(catalog)) == ["campaign_name"]
    assert dims(catalog)["campaign_name"].column_expression == '"campaign_id"'
    assert "CAT310" not in [d.code for d in diagnostics]
