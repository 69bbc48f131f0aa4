"""model.bim: a TMSL JSON file (Visual Studio / Tabular Editor projects, older PBIP folders)."""

from __future__ import annotations

from pathlib import Path

from translator.readers import jsonpos
from translator.model.semantic import SemanticModel
from translator.readers.text import decode
from translator.readers.tmsl import model_from_tmsl


def read_bim(path: Path, *, file: str, export: str, name: str) -> SemanticModel:
    text = decode(path.read_bytes(), file)
    return model_from_tmsl(jsonpos.loads(text, file), name=name, export=export, file=file)
