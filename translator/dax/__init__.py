"""DAX front end: the Lark grammar in grammars/dax.lark, a typed AST, a printer and syntax errors.

Public API (stable, other stages depend on it):
- parse(text, *, semicolons=False) -> Expr, raising DaxSyntaxError (the only exception it raises
  for bad input; `.diagnostic` is a DAX1xx Diagnostic). `semicolons=True` reads the `;`-separator,
  decimal-comma form of some locales.
- parse_model(model) -> (ParsedModel, diagnostics): every measure, calculated table and calculation
  item parsed; a text that does not parse keeps its diagnostic beside it, located in the export
  file, and the diagnostics list every one of them.
- to_dax(expr) -> str: print an AST back to DAX (parse(to_dax(e)) == e)
"""

from translator.dax.errors import DaxSyntaxError
from translator.dax.model import ParsedItem, ParsedMeasure, ParsedModel, ParsedTable
from translator.dax.model_parser import parse_model
from translator.dax.parser import parse
from translator.dax.printer import to_dax

__all__ = [
    "DaxSyntaxError",
    "ParsedItem",
    "ParsedMeasure",
    "ParsedModel",
    "ParsedTable",
    "parse",
    "parse_model",
    "to_dax",
]
