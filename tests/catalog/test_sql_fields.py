"""Issue 12, finding 3: every catalog value the report builder pastes into SQL (view_pattern,
date_column, client_id_column, column_expression, join_table, join_condition) goes through the
allow-list, with the {source} and {client_id} placeholders handled explicitly."""

from __future__ import annotations

import dataclasses

import pytest

from tests.seed.catalogs import sample_catalog
from translator.catalog.rows import Catalog, Dimension
from translator.catalog import check_rows

JOINED = Dimension(
    "campaign_name", "Campaign", '"campaign_id"', display_column="campaign_name",
    join_table='"reporting"."campaigns_{client_id}"',
    join_condition='{source}."campaign_id" = "campaigns_{client_id}"."campaign_id" '
                   'AND "campaigns_{client_id}"."client_id" = {client_id}',
)


def _with_dimension(**changes: str) -> Catalog:
    catalog = sample_catalog()
    dimension = dataclasses.replace(JOINED, **changes)
    return dataclasses.replace(
        catalog,
        dimensions=(*catalog.dimensions, dimension),
        data_source_dimensions=(*catalog.data_source_dimensions,
                                dataclasses.replace(catalog.data_source_dimensions[0],
                                                    dimension_key=dimension.dimension_key)),
    )


def _codes(catalog: Catalog) -> list[tuple[str, str]]:
    return [(d.code, d.message.split(": ", 1)[1].split(" ", 1)[0]) for d in check_rows(catalog)]


def test_a_joined_dimension_with_placeholders_passes():
    assert _codes(_with_dimension()) == []


@pytest.mark.parametrize(("changes", "expected"), [
    ({"join_table": "public.campaigns; DELETE FROM report_builder.saved_views; --"}, ("EMT510", "join_table")),
    ({"join_table": '"public"."campaigns" AS c'}, ("EMT510", "join_table")),
    ({"join_table": "public.campaigns_{evil}"}, ("EMT510", "join_table")),
    ({"join_condition": '{source}."campaign_id" = "campaigns_{client_id}"."id"; DELETE FROM x'},
     ("EMT510", "join_condition")),
    ({"join_condition": '{source}."campaign_id" IN (SELECT id FROM secrets)'}, ("EMT514", "join_condition")),
    ({"join_condition": '{source}."nope" = "campaigns_{client_id}"."id"'}, ("EMT512", "join_condition")),
    ({"join_condition": '"other"."id" = "campaigns_{client_id}"."id"'}, ("EMT512", "join_condition")),
    ({"join_condition": '{source}."campaign_id" = {evil}'}, ("EMT513", "join_condition")),
    ({"join_condition": '{source}."campaign_id" = pg_sleep(1)'}, ("EMT513", "join_condition")),
    ({"column_expression": '"campaign_id" || pg_sleep(1)'}, ("EMT513", "column_expression")),
    ({"column_expression": '"nope"'}, ("EMT512", "column_expression")),
])
def test_dimension_sql_outside_the_allow_list_is_refused(changes, expected):
    assert expected in _codes(_with_dimension(**changes))


@pytest.mark.parametrize(("changes", "expected"), [
    ({"view_pattern": "reporting.x; DROP TABLE y; --_{client_id}"}, ("EMT510", "view_pattern")),
    ({"date_column": "date; DROP TABLE y"}, ("EMT512", "date_column")),
    ({"client_id_column": "client_id = 1 OR 1"}, ("EMT510", "client_id_column")),
])
def test_data_source_sql_outside_the_allow_list_is_refused(changes, expected):
    catalog = sample_catalog()
    source = dataclasses.replace(catalog.data_sources[0], **changes)
    assert expected in _codes(dataclasses.replace(catalog, data_sources=(source, *catalog.data_sources[1:])))
