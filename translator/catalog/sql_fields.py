"""The catalog's other values the report builder pastes into SQL, through the same allow-list
as metric SQL (allowlist.py).

- data_sources.view_pattern: `schema.name_{client_id}`, a table name; date_column: one of the
  view's columns; client_id_column: a plain identifier.
- dimensions.column_expression: an expression over the columns every linked source's view has.
- dimensions.join_table: `[schema.]table`, the table name possibly holding `{client_id}`.
- dimensions.join_condition: a condition over `{source}.<column>` (the source view's columns) and
  `<join table>.<column>`, with `{client_id}` as a value.

The two placeholders are handled explicitly: `{source}` becomes an identifier and `{client_id}`
a number before the text is parsed; any other brace outside a quoted name or string is then a
token no table name or allowed expression has, and is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import sqlglot
from sqlglot.errors import SqlglotError
from sqlglot.tokens import TokenType

from translator.catalog.rows import Catalog, DataSource, Dimension
from translator.catalog.allowlist import STATEMENT, UNKNOWN_COLUMN, Problem, check_sql
from translator.dialect import TARGET

SOURCE_PLACEHOLDER, CLIENT_PLACEHOLDER = "{source}", "{client_id}"
_SOURCE_ALIAS = "rb_source_view"
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_NAME_TOKENS = (TokenType.VAR, TokenType.IDENTIFIER)


def _substituted(text: str) -> str:
    """The text with both placeholders replaced."""
    return text.replace(SOURCE_PLACEHOLDER, _SOURCE_ALIAS).replace(CLIENT_PLACEHOLDER, "0")


def table_name(text: str) -> tuple[str | None, list[Problem]]:
    """(the table's own name after substitution, problems) for a `[schema.]table` value."""
    substituted = _substituted(text)
    try:
        tokens = sqlglot.tokenize(substituted, read=TARGET.name)
    except SqlglotError:
        tokens = []
    shape = [t.token_type for t in tokens]
    if shape not in ([TokenType.VAR], [TokenType.IDENTIFIER]) and not (
            len(shape) == 3 and shape[0] in _NAME_TOKENS and shape[1] is TokenType.DOT
            and shape[2] in _NAME_TOKENS) or any(t.comments for t in tokens):
        return None, [Problem(STATEMENT, "is not a table name ([schema.]table)")]
    return tokens[-1].text, []


def dimension_problems(dimension: Dimension, columns: frozenset[str] | None) -> Iterator[tuple[str, Problem]]:
    """(field, problem) for a dimension's SQL values; `columns` are the columns every linked
    source's view has (None: no linked source, the columns are not checked)."""
    allowed = columns if columns is not None else frozenset()
    for problem in check_sql(dimension.column_expression, allowed):
        if columns is not None or problem.code != UNKNOWN_COLUMN:
            yield "column_expression", problem
    alias = None
    if dimension.join_table is not None:
        alias, problems = table_name(dimension.join_table)
        yield from (("join_table", p) for p in problems)
    if dimension.join_condition is not None:
        text = _substituted(dimension.join_condition)
        qualified: dict[str, frozenset[str] | None] = {_SOURCE_ALIAS: columns}
        if alias is not None:
            qualified[alias] = None  # the join table's columns are not in the catalog
        for problem in check_sql(text, frozenset(), qualified=qualified):
            yield "join_condition", problem


def source_problems(source: DataSource) -> Iterator[tuple[str, Problem]]:
    _, problems = table_name(source.view_pattern)
    yield from (("view_pattern", p) for p in problems)
    if source.date_column is not None and source.date_column not in source.columns:
        yield "date_column", Problem(UNKNOWN_COLUMN, f"names {source.date_column!r}, which is not a "
                                                     "column of the view")
    if not _PLAIN_NAME.fullmatch(source.client_id_column):
        yield "client_id_column", Problem(STATEMENT, "is not a plain column name")


def dimension_columns(catalog: Catalog) -> Mapping[str, frozenset[str] | None]:
    """Per dimension key, the columns every one of its linked sources has (None: no source)."""
    by_source = {s.source_key: frozenset(s.columns) for s in catalog.data_sources}
    linked: dict[str, list[frozenset[str]]] = {}
    for link in catalog.data_source_dimensions:
        if link.source_key in by_source:
            linked.setdefault(link.dimension_key, []).append(by_source[link.source_key])
    return {d.dimension_key: frozenset.intersection(*linked[d.dimension_key])
            if linked.get(d.dimension_key) else None for d in catalog.dimensions}
