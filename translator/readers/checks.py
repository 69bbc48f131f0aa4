"""Checks every reader runs on the model it built (non-fatal findings only)."""

from __future__ import annotations

from collections.abc import Sequence

from translator.diagnostics import Diagnostic, SourceLocation, warning
from translator.readers.errors import DANGLING_RELATIONSHIP
from translator.readers.model import SemanticModel


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
                found.append(warning(
                    DANGLING_RELATIONSHIP,
                    f"relationship {r.name or ''} in {model.export} refers to '{table_name}'[{column_name}], "
                    "which the model does not define; later stages ignore it",
                    where or SourceLocation(model.export)))
                break
    return found
