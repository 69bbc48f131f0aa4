"""Power BI DAX measures -> the report_builder catalog on PostgreSQL.

`import translator` stays light: `translator.resolve(catalog, metric_key, toggles)` loads the
query-engine rule (and sqlglot) on first use.
"""

from __future__ import annotations

import importlib


def __getattr__(name: str):
    if name == "resolve":
        return importlib.import_module("translator.resolve")
    raise AttributeError(f"module 'translator' has no attribute {name!r}")
