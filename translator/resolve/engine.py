"""The query engine's rule for picking a metric's SQL (design document, section 4.8).

1. A metric with a variant for a chosen toggle option uses the variant's SQL.
2. Otherwise a derived metric resolves each component (recursively, with the same toggles) and
   substitutes it into `derived_formula`, so components pick up their variants (the cascade).
   In a formula a metric key is a bare identifier (`revenue`); a quoted name (`"revenue"`) is a
   column of the view, read directly (e.g. `SUM(SUM("revenue")) OVER ()`).
3. Otherwise the metric's default `sql_expression`.

This is what the report builder will do with the rows we emit; tests run its result on
PostgreSQL against the reference evaluator, so the catalog is tested the way it is used.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError

from translator.catalog.rows import Catalog, Metric, MetricVariant
from translator.dialect import TARGET

DIALECT = TARGET.name


class ResolveError(ValueError):
    """A request the catalog cannot answer: unknown metric, toggle or option, a cycle, or a
    formula that does not parse. The message names the offending key."""


def resolve(catalog: Catalog, metric_key: str, toggles: Mapping[str, str] | None = None) -> str:
    """The PostgreSQL expression for `metric_key` with `toggles` (toggle_key -> option_key)."""
    chosen = dict(toggles or {})
    _check_toggles(catalog, chosen)
    metrics = {m.metric_key: m for m in catalog.metrics}
    variants = _variants_by_metric(catalog.variants)
    tree = _resolve(metric_key, chosen, metrics, variants, stack=())
    return tree.sql(dialect=DIALECT, unsupported_level=ErrorLevel.RAISE)


def _check_toggles(catalog: Catalog, chosen: dict[str, str]) -> None:
    known = {t.toggle_key for t in catalog.toggles}
    options: dict[str, list[str]] = {}
    for option in catalog.toggle_options:
        options.setdefault(option.toggle_key, []).append(option.option_key)
    for toggle_key, option_key in sorted(chosen.items()):
        if toggle_key not in known:
            raise ResolveError(
                f"unknown toggle {toggle_key!r}; known toggles: {_listing(known)}"
            )
        if option_key not in options.get(toggle_key, ()):
            raise ResolveError(
                f"unknown option {option_key!r} for toggle {toggle_key!r}; "
                f"its options: {_listing(options.get(toggle_key, ()))}"
            )


def _variants_by_metric(
    variants: tuple[MetricVariant, ...],
) -> dict[str, dict[tuple[str, str], MetricVariant]]:
    table: dict[str, dict[tuple[str, str], MetricVariant]] = {}
    for variant in variants:
        table.setdefault(variant.metric_key, {})[(variant.toggle_key, variant.option_key)] = variant
    return table


def _resolve(
    metric_key: str,
    chosen: dict[str, str],
    metrics: dict[str, Metric],
    variants: dict[str, dict[tuple[str, str], MetricVariant]],
    stack: tuple[str, ...],
) -> exp.Expression:
    metric = metrics.get(metric_key)
    if metric is None:
        where = f" (a component of {stack[-1]!r})" if stack else ""
        raise ResolveError(f"unknown metric {metric_key!r}{where}")
    if metric_key in stack:
        raise ResolveError(f"derived metrics form a cycle: {' -> '.join((*stack, metric_key))}")

    own = variants.get(metric_key, {})
    matches = sorted(key for key in chosen.items() if key in own)
    if len(matches) > 1:
        raise ResolveError(
            f"metric {metric_key!r} has a variant for each of {_listing(f'{t}={o}' for t, o in matches)}; "
            "the catalog holds no SQL for that combination"
        )
    if matches:
        return _parse(own[matches[0]].sql_expression, f"variant {metric_key}/{matches[0][0]}={matches[0][1]}")

    if metric.is_derived and metric.derived_formula:
        formula = _parse(metric.derived_formula, f"derived_formula of {metric_key!r}")
        inner = (*stack, metric_key)

        def substitute(node: exp.Expression) -> exp.Expression:
            if not _is_metric_reference(node):
                return node
            if node.name not in metrics:
                raise ResolveError(
                    f"derived_formula of {metric_key!r} names {node.name!r}, which is not a metric"
                )
            return exp.Paren(this=_resolve(node.name, chosen, metrics, variants, inner))

        return formula.transform(substitute, copy=True)

    return _parse(metric.sql_expression, f"sql_expression of {metric_key!r}")


def _is_metric_reference(node: exp.Expression) -> bool:
    """A bare, unquoted identifier: the way a derived formula names a metric key. Columns of the
    view are always quoted (`SUM("revenue")`), even when a metric has the same name."""
    return (
        isinstance(node, exp.Column)
        and not node.table
        and isinstance(node.this, exp.Identifier)
        and not node.this.quoted
    )


def _parse(sql: str, what: str) -> exp.Expression:
    try:
        return sqlglot.parse_one(sql, dialect=DIALECT)
    except ParseError as err:
        raise ResolveError(f"{what} is not valid PostgreSQL: {err}") from err


def _listing(items) -> str:
    names = sorted(items)
    return ", ".join(names) if names else "(none)"
