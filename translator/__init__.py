"""Power BI DAX measures -> the report_builder catalog on PostgreSQL.

`import translator` stays light: `translator.resolve(catalog, metric_key, toggles)` loads the
query-engine rule (and sqlglot) on first use.
"""

from __future__ import annotations


def __getattr__(name: str):
    if name == "resolve":
        import translator.resolve  # deferred so that `import translator` stays light

        return globals()["resolve"]  # the import bound the submodule here
    raise AttributeError(f"module 'translator' has no attribute {name!r}")
