"""The counter-examples of issue 11, run the way the report builder runs the catalog: each model
is built into a catalog, its views hold the model tables' own rows, and every metric is compared
with the reference evaluator on every source it is linked to, in every cell the query engine can
ask for (grouped and filtered by each offered dimension). Each failed on the old catalog rules:
a metric linked to a view of other rows, or an override of an offered dimension left exact."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from translator.catalog import build_catalog
from translator.compile import compile_model
from translator.dax import parse_model
from translator.readers.mapping import parse_mapping
from translator.model.semantic import Column, Measure, Relationship, SemanticModel, Table
from translator.verify.engine import AGREE, DISAGREE, SQL_ERROR, UNVERIFIED
from translator.verify.run import check_catalog, load_views, toggle_map, world_of

EXPORT = "issue11.bim"
D1, D2 = dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)


def run(conn, tables, relationships, rows, mapping=""):
    model = SemanticModel("issue11", EXPORT, tuple(tables), tuple(relationships))
    parsed, _ = parse_model(model)
    compiled, _ = compile_model(parsed)
    mapping_file = parse_mapping(mapping, "translator.toml")
    catalog, _ = build_catalog([compiled], mapping_file)
    frames = {name: pd.DataFrame(data, columns=[c.name for c in model.table(name).columns], dtype=object)
              for name, data in rows.items()}
    world = world_of(catalog, [compiled], mapping_file, {EXPORT: frames})
    load_views(conn, world)
    checks = check_catalog(conn, catalog, catalog, [compiled], [parsed], world, toggle_map(catalog), mapping_file)
    return catalog, checks


def links(catalog) -> set[tuple[str, str]]:
    return {(l.source_key, l.metric_key) for l in catalog.data_source_metrics}


def entry(catalog, measure):
    (found,) = [e for e in catalog.report if e.measure == measure]
    return found


def cells(checks, metric=None) -> dict[str, int]:
    counted: dict[str, int] = {}
    for c in checks:
        if metric is None or c.metric_key == metric:
            for status, n in c.cells:
                counted[status] = counted.get(status, 0) + n
    return counted


def assert_agrees(checks):
    problems = [(c.metric_key, c.source_key, c.detail) for c in checks if c.status in (DISAGREE, SQL_ERROR)]
    assert problems == []
    assert cells(checks).get(AGREE, 0) > 0


SALES_COLUMNS = (Column("Reseller Key", "int64"), Column("Order Date", "dateTime"), Column("Region", "string"),
                 Column("Sales Amount", "double"))


def test_a_count_of_a_dimension_table_runs_only_on_its_own_view(pg):
    reseller = Table("Reseller", columns=(Column("Reseller Key", "int64", is_key=True), Column("Name", "string")),
                     measures=(Measure("Reseller", "Resellers", "DISTINCTCOUNT(Reseller[Reseller Key])"),))
    sales = Table("Reseller Sales", columns=SALES_COLUMNS,
                  measures=(Measure("Reseller Sales", "Sales", "SUM('Reseller Sales'[Sales Amount])"),))
    rows = {"Reseller": [(1, "Ann"), (2, "Bob"), (3, "Cy")],
            "Reseller Sales": [(1, D1, "North", 10.0), (1, D2, "North", 5.0), (2, D2, "South", 7.0)]}
    catalog, checks = run(pg, [reseller, sales], [Relationship("Reseller Sales", "Reseller Key", "Reseller",
                                                                "Reseller Key")], rows)
    assert_agrees(checks)
    # By order date the SQL on the sales view gives 1 and 2; Power BI gives 3 on every row.
    assert links(catalog) == {("reseller", "resellers"), ("reseller_sales", "sales")}


def test_a_filtered_count_is_not_linked_to_another_view_with_the_same_column(pg):
    events = Table("subscription_events", columns=(Column("event_type", "string"), Column("month", "dateTime"),
                                                   Column("customer", "string")),
                   measures=(Measure("subscription_events", "Churned",
                                     'CALCULATE(COUNTROWS(subscription_events), subscription_events[event_type] = "churn")'),))
    revenue = Table("monthly_revenue", columns=(Column("event_type", "string"), Column("month", "dateTime"),
                                                Column("revenue", "double")),
                    measures=(Measure("monthly_revenue", "Revenue", "SUM(monthly_revenue[revenue])"),))
    rows = {"subscription_events": [("churn", D1, "a"), ("new", D1, "b"), ("renew", D2, "c")],
            "monthly_revenue": [("churn", D1, 1.0), ("churn", D1, 2.0), ("churn", D2, 3.0)]}
    accepted = '[metrics.Churned]\naccept_approximate = true\n'
    catalog, checks = run(pg, [events, revenue], [], rows, accepted)
    assert_agrees(checks)
    # monthly_revenue has event_type too: 3 churn rows there instead of 1.
    assert links(catalog) == {("subscription_events", "churned"), ("monthly_revenue", "revenue")}
    e = entry(catalog, "Churned")
    assert (e.status, e.accepted) == ("approximate", True)  # event_type is offered on both views
    # cells grouped or filtered by event_type are where the accepted approximation differs
    assert cells(checks, "churned").get(UNVERIFIED, 0) > 0


def test_an_iterator_over_one_fact_table_is_not_linked_to_its_twin(pg):
    columns = (Column("Order Date", "dateTime"), Column("Order Quantity", "int64"),
               Column("Product Standard Cost", "double"))
    internet = Table("Internet Sales", columns=columns, measures=(Measure(
        "Internet Sales", "Internet Cost",
        "SUMX('Internet Sales', 'Internet Sales'[Order Quantity] * 'Internet Sales'[Product Standard Cost])"),))
    reseller = Table("Reseller Sales", columns=columns)
    rows = {"Internet Sales": [(D1, 1, 2.0), (D2, 3, 1.5)], "Reseller Sales": [(D1, 10, 2.0), (D1, 4, 4.0)]}
    catalog, checks = run(pg, [internet, reseller], [], rows)
    assert_agrees(checks)
    assert links(catalog) == {("internet_sales", "internet_cost")}


LEDGER = (Column("Entry Type", "string"), Column("Item", "string"), Column("Posting Date", "dateTime"),
          Column("qty", "int64"))
LEDGER_ROWS = {"Item Ledger Entries": [("Output", "a", D1, 60), ("Output", "b", D2, 40), ("Sale", "a", D1, -30),
                                       ("Sale", "b", D2, -5)]}


@pytest.mark.parametrize("mapping", ["", '[metrics."Output Quantity"]\naccept_approximate = true\n'])
def test_an_override_of_an_offered_dimension_is_approximate(pg, mapping):
    ledger = Table("Item Ledger Entries", columns=LEDGER, measures=(
        Measure("Item Ledger Entries", "Quantity", "SUM('Item Ledger Entries'[qty])"),
        Measure("Item Ledger Entries", "Output Quantity",
                "CALCULATE([Quantity], 'Item Ledger Entries'[Entry Type] = \"Output\")"),
    ))
    catalog, checks = run(pg, [ledger], [], LEDGER_ROWS, mapping)
    assert_agrees(checks)
    e = entry(catalog, "Output Quantity")
    # Grouped by Entry Type, Power BI gives 100 on every row (and 100 under a filter on Sale);
    # FILTER (WHERE "Entry Type" = 'output') gives 100 on the Output row only.
    assert e.status == "approximate"
    assert any(r.startswith("CAT332") and "entry_type" in r for r in e.reasons)
    assert (e.placement == "metric") == bool(mapping)
    if mapping:
        assert cells(checks, "output_quantity").get(UNVERIFIED, 0) > 0


def test_an_override_inside_a_variable_makes_the_whole_measure_approximate(pg):
    log = Table("Requests", columns=(Column("Success", "string"), Column("Day", "dateTime"), Column("Host", "string")),
                measures=(
                    Measure("Requests", "Request Count", "COUNTROWS(Requests)"),
                    Measure("Requests", "Success Rate",
                            'VAR s = CALCULATE([Request Count], Requests[Success] = "Y") '
                            "RETURN DIVIDE(s, [Request Count])"),
                ))
    rows = {"Requests": [("Y", D1, "a"), ("Y", D1, "b"), ("N", D2, "a"), ("Y", D2, "a")]}
    catalog, checks = run(pg, [log], [], rows)
    assert_agrees(checks)
    # Grouped by Success: Power BI gives 3.0 on the N row (3 successes / 1 request), SQL NULL.
    e = entry(catalog, "Success Rate")
    assert (e.status, e.placement) == ("approximate", "untranslated")
    assert any(r.startswith("CAT332") and "success" in r for r in e.reasons)
    assert entry(catalog, "Request Count").placement == "metric"
