"""The committed output folder, read back: `check` compares it byte for byte with a build now,
`diff` reads its translation report as the old side of the comparison, and a build keeps the
sort_order numbers it seeded (previous_order)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from translator.catalog.order import NO_PREVIOUS, PreviousOrder
from translator.diagnostics import InputError, SourceLocation, report
from translator.diagnostics import codes
from translator.emit import REPORT_JSON_FILE

BAD_REPORT = codes.CLI603  # the committed translation report cannot be read (docs/diagnostics.md)


def read_committed(out: Path, names: Iterable[str]) -> dict[str, bytes | None]:
    """The bytes of each named file in `out`, None where it is missing."""
    return {name: (out / name).read_bytes() if (out / name).is_file() else None for name in names}


def read_document(path: Path) -> dict[str, object] | None:
    """A committed translation_report.json, None when there is none."""
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(report(BAD_REPORT, f"cannot read the committed output ({err})",
                                SourceLocation(str(path)))) from err
    return parse_document(text, str(path))


def previous_order(out: Path) -> PreviousOrder:
    """The sort_order numbers the translation report in `out` seeded; none for a fresh folder
    (or a report older than the `catalog` it carries)."""
    document = read_document(out / REPORT_JSON_FILE)
    catalog = document.get("catalog") if document is not None else None
    return PreviousOrder.from_catalog(catalog) if isinstance(catalog, dict) else NO_PREVIOUS


def parse_document(text: str, file: str) -> dict[str, object]:
    """A translation report: its `measures` list and, since schema_version 1, its `catalog`."""
    try:
        document = json.loads(text)
        if not isinstance(document["measures"], list):
            raise TypeError("measures is not a list")
    except (ValueError, KeyError, TypeError) as err:
        raise InputError(report(
            BAD_REPORT, f"not a translation report ({err}); expected the JSON `translator build` "
            "writes, with a `measures` list", SourceLocation(file),
        )) from err
    return document
