"""The bundled sample (pbix_exports/) as a private copy a test may edit."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "pbix_exports"
TABLES = Path("BeastInsights.SemanticModel") / "definition" / "tables"


def copy_sample(target: Path) -> Path:
    shutil.copytree(SAMPLE, target)
    return target


def edit_measure_file(exports: Path, table_file: str, old: str, new: str) -> None:
    """Replace one exact piece of a table's TMDL text (it must occur exactly once)."""
    path = exports / TABLES / table_file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def count_sample_measures(exports: Path) -> int:
    """Measures counted straight from the TMDL text, independently of the readers."""
    return sum(
        1
        for path in (exports / TABLES).glob("*.tmdl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("\tmeasure ")
    )
