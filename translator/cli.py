"""The command line: each command calls one library function and renders what it returns.

Exit codes: 0 ok, 1 findings (stale output, a disagreement, an untranslated expression),
2 error (unreadable input, bad usage). Diagnostics go to stderr through rich; with
`--format json` only the payload goes to stdout. An input problem is shown as one line naming
the file, never as a traceback; any other exception is a bug and shows as one.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from translator.diagnostics import Diagnostic, InputError, Severity, render

OK, FINDINGS, ERROR = 0, 1, 2

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _stderr() -> Console:
    # Built per use: click's test runner swaps sys.stderr between invocations.
    return Console(file=sys.stderr, soft_wrap=True, highlight=False)


def _stdout() -> Console:
    # Piped output (CI logs, files) gets wide tables instead of truncated names.
    width = None if sys.stdout.isatty() else 240
    return Console(file=sys.stdout, soft_wrap=True, highlight=False, width=width)


# --- shared options, defined once -------------------------------------------------------------

exports_option = click.option(
    "--exports",
    type=click.Path(path_type=Path),
    default=Path("pbix_exports"),
    show_default=True,
    help="An exports folder, or a single export (.pbix, .pbit, .bim, TMDL folder, DMV dump).",
)
out_option = click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("output"),
    show_default=True,
    help="The output folder.",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: only the payload on stdout.",
)


def input_boundary(command: Callable[..., int]) -> Callable[..., None]:
    """Turn an InputError into one line on stderr and exit 2; the return value is the exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs)
        except InputError as err:
            _stderr().print(_one_line(err.diagnostic))
            sys.exit(ERROR)
        sys.exit(code)

    return wrapper


# --- rendering ----------------------------------------------------------------------------------


def _one_line(diagnostic: Diagnostic) -> Text:
    message = " ".join(diagnostic.message.split())
    text = Text(render.where(diagnostic))
    text.append(f"{diagnostic.severity.value}[{diagnostic.code}]", style=_STYLE[diagnostic.severity])
    text.append(f": {message}")
    return text


def render_diagnostics(diagnostics: Iterable[Diagnostic]) -> None:
    console = _stderr()
    for diagnostic in diagnostics:
        console.print(_one_line(diagnostic))
        for note in diagnostic.notes:
            console.print(Text("".join(f"    {line}\n" for line in note.split("\n")).rstrip("\n")))


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    return render.to_json(diagnostic)


def emit_json(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False))


