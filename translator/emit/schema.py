"""report_builder_schema.sql: the Milestone 1 DDL, with each deviation from the design listed."""

from __future__ import annotations

from translator.emit.templates import render_template

DEVIATIONS: tuple[str, ...] = (
    "`id BIGSERIAL PRIMARY KEY CONSTRAINT <table>_pk` is not valid PostgreSQL (a CONSTRAINT "
    "name must come before the constraint it names); written as `id BIGSERIAL CONSTRAINT "
    "<table>_pk PRIMARY KEY`, same name and meaning.",
    "CREATE TABLE and CREATE INDEX say IF NOT EXISTS, so the file can be re-run: a second run "
    "changes nothing. It does not migrate a table that already exists with another shape.",
    "The whole file is one transaction (BEGIN ... COMMIT): a failure leaves no half schema.",
)


def render_schema() -> str:
    return render_template("report_builder_schema.sql.j2", deviations=DEVIATIONS)
