"""Evaluate a DAX AST against `Data` under a filter context, one node type at a time.

Functions are evaluated by the rules of `translator.reference.rules.RULES`, which the evaluator is
given (arity comes from `translator.functions`). Rules receive the unevaluated arguments:
CALCULATE, FILTER, IF and the iterators decide themselves what to evaluate and in which context.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Union, assert_never


from translator import functions
from translator.dax.ast import (
    BinaryOp,
    BinOp,
    Boolean,
    ColumnRef,
    Expr,
    FunctionCall,
    MeasureRef,
    Number,
    String,
    TableConstructor,
    TableRef,
    UnaryOp,
    UnaryOpKind,
    VarBlock,
    VariableRef,
)
from translator.model.semantics import NO_PINS, Semantics
from translator.reference import values as v
from translator.reference.context import ColumnKey, Filter, FilterContext, Origin
from translator.reference.data import Data, key
from translator.reference.values import EvaluationError, Scalar, fold


@dataclass(frozen=True, slots=True)
class TableValue:
    """A table expression's result. `columns` carry lineage: (table, column) keys of model
    columns, or ("", name) for columns computed by the expression (they filter nothing)."""

    columns: tuple[ColumnKey, ...]
    rows: tuple[tuple[Scalar, ...], ...]

    def distinct(self) -> TableValue:
        seen: dict[tuple, tuple] = {}
        for row in self.rows:
            seen.setdefault(tuple(fold(x) for x in row), row)
        return TableValue(self.columns, tuple(seen.values()))

    def as_filter(self, origin: Origin) -> Filter | None:
        """The filter this table applies when used as a CALCULATE argument (lineage columns only)."""
        kept = [i for i, c in enumerate(self.columns) if c[0]]
        if not kept:
            return None
        return Filter(
            tuple(self.columns[i] for i in kept),
            frozenset(tuple(fold(row[i]) for i in kept) for row in self.rows),
            origin,
        )


Value = Union[Scalar, TableValue]


@dataclass(frozen=True, slots=True)
class Row:
    """One row of an iterator: the row context."""

    columns: tuple[ColumnKey, ...]
    values: tuple[Scalar, ...]


@dataclass(frozen=True, slots=True)
class Env:
    ctx: FilterContext
    rows: tuple[Row, ...] = ()  # row contexts, innermost last
    variables: tuple[tuple[str, Value], ...] = ()  # folded name and value, innermost last

    def with_row(self, row: Row) -> Env:
        return replace(self, rows=self.rows + (row,))

    def with_ctx(self, ctx: FilterContext) -> Env:
        return replace(self, ctx=ctx)

    def bind(self, name: str, value: Value) -> Env:
        return replace(self, variables=self.variables + ((key(name), value),))

    def transition(self) -> FilterContext:
        """Context transition: every row context becomes a filter on its row's columns."""
        ctx = self.ctx
        for row in self.rows:
            kept = [i for i, c in enumerate(row.columns) if c[0]]
            if kept:
                ctx = ctx.replace(
                    Filter(
                        tuple(row.columns[i] for i in kept),
                        frozenset([tuple(fold(row.values[i]) for i in kept)]),
                        Origin.ROW,
                    )
                )
        return ctx


