"""The documented rules that turn model facts into catalog attributes (docs/mapping.md,
"Rules"). Each is a small pure function; the mapping file overrides any of their results."""

from __future__ import annotations

import re

from translator.catalog.naming import fit_key, snake_case
from translator.compile.compiled import Kind

# ------------------------------------------------------------------ metric formats

def metric_format(format_string: str | None, kind: Kind = Kind.NUMBER) -> tuple[str, str | None]:
    """(data_type, format_pattern) from the type of the metric's SQL and its format string.

    A value that is not a number (text, a boolean, a date) is `text`, with no numeric format.
    A number: currency for $ formats, percentage for %, integer for whole-number patterns (#,##0,
    #,0, 0), otherwise decimal. The pattern is the positive section with escapes and quotes removed.
    """
    if kind is not Kind.NUMBER:
        return "text", None
    if not format_string or not format_string.strip():
        return "decimal", None
    pattern = _positive_section(format_string)
    if re.search(r"[$€£¥]", pattern) or pattern.casefold() in ("currency", "c", "c0", "c2"):
        return "currency", pattern
    if "%" in pattern or pattern.casefold() in ("percent", "p", "p0", "p1", "p2"):
        return "percentage", pattern
    if re.fullmatch(r"[#0,]+", pattern) and "0" in pattern or pattern.casefold() in ("general number", "n0"):
        return "integer", pattern
    return "decimal", pattern


def _positive_section(format_string: str) -> str:
    section, in_quotes, escaped = [], False, False
    for ch in format_string.strip():
        if escaped:
            section.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            in_quotes = not in_quotes
        elif ch == ";" and not in_quotes:
            break
        else:
            section.append(ch)
    return "".join(section).strip()


# ------------------------------------------------------------------ metric categories

CATEGORIES = (
    "sales", "revenue", "chargebacks", "refunds", "recovery",
    "ltv", "profitability", "real_time", "mid_health", "alerts",
)
_CATEGORY_ALIASES = {
    "sale": "sales", "approvals": "sales", "revenues": "revenue",
    "cb": "chargebacks", "cbs": "chargebacks", "chargeback": "chargebacks",
    "refund": "refunds", "recoveries": "recovery", "decline_recovery": "recovery",
    "lifetime_value": "ltv", "profit": "profitability", "realtime": "real_time",
    "mid": "mid_health", "mids": "mid_health", "alert": "alerts",
}
UNCATEGORIZED = "uncategorized"


def folder_category(folder: str | None) -> tuple[str, bool]:
    """(category, known) for a display folder: the first folder of a nested path ("Sales\\Approvals"
    -> sales) in snake_case, matched against the catalog's categories and their common spellings.
    An unknown folder keeps its snake_case name (shortened to fit category VARCHAR(100)) and is
    reported (known = False)."""
    if not folder or not folder.strip():
        return UNCATEGORIZED, False
    first = re.split(r"[\\/;]", folder.strip(), maxsplit=1)[0]
    key = snake_case(first)
    if key in CATEGORIES:
        return key, True
    if key in _CATEGORY_ALIASES:
        return _CATEGORY_ALIASES[key], True
    return fit_key(key), False


# ------------------------------------------------------------------ higher is worse

# Words in a measure name that mean "more is bad" ...
_WORSE_WORDS = frozenset({
    "cb", "cbs", "chargeback", "chargebacks", "refund", "refunds", "refunded",
    "decline", "declines", "declined", "alert", "alerts", "cancel", "cancels", "cancelled",
    "canceled", "cancellation", "cancellations", "churn", "dispute", "disputes", "fraud",
    "rdr", "ethoca", "cdrn", "void", "voids", "tc40",
})
# ... unless the measure counts their recovery or prevention, which is good.
_BETTER_WORDS = frozenset({"recovered", "recovery", "recoveries", "recover", "saved", "prevented", "avoided"})
_WORSE_CATEGORIES = frozenset({"chargebacks", "refunds", "alerts"})


def is_invertable(measure_name: str, category: str) -> bool:
    words = set(snake_case(measure_name).split("_"))
    if words & _BETTER_WORDS:
        return False
    return bool(words & _WORSE_WORDS) or category in _WORSE_CATEGORIES


# ------------------------------------------------------------------ dimensions

_NUMERIC_TYPES = frozenset({"int64", "double", "decimal"})
_DIMENSION_TYPES = {"string": "text", "int64": "integer", "double": "decimal", "decimal": "decimal",
                    "datetime": "date", "boolean": "boolean"}


def dimension_data_type(tom_type: str) -> str:
    return _DIMENSION_TYPES.get(tom_type.casefold(), "text")


def is_attribute(name: str, tom_type: str, summarize_by: str | None, is_key: bool) -> bool:
    """A column one groups by rather than adds up: not numeric, or numeric but marked
    summarize-by none, or an identifier (a key, or a name ending in _id)."""
    if tom_type.casefold() not in _NUMERIC_TYPES:
        return tom_type.casefold() != "binary"
    if summarize_by is not None and summarize_by.casefold() == "none":
        return True
    return is_key or _is_id_name(name)


def _is_id_name(name: str) -> bool:
    key = snake_case(name)
    return key == "id" or key.endswith("_id")


# Columns that identify a single record or person: too many values for a pick list.
_SEARCH_RE = re.compile(r"(^|_)(order|alert|transaction|customer|subscription|invoice|case)_id$|email|phone|(^|_)(first|last)$")


def filter_type(name: str, data_type: str, is_key: bool) -> str:
    if data_type == "date":
        return "date_range"
    if data_type == "boolean":
        return "single_select"
    if is_key or _SEARCH_RE.search(snake_case(name)):
        return "search"
    return "multi_select"


# First matching rule wins; matched against the words of the column's snake_case name.
_DIMENSION_CATEGORIES: tuple[tuple[str, frozenset[str]], ...] = (
    ("time", frozenset({"date", "day", "week", "month", "year", "hour", "time", "period", "quarter"})),
    ("marketing", frozenset({"campaign", "affid", "affiliate", "sub", "c", "cpa", "publisher", "utm", "source"})),
    ("payment", frozenset({"gateway", "mid", "bin", "card", "processor", "merchant", "decline", "descriptor", "bank"})),
    ("product", frozenset({"product", "price", "sku", "subscription", "vertical", "offer"})),
    ("customer", frozenset({"bill", "email", "phone", "customer", "country", "state", "city", "zip", "ship"})),
)


def dimension_category(name: str, data_type: str) -> str:
    if data_type == "date":
        return "time"
    words = set(snake_case(name).split("_"))
    for category, vocabulary in _DIMENSION_CATEGORIES:
        if words & vocabulary:
            return category
    return "transaction"
