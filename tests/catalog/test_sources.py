from __future__ import annotations

import pytest

from tests.catalog.builders import (
    CAMPAIGNS, DATES, ORDERS, APPROVAL_MODE, attr, col, compiled, measure, summed,
)
from translator.catalog import build_catalog
from translator.catalog.sources import database_object, view_key
from translator.readers.mapping import parse_mapping
from translator.model.semantic import Relationship, Table

EMPTY = parse_mapping("", "t.toml")


def sources(c, mapping=EMPTY):
    catalog, _ = build_catalog([c], mapping)
    return {s.source_key: s for s in catalog.data_sources}


def test_facts_are_sources_lookups_dates_and_slicers_are_not():
    found = sources(compiled(summed(measure("Approvals"), "approvals")))
    assert sorted(found) == ["order_summary", "refund_alerts"]


def test_source_row_fields():
    s = sources(compiled(summed(measure("Approvals"), "approvals")))["order_summary"]
    assert s.display_name == "Orders"
    assert s.view_pattern == "reporting.order_summary_{client_id}"
    assert s.date_column == "date"
    assert s.description == "One row per order day"
    assert s.client_id_column == "client_id"
    # the calculated column 'margin' is not in the view
    assert s.columns == ("client_id", "date", "campaign_id", "order_id", "bill_email", "sales_type",
                         "approvals", "attempts", "approvals_organic", "revenue")


def test_lookup_with_measures_is_a_source():
    c = compiled(summed(measure("Campaign Count", table="Campaigns"), "campaign_id"))
    assert "campaigns" in sources(c)


def test_mapping_includes_and_excludes_and_renames():
    mapping = parse_mapping(
        '[sources.Campaigns]\ninclude = true\n'
        '[sources."Refund Alerts"]\ninclude = false\n'
        '[sources.Orders]\nsource_key = "orders"\ndisplay_name = "Order Summary"\n'
        'date_column = "Bill_Email"\nrefresh_frequency_minutes = 15\ndescription = "x"\n',
        "t.toml",
    )
    found = sources(compiled(summed(measure("Approvals"), "approvals")), mapping)
    assert sorted(found) == ["campaigns", "orders"]
    o = found["orders"]
    assert (o.display_name, o.date_column, o.refresh_frequency_minutes, o.description, o.view_pattern) == (
        "Order Summary", "bill_email", 15, "x", "reporting.orders_{client_id}")


def test_date_column_falls_back_to_first_datetime_then_none():
    hourly = Table("Hourly", columns=(attr("client_id", "int64"), attr("hour", "dateTime"), col("revenue")))
    products = Table("Products", columns=(attr("client_id", "int64"), attr("product_id", "int64"), attr("product_name")))
    c = compiled(summed(measure("Today", table="Hourly"), "revenue"),
                 summed(measure("Products #", table="Products"), "product_id"),
                 tables=(hourly, products), relationships=())
    found = sources(c)
    assert (found["hourly"].date_column, found["products"].date_column) == ("hour", None)


def test_related_date_column_prefers_the_active_relationship():
    facts = Table("Facts", columns=(attr("cb_date", "dateTime"), attr("sale_date", "dateTime"), col("cb")))
    rels = (Relationship("Facts", "cb_date", "Date", "date", is_active=False),
            Relationship("Facts", "sale_date", "Date", "date"))
    c = compiled(summed(measure("CB", table="Facts"), "cb"), tables=(facts, DATES), relationships=rels)
    assert sources(c)["facts"].date_column == "sale_date"


def test_measures_only_table_is_not_a_source():
    holder = Table("_Measures", columns=(attr("Column1", is_hidden=True),))
    c = compiled(summed(measure("Approvals", table="_Measures"), "approvals", fact_table="Orders"),
                 tables=(ORDERS, holder, CAMPAIGNS, DATES, APPROVAL_MODE))
    assert sorted(sources(c)) == ["order_summary"]


@pytest.mark.parametrize("m, key", [
    ('Sql.Database("h", "db", [Query="SELECT * FROM reporting.order_summary_" & ClientId])', "order_summary"),
    ('Source{[Schema="reporting",Item="mid_summary_10042"]}[Data]', "mid_summary"),
    ('Value.NativeQuery(Source, "select * from reporting.cb_refund_alert_{client_id}")', "cb_refund_alert"),
    ('Sql.Database("h", "db", [Query="SELECT * FROM reporting.products_12 p"])', "products"),
    ('Source{[Schema="public",Item="campaigns"]}[Data]', None),
    ('Table.FromRows({{1}})', None),
])
def test_view_key_from_m(m, key):
    assert view_key(m) == key


def test_database_object_of_a_lookup():
    assert database_object('Source{[Schema="public",Item="campaigns"]}[Data]') == ("public", "campaigns")
    assert database_object('[Query="select id, name FROM public.gateways"]') == ("public", "gateways")
    assert database_object("Table.FromRows({})") is None


def test_a_source_and_a_toggle_record_the_model_objects_they_were_made_from():
    """What verify and parity read instead of deriving the sources and toggles again."""
    other = "Other.SemanticModel"
    first = compiled(summed(measure("Approvals"), "approvals"))
    second = compiled(summed(measure("Approvals"), "approvals", export=other), export=other)
    catalog, _ = build_catalog([first, second], EMPTY)
    orders = {s.source_key: s for s in catalog.data_sources}["order_summary"]
    assert orders.tables == (("Sample.SemanticModel", "Orders"), (other, "Orders"))  # one view, both exports
    [toggle] = catalog.toggles
    assert toggle.model_columns == (("Sample.SemanticModel", "Approval Mode", "Mode"), (other, "Approval Mode", "Mode"))
    assert {(o.option_key, o.value) for o in catalog.toggle_options} == {
        ("standard", "Standard"), ("organic", "Organic"), ("net", "Net")}
