"""Why a measure is not translated: one exception carrying a stable CMP2xx code.

Any rule may raise `Untranslatable`; the measure compiler catches it at the measure boundary and
turns it into an UNTRANSLATED translation whose reason is a Diagnostic located in the export.
Codes are documented in docs/diagnostics.md (section CMP2xx).
"""

from __future__ import annotations

from translator.dax.ast import NO_SPAN, Span
from translator.diagnostics import codes
from translator.model.semantic import LookupRefusal

UNKNOWN_FUNCTION = codes.CMP201
NO_SQL_RULE = codes.CMP202  # the function table gives the reason (time intelligence, RANKX, ...)
ARITY = codes.CMP203
UNKNOWN_NAME = codes.CMP204
TWO_FACT_TABLES = codes.CMP205
NEEDS_JOIN = codes.CMP206
CONTEXT_TRANSITION = codes.CMP207
MEASURE_CYCLE = codes.CMP208
UNTRANSLATED_COMPONENT = codes.CMP209
UNSUPPORTED = codes.CMP210  # a construct the compiler does not translate faithfully (reason given)
TWO_TOGGLES = codes.CMP211
NOT_READY = codes.CMP212  # DMV state other than Ready
APPROXIMATE_ALL = codes.CMP213  # warning: ALL / REMOVEFILTERS treated as ALLSELECTED
NOT_ADDITIVE = codes.CMP214  # aggregate under ALLSELECTED that a window over groups cannot re-aggregate
COLUMN_OUTSIDE_ROW = codes.CMP215
TYPE_MISMATCH = codes.CMP216
UNDOCUMENTED_BLANK = codes.CMP217  # a function whose BLANK behaviour no source documents
CALCULATION_ITEM = codes.CMP218  # warning: a calculation item cannot be applied to a measure
PRESENTATION = codes.CMP219  # info: the measure is presentation text, not a metric
CONSTANT = codes.CMP220  # info: the measure is a constant, not a metric
APPROXIMATE_COMPONENT = codes.CMP221  # warning: a measure it references is approximate (CMP213)
LOOKUP_UNDECLARED = codes.CMP240  # the view of the fact table is not declared to carry the lookup column
INACTIVE_RELATIONSHIP = codes.CMP241
AGAINST_RELATIONSHIP = codes.CMP242  # the other table is on the many side
MANY_TO_MANY = codes.CMP243
NAN_ORDER = codes.CMP230  # a comparison or MIN/MAX over a value that may be NaN (0 / 0)
# why a fact row has no single value of another table's column (SemanticModel.lookup_refusal)
REFUSED_LOOKUP = {
    LookupRefusal.NO_RELATIONSHIP: NEEDS_JOIN,
    LookupRefusal.INACTIVE: INACTIVE_RELATIONSHIP,
    LookupRefusal.DIRECTION: AGAINST_RELATIONSHIP,
    LookupRefusal.MANY_TO_MANY: MANY_TO_MANY,
}
INTERNAL_ERROR = codes.CMP299  # a bug: an unexpected exception while compiling one measure


class Untranslatable(Exception):
    def __init__(
        self, code: str, message: str, span: Span = NO_SPAN, notes: tuple[str, ...] = (), blocked_by: str | None = None,
        lookups: tuple[str, ...] = (), lookup_fact: str | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.span = span
        self.notes = notes
        # The referenced measure whose own failure this is (its root cause, if it is untranslated).
        self.blocked_by = blocked_by
        # LOOKUP_UNDECLARED, through an active many-to-one relationship: the lookup columns ('Dim'[c]) a
        # view of `lookup_fact` would have to carry for the measure to be exact.
        self.lookups = lookups
        self.lookup_fact = lookup_fact
