"""Keys and labels derived from model names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

# Symbols that carry meaning in measure names ("CB %", "CB $", "# of Orders") become words, so
# that "CB %" and "CB $" get different keys.
_SYMBOL_WORDS = {"%": " pct ", "$": " dollar ", "#": " count ", "&": " and ", "+": " plus "}
# camelCase and ACRONYMWord boundaries; a plural acronym ("MIDs", "IDs") stays one word
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z]{2})")
_ACRONYMS = {"id": "ID", "cb": "CB", "mid": "MID", "ltv": "LTV", "cpa": "CPA", "bin": "BIN", "rdr": "RDR"}

T = TypeVar("T")


def snake_case(name: str) -> str:
    """'Approval Rate' -> approval_rate, 'CB %' -> cb_pct, 'NetRevenue' -> net_revenue."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    for symbol, word in _SYMBOL_WORDS.items():
        text = text.replace(symbol, word)
    text = _CAMEL_RE.sub("_", text.replace("'", "").replace("’", ""))
    text = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    return text or "unnamed"


def humanize(name: str) -> str:
    """A label for a column name: 'sub_affid' -> 'Sub Affid', 'gateway_id' -> 'Gateway ID'."""
    if " " in name.strip():
        return name.strip()
    words = [w for w in re.split(r"[_\s]+", _CAMEL_RE.sub("_", name)) if w]
    return " ".join(_ACRONYMS.get(w.lower(), w[:1].upper() + w[1:]) for w in words) or name


def assign_unique(items: Iterable[T], wanted: Callable[[T], str]) -> tuple[dict[int, str], list[tuple[T, str, str]]]:
    """Give each item its wanted key, or the key with the first free suffix _2, _3, ... when an
    earlier item already holds it. Items are taken in the given order (callers pass them sorted).
    Returns keys by position and the (item, wanted, given) triples that were renamed."""
    taken: set[str] = set()
    keys: dict[int, str] = {}
    renamed: list[tuple[T, str, str]] = []
    for position, item in enumerate(items):
        key = wanted(item)
        given, n = key, 1
        while given in taken:
            n += 1
            given = f"{key}_{n}"
        taken.add(given)
        keys[position] = given
        if given != key:
            renamed.append((item, key, given))
    return keys, renamed
