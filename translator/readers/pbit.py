"""A .pbit template: a zip whose `DataModelSchema` member is TMSL JSON in UTF-16 LE."""

from __future__ import annotations

from pathlib import Path

from translator.readers import jsonpos, limits
from translator.readers.errors import BAD_ARCHIVE, NO_EMBEDDED_MODEL, fail
from translator.model.semantic import SemanticModel
from translator.readers.text import decode
from translator.readers.tmsl import model_from_tmsl

SCHEMA_MEMBER = "DataModelSchema"


def read_pbit(path: Path, *, file: str, export: str, name: str) -> SemanticModel:
    data = read_member(path, file, SCHEMA_MEMBER)
    # Locations point into the member, e.g. "Sales.pbit/DataModelSchema:120".
    member_file = f"{file}/{SCHEMA_MEMBER}"
    text = decode(data, member_file, encoding="utf-16-le")
    return model_from_tmsl(jsonpos.loads(text, member_file), name=name, export=export, file=member_file)


_SAVED_AS = "a complete .pbit saved by Power BI Desktop"


def read_member(path: Path, file: str, member: str) -> bytes:
    with limits.open_archive(path, file, _SAVED_AS) as archive:
        names = archive.namelist()
        if member not in names:
            if "Connections" in names:
                fail(NO_EMBEDDED_MODEL, f"this template holds no model (no {member}): it is a thin report "
                     "on a live connection; export the model it connects to instead", file)
            fail(BAD_ARCHIVE, f"expected a .pbit with a {member} member; the archive has none", file)
        return limits.read_sound_member(archive, member, file, _SAVED_AS)
