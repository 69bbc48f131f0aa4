"""Keys and labels derived from model names."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

from translator.model.mapping import KEY_LENGTH, NAME_LENGTH

__all__ = ["KEY_LENGTH", "NAME_LENGTH", "assign_unique", "fit_key", "fit_name", "humanize", "snake_case",
           "unique_key"]

# Symbols that carry meaning in measure names ("CB %", "CB $", "# of Orders") become words, so
# that "CB %" and "CB $" get different keys.
_SYMBOL_WORDS = {"%": " pct ", "$": " dollar ", "#": " count ", "&": " and ", "+": " plus "}
# camelCase and ACRONYMWord boundaries; a plural acronym ("MIDs", "IDs") stays one word
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z]{2})")
_ACRONYMS = {"id": "ID", "cb": "CB", "mid": "MID", "ltv": "LTV", "cpa": "CPA", "bin": "BIN", "rdr": "RDR"}

T = TypeVar("T")

_DIGEST_LENGTH = 8
ELLIPSIS = "\u2026"


def fit_key(key: str, limit: int = KEY_LENGTH) -> str:
    """`key` when it fits in `limit` characters; else a readable prefix and a short stable hash of
    the whole key: the same key always gives the same short key, and keys that share a long
    prefix still differ."""
    if len(key) <= limit:
        return key
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=16).hexdigest()[:_DIGEST_LENGTH]
    prefix = key[: limit - _DIGEST_LENGTH - 1].rstrip("_")
    return f"{prefix}_{digest}"


def fit_name(name: str, limit: int = NAME_LENGTH) -> str:
    """`name` when it fits in `limit` characters; else its start and a visible ellipsis."""
    if len(name) <= limit:
        return name
    return name[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


@functools.lru_cache(maxsize=1 << 14)  # a pure function of the name, asked for the same names often
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


def unique_key(key: str, taken: set[str] | dict[str, object], limit: int = KEY_LENGTH) -> str:
    """`key` fitted to `limit` (fit_key), or with the first free suffix _2, _3, ... (fitted too)
    when the fitted key is taken."""
    given, n = fit_key(key, limit), 1
    while given in taken:
        n += 1
        given = fit_key(f"{key}_{n}", limit)
    return given


def assign_unique(items: Iterable[T], wanted: Callable[[T], str]) -> tuple[dict[int, str], list[tuple[T, str, str]]]:
    """Give each item its wanted key (shortened by fit_key when it is too long), or the key with
    the first free suffix _2, _3, ... when an earlier item already holds it. Items are taken in the
    given order (callers pass them sorted). Returns keys by position and the (item, wanted, given)
    triples whose key was taken."""
    taken: set[str] = set()
    keys: dict[int, str] = {}
    renamed: list[tuple[T, str, str]] = []
    for position, item in enumerate(items):
        key = wanted(item)
        given = unique_key(key, taken)
        taken.add(given)
        keys[position] = given
        if given != fit_key(key):
            renamed.append((item, key, given))
    return keys, renamed
