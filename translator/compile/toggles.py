"""Toggles found in the model itself.

Slicer toggles: a CALCULATED table with no relationships whose expression is DATATABLE(...) or a
table constructor {...}. Its options are the first column's values. A field parameter (a table
constructor of (display name, NAMEOF(field), order) rows) is read the same way: a measure that
tests SELECTEDVALUE of its fields column gets one variant per option. Calculation groups are
toggles too: see calculation_groups.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from translator.compile.compiled import NOT_CONSTANT
from translator.compile.context import SlicerToggle, option_text
from translator.compile.translation import Toggle, ToggleKind
from translator.dax import ast
from translator.dax.ast import fold
from translator.dax.model import ParsedModel, ParsedTable
from translator.model.semantic import TableKind


def discover_slicers(parsed: ParsedModel) -> dict[str, SlicerToggle]:
    related = {fold(t) for r in parsed.model.relationships for t in (r.from_table, r.to_table)}
    found: dict[str, SlicerToggle] = {}
    kinds = {TableKind.CALCULATED: ToggleKind.SLICER, TableKind.FIELD_PARAMETER: ToggleKind.FIELD_PARAMETER}
    fields = _Fields(parsed)
    for pt in parsed.tables:
        if pt.table.kind not in kinds or pt.tree is None:
            continue
        if fold(pt.table.name) in related:
            continue
        shape = _literal_table(pt, fields)
        if shape is None or not shape[1]:
            continue
        columns, rows = shape
        first = {option_text(r[0]): r for r in reversed(rows)}  # each option's first row
        options = tuple(dict.fromkeys(option_text(r[0]) for r in rows))
        toggle = Toggle(pt.table.name, columns[0], kinds[pt.table.kind], options, default=None)
        if toggle.kind is ToggleKind.FIELD_PARAMETER:
            picked = [next((v for v in first[o] if isinstance(v, str) and v in fields.kinds), None) for o in options]
            if all(picked):
                kinds_picked = {fields.kinds[f] for f in picked}
                picks = kinds_picked.pop() if len(kinds_picked) == 1 else "mixed"
                toggle = replace(toggle, targets=tuple(picked), picks=picks)
        found[fold(pt.table.name)] = SlicerToggle(toggle, columns, rows)
    return found


class _Fields:
    """NAMEOF(...) resolved against the model: a column, or a measure (of whichever table). NAMEOF
    gives the fully qualified name ('Sales'[Total Sales]), which is what DAX compares; `kinds`
    remembers what each name resolved to ("measures" or "columns")."""

    def __init__(self, parsed: ParsedModel):
        self.model = parsed.model
        self.measures = {fold(m.name): m for m in parsed.model.measures}
        self.kinds: dict[str, str] = {}

    def nameof(self, node: ast.Expr) -> str | None:
        found: tuple[str, str, str] | None = None
        match node:
            case ast.ColumnRef(table=str(table), column=name):
                t = self.model.table(table)
                column = t.column(name) if t is not None else None
                measure = self.measures.get(fold(name))
                if column is not None:
                    found = (t.name, column.name, "columns")
                elif measure is not None:
                    found = (measure.table, measure.name, "measures")
                else:
                    found = (table, name, "columns")
            case ast.MeasureRef(name=name) | ast.ColumnRef(table=None, column=name):
                measure = self.measures.get(fold(name))
                if measure is not None:
                    found = (measure.table, measure.name, "measures")
        if found is None:
            return None
        table, name, kind = found
        text = "'" + table.replace("'", "''") + "'[" + name.replace("]", "]]") + "]"
        self.kinds[text] = kind
        return text


def _literal_table(pt: ParsedTable, fields: _Fields) -> tuple[tuple[str, ...], tuple[tuple[object, ...], ...]] | None:
    tree = pt.tree
    match tree:
        case ast.FunctionCall(name="DATATABLE", args=args) if args and isinstance(args[-1], ast.TableConstructor):
            names = tuple(a.value for a in args[:-1:2] if isinstance(a, ast.String))
            rows = []
            for row in args[-1].rows:
                cells = row[0].rows if len(row) == 1 and isinstance(row[0], ast.TableConstructor) else (row,)
                rows.append(tuple(_constant(c[0], fields) if len(c) == 1 else NOT_CONSTANT for c in cells))
            if len(row_lengths := {len(r) for r in rows}) != 1 or row_lengths != {len(names)}:
                return None
        case ast.TableConstructor(rows=table_rows):
            width = len(table_rows[0]) if table_rows else 0
            model_names = tuple(c.name for c in pt.table.columns)
            default = ("Value",) if width == 1 else tuple(f"Value{i + 1}" for i in range(width))
            names = model_names if len(model_names) == width else default
            rows = [tuple(_constant(c, fields) for c in row) for row in table_rows]
        case _:
            return None
    if any(v is NOT_CONSTANT for r in rows for v in r):
        return None
    return names, tuple(rows)


def _constant(node: ast.Expr, fields: _Fields | None = None) -> object:
    match node:
        case ast.String(value=v) | ast.Number(value=v) | ast.Boolean(value=v):
            return v
        case ast.UnaryOp(op=ast.UnaryOpKind.NEG, operand=ast.Number(value=v)):
            return -v
        case ast.FunctionCall(name="BLANK", args=()):
            return None
        case ast.FunctionCall(name="TRUE" | "FALSE", args=()):
            return node.name == "TRUE"
        case ast.FunctionCall(name="NAMEOF", args=(field,)) if fields is not None:
            # A field parameter's field: NAMEOF gives the fully qualified name.
            found = fields.nameof(field)
            return NOT_CONSTANT if found is None else found
    return NOT_CONSTANT


def with_defaults(slicers: dict[str, SlicerToggle], parsed: ParsedModel) -> dict[str, SlicerToggle]:
    """Toggle.default: the alternate result most measures give SELECTEDVALUE on the table
    (ties: the first in the model's option order, then alphabetical)."""
    seen: dict[str, Counter[str]] = {key: Counter() for key in slicers}
    for pm in parsed.measures:
        if pm.tree is None:
            continue
        for node in ast.walk(pm.tree):
            if (
                isinstance(node, ast.FunctionCall)
                and node.name == "SELECTEDVALUE"
                and len(node.args) == 2
                and isinstance(node.args[0], ast.ColumnRef)
                and node.args[0].table is not None
                and fold(node.args[0].table) in slicers
            ):
                value = _constant(node.args[1]) if node.args[1] is not None else NOT_CONSTANT
                if value is not NOT_CONSTANT and value is not None:
                    seen[fold(node.args[0].table)][option_text(value)] += 1
    result = {}
    for key, slicer in slicers.items():
        counts = seen[key]
        default = None
        if counts:
            order = {o: i for i, o in enumerate(slicer.toggle.options)}
            default = min(counts, key=lambda o: (-counts[o], order.get(o, len(order)), o))
        result[key] = SlicerToggle(replace(slicer.toggle, default=default), slicer.columns, slicer.rows)
    return result


def direct_toggles(tree: ast.Expr, slicers: dict[str, SlicerToggle]) -> list[str]:
    """Slicer tables a measure's own text reads (not through other measures)."""
    names: dict[str, None] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ColumnRef) and node.table is not None and fold(node.table) in slicers:
            names[slicers[fold(node.table)].toggle.table] = None
    return list(names)
