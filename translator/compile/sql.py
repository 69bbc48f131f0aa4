"""Rendering: every SQL text the compiler hands out goes through here.

A tree is rendered once: its text is kept while the tree lives, so the compiler comparing a
variant with its default and the catalog writing both do not generate the same SQL again (sqlglot
copies the whole tree on every generation). The contract that makes this safe: a tree handed to
`to_sql` is never changed in place afterwards (the compiler and the catalog build new trees).
"""

from __future__ import annotations

from sqlglot import exp

from translator.dialect import TARGET

_LIMIT = 1 << 16
_RENDERED: dict[int, tuple[exp.Expression, str]] = {}  # id -> (the tree, kept alive; its text)


def to_sql(e: exp.Expression) -> str:
    """The target's text of a compiled expression; raises on anything the dialect cannot express."""
    hit = _RENDERED.get(id(e))
    if hit is not None and hit[0] is e:
        return hit[1]
    text = TARGET.sql(e)
    if len(_RENDERED) >= _LIMIT:
        _RENDERED.clear()  # bounded: a long-lived process renders again rather than grow
    _RENDERED[id(e)] = (e, text)
    return text
