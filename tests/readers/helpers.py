"""Shared test helpers for the readers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from translator.diagnostics import InputError
from translator.readers import read_exports
from translator.model.semantic import SemanticModel

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
REPO = HERE.parents[1]
SALES = FIXTURES / "Sales.SemanticModel"
BEAST = REPO / "pbix_exports" / "BeastInsights.SemanticModel"
# Public sample .pbix files, committed with their origin and license (pbix/README.md).
SHARED_PBIX = HERE / "pbix"


def read_one(path: Path) -> SemanticModel:
    models, _ = read_exports(path)
    assert len(models) == 1
    return models[0]


def without_locations(model: SemanticModel) -> SemanticModel:
    """The model with the fields that legitimately differ between formats cleared."""
    tables = tuple(
        replace(t, location=None,
                measures=tuple(replace(m, location=None) for m in t.measures),
                calculation_items=tuple(replace(i, location=None) for i in t.calculation_items))
        for t in model.tables)
    return replace(model, export="", tables=tables)


def input_error(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        read_exports(path)
    return caught.value
