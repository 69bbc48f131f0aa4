"""parse_model: every DAX text of a semantic model parsed, errors kept as data.

A text that does not parse gets its diagnostic stored next to it (tree None), with the location
moved from the expression text into the export file the reader recorded.
"""

from __future__ import annotations

from dataclasses import replace

from translator.dax.ast import Expr
from translator.dax.errors import DaxSyntaxError
from translator.dax.model import ParsedItem, ParsedMeasure, ParsedModel, ParsedTable
from translator.dax.parser import parse
from translator.diagnostics import Diagnostic, SourceLocation
from translator.model.semantic import SemanticModel


def parse_model(model: SemanticModel) -> tuple[ParsedModel, list[Diagnostic]]:
    """Parse every measure (in model order), calculated table and calculation item, and the
    parse errors (measures first, then tables, then items). Never raises for bad DAX: a text that
    does not parse keeps its error beside it (tree None), which the compiler reports as that
    measure's reason."""
    measures = []
    tables = []
    items = []
    for table in model.tables:
        for measure in table.measures:
            tree, problem = _parse(measure.expression, measure.location or _file_of(table.location), model,
                                   f"measure '{table.name}'[{measure.name}]")
            measures.append(ParsedMeasure(measure, tree, problem))
        if table.expression is not None:
            tree, problem = _parse(table.expression, table.location, model, f"calculated table '{table.name}'")
            tables.append(ParsedTable(table, tree, problem))
        for item in table.calculation_items:
            tree, problem = _parse(item.expression, item.location or _file_of(table.location), model,
                                   f"calculation item '{item.name}' of '{table.name}'")
            items.append(ParsedItem(table, item, tree, problem))
    errors = [p.error for p in (*measures, *tables, *items) if p.error is not None]
    return ParsedModel(model, tuple(measures), tuple(tables), tuple(items)), errors


def _file_of(location: SourceLocation | None) -> SourceLocation | None:
    """A table's file without its line: the line is the table's, not the expression's."""
    return None if location is None else SourceLocation(location.file)


def _parse(text: str, where: SourceLocation | None, model: SemanticModel,
           what: str) -> tuple[Expr | None, Diagnostic | None]:
    """The tree, or the parse error located in the export file and naming the object (`what`),
    since an error such as "the expression is empty" names nothing by itself."""
    try:
        return parse(text), None
    except DaxSyntaxError as exc:
        return None, replace(exc.diagnostic, location=map_location(exc.line, exc.column, where, model),
                             notes=(*exc.diagnostic.notes, f"in {what}"))


def map_location(line: int, column: int, where: SourceLocation | None, model: SemanticModel) -> SourceLocation:
    """A position inside an expression, as a position in the export file.

    `where.line` is the file line on which the expression text starts; a column is only shifted
    on that first line (later lines start at the file's line start).
    """
    if where is None:
        return SourceLocation(model.export, None, None)
    if where.line is None:
        return SourceLocation(where.file, None, None)
    file_line = where.line + line - 1
    if line == 1 and where.column is not None:
        column = where.column + column - 1
    return SourceLocation(where.file, file_line, column)
