"""The format-agnostic report layout every report reader produces (the contract below the stages).

Readers fill these from PBIR folders (`X.Report/definition/`), legacy `report.json`, the
`Report/Layout` member of .pbix/.pbit and pbi-tools `Report/` folders; the catalog stage turns
them into `report_templates` rows and never looks at the file formats. Names keep the report's
spelling (tables, measures, columns); compare them case-insensitively, as Power BI does.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from translator.diagnostics import SourceLocation


class ReportFormat(enum.Enum):
    PBIR = "pbir"  # X.Report/definition/ (pages/<page>/page.json, visuals/<v>/visual.json)
    REPORT_JSON = "report.json"  # legacy PBIP X.Report/report.json
    PBIX = "pbix"  # Report/Layout inside a .pbix
    PBIT = "pbit"  # Report/Layout inside a .pbit
    PBI_TOOLS = "pbi-tools"  # pbi-tools Report/ folder (report.json + sections/)


class FieldKind(enum.Enum):
    MEASURE = "measure"
    COLUMN = "column"
    AGGREGATION = "aggregation"  # a column aggregated by the visual (implicit measure)
    HIERARCHY_LEVEL = "hierarchy_level"
    OTHER = "other"  # anything else a query can select (arithmetic, literals, ...)


# Power BI's QueryAggregateFunction codes, as the `Function` of an Aggregation.
AGGREGATE_FUNCTIONS = {0: "sum", 1: "avg", 2: "count", 3: "min", 4: "max", 5: "count_non_null",
                       6: "median", 7: "stddev", 8: "variance"}


@dataclass(frozen=True, slots=True)
class FieldRef:
    """A model object a visual or filter names: `entity` is the table, `name` the measure or column."""

    kind: FieldKind
    entity: str | None
    name: str | None
    function: str | None = None  # AGGREGATE_FUNCTIONS value for an Aggregation

    @property
    def label(self) -> str:
        table = (self.entity or "?").replace("'", "''")
        inner = f"'{table}'[{self.name or '?'}]"
        return f"{self.function.upper()}({inner})" if self.function else inner


@dataclass(frozen=True, slots=True)
class Projection:
    """A field placed in one of the visual's roles (Values, Category, Y, Rows, ...)."""

    role: str
    field: FieldRef


@dataclass(frozen=True, slots=True)
class Filter:
    """A report, page or visual filter, or a slicer's selection. `operator` is in, not_in, eq, ne,
    gt, ge, lt, le, top_n, relative_date or other (a condition we do not carry over)."""

    field: FieldRef | None
    operator: str
    values: tuple[str, ...] = ()
    top_n: int | None = None


@dataclass(frozen=True, slots=True)
class Sort:
    field: FieldRef
    descending: bool


@dataclass(frozen=True, slots=True)
class Position:
    """In canvas pixels, from the page's top-left corner."""

    x: float
    y: float
    width: float
    height: float
    z: float = 0


@dataclass(frozen=True, slots=True)
class Visual:
    name: str  # the visual's id in the report (stable across saves)
    visual_type: str | None  # None for a visual group
    position: Position
    projections: tuple[Projection, ...] = ()
    filters: tuple[Filter, ...] = ()
    sort: tuple[Sort, ...] = ()
    title: str | None = None
    text: str | None = None  # a text box's text
    group: str | None = None  # the name of the visual group it sits in
    is_hidden: bool = False
    location: SourceLocation | None = None

    @property
    def is_group(self) -> bool:
        return self.visual_type is None


@dataclass(frozen=True, slots=True)
class Page:
    name: str  # the page's id
    display_name: str
    ordinal: int
    width: float = 1280
    height: float = 720
    is_hidden: bool = False
    is_tooltip: bool = False
    filters: tuple[Filter, ...] = ()
    visuals: tuple[Visual, ...] = ()
    location: SourceLocation | None = None


@dataclass(frozen=True, slots=True)
class ReportLayout:
    name: str  # the report's name (X of X.Report, the .pbix's stem)
    export: str  # where it was read, relative to the exports folder
    format: ReportFormat
    model: str | None  # the export whose model the report is built with, when it is in the exports
    model_reference: str | None = None  # how the report names its model (path or connection), for messages
    filters: tuple[Filter, ...] = ()  # report-level filters
    pages: tuple[Page, ...] = ()
