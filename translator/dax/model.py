"""The dax stage's output: the semantic model with every DAX text parsed."""

from __future__ import annotations

from dataclasses import dataclass

from translator.dax.ast import Expr
from translator.diagnostics import Diagnostic
from translator.model.semantic import CalculationItem, Measure, SemanticModel, Table


@dataclass(frozen=True, slots=True)
class ParsedMeasure:
    measure: Measure
    tree: Expr | None  # None when the text did not parse
    error: Diagnostic | None = None  # DAX1xx, with the location mapped into the export file


@dataclass(frozen=True, slots=True)
class ParsedTable:
    """A calculated table or field parameter with its DAX table expression parsed."""

    table: Table
    tree: Expr | None
    error: Diagnostic | None = None


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """A calculation item of a calculation group."""

    table: Table
    item: CalculationItem
    tree: Expr | None
    error: Diagnostic | None = None


@dataclass(frozen=True, slots=True)
class ParsedModel:
    model: SemanticModel
    measures: tuple[ParsedMeasure, ...]
    tables: tuple[ParsedTable, ...] = ()
    items: tuple[ParsedItem, ...] = ()
