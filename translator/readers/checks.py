"""Checks every model read gets: dangling relationships (non-fatal) and names Power BI itself
would refuse (fatal)."""

from __future__ import annotations

from collections.abc import Sequence

from translator.diagnostics import Diagnostic, SourceLocation, report
from translator.readers.errors import DANGLING_RELATIONSHIP, DUPLICATE_NAME, fail
from translator.model.semantic import SemanticModel


def dangling_relationships(model: SemanticModel,
                           locations: Sequence[SourceLocation | None] = ()) -> list[Diagnostic]:
    """RDR421 for each relationship naming a table or column the model does not define.

    `locations[i]` is where relationship i is declared, when the format says.
    """
    found: list[Diagnostic] = []
    for index, r in enumerate(model.relationships):
        for table_name, column_name in ((r.from_table, r.from_column), (r.to_table, r.to_column)):
            table = model.table(table_name)
            if table is None or table.column(column_name) is None:
                where = locations[index] if index < len(locations) else None
                found.append(report(
                    DANGLING_RELATIONSHIP,
                    f"relationship {r.name or ''} in {model.export} refers to '{table_name}'[{column_name}], "
                    "which the model does not define; later stages ignore it",
                    where or SourceLocation(model.export)))
                break
    return found


def unique_names(model: SemanticModel) -> None:
    """RDR412 (stops the run) when two tables, two columns of one table, or two measures of the
    model have the same name in any letter case.

    Power BI compares object names case-insensitively and refuses such a model; read anyway, one
    measure's SQL would be published under the other's key. Both definitions are named.
    """
    tables: dict[str, tuple[str, SourceLocation | None]] = {}
    measures: dict[str, tuple[str, SourceLocation | None]] = {}
    for table in model.tables:
        _claim(tables, "tables", table.name, table.location, model.export)
        columns: dict[str, tuple[str, SourceLocation | None]] = {}
        for column in table.columns:
            _claim(columns, f"columns of table '{table.name}'", column.name, table.location, model.export)
        for measure in table.measures:
            _claim(measures, "measures", measure.name, measure.location or table.location, model.export,
                   f"'{measure.table}'")


def _claim(seen: dict[str, tuple[str, SourceLocation | None]], what: str, name: str,
           where: SourceLocation | None, export: str, owner: str = "") -> None:
    folded = name.casefold()
    if folded not in seen:
        seen[folded] = (f"{owner}[{name}]" if owner else f"'{name}'", where)
        return
    first, first_where = seen[folded]
    this = f"{owner}[{name}]" if owner else f"'{name}'"
    location = where or SourceLocation(export)
    fail(DUPLICATE_NAME,
         f"two {what} named {first} (at {first_where or export}) and {this} (here); Power BI names are "
         "case-insensitive and must be unique, so Power BI refuses this model; expected each name once "
         "(rename or remove one)",
         location.file, location.line, location.column)
