"""The seeded report_builder columns: their SQL kind and size limit, one spec per catalog table.

The seed stages each catalog table in a temporary table of these columns (natural keys instead
of ids), then upserts from it. Field names of the catalog rows (translator/catalog/rows.py) are
the column names, so a row's values are read with getattr in spec order. The limits are those of
the DDL in report_builder_schema.sql.j2; tests/seed checks the two agree on the real database.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(enum.Enum):
    TEXT = "text"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    JSON = "json"  # JSON text, stored as JSONB
    TEXT_ARRAY = "text_array"  # a tuple of strings, stored as VARCHAR(n)[] (max_length per element)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    max_length: int | None = None  # VARCHAR(n); None for TEXT, INTEGER, BOOLEAN
    nullable: bool = False
    is_sql: bool = False  # holds a SQL expression that the allow-list checks


@dataclass(frozen=True, slots=True)
class SeedTable:
    name: str  # report_builder.<name>
    catalog_field: str  # the Catalog attribute holding the rows
    key: tuple[str, ...]  # natural key (column names below)
    columns: tuple[Column, ...]

    def rows(self, catalog: object) -> tuple[object, ...]:
        """This table's rows of a Catalog."""
        return getattr(catalog, self.catalog_field)

    @property
    def staging(self) -> str:
        return f"rb_seed_{self.name}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def value_columns(self) -> tuple[str, ...]:
        """Columns an upsert may change: everything but the natural key."""
        return tuple(c.name for c in self.columns if c.name not in self.key)


def _key(name: str) -> Column:
    return Column(name, max_length=100)


def _reference(name: str) -> Column:
    """A natural key of another table: its length is checked where that row is defined."""
    return Column(name)


_INTEGER = Kind.INTEGER
_BOOLEAN = Kind.BOOLEAN

DATA_SOURCES = SeedTable("data_sources", "data_sources", ("source_key",), (
    _key("source_key"),
    Column("display_name", max_length=200),
    Column("view_pattern", max_length=500),
    Column("date_column", max_length=100, nullable=True),
    Column("client_id_column", max_length=100),
    Column("refresh_frequency_minutes", _INTEGER),
    Column("description", nullable=True),
))

METRICS = SeedTable("metrics", "metrics", ("metric_key",), (
    _key("metric_key"),
    Column("display_name", max_length=200),
    Column("description", nullable=True),
    Column("sql_expression", is_sql=True),
    Column("data_type", max_length=50),
    Column("format_pattern", max_length=50, nullable=True),
    Column("category", max_length=100),
    Column("aggregation_type", max_length=50),
    Column("is_derived", _BOOLEAN),
    Column("derived_formula", nullable=True, is_sql=True),
    Column("sort_order", _INTEGER),
    Column("is_invertable", _BOOLEAN),
))

DIMENSIONS = SeedTable("dimensions", "dimensions", ("dimension_key",), (
    _key("dimension_key"),
    Column("display_name", max_length=200),
    Column("description", nullable=True),
    Column("column_expression"),
    Column("display_column", max_length=200, nullable=True),
    Column("join_table", max_length=200, nullable=True),
    Column("join_condition", nullable=True),
    Column("data_type", max_length=50),
    Column("filter_type", max_length=50),
    Column("is_groupable", _BOOLEAN),
    Column("is_filterable", _BOOLEAN),
    Column("category", max_length=100, nullable=True),
    Column("sort_order", _INTEGER),
))

METRIC_TOGGLES = SeedTable("metric_toggles", "toggles", ("toggle_key",), (
    _key("toggle_key"),
    Column("display_name", max_length=200),
    Column("description", nullable=True),
    Column("toggle_type", max_length=50),
    Column("ui_component", max_length=50),
    Column("sort_order", _INTEGER),
))

METRIC_TOGGLE_OPTIONS = SeedTable("metric_toggle_options", "toggle_options",
                                  ("toggle_key", "option_key"), (
    _reference("toggle_key"),
    _key("option_key"),
    Column("display_name", max_length=200),
    Column("description", nullable=True),
    Column("is_default", _BOOLEAN),
    Column("sort_order", _INTEGER),
))

METRIC_VARIANTS = SeedTable("metric_variants", "variants",
                            ("metric_key", "toggle_key", "option_key"), (
    _reference("metric_key"),
    _reference("toggle_key"),
    _reference("option_key"),
    Column("sql_expression", is_sql=True),
))

DATA_SOURCE_METRICS = SeedTable("data_source_metrics", "data_source_metrics",
                                ("source_key", "metric_key"), (
    _reference("source_key"),
    _reference("metric_key"),
))

DATA_SOURCE_DIMENSIONS = SeedTable("data_source_dimensions", "data_source_dimensions",
                                   ("source_key", "dimension_key"), (
    _reference("source_key"),
    _reference("dimension_key"),
))

REPORT_TEMPLATES = SeedTable("report_templates", "report_templates", ("template_key",), (
    _key("template_key"),
    Column("name", max_length=200),
    Column("description", nullable=True),
    Column("category", max_length=100),
    Column("layout", Kind.JSON),
    Column("default_filters", Kind.JSON, nullable=True),
    Column("default_date_range", max_length=50, nullable=True),
    Column("required_data_sources", Kind.TEXT_ARRAY, max_length=100),
    Column("required_toggles", Kind.TEXT_ARRAY, max_length=100, nullable=True),
    Column("nav_section", max_length=100, nullable=True),
    Column("nav_order", _INTEGER),
    Column("nav_icon", max_length=100, nullable=True),
))

# In the order the seed writes them: parents before the rows that refer to them.
SEED_TABLES: tuple[SeedTable, ...] = (
    DATA_SOURCES,
    METRICS,
    DIMENSIONS,
    METRIC_TOGGLES,
    METRIC_TOGGLE_OPTIONS,
    METRIC_VARIANTS,
    DATA_SOURCE_METRICS,
    DATA_SOURCE_DIMENSIONS,
    REPORT_TEMPLATES,
)

INTEGER_MIN = -(2**31)
INTEGER_MAX = 2**31 - 1
