"""What the compile stage produces for each measure: the contract with the catalog stage."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from sqlglot import exp

from translator.compile.compiled import Kind
from translator.compile.timeintel import TimeUse
from translator.diagnostics import Diagnostic
from translator.functions import Aggregation
from translator.model.semantic import Measure, SemanticModel


class Status(enum.Enum):
    EXACT = "exact"
    APPROXIMATE = "approximate"  # emitted only when the mapping file accepts it by name
    UNTRANSLATED = "untranslated"
    PARSE_ERROR = "parse_error"
    PRESENTATION = "presentation"  # text for the report's look (colour, image, URL, label): not a metric
    CONSTANT = "constant"  # a literal (= 0, = BLANK()): the same whatever the report filters


class ToggleKind(enum.Enum):
    SLICER = "slicer"  # disconnected table read with SELECTEDVALUE / VALUES / MAX / HASONEVALUE
    CALCULATION_GROUP = "calculation_group"
    FIELD_PARAMETER = "field_parameter"


@dataclass(frozen=True, slots=True)
class Toggle:
    """A context switch found in the model itself."""

    table: str
    column: str
    kind: ToggleKind
    options: tuple[str, ...]  # the option values, in the model's order
    default: str | None  # the option used when nothing is selected
    # Field parameters only: the field each option picks, as NAMEOF gives it ("'Sales'[Total
    # Sales]"), aligned with `options`; and what those fields are: "measures" (a metric picker),
    # "columns" (a dimension switch) or "mixed".
    targets: tuple[str, ...] = ()
    picks: str | None = None


@dataclass(frozen=True, slots=True)
class Variant:
    """The measure's SQL when `option` of the toggle on `toggle_table` is selected.
    Only options whose SQL differs from the default produce a Variant."""

    toggle_table: str
    option: str
    sql: exp.Expression


@dataclass(frozen=True, slots=True)
class Translation:
    measure: Measure
    export: str
    status: Status
    # The default SQL (every toggle at its default). None unless EXACT or APPROXIMATE.
    sql: exp.Expression | None = None
    # For a measure built on measures: the formula with each component as a bare identifier
    # naming the component measure (exp.column(<measure name>)); the catalog renames to keys.
    derived_formula: exp.Expression | None = None
    components: tuple[str, ...] = ()
    fact_table: str | None = None  # the table whose rows the aggregates read
    columns: tuple[str, ...] = ()  # physical columns the SQL reads (sorted, model spelling)
    variants: tuple[Variant, ...] = ()
    toggles: tuple[str, ...] = ()  # toggle tables this measure reads (directly)
    # Measures whose DAX was inlined only as the branch of a toggle option (e.g. the hidden
    # [Approvals Organic] behind SWITCH(SELECTEDVALUE('Approval Mode'[...]), "Organic", ...)).
    branch_measures: tuple[str, ...] = ()
    # Columns whose outer filters a CALCULATE boolean filter replaces (see DAX_SEMANTICS.md).
    overridden_columns: tuple[str, ...] = ()
    # lookup columns (the mapping's lookup_columns) a CALCULATE filter replaces the report's
    # filters on: (the fact table's key column of the relationship, the lookup table's column)
    overridden_lookups: tuple[tuple[str, str], ...] = ()
    aggregation: Aggregation = Aggregation.CUSTOM
    kind: Kind = Kind.NUMBER  # the type of the SQL's value (never BLANK)
    reasons: tuple[Diagnostic, ...] = field(default=())
    # PRESENTATION: colour | image | url | label. CONSTANT: the literal's value (None for BLANK()).
    presentation: str | None = None
    constant: object = None
    # UNTRANSLATED: the time-intelligence uses of the measure's own expression, as data
    # (translator/compile/timeintel.py), and the measure whose untranslation blocks this one.
    time_intelligence: tuple[TimeUse, ...] = ()
    blocked_by: str | None = None
    # UNTRANSLATED for a filter through a many-to-one relationship: the lookup columns a view of
    # `lookup_fact` would need ('Dim'[c]) to make it exact.
    lookups: tuple[str, ...] = ()
    lookup_fact: str | None = None

    @property
    def is_derived(self) -> bool:
        return self.derived_formula is not None


@dataclass(frozen=True, slots=True)
class CompiledModel:
    """The compile stage's output for one export: a Translation for every input measure."""

    export: str
    model: SemanticModel
    translations: tuple[Translation, ...]
    toggles: tuple[Toggle, ...] = ()