def _counts_line(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{n} {status}" for status, n in counts.items())
    return f"{total} measures: {parts}" if parts else "no measures"


# --- commands -----------------------------------------------------------------------------------


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Translate Power BI DAX measures into the report_builder catalog on PostgreSQL."""


@main.command()
@exports_option
@out_option
@format_option
@input_boundary
def build(exports: Path, out: Path, fmt: str) -> int:
    """Read the exports and write the schema, the seed and the translation report to --out."""
    from translator.pipeline import build as run_build

    result = run_build(exports, out)
    plan = result.plan
    if fmt == "json":
        emit_json({
            "out": str(out),
            "ok": plan.ok,
            "written": list(result.written),
            "counts": plan.status_counts,
            "diagnostics": [diagnostic_json(d) for d in plan.diagnostics],
        })
        return OK if plan.ok else ERROR
    render_diagnostics(plan.diagnostics)
    console = _stderr()
    if not plan.ok:
        console.print(f"nothing written to {out}: the errors above stop the build")
        return ERROR
    console.print(f"wrote {', '.join(result.written)} to {out}")
    console.print(_counts_line(plan.status_counts))
    return OK


@main.command()
@exports_option
@out_option
@format_option
@input_boundary
def check(exports: Path, out: Path, fmt: str) -> int:
    """Exit 1 when --out differs from what `build` would write now."""
    from translator.review import check as run_check

    result = run_check(exports, out)
    if not result.plan.ok:
        render_diagnostics(result.plan.diagnostics)
        _stderr().print("cannot check: the errors above stop the build")
        return ERROR
    if fmt == "json":
        emit_json({"out": str(out), "up_to_date": result.up_to_date, "stale": list(result.stale)})
    elif result.up_to_date:
        _stderr().print(f"{out} is up to date")
    else:
        console = _stderr()
        for name in result.stale:
            console.print(Text(f"{out / name}: stale (run `translator build`)"))
        console.print(f"{len(result.stale)} file(s) in {out} differ from what build would write now")
    return OK if result.up_to_date else FINDINGS


@main.command()
@exports_option
@out_option
@format_option
@input_boundary
def diff(exports: Path, out: Path, fmt: str) -> int:
    """What a build would change in the catalog, against the translation report in --out."""
    from translator.review import diff as run_diff

    changes = run_diff(exports, out)
    if fmt == "json":
        emit_json(changes.to_json())
        return OK
    console = _stdout()
    if not changes:
        console.print("no catalog changes")
        return OK
    for line in changes.lines():
        console.print(Text(line))
    return OK


@main.command()
@click.argument("dax")
@exports_option
@click.option("--model", default=None, help="Which model, when the exports hold several.")
@format_option
@input_boundary
def explain(dax: str, exports: Path, model: str | None, fmt: str) -> int:
    """The SQL, the fidelity and the reasons for one DAX expression against a model."""
    from translator.pipeline import explain as run_explain

    translation = run_explain(dax, exports, model)
    sql = translation.sql.sql(dialect="postgres") if translation.sql is not None else None
    status = translation.status.value
    if fmt == "json":
        emit_json({
            "dax": dax,
            "status": status,
            "sql": sql,
            "derived_formula": (
                translation.derived_formula.sql(dialect="postgres")
                if translation.derived_formula is not None else None
            ),
            "columns": list(translation.columns),
            "overridden_columns": list(translation.overridden_columns),
            "variants": [
                {"toggle": v.toggle_table, "option": v.option, "sql": v.sql.sql(dialect="postgres")}
                for v in translation.variants
            ],
            "reasons": [diagnostic_json(d) for d in translation.reasons],
        })
    else:
        console = _stdout()
        console.print(Text(f"status: {status}"))
        console.print(Text(f"sql: {sql if sql is not None else '(none)'}"))
        for variant in translation.variants:
            console.print(Text(
                f"variant {variant.toggle_table} = {variant.option!r}: {variant.sql.sql(dialect='postgres')}"
            ))
        if translation.overridden_columns:
            console.print(Text(f"overrides outer filters on: {', '.join(translation.overridden_columns)}"))
        render_diagnostics(translation.reasons)
    return OK if status == "exact" else FINDINGS


@main.command()
@click.option("--dsn", required=True, help="A PostgreSQL URL the run may create objects in.")
@exports_option
@click.option("--rows", default=200, show_default=True, help="Generated rows per view.")
@click.option("--seed", default=0, show_default=True, help="Seed of the row generator.")
@format_option
@input_boundary
def verify(dsn: str, exports: Path, rows: int, seed: int, fmt: str) -> int:
    """Load the catalog into PostgreSQL and compare every metric with the reference evaluator."""
    from translator.verify import verify as run_verify

    result = run_verify(dsn, exports, rows=rows, seed=seed)
    if fmt == "json":
        emit_json(result.to_json())
    else:
        table = Table(title=f"verify: {len(result.checks)} checks, {len(result.failures)} disagreements")
        for column in ("metric", "source", "toggle", "status", "detail"):
            table.add_column(column)
        for item in result.checks:
            style = None if item.ok else "red"
            table.add_row(item.metric_key, item.source_key, item.toggle_label, item.status, item.detail,
                          style=style)
        _stdout().print(table)
        _stderr().print(", ".join(f"{n} {status}" for status, n in result.counts().items()) or "no checks")
    return OK if not result.failures else FINDINGS


if __name__ == "__main__":  # pragma: no cover
    main()
