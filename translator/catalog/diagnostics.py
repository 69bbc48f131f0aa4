"""The catalog stage's diagnostic codes (CAT3xx, documented in docs/diagnostics.md)."""

from __future__ import annotations

from translator.diagnostics import Diagnostic, SourceLocation
from translator.diagnostics import codes
from translator.diagnostics.suggest import did_you_mean  # noqa: F401  (the catalog's modules import it from here)
from translator.model.mapping import Mapping

CAT_METRIC_KEY = codes.CAT301  # two measures want the same metric key
CAT_UNKNOWN_FOLDER = codes.CAT302  # display folder is not one of the catalog's categories
CAT_NO_FOLDER = codes.CAT303  # measure has no display folder
CAT_APPROXIMATE = codes.CAT304  # approximate translation awaiting acceptance
CAT_COMPONENT = codes.CAT305  # derived measure built on a measure that is not a metric
CAT_NO_SOURCE = codes.CAT306  # metric reads columns no data source has
CAT_VARIANT_TARGET = codes.CAT307  # variant names a toggle or option the model does not have
CAT_VARIANT_SAME = codes.CAT308  # variant SQL equals the default SQL
CAT_MAPPING_UNUSED = codes.CAT309  # mapping names something the model does not have
CAT_DIMENSION_KEY = codes.CAT310  # two columns want the same dimension key
CAT_TOGGLE_KEY = codes.CAT311  # toggle or option key collision
CAT_NO_DEFAULT = codes.CAT312  # toggle has no default option
CAT_INCOMPLETE = codes.CAT313  # the report does not list every measure exactly once
CAT_MANUAL = codes.CAT314  # SQL supplied by hand in the mapping file
CAT_NO_TRANSLATION = codes.CAT315  # the compiler returned no translation for a measure
CAT_NOT_TRANSLATED = codes.CAT316  # untranslated / parse error: not in the catalog
CAT_KEY_SHORTENED = codes.CAT317  # a generated key longer than its column, shortened
CAT_NAME_SHORTENED = codes.CAT318  # a display name longer than its column, shortened with an ellipsis
CAT_CALCULATED_COLUMN = codes.CAT319  # a metric reads a calculated column no data source has
CAT_UNKNOWN_CATEGORY = codes.CAT320  # the mapping names a category the catalog does not have
CAT_FIELD_UNRESOLVED = codes.CAT340  # a report visual's field has no catalog counterpart (partly converted)
CAT_VISUAL_DROPPED = codes.CAT341  # a report visual became no widget (not converted)
CAT_REMOTE_MODEL = codes.CAT342  # a report's model is not among the exports
CAT_TEMPLATE_KEY = codes.CAT343  # two report pages want the same template key
CAT_DECLARED_LINK = codes.CAT330  # metric runs on another view the mapping declares equivalent for it
CAT_DECLARED_REFUSED = codes.CAT331  # a declared equivalence the catalog cannot honour
CAT_OVERRIDE_OFFERED = codes.CAT332  # CALCULATE overrides a column offered as a dimension: approximate
CAT_MANUAL_SQL = codes.CAT393  # the mapping's SQL for a measure does not parse, or is a query
CAT_UNSAFE_VIEW = codes.CAT335  # an M source's view name is not a plain identifier: not a data source
CAT_LOOKUP_COLUMN = codes.CAT325  # a lookup_columns entry no active many-to-one relationship carries


def at(mapping: Mapping, line: int | None) -> SourceLocation | None:
    return mapping.location(line)


def reason(d: Diagnostic) -> str:
    """A diagnostic as a report line: "CODE: message"."""
    return f"{d.code}: {d.message}"
