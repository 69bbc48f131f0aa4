"""Readers: Power BI exports to the format-agnostic SemanticModel (translator.model.semantic).

`read_exports(path)` accepts a folder of exports or a single export: a TMDL folder, a PBIP
`X.SemanticModel` (or older `X.Dataset`) folder, a pbi-tools extraction folder (`Model/`), a
model.bim, a .pbit, a .pbix, or a DMV dump (`<model>.measures.csv`).
Unreadable input, and a model Power BI itself would refuse (two objects whose names differ only
in case, RDR412), raise `translator.diagnostics.InputError` (codes RDR401-RDR412); non-fatal
findings come back as diagnostics (RDR420-RDR422). See docs/diagnostics.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import assert_never

from translator.diagnostics import Diagnostic
from translator.model.semantic import SemanticModel
from translator.readers.discover import Export, ExportKind, find_exports
from translator.readers.errors import PATH_NOT_FOUND, fail

__all__ = ["read_exports"]


def read_exports(path: Path) -> tuple[list[SemanticModel], list[Diagnostic]]:
    """One SemanticModel per export, sorted by export path, and the readers' non-fatal diagnostics."""
    # The format readers load on first use: `import translator.readers.discover` (the CLI's, on an
    # unchanged rebuild served from the build cache) stays light.
    from translator.readers.checks import unique_names
    from translator.readers.limits import check_unicode, ensure_regular
    from translator.readers.mliteral import with_literal_rows

    root, exports, diagnostics = find_exports(Path(path))
    models: list[SemanticModel] = []
    for export in exports:
        try:
            dmv_parts = (export.dmv.tables, export.dmv.columns) if export.dmv else ()
            for part in (export.path, *(p for p in dmv_parts if p is not None)):
                ensure_regular(part, part.relative_to(root).as_posix())
            model, found = _read(export, root)
        except OSError as exc:
            fail(PATH_NOT_FOUND, f"cannot read the export ({exc.strerror or exc}); expected a readable file",
                 export.export)
        if export.kind is not ExportKind.TMDL:  # read_tmdl checks where a surrogate can arrive
            check_unicode(model)
        unique_names(model)
        models.append(with_literal_rows(model))
        diagnostics.extend(found)
    return models, diagnostics


def _read(export: Export, root: Path) -> tuple[SemanticModel, list[Diagnostic]]:
    """The export read by its format's reader, the only one loaded."""
    file = export.path.relative_to(root).as_posix()
    match export.kind:
        case ExportKind.TMDL:
            from translator.readers.tmdl import read_tmdl
            return read_tmdl(export.path, root=root, export=export.export, name=export.name)
        case ExportKind.BIM:
            from translator.readers.bim import read_bim
            return read_bim(export.path, file=file, export=export.export, name=export.name), []
        case ExportKind.PBIT:
            from translator.readers.pbit import read_pbit
            return read_pbit(export.path, file=file, export=export.export, name=export.name), []
        case ExportKind.PBIX:
            from translator.readers.pbix import read_pbix
            return read_pbix(export.path, file=file, export=export.export, name=export.name)
        case ExportKind.PBITOOLS:
            from translator.readers.pbitools import read_pbitools
            return read_pbitools(export.path, root=root, export=export.export, name=export.name)
        case ExportKind.DMV:
            from translator.readers.dmv import read_dmv
            assert export.dmv is not None
            return read_dmv(export.dmv, root=root)
        case _:
            assert_never(export.kind)
