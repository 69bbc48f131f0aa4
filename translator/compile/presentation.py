"""Measures that are not metrics: presentation text and constants.

- Presentation: the measure returns text for the report's look, not a number: a colour code
  ("#E5E5E5", "rgb(...)"), SVG or image data, a URL, a label or a dynamic title built with `&`,
  FORMAT, UNICHAR, CONCATENATEX or USERCULTURE, or a measure that is itself presentation. Its
  result leaves (through IF/SWITCH branches and VAR bodies) decide.
- Constant: the measure is a number, TRUE/FALSE or BLANK() literal (`= 0`, `= BLANK()`), read
  the same whatever the report filters (a text literal is a label: presentation).

Neither is seeded as a metric: the report lists them in their own sections (docs/semantics.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from translator.dax import ast

_COLOUR = re.compile(r"^\s*(#[0-9a-f]{3,8}|rgba?\s*\(.*\)|hsla?\s*\(.*\))\s*$", re.IGNORECASE)
_IMAGE = re.compile(r"data:image/|<svg|\.(png|jpe?g|gif|svg)\b", re.IGNORECASE)
_URL = re.compile(r"^\s*https?://", re.IGNORECASE)
# Functions whose result is text for display.
_DISPLAY = frozenset({"FORMAT", "UNICHAR", "CONCATENATEX", "USERCULTURE", "USERPRINCIPALNAME",
                      "USERNAME", "SELECTEDMEASURENAME", "COMBINEVALUES", "FIXED"})  # fmt: skip
# Functions whose value is one of their arguments: their result leaves are those arguments.
_BRANCHING = {"IF": lambda args: args[1:], "SWITCH": lambda args: _switch_results(args),
              "COALESCE": lambda args: args, "IFERROR": lambda args: args}  # fmt: skip


def _switch_results(args: tuple[ast.Expr | None, ...]) -> tuple[ast.Expr | None, ...]:
    rest = args[1:]
    results = list(rest[1::2])
    if len(rest) % 2:
        results.append(rest[-1])
    return tuple(results)


def constant_value(tree: ast.Expr | None) -> tuple[bool, object]:
    """(True, value) when the measure is a literal (None for BLANK()), else (False, None)."""
    match tree:
        case ast.Number(value=v) | ast.Boolean(value=v):
            return True, v
        case ast.UnaryOp(op=ast.UnaryOpKind.NEG, operand=ast.Number(value=v)):
            return True, -v
        case ast.FunctionCall(name=name, args=()) if name.upper() in ("BLANK", "TRUE", "FALSE"):
            return True, None if name.upper() == "BLANK" else name.upper() == "TRUE"
    return False, None


def presentation_kind(tree: ast.Expr | None, is_presentation: Callable[[str], str | None]) -> str | None:
    """colour | image | url | label when the measure's result is presentation text, else None.
    `is_presentation(measure name)` tells the kind of a referenced measure (None: a metric)."""
    if tree is None:
        return None
    kinds = [k for leaf in _leaves(tree) if (k := _leaf_kind(leaf, is_presentation)) is not None]
    if not kinds:
        return None
    for kind in ("image", "colour", "url"):
        if kind in kinds:
            return kind
    return "label"


def _leaves(node: ast.Expr | None, depth: int = 0) -> list[ast.Expr]:
    """The expressions whose value can be the measure's result."""
    if node is None or depth > 50:
        return []
    match node:
        case ast.VarBlock(body=body):
            return _leaves(body, depth + 1)
        case ast.FunctionCall(name=name, args=args) if name.upper() in _BRANCHING:
            return [leaf for a in _BRANCHING[name.upper()](args) for leaf in _leaves(a, depth + 1)]
    return [node]


def _leaf_kind(leaf: ast.Expr, is_presentation: Callable[[str], str | None]) -> str | None:
    match leaf:
        case ast.String(value=text):
            if _IMAGE.search(text):
                return "image"
            if _COLOUR.match(text):
                return "colour"
            if _URL.match(text):
                return "url"
            return "label" if text.strip() else None
        case ast.BinaryOp(op=ast.BinOp.CONCAT):
            texts = [n.value for n in ast.walk(leaf) if isinstance(n, ast.String)]
            if any(_IMAGE.search(t) for t in texts):
                return "image"
            if any(_URL.match(t) for t in texts):
                return "url"
            return "label"
        case ast.FunctionCall(name=name) if name.upper() in _DISPLAY:
            return "label"
        case ast.MeasureRef(name=name) | ast.ColumnRef(table=None, column=name):
            return is_presentation(name)
        case ast.ColumnRef(column=name):
            return is_presentation(name)
    return None
