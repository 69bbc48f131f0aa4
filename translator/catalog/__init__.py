"""The catalog stage: compiled translations + the mapping file -> report_builder rows.

Public API:
- build_catalog(compiled, mapping, previous) -> (Catalog, diagnostics): pure and deterministic;
  `previous` (catalog.order.PreviousOrder) keeps the sort_order numbers of the output it replaces
- check_completeness(compiled, catalog) -> diagnostics: every input measure reported exactly once
- check_rows(catalog) -> diagnostics: the final check of every row (values, keys, references);
  a finding means nothing may be written. Each measure's own rows and SQL are checked where they
  are made, in build_catalog: a problem there costs that measure only (catalog/invariants.py).

`import translator.catalog.rows` stays light (the build cache unpickles rows without loading sqlglot):
the functions above are loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from translator.catalog.build import build_catalog
    from translator.catalog.invariants import check_catalog, check_rows
    from translator.catalog.report import check_completeness
    from translator.catalog.rows import Catalog

__all__ = ["Catalog", "build_catalog", "check_catalog", "check_completeness", "check_rows"]


def __getattr__(name: str) -> object:
    if name == "build_catalog":
        from translator.catalog.build import build_catalog

        return build_catalog
    if name in ("check_catalog", "check_rows"):
        from translator.catalog import invariants

        return getattr(invariants, name)
    if name == "check_completeness":
        from translator.catalog.report import check_completeness

        return check_completeness
    if name == "Catalog":
        from translator.catalog.rows import Catalog

        return Catalog
    raise AttributeError(f"module 'translator.catalog' has no attribute {name!r}")
