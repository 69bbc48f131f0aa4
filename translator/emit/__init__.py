"""emit: the catalog as the files people review and run (the only stage that writes output/).

render(catalog) -> (files, diagnostics): the text of every output file, deterministic (same
catalog, byte-identical files). emit only lays out: the catalog stage has checked every value
(translator/catalog/invariants.py), so rendering reports nothing of its own.
write_output(files, out_dir): swaps the files into out_dir atomically (see output.py).
"""

from __future__ import annotations

from translator.catalog.rows import Catalog
from translator.diagnostics import Diagnostic
from translator.emit.output import write_output
from translator.emit import pages as _pages  # noqa: F401  (registers the "Report pages" part)
from translator.emit.report import entries_sorted_once, render_json, render_markdown
from translator.emit.schema import render_schema
from translator.emit.seed import render_seed

SCHEMA_FILE = "report_builder_schema.sql"
SEED_FILE = "seed_catalog.sql"
REPORT_MD_FILE = "translation_report.md"
REPORT_JSON_FILE = "translation_report.json"


def render(catalog: Catalog) -> tuple[dict[str, str], list[Diagnostic]]:
    with entries_sorted_once(catalog):
        files = {
            SCHEMA_FILE: render_schema(),
            SEED_FILE: render_seed(catalog),
            REPORT_MD_FILE: render_markdown(catalog),
            REPORT_JSON_FILE: render_json(catalog),
        }
    return files, []


def without_transaction(sql: str) -> str:
    """An emitted SQL file (schema or seed) without its own BEGIN/COMMIT lines, for a caller that
    runs it inside a transaction of its own and rolls it back (`translator verify`)."""
    lines = sql.split("\n")
    begin, commit = lines.index("BEGIN;"), len(lines) - 1 - lines[::-1].index("COMMIT;")
    return "\n".join(lines[:begin] + lines[begin + 1:commit] + lines[commit + 1:])


__all__ = ["render", "without_transaction", "write_output", "SCHEMA_FILE", "SEED_FILE", "REPORT_MD_FILE",
           "REPORT_JSON_FILE"]
