"""Why a measure is not translated: one exception carrying a stable CMP2xx code.

Any rule may raise `Untranslatable`; the measure compiler catches it at the measure boundary and
turns it into an UNTRANSLATED translation whose reason is a Diagnostic located in the export.
Codes are documented in docs/diagnostics.md (section CMP2xx).
"""

from __future__ import annotations

from translator.dax.ast import NO_SPAN, Span

UNKNOWN_FUNCTION = "CMP201"
NO_SQL_RULE = "CMP202"  # the function table gives the reason (time intelligence, RANKX, ...)
ARITY = "CMP203"
UNKNOWN_NAME = "CMP204"
TWO_FACT_TABLES = "CMP205"
NEEDS_JOIN = "CMP206"
CONTEXT_TRANSITION = "CMP207"
MEASURE_CYCLE = "CMP208"
UNTRANSLATED_COMPONENT = "CMP209"
UNSUPPORTED = "CMP210"  # a construct the compiler does not translate faithfully (reason given)
TWO_TOGGLES = "CMP211"
NOT_READY = "CMP212"  # DMV state other than Ready
APPROXIMATE_ALL = "CMP213"  # warning: ALL / REMOVEFILTERS treated as ALLSELECTED
NOT_ADDITIVE = "CMP214"  # aggregate under ALLSELECTED that a window over groups cannot re-aggregate
COLUMN_OUTSIDE_ROW = "CMP215"
TYPE_MISMATCH = "CMP216"
UNDOCUMENTED_BLANK = "CMP217"  # a function whose BLANK behaviour no source documents
CALCULATION_ITEM = "CMP218"  # warning: a calculation item cannot be applied to a measure
INTERNAL_ERROR = "CMP299"  # a bug: an unexpected exception while compiling one measure


class Untranslatable(Exception):
    def __init__(self, code: str, message: str, span: Span = NO_SPAN):
        super().__init__(message)
        self.code = code
        self.message = message
        self.span = span
