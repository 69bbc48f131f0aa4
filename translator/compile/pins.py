"""The pins in force while a model compiles: Power BI's answers to probe.dax, from the mapping
file's [semantics] (translator/model/semantics.py). `compile_model` and `compile_expression` set
them for the duration of the call; the BLANK rules in blank.py and rules.py read them. A pin that
is absent leaves the behaviour unknown, and what depends on it is refused (CMP217).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from translator.model.semantics import NO_PINS, Semantics

_IN_FORCE: ContextVar[Semantics] = ContextVar("pins", default=NO_PINS)


@contextlib.contextmanager
def pinned_semantics(semantics: Semantics) -> Iterator[None]:
    token = _IN_FORCE.set(semantics)
    try:
        yield
    finally:
        _IN_FORCE.reset(token)


def pinned(name: str) -> object | None:
    """The pinned answer, or None when the mapping file does not hold it."""
    return _IN_FORCE.get().get(name)
