"""Toggles found in the model itself.

Slicer toggles: a table with no relationships whose rows are literal: a CALCULATED table whose
expression is DATATABLE(...), a table constructor {...} or GENERATESERIES(...) (a what-if
parameter), or an imported table whose Power Query source is literal ("Enter data", #table, a
list: translator/readers/mliteral.py). Its options are the first column's values. A what-if
parameter with more than WHAT_IF_OPTIONS values is not expanded: `discover_parameters` reports it. A field parameter (a table
constructor of (display name, NAMEOF(field), order) rows) is read the same way: a measure that
tests SELECTEDVALUE of its fields column gets one variant per option. Calculation groups are
toggles too: see calculation_groups.py.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from dataclasses import replace

from translator.compile.compiled import NOT_CONSTANT
from translator.compile.context import SlicerToggle, option_text
from translator.compile.translation import Toggle, ToggleKind
from translator.dax import ast
from translator.dax.ast import fold
from translator.dax.model import ParsedModel, ParsedTable
from translator.model.semantic import Table, TableKind

# A what-if parameter (GENERATESERIES) with more values than this is a numeric input, not a list
# of options: it is reported as such instead of becoming one variant per value.
WHAT_IF_OPTIONS = 25


def discover_slicers(parsed: ParsedModel) -> dict[str, SlicerToggle]:
    related = {fold(t) for r in parsed.model.relationships for t in (r.from_table, r.to_table)}
    found: dict[str, SlicerToggle] = {}
    kinds = {TableKind.CALCULATED: ToggleKind.SLICER, TableKind.FIELD_PARAMETER: ToggleKind.FIELD_PARAMETER}
    fields = _Fields(parsed)
    candidates = [(t, _entered_table(t), ToggleKind.SLICER) for t in parsed.model.tables if t.kind is TableKind.DATA]
    for pt in parsed.tables:
        kind = kinds.get(pt.table.kind)
        if kind is None or pt.tree is None:
            continue
        if _series(pt.tree) is not None:
            # a what-if parameter (Power BI marks its column like a field parameter's)
            candidates.append((pt.table, _series_table(pt), ToggleKind.SLICER))
        else:
            candidates.append((pt.table, _literal_table(pt, fields), kind))
    for table, shape, kind in candidates:
        if fold(table.name) in related or shape is None or not shape[1]:
            continue
        columns, rows = shape
        first = {option_text(r[0]): r for r in reversed(rows)}  # each option's first row
        options = tuple(dict.fromkeys(option_text(r[0]) for r in rows))
        toggle = Toggle(table.name, columns[0], kind, options, default=None)
        if toggle.kind is ToggleKind.FIELD_PARAMETER:
            picked = [next((v for v in first[o] if isinstance(v, str) and v in fields.kinds), None) for o in options]
            if all(picked):
                kinds_picked = {fields.kinds[f] for f in picked}
                picks = kinds_picked.pop() if len(kinds_picked) == 1 else "mixed"
                toggle = replace(toggle, targets=tuple(picked), picks=picks)
        found[fold(table.name)] = SlicerToggle(toggle, columns, rows)
    return found


def discover_parameters(parsed: ParsedModel) -> dict[str, str]:
    """What-if parameters too large to expand: fold(table) -> what the report says about them."""
    found: dict[str, str] = {}
    for pt in parsed.tables:
        series = _series(pt.tree) if pt.tree is not None else None
        if series is not None and len(series) > WHAT_IF_OPTIONS:
            found[fold(pt.table.name)] = (
                f"'{pt.table.name}' is a numeric what-if parameter with {len(series)} values "
                f"(from {option_text(series[0])} to {option_text(series[-1])}): an input the report "
                "builder must offer as a number, not a toggle of options"
            )
    return found


def _series(tree: ast.Expr) -> list[int | float] | None:
    """The values of GENERATESERIES(start, end[, step]) with constant arguments (dax.guide
    GENERATESERIES: from start while <= end, step 1 by default, an empty table for step <= 0 or
    start > end). None for anything else, or more than 10,000 values."""
    if not (isinstance(tree, ast.FunctionCall) and tree.name == "GENERATESERIES" and 2 <= len(tree.args) <= 3):
        return None
    numbers = [_constant(a) if a is not None else NOT_CONSTANT for a in tree.args]
    if any(isinstance(n, bool) or not isinstance(n, (int, float)) for n in numbers):
        return None
    start, end, step = (Decimal(repr(n)) for n in (*numbers, 1)[:3])
    if step <= 0:
        return None  # an error in DAX
    if start > end:
        return []
    if (end - start) / step > 10_000:
        return None
    count = int((end - start) // step) + 1
    values = [start + i * step for i in range(count)]
    integral = all(isinstance(n, int) for n in numbers)
    return [int(v) if integral else float(v) for v in values]


def _series_table(pt: ParsedTable) -> tuple[tuple[str, ...], tuple[tuple[object, ...], ...]] | None:
    series = _series(pt.tree) if pt.tree is not None else None
    if series is None or len(series) > WHAT_IF_OPTIONS:
        return None
    names = tuple(c.name for c in pt.table.columns) or ("Value",)
    if len(names) != 1:
        return None
    return names, tuple((v,) for v in series)


def _entered_table(table: Table) -> tuple[tuple[str, ...], tuple[tuple[object, ...], ...]] | None:
    """An imported table whose rows are written in the export (readers set `literal_rows`)."""
    rows = table.literal_rows()
    return None if rows is None else (tuple(c.name for c in table.columns), rows)


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


def with_defaults(
    slicers: dict[str, SlicerToggle], parsed: ParsedModel
) -> tuple[dict[str, SlicerToggle], dict[int, bool]]:
    """Toggle.default: the alternate result most measures give SELECTEDVALUE on the table
    (ties: the first in the model's option order, then alphabetical). Found in the same walk of
    every measure: whether its own text reads a slicer table (`direct_toggles`), by id() of its
    tree (the trees live as long as `parsed`)."""
    seen: dict[str, Counter[str]] = {key: Counter() for key in slicers}
    reads: dict[int, bool] = {}
    for pm in parsed.measures:
        if pm.tree is None:
            continue
        direct = False
        for node in ast.walk(pm.tree):
            kind = type(node)  # looked at once: the loop visits every node of every measure
            if kind is ast.ColumnRef:
                if node.table is not None and fold(node.table) in slicers:
                    direct = True
            elif (
                kind is ast.FunctionCall
                and node.name == "SELECTEDVALUE"
                and len(node.args) == 2
                and isinstance(node.args[0], ast.ColumnRef)
                and node.args[0].table is not None
                and fold(node.args[0].table) in slicers
            ):
                value = _constant(node.args[1]) if node.args[1] is not None else NOT_CONSTANT
                if value is not NOT_CONSTANT and value is not None:
                    seen[fold(node.args[0].table)][option_text(value)] += 1
        reads[id(pm.tree)] = direct
    result = {}
    for key, slicer in slicers.items():
        counts = seen[key]
        default = None
        if counts:
            order = {o: i for i, o in enumerate(slicer.toggle.options)}
            default = min(counts, key=lambda o: (-counts[o], order.get(o, len(order)), o))
        result[key] = SlicerToggle(replace(slicer.toggle, default=default), slicer.columns, slicer.rows)
    return result, reads


def direct_toggles(tree: ast.Expr, slicers: dict[str, SlicerToggle]) -> list[str]:
    """Slicer tables a measure's own text reads (not through other measures)."""
    names: dict[str, None] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ColumnRef) and node.table is not None and fold(node.table) in slicers:
            names[slicers[fold(node.table)].toggle.table] = None
    return list(names)
