"""The allow-list every SQL value passes before the catalog takes it (where each row is made).

The catalog stores SQL that the report builder pastes into its queries, so the seed must only
ever contain one scalar expression over the metric's own view columns: no statement, no
subquery, no comment, no function outside a fixed list. sqlglot parses the text the way
PostgreSQL reads it (standard strings, quoted identifiers); anything the walk below does not
recognise is refused, so a new sqlglot node type is refused until someone adds it here.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.tokens import TokenType
from translator.diagnostics import codes
from translator.dialect import TARGET

# Functions the report builder may run. Each is a sqlglot node class (never exp.Anonymous).
ALLOWED_FUNCTIONS: frozenset[type[exp.Expression]] = frozenset({
    # aggregates
    exp.Sum, exp.Count, exp.Avg, exp.Min, exp.Max, exp.Median,
    exp.Stddev, exp.StddevPop, exp.StddevSamp, exp.Variance, exp.VariancePop,
    exp.PercentileCont, exp.PercentileDisc, exp.GroupConcat,
    # scalar
    exp.Coalesce, exp.Nullif, exp.Greatest, exp.Least, exp.Cast, exp.Case, exp.If,
    exp.Abs, exp.Round, exp.Floor, exp.Ceil, exp.Sqrt, exp.Exp, exp.Ln, exp.Log, exp.Sign,
    exp.Trunc, exp.Pow,
    exp.Lower, exp.Upper, exp.Length, exp.Substring, exp.Trim, exp.Concat, exp.Left,
    exp.Right, exp.StrPosition, exp.Replace,
    exp.TimestampTrunc, exp.DateTrunc, exp.Extract, exp.TimeToStr,
})

# Operators and the pieces expressions are made of.
ALLOWED_STRUCTURE: frozenset[type[exp.Expression]] = frozenset({
    exp.Column, exp.Identifier, exp.Literal, exp.Null, exp.Boolean, exp.Paren, exp.Var,
    exp.Neg, exp.Not, exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.DPipe,
    exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ, exp.NullSafeNEQ,
    exp.Is, exp.And, exp.Or, exp.In, exp.Between, exp.Like, exp.ILike,
    exp.Distinct, exp.Star, exp.Filter, exp.Where, exp.WithinGroup,
    exp.Window, exp.WindowSpec, exp.Order, exp.Ordered,
    exp.DataType, exp.DataTypeParam,
})

ALLOWED_TYPES: frozenset[exp.DataType.Type] = frozenset({
    exp.DataType.Type.SMALLINT, exp.DataType.Type.INT, exp.DataType.Type.BIGINT,
    exp.DataType.Type.DECIMAL, exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT,
    exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR, exp.DataType.Type.CHAR,
    exp.DataType.Type.DATE, exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPTZ,
    exp.DataType.Type.BOOLEAN,
})

STATEMENT = codes.EMT510
COMMENT = codes.EMT511
UNKNOWN_COLUMN = codes.EMT512
FUNCTION = codes.EMT513
CONSTRUCT = codes.EMT514


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str


def column_name(column: exp.Column) -> str:
    """The name PostgreSQL reads: quoted identifiers as written, unquoted ones folded to lower."""
    identifier = column.this
    if isinstance(identifier, exp.Identifier) and not identifier.quoted:
        return identifier.name.lower()
    return column.name


def check_sql(text: str, allowed_columns: Set[str], noun: str = "column",
              qualified: Mapping[str, Set[str] | None] | None = None) -> list[Problem]:
    """Problems with `text` as a catalog SQL expression; empty when it may be emitted.

    `allowed_columns` are the exact names it may read; `noun` says what they are in messages
    ("column" of a view, "metric key" in a derived formula).
    """
    tree, problems = parse_sql(text)
    if tree is None:
        return problems
    return _unique([*problems, *check_tree(tree, allowed_columns, noun, qualified)])


def parse_sql(text: str) -> tuple[exp.Expression | None, list[Problem]]:
    """The one expression `text` holds, and what is wrong with the text itself (comments, more
    than one statement, no parse). The tree is None when there is no single expression to check."""
    try:
        tokens = TARGET.tokens(text)
        with _quiet_sqlglot():
            trees = TARGET.parse_all(text)
    except SqlglotError as e:
        return None, [Problem(STATEMENT, f"does not parse as a PostgreSQL expression: {_first_line(e)}")]
    problems: list[Problem] = []
    if any(t.comments for t in tokens):
        problems.append(Problem(COMMENT, "contains a comment"))
    if any(t.token_type == TokenType.SEMICOLON for t in tokens) or len(trees) != 1:
        problems.append(Problem(STATEMENT, "contains more than one statement"))
    if not trees or trees[0] is None:
        return None, problems or [Problem(STATEMENT, "is empty")]
    return trees[0], problems


def check_tree(tree: exp.Expression, allowed_columns: Set[str], noun: str = "column",
               qualified: Mapping[str, Set[str] | None] | None = None) -> list[Problem]:
    """Problems with an expression tree (as the compiler builds it, or as parsed) as catalog SQL."""
    if _is_statement(tree):
        return [Problem(STATEMENT, f"is a statement ({tree.key.upper()}), not an expression")]
    problems: list[Problem] = []
    for node in tree.walk():
        problems.extend(_check_node(node, allowed_columns, noun, qualified or {}))
    return _unique(problems)


def _is_statement(tree: exp.Expression) -> bool:
    # Every sqlglot expression node is a Condition; statements (SELECT, DROP, SET, a Command
    # fallback, ...) are not. A parenthesised SELECT is a Subquery, reported as one below.
    allowed = type(tree) in ALLOWED_FUNCTIONS or type(tree) in ALLOWED_STRUCTURE
    return not allowed and not isinstance(tree, (exp.Condition, exp.Subquery))


def _check_node(node: exp.Expression, allowed: Set[str], noun: str,
                qualified: Mapping[str, Set[str] | None]) -> list[Problem]:
    kind = type(node)
    if node.comments:
        return [Problem(COMMENT, "contains a comment")]
    if isinstance(node, (exp.Query, exp.Subquery, exp.Exists)):
        return [Problem(CONSTRUCT, "contains a subquery")]
    if isinstance(node, exp.Anonymous):
        return [Problem(FUNCTION, f"calls {node.name!r}, which is not an allowed function")]
    if kind in ALLOWED_FUNCTIONS:
        return []
    if kind not in ALLOWED_STRUCTURE:
        if isinstance(node, exp.Func):
            return [Problem(FUNCTION, f"calls {node.sql_name()}, which is not an allowed function")]
        return [Problem(CONSTRUCT, f"contains {kind.__name__}, which is not allowed")]
    match node:
        case exp.Column() if node.table and node.table in qualified and not (
                node.args.get("db") or node.args.get("catalog")):
            # a column of a table the caller names (a dimension's join condition): any column of
            # it when the caller does not know its columns (None), else one of those
            names = qualified[node.table]
            if names is not None and column_name(node) not in names:
                return [Problem(UNKNOWN_COLUMN, f"reads {node.table}.{column_name(node)!r}, which is "
                                                f"not a {noun} it may use")]
        case exp.Column():
            if node.table or node.args.get("db") or node.args.get("catalog"):
                return [Problem(UNKNOWN_COLUMN, f"reads {node.sql(TARGET.name)}: columns must be "
                                                "unqualified")]
            if isinstance(node.this, exp.Star):
                return [Problem(CONSTRUCT, "reads *")]
            name = column_name(node)
            if name not in allowed:
                return [Problem(UNKNOWN_COLUMN, f"reads {noun} {name!r}, which is not one it "
                                                "may use")]
        case exp.Star() if not isinstance(node.parent, exp.Count):
            return [Problem(CONSTRUCT, "uses * outside COUNT(*)")]
        case exp.Where() if not isinstance(node.parent, exp.Filter):
            return [Problem(CONSTRUCT, "contains a WHERE clause outside an aggregate FILTER")]
        case exp.DataType() if node.this not in ALLOWED_TYPES:
            return [Problem(CONSTRUCT, f"casts to {node.sql(TARGET.name)}, which is not an "
                                       "allowed type")]
        case exp.DataType() if not _modifiers_ok(node):
            return [Problem(CONSTRUCT, f"casts to {node.sql(TARGET.name)}, whose size or precision "
                                       "PostgreSQL would refuse")]
        case exp.Window() if node.args.get("alias") is not None:
            return [Problem(CONSTRUCT, f"refers to the window {node.args['alias'].name!r} by name, "
                                       "which no query the report builder runs defines")]
        case exp.In() if node.args.get("query") or node.args.get("unnest") or node.args.get(
                "field"):
            return [Problem(CONSTRUCT, "uses IN with something other than a list of values")]
    return []


# PostgreSQL's limits on type modifiers (src/backend/utils/adt: varchar.c MaxAttrSize,
# numeric.c NUMERIC_MAX_PRECISION, timestamp.c MAX_TIMESTAMP_PRECISION): (min, max) per parameter.
_MODIFIERS: dict[exp.DataType.Type, tuple[tuple[int, int], ...]] = {
    exp.DataType.Type.VARCHAR: ((1, 10_485_760),),
    exp.DataType.Type.CHAR: ((1, 10_485_760),),
    exp.DataType.Type.DECIMAL: ((1, 1000), (-1000, 1000)),
    exp.DataType.Type.TIMESTAMP: ((0, 6),),
    exp.DataType.Type.TIMESTAMPTZ: ((0, 6),),
}


def _modifiers_ok(node: exp.DataType) -> bool:
    """A type's modifiers are integer literals within what PostgreSQL accepts for that type."""
    params = node.expressions
    if not params:
        return True
    limits = _MODIFIERS.get(node.this, ())
    if len(params) > len(limits):
        return False
    for param, (low, high) in zip(params, limits):
        value = param.this if isinstance(param, exp.DataTypeParam) else param
        if not (isinstance(value, exp.Literal) and not value.is_string and value.this.lstrip("-").isdigit()
                and low <= int(value.this) <= high):
            return False
    return True


@contextlib.contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    """sqlglot logs a warning when it falls back to a Command; we report it as a diagnostic."""
    logger = logging.getLogger("sqlglot")
    previous = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = previous


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
