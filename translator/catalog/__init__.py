"""The catalog stage: compiled translations + the mapping file -> report_builder rows.

Public API:
- build_catalog(compiled, mapping, previous) -> (Catalog, diagnostics): pure and deterministic;
  `previous` (catalog.order.PreviousOrder) keeps the sort_order numbers of the output it replaces
- check_completeness(compiled, catalog) -> diagnostics: every input measure reported exactly once
- check_rows(catalog) -> diagnostics: the final check of every row (values, keys, references);
  a finding means nothing may be written. Each measure's own rows and SQL are checked where they
  are made, in build_catalog: a problem there costs that measure only (catalog/invariants.py).
"""

from translator.catalog.build import build_catalog  # noqa: F401
from translator.catalog.invariants import check_catalog, check_rows  # noqa: F401
from translator.catalog.report import check_completeness  # noqa: F401
from translator.catalog.rows import Catalog  # noqa: F401
