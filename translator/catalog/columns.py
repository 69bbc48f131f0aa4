"""The seeded report_builder tables: which row class and Catalog field each is made of.

Each row class declares its columns once (translator/catalog/rows.py `column`): their names, order,
kinds, size limits and natural key. The seed stages each catalog table in a temporary table of
those columns (natural keys instead of ids), then upserts from it; the checks read the same
declarations. The limits are those of the DDL in report_builder_schema.sql.j2; tests/seed checks
the two agree on the real database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from translator.catalog import rows
from translator.catalog.rows import Column, Kind, seed_columns, seed_key

__all__ = ["Column", "Kind", "SeedTable", "SEED_TABLES", "INTEGER_MIN", "INTEGER_MAX"]


@dataclass(frozen=True, slots=True)
class SeedTable:
    name: str  # report_builder.<name>
    catalog_field: str  # the Catalog attribute holding the rows
    row: type  # the row class, which declares the columns
    key: tuple[str, ...] = field(init=False)  # natural key (column names)
    columns: tuple[Column, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", seed_key(self.row))
        object.__setattr__(self, "columns", seed_columns(self.row))

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


DATA_SOURCES = SeedTable("data_sources", "data_sources", rows.DataSource)
METRICS = SeedTable("metrics", "metrics", rows.Metric)
DIMENSIONS = SeedTable("dimensions", "dimensions", rows.Dimension)
METRIC_TOGGLES = SeedTable("metric_toggles", "toggles", rows.MetricToggle)
METRIC_TOGGLE_OPTIONS = SeedTable("metric_toggle_options", "toggle_options", rows.MetricToggleOption)
METRIC_VARIANTS = SeedTable("metric_variants", "variants", rows.MetricVariant)
DATA_SOURCE_METRICS = SeedTable("data_source_metrics", "data_source_metrics", rows.DataSourceMetric)
DATA_SOURCE_DIMENSIONS = SeedTable("data_source_dimensions", "data_source_dimensions", rows.DataSourceDimension)
REPORT_TEMPLATES = SeedTable("report_templates", "report_templates", rows.ReportTemplate)

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
