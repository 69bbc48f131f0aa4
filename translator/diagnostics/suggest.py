"""Did-you-mean notes: the nearest names to a misspelt one, for a diagnostic's notes."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, candidates: Iterable[str]) -> tuple[str, ...]:
    """A note naming the closest of `candidates` (compared case-insensitively, as DAX names
    are), or no note when none is close."""
    spelled = {c.casefold(): c for c in sorted(candidates)}
    close = difflib.get_close_matches(name.casefold(), list(spelled), n=3, cutoff=0.6)
    return (f"did you mean {' or '.join(repr(spelled[c]) for c in close)}?",) if close else ()
