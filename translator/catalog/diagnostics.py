"""The catalog stage's diagnostic codes (CAT3xx, documented in docs/diagnostics.md)."""

from __future__ import annotations

from translator.diagnostics import Diagnostic, Severity, SourceLocation
from translator.readers.mapping import Mapping

CAT_METRIC_KEY = "CAT301"  # two measures want the same metric key
CAT_UNKNOWN_FOLDER = "CAT302"  # display folder is not one of the catalog's categories
CAT_NO_FOLDER = "CAT303"  # measure has no display folder
CAT_APPROXIMATE = "CAT304"  # approximate translation awaiting acceptance
CAT_COMPONENT = "CAT305"  # derived measure built on a measure that is not a metric
CAT_NO_SOURCE = "CAT306"  # metric reads columns no data source has
CAT_VARIANT_TARGET = "CAT307"  # variant names a toggle or option the model does not have
CAT_VARIANT_SAME = "CAT308"  # variant SQL equals the default SQL
CAT_MAPPING_UNUSED = "CAT309"  # mapping names something the model does not have
CAT_DIMENSION_KEY = "CAT310"  # two columns want the same dimension key
CAT_TOGGLE_KEY = "CAT311"  # toggle or option key collision
CAT_NO_DEFAULT = "CAT312"  # toggle has no default option
CAT_INCOMPLETE = "CAT313"  # the report does not list every measure exactly once
CAT_MANUAL = "CAT314"  # SQL supplied by hand in the mapping file
CAT_NO_TRANSLATION = "CAT315"  # the compiler returned no translation for a measure
CAT_NOT_TRANSLATED = "CAT316"  # untranslated / parse error: not in the catalog


def at(mapping: Mapping, line: int | None) -> SourceLocation | None:
    return mapping.location(line)


def warn(code: str, message: str, location: SourceLocation | None = None, *notes: str) -> Diagnostic:
    return Diagnostic(code, Severity.WARNING, message, location, tuple(notes))


def info(code: str, message: str, location: SourceLocation | None = None, *notes: str) -> Diagnostic:
    return Diagnostic(code, Severity.INFO, message, location, tuple(notes))


def err(code: str, message: str, location: SourceLocation | None = None, *notes: str) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, location, tuple(notes))


def reason(d: Diagnostic) -> str:
    """A diagnostic as a report line: "CODE: message"."""
    return f"{d.code}: {d.message}"