@dataclass
class Evaluator:
    data: Data
    measures: dict[str, Expr | None]  # folded measure name -> parsed tree (None: did not parse)
    rules: Mapping[str, Callable[..., Value]]  # translator.reference.rules.RULES
    report: FilterContext = field(default_factory=FilterContext)
    # folded measure name -> folded home table: a bare [c] in a measure that names no measure is
    # a column of the measure's own table (legacy SSAS style; docs/semantics.md)
    homes: dict[str, str] = field(default_factory=dict)
    _home: list[str] = field(default_factory=list)
    # Power BI's answers to probe.dax (the mapping file's [semantics]); absent pins keep the
    # reference's documented choices (translator/reference/README.md).
    semantics: Semantics = NO_PINS
    _measure_cache: dict[tuple, Scalar] = field(default_factory=dict)
    _active: set[str] = field(default_factory=set)

    def blank_as_pinned(self, value: Scalar, pin: str, default: str) -> Scalar:
        """A BLANK argument of a function whose BLANK behaviour only Power BI settles: 0 when the
        pin (or, without one, `default`) is "zero", else BLANK (the function returns BLANK)."""
        if value is not None:
            return value
        return 0 if (self.semantics.get(pin) or default) == "zero" else None

    def power(self, base: Scalar, exponent: Scalar) -> Scalar:
        """`^` and POWER: without a pin a BLANK operand reads as 0 (as in + and -)."""
        base = self.blank_as_pinned(base, "power_blank_base", "zero")
        exponent = self.blank_as_pinned(exponent, "power_blank_exponent", "zero")
        return None if base is None or exponent is None else v.power(base, exponent)

    # ---- values -------------------------------------------------------------------------
    def value(self, node: Expr, env: Env) -> Value:
        match node:
            case Number(value=number):
                return number
            case String(value=text):
                return text
            case Boolean(value=flag):
                return flag
            case ColumnRef(table=table, column=column):
                if table is not None and self.data.has_column((key(table), key(column))):
                    return self.row_value((key(table), key(column)), env)
                if self.is_measure(column):
                    return self.measure(column, env)
                if table is None:
                    return self.row_value_by_name(column, env)
                return self.row_value((key(table), key(column)), env)
            case MeasureRef(name=name):
                if self.is_measure(name):
                    return self.measure(name, env)
                return self.row_value_by_name(name, env)
            case TableRef(name=name):
                return self.base_table(key(name), env.ctx)
            case VariableRef(name=name):
                for bound, value in reversed(env.variables):
                    if bound == key(name):
                        return value
                if key(name) in self.data.tables:
                    return self.base_table(key(name), env.ctx)
                raise EvaluationError(f"unknown variable {name!r}")
            case FunctionCall(name=name, args=args):
                return self.call(name, args, env)
            case BinaryOp(op=op, left=left, right=right):
                return self.binary(op, left, right, env)
            case UnaryOp(op=op, operand=operand):
                match op:
                    case UnaryOpKind.NEG:
                        return v.negate(self.blank_as_pinned(self.scalar(operand, env), "negate_blank", "blank"))
                    case UnaryOpKind.POS:
                        return self.scalar(operand, env)
                    case UnaryOpKind.NOT:
                        return not v.to_bool(self.scalar(operand, env))
                    case _:
                        assert_never(op)
            case TableConstructor(rows=rows):
                width = len(rows[0]) if rows else 1
                names = ("Value",) if width == 1 else tuple(f"Value{i}" for i in range(1, width + 1))
                return TableValue(
                    tuple(("", key(n)) for n in names),
                    tuple(tuple(self.scalar(cell, env) for cell in row) for row in rows),
                )
            case VarBlock(bindings=bindings, body=body):
                for binding in bindings:
                    # A variable is evaluated once, in the context where it is defined.
                    env = env.bind(binding.name, self.value(binding.value, env))
                return self.value(body, env)
            case _:
                assert_never(node)

    def scalar(self, node: Expr, env: Env) -> Scalar:
        return self.to_scalar(self.value(node, env))

    @staticmethod
    def to_scalar(value: Value) -> Scalar:
        """A table used where a scalar is expected: one cell, BLANK when empty, else an error."""
        if not isinstance(value, TableValue):
            return value
        if len(value.columns) != 1 or len(value.rows) > 1:
            raise EvaluationError("a table of several values was supplied where a single value was expected")
        return value.rows[0][0] if value.rows else None

    def table(self, node: Expr, env: Env) -> TableValue:
        result = self.value(node, env)
        if not isinstance(result, TableValue):
            raise EvaluationError("a table expression was expected")
        return result

    def binary(self, op: BinOp, left: Expr, right: Expr, env: Env) -> Value:
        if op is BinOp.IN:
            needle = self.scalar(left, env)
            haystack = self.table(right, env)
            if len(haystack.columns) != 1:
                raise EvaluationError("IN with a multi-column table needs a row constructor")
            return any(v.strict_equal(needle, row[0]) for row in haystack.rows)
        a, b = self.scalar(left, env), self.scalar(right, env)
        match op:
            case BinOp.ADD:
                return v.add(a, b)
            case BinOp.SUB:
                return v.subtract(a, b)
            case BinOp.MUL:
                return v.multiply(a, b)
            case BinOp.DIV:
                return v.divide(a, b)
            case BinOp.POW:
                return self.power(a, b)
            case BinOp.CONCAT:
                return v.concat(a, b)
            case BinOp.AND:
                return v.to_bool(a) and v.to_bool(b)
            case BinOp.OR:
                return v.to_bool(a) or v.to_bool(b)
            case BinOp.EQ | BinOp.STRICT_EQ | BinOp.NEQ | BinOp.LT | BinOp.LTE | BinOp.GT | BinOp.GTE:
                return v.compare(op, a, b)
            case BinOp.IN:
                raise AssertionError("handled above")
            case _:
                assert_never(op)

    def call(self, name: str, args: tuple[Expr | None, ...], env: Env) -> Value:
        function = functions.lookup(name)
        rule = self.rules.get(name.upper())
        if function is None or rule is None:
            raise EvaluationError(f"the reference evaluator has no rule for {name}")
        count = len(args)
        if count < function.min_args or (function.max_args is not None and count > function.max_args):
            raise EvaluationError(f"{name} takes {function.min_args}..{function.max_args} arguments, got {count}")
        return rule(self, args, env)

    # ---- names --------------------------------------------------------------------------
    def is_measure(self, name: str) -> bool:
        return key(name) in self.measures

    def measure(self, name: str, env: Env) -> Scalar:
        """A measure reference is an implicit CALCULATE: context transition, then the measure's
        own expression with no row context and no variables of the caller."""
        folded = key(name)
        ctx = env.transition()
        cache_key = (folded, ctx.filters)
        if cache_key in self._measure_cache:
            return self._measure_cache[cache_key]
        tree = self.measures[folded]
        if tree is None:
            raise EvaluationError(f"measure [{name}] did not parse")
        if folded in self._active:
            raise EvaluationError(f"measure [{name}] references itself")
        self._active.add(folded)
        self._home.append(self.homes.get(folded, ""))
        try:
            result = self.scalar(tree, Env(ctx))
        finally:
            self._active.discard(folded)
            self._home.pop()
        self._measure_cache[cache_key] = result
        return result

    def column_key(self, node: Expr | None) -> ColumnKey:
        """The model column a ColumnRef names (a bare [c] needs a single table with that column)."""
        match node:
            case ColumnRef(table=table, column=column) if table is not None:
                column_key = (key(table), key(column))
                self.data.column_position(column_key)
                return column_key
            case ColumnRef(table=None, column=column) | MeasureRef(name=column):
                home = self._home[-1] if self._home else ""
                if home and self.data.has_column((home, key(column))):
                    return (home, key(column))
                owners = [t for t, b in self.data.tables.items() if (t, key(column)) in b.keys]
                if len(owners) == 1:
                    return (owners[0], key(column))
                raise EvaluationError(f"cannot tell which table's column [{column}] is meant")
        raise EvaluationError("a column reference was expected")

    def row_value(self, column: ColumnKey, env: Env) -> Scalar:
        for row in reversed(env.rows):
            if column in row.columns:
                return row.values[row.columns.index(column)]
        raise EvaluationError(f"column {column[0]}[{column[1]}] is read outside a row context")

    def row_value_by_name(self, name: str, env: Env) -> Scalar:
        for row in reversed(env.rows):
            for i, (_, column) in enumerate(row.columns):
                if column == key(name):
                    return row.values[i]
        raise EvaluationError(f"[{name}] is neither a measure nor a column of the row context")

    # ---- tables -------------------------------------------------------------------------
    def base_table(self, table_key: str, ctx: FilterContext) -> TableValue:
        table = self.data.tables.get(table_key)
        if table is None:
            raise EvaluationError(f"no rows given for table {table_key!r}")
        indices = self.data.visible(table_key, ctx)
        return TableValue(table.keys, tuple(table.rows[i] for i in indices))

    def column_values(self, node: Expr | None, ctx: FilterContext) -> list[Scalar]:
        """The values of a column over the rows of its table that the context keeps."""
        column = self.column_key(node)
        table = self.data.tables[column[0]]
        position = self.data.column_position(column)
        return [table.rows[i][position] for i in self.data.visible(column[0], ctx)]

    def columns_table(self, columns: list[ColumnKey], ctx: FilterContext | None) -> TableValue:
        """Distinct combinations of columns of one table (all rows when ctx is None)."""
        tables = {c[0] for c in columns}
        if len(tables) != 1:
            raise EvaluationError("columns of several tables in one table function")
        (table_key,) = tables
        table = self.data.tables[table_key]
        positions = [self.data.column_position(c) for c in columns]
        indices = range(len(table.rows)) if ctx is None else self.data.visible(table_key, ctx)
        rows = tuple(tuple(table.rows[i][p] for p in positions) for i in indices)
        return TableValue(tuple(columns), rows).distinct()

    def expanded_columns(self, table_key: str) -> tuple[ColumnKey, ...]:
        if table_key not in self.data.tables:
            raise EvaluationError(f"no rows given for table {table_key!r}")
        return self.data.expanded(table_key)[0]
