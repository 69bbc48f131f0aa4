"""Calculation groups as toggles.

A calculation group is a toggle whose options are its calculation items (ordinal order); with no
item selected a measure is itself. Selecting an item replaces the measure reference of the
visual by the item's expression, with SELECTEDMEASURE() standing for the measure. The
replacement happens once, at the visual's level: measures the measure references are not
transformed again (SQLBI, "Using calculation groups to selectively replace measures").

Here an item is applied to one measure by rewriting its AST: SELECTEDMEASURE() becomes a
reference to the measure, and ISSELECTEDMEASURE(...) and SELECTEDMEASURENAME() are evaluated
for that measure. The measure service then compiles the result like any measure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, assert_never

from translator.compile.translation import Toggle, ToggleKind
from translator.dax import ast
from translator.dax.ast import fold
from translator.dax.model import ParsedItem, ParsedModel
from translator.model.semantic import Table, TableKind

# The column a calculation group's items are named in, when the model does not say.
NAME_COLUMN = "Name"


@dataclass(frozen=True, slots=True)
class CalculationGroup:
    """A calculation group table with its items, in ordinal order (ties: model order)."""

    toggle: Toggle
    items: tuple[ParsedItem, ...]


def discover_calculation_groups(parsed: ParsedModel) -> dict[str, CalculationGroup]:
    """fold(table name) -> the group, for every calculation group table with items."""
    items: dict[str, list[ParsedItem]] = {}
    for pi in parsed.items:
        items.setdefault(fold(pi.table.name), []).append(pi)
    found: dict[str, CalculationGroup] = {}
    for table in parsed.model.tables:
        own = items.get(fold(table.name))
        if table.kind is not TableKind.CALCULATION_GROUP or not own:
            continue
        ordered = tuple(sorted(own, key=lambda pi: pi.item.ordinal))  # stable: model order on ties
        options = tuple(pi.item.name for pi in ordered)
        default = next((pi.item.name for pi in ordered if pi.tree is not None and is_identity(pi.tree)), None)
        toggle = Toggle(table.name, _name_column(table), ToggleKind.CALCULATION_GROUP, options, default)
        found[fold(table.name)] = CalculationGroup(toggle, ordered)
    return found


def _name_column(table: Table) -> str:
    """The group's column of item names: its first text column (Power BI names it as the user
    wishes; the ordinal column is a number)."""
    return next((c.name for c in table.columns if c.data_type.casefold() == "string"), NAME_COLUMN)


def is_identity(tree: ast.Expr) -> bool:
    """The item is SELECTEDMEASURE() itself: selecting it is the same as selecting nothing."""
    return isinstance(tree, ast.FunctionCall) and tree.name == "SELECTEDMEASURE" and not tree.args


def apply_item(tree: ast.Expr, measure: str) -> ast.Expr:
    """The item's expression for `measure`: SELECTEDMEASURE() -> [measure],
    ISSELECTEDMEASURE([a], ...) -> TRUE/FALSE, SELECTEDMEASURENAME() -> "measure"."""

    def substitute(node: ast.Expr) -> ast.Expr | None:
        match node:
            case ast.FunctionCall(name="SELECTEDMEASURE", args=()):
                return ast.MeasureRef(measure, node.span)
            case ast.FunctionCall(name="SELECTEDMEASURENAME", args=()):
                return ast.String(measure, node.span)
            case ast.FunctionCall(name="ISSELECTEDMEASURE", args=args) if args and all(
                isinstance(a, (ast.MeasureRef, ast.ColumnRef)) for a in args
            ):
                names = {fold(a.name if isinstance(a, ast.MeasureRef) else a.column) for a in args}
                return ast.Boolean(fold(measure) in names, node.span)
        return None

    return rewrite(tree, substitute)


def rewrite(node: ast.Expr, substitute: Callable[[ast.Expr], ast.Expr | None]) -> ast.Expr:
    """`node` with every sub-expression for which `substitute` returns a node replaced (top-down;
    a replaced node is not visited further)."""
    replaced = substitute(node)
    if replaced is not None:
        return replaced

    def again(child: ast.Expr) -> ast.Expr:
        return rewrite(child, substitute)

    match node:
        case (
            ast.Number() | ast.String() | ast.Boolean() | ast.ColumnRef() | ast.MeasureRef()
            | ast.TableRef() | ast.VariableRef()
        ):
            return node
        case ast.FunctionCall(args=args):
            return replace(node, args=tuple(None if a is None else again(a) for a in args))
        case ast.BinaryOp(left=left, right=right):
            return replace(node, left=again(left), right=again(right))
        case ast.UnaryOp(operand=operand):
            return replace(node, operand=again(operand))
        case ast.TableConstructor(rows=rows):
            return replace(node, rows=tuple(tuple(again(cell) for cell in row) for row in rows))
        case ast.VarBlock(bindings=bindings, body=body):
            return replace(
                node, bindings=tuple(replace(b, value=again(b.value)) for b in bindings), body=again(body)
            )
        case _:
            assert_never(node)
