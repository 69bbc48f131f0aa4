"""The seeded report_builder tables: which row class and Catalog field each is made of.

Each row class declares its columns once (translator/catalog/rows.py `column`): their names, order,
kinds, size limits and natural key. The seed stages each catalog table in a temporary table of
those columns (natural keys instead of ids), then upserts from it; the checks read the same
declarations. A table whose rows name rows of another table declares each such `Reference`: the
staged natural key of the other row, and the id column the target table stores instead. The limits,
references and timestamps are those of the DDL in report_builder_schema.sql.j2; tests/seed checks
the two agree on the real database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from translator.catalog import rows
from translator.catalog.rows import Column, Kind, seed_columns, seed_key

__all__ = ["Column", "Kind", "Reference", "SeedTable", "SEED_TABLES", "INTEGER_MIN", "INTEGER_MAX"]


@dataclass(frozen=True, slots=True)
class Reference:
    """Staged columns naming a row of `parent` by its natural key (the same column names); the
    target table stores that row's id in `id_column` instead."""

    id_column: str
    parent: SeedTable


@dataclass(frozen=True, slots=True)
class SeedTable:
    name: str  # report_builder.<name>
    catalog_field: str  # the Catalog attribute holding the rows
    row: type  # the row class, which declares the columns
    references: tuple[Reference, ...] = ()
    stamped: bool = False  # the target has updated_at, which an upsert that changes a row sets
    key: tuple[str, ...] = field(init=False)  # natural key (column names)
    columns: tuple[Column, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", seed_key(self.row))
        object.__setattr__(self, "columns", seed_columns(self.row))
        named = [column for reference in self.references for column in reference.parent.key]
        if not set(named) <= set(self.key) or len(named) != len(set(named)):
            raise ValueError(f"{self.name}: each reference must name its row by columns of the key "
                             f"{self.key}, and no column may serve two references")

    def reference_of(self, column: str) -> Reference | None:
        """The reference a staged column belongs to, if any."""
        return next((r for r in self.references if column in r.parent.key), None)

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

    def _target(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """`names` as the target table spells them: a referenced row's id once, for its columns."""
        target: list[str] = []
        for name in names:
            reference = self.reference_of(name)
            spelled = name if reference is None else reference.id_column
            if spelled not in target:
                target.append(spelled)
        return tuple(target)

    @property
    def target_key(self) -> tuple[str, ...]:
        """The natural key in the target table: the UNIQUE constraint an upsert conflicts on."""
        return self._target(self.key)

    @property
    def target_columns(self) -> tuple[str, ...]:
        """The target columns the seed writes (is_active, ids and timestamps aside)."""
        return self._target(self.column_names)


DATA_SOURCES = SeedTable("data_sources", "data_sources", rows.DataSource, stamped=True)
METRICS = SeedTable("metrics", "metrics", rows.Metric, stamped=True)
DIMENSIONS = SeedTable("dimensions", "dimensions", rows.Dimension, stamped=True)
METRIC_TOGGLES = SeedTable("metric_toggles", "toggles", rows.MetricToggle, stamped=True)
METRIC_TOGGLE_OPTIONS = SeedTable("metric_toggle_options", "toggle_options", rows.MetricToggleOption,
                                  references=(Reference("toggle_id", METRIC_TOGGLES),))
METRIC_VARIANTS = SeedTable("metric_variants", "variants", rows.MetricVariant,
                            references=(Reference("metric_id", METRICS),
                                        Reference("toggle_option_id", METRIC_TOGGLE_OPTIONS)))
DATA_SOURCE_METRICS = SeedTable("data_source_metrics", "data_source_metrics", rows.DataSourceMetric,
                                references=(Reference("data_source_id", DATA_SOURCES),
                                            Reference("metric_id", METRICS)))
DATA_SOURCE_DIMENSIONS = SeedTable("data_source_dimensions", "data_source_dimensions", rows.DataSourceDimension,
                                   references=(Reference("data_source_id", DATA_SOURCES),
                                               Reference("dimension_id", DIMENSIONS)))
REPORT_TEMPLATES = SeedTable("report_templates", "report_templates", rows.ReportTemplate, stamped=True)

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
