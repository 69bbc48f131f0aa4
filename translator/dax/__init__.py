"""DAX front end: the Lark grammar in grammars/dax.lark, a typed AST, a printer and syntax errors.

Public API (stable, other stages depend on it):
- parse(text) -> Expr, raising DaxSyntaxError (the only exception it raises for bad input)
- parse_model(model) -> ParsedModel: every measure, calculated table and calculation item parsed
- to_dax(expr) -> str: print an AST back to DAX (parse(to_dax(e)) == e)
"""

from translator.dax.model import ParsedMeasure, ParsedModel, ParsedTable, ParsedItem  # noqa: F401
