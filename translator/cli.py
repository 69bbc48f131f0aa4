"""The command line: each command calls one library function and renders what it returns.

Exit codes: 0 ok, 1 findings (stale output, a disagreement, an untranslated expression, or what
`--fail-on` names), 2 error (unreadable input, bad usage). Diagnostics go to stderr through rich,
sorted by file and line, with paths relative to the working directory. `--format json` puts only
the payload on stdout, errors included, each payload carrying `schema_version` and `kind`
(docs/json-schema.md); `--format github` prints GitHub Actions annotations on stdout. An input
problem is shown as one line naming the file, never as a traceback; any other exception is a bug
and shows as one.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import functools
import gc
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from translator.diagnostics import Diagnostic, InputError, Severity, SourceLocation, codes, render, report

OK, FINDINGS, ERROR = 0, 1, 2
DISTRIBUTION = "pbi-translator"
# Version of every --format json payload and of translation_report.json (docs/json-schema.md).
SCHEMA_VERSION = 1
CANNOT_READ_SEED = codes.CLI603  # diff --dsn: the committed seed cannot be read (as the committed report)

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
# --fail-on is a ladder: each level fails on what the ones before it fail on, and more.
FAIL_ON = ("untranslated", "approximate", "warning")


@dataclass(slots=True)
class Settings:
    """What the shared options chose for this run."""

    verbosity: int = 0  # -1 quiet, 0 normal, 1 verbose
    color: str = "auto"
    fmt: str = "text"
    root: Path | None = None  # the exports folder the diagnostics' paths are relative to
    shown_paths: dict[tuple[Path | None, str], str] = dataclasses.field(default_factory=dict)  # display_path's


def _settings() -> Settings:
    context = click.get_current_context(silent=True)
    if context is None:
        return Settings()
    context = context.find_root()
    if not isinstance(context.obj, Settings):
        context.obj = Settings()
    return context.obj


def _console(file: Any, **extra: Any) -> Console:
    color = _settings().color
    options: dict[str, Any] = {"file": file, "soft_wrap": True, "highlight": False, **extra}
    if color == "always":
        options["force_terminal"] = True
    elif color == "never":
        options["no_color"] = True
        options["color_system"] = None
    return Console(**options)


def _stderr() -> Console:
    # Built per use: click's test runner swaps sys.stderr between invocations.
    return _console(sys.stderr)


def _stdout() -> Console:
    # Piped output (CI logs, files) gets wide tables instead of truncated names.
    width = None if sys.stdout.isatty() else 240
    return _console(sys.stdout, width=width)


@contextlib.contextmanager
def progress(message: str) -> Iterator[None]:
    """A spinner on stderr for work that can take more than a couple of seconds; never in json
    or github mode, never with -q, and only on a terminal (rich leaves pipes alone)."""
    settings = _settings()
    if settings.fmt != "text" or settings.verbosity < 0:
        yield
        return
    with _stderr().status(message):
        yield


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
mapping_option = click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The mapping file [default: translator.toml inside the exports folder, or beside a single export].",
)
fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default=None,
    help="Exit 1 (files are still written) when a measure is untranslated; with `approximate` also "
         "when an approximate translation awaits acceptance; with `warning` also on any warning.",
)


def _set(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(_context: click.Context, _parameter: click.Parameter, value: Any) -> Any:
        if value is not None:
            setattr(_settings(), name, value)
        return value
    return callback


def _verbosity(name: str, short: str, help: str) -> Callable[[Any], Any]:
    def callback(_context: click.Context, _parameter: click.Parameter, value: int) -> int:
        settings = _settings()
        if value:
            settings.verbosity = -1 if name == "quiet" else 1
        return value
    return click.option(short, f"--{name}", count=True, expose_value=False, is_eager=True,
                        callback=callback, help=help)


def common_options(formats: tuple[str, ...] | None = ("text", "json")) -> Callable[[Any], Any]:
    """-q / -v / --color on every command (also accepted before the command name), and --format
    on each command with the formats it offers."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        options = [
            click.option("--format", "fmt", type=click.Choice(formats), default="text", show_default=True,
                         callback=_set("fmt"), is_eager=True,
                         help="json: only the payload on stdout (docs/json-schema.md)"
                              + ("; github: GitHub Actions annotations on stdout." if "github" in formats else ".")),
        ] if formats else []
        for option in reversed([
            _verbosity("quiet", "-q", "Only errors and the one-line result."),
            _verbosity("verbose", "-v", "Also informational diagnostics and every note."),
            click.option("--color", type=click.Choice(["auto", "always", "never"]), default=None,
                         expose_value=False, is_eager=True, callback=_set("color"),
                         help="Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never."),
            *options,
        ]):
            command = option(command)
        return command

    return decorate


def input_boundary(command: Callable[..., int]) -> Callable[..., None]:
    """Turn an InputError into one line (json: a payload on stdout) and exit 2; the return value
    is the exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs)
        except InputError as err:
            fmt = _settings().fmt
            if fmt == "json":
                emit_json("error", {"ok": False, "diagnostics": [diagnostic_json(err.diagnostic)]})
            elif fmt == "github":
                click.echo(_annotation(err.diagnostic))
            else:
                _stderr().print(_one_line(err.diagnostic))
            sys.exit(ERROR)
        sys.exit(code)

    return wrapper


# --- rendering ----------------------------------------------------------------------------------


def display_path(file: str) -> str:
    """A diagnostic's file relative to the working directory (absolute when it lies outside).
    Readers and the catalog name files relative to the exports folder, so that the report does
    not depend on where the tool runs; the mapping file and --out are named as given."""
    settings = _settings()
    key = (settings.root, file)
    shown = settings.shown_paths.get(key)
    if shown is None:
        shown = settings.shown_paths[key] = _display_path(settings.root, file)
    return shown


def _display_path(root: Path | None, file: str) -> str:
    candidates = [root / file] if root is not None else []
    candidates.append(Path(file))
    for candidate in candidates:
        if candidate.exists():
            absolute = Path(os.path.abspath(candidate))
            try:
                return absolute.relative_to(Path.cwd()).as_posix() or "."
            except ValueError:
                return absolute.as_posix()
    return file


def sort_key(diagnostic: Diagnostic) -> tuple[Any, ...]:
    location = diagnostic.location
    if location is None:
        return ("", 0, 0, diagnostic.code, diagnostic.message)
    return (display_path(location.file), location.line or 0, location.column or 0,
            diagnostic.code, diagnostic.message)


def _shown(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by file and line; -q keeps errors only, the default drops informational ones."""
    verbosity = _settings().verbosity
    lowest = {-1: 0, 0: 1, 1: 2}[verbosity]
    return sorted((d for d in diagnostics if _RANK[d.severity] <= lowest), key=sort_key)


def _one_line(diagnostic: Diagnostic) -> Text:
    message = " ".join(diagnostic.message.split())
    text = Text(render.where(_located(diagnostic)))
    text.append(f"{diagnostic.severity.value}[{diagnostic.code}]", style=_STYLE[diagnostic.severity])
    text.append(f": {message}")
    return text


def render_diagnostics(diagnostics: Iterable[Diagnostic]) -> None:
    lines: list[Text] = []
    for diagnostic in _shown(diagnostics):
        lines.append(_one_line(diagnostic))
        for note in diagnostic.notes:
            lines.append(Text("".join(f"    {line}\n" for line in note.split("\n")).rstrip("\n")))
    if lines:  # one print: rich's cost is per call, and a large build reports thousands of lines
        _stderr().print(Text("\n").join(lines))


def _located(diagnostic: Diagnostic) -> Diagnostic:
    """The diagnostic with its file as the reader sees it (relative to the working directory)."""
    location = diagnostic.location
    if location is None:
        return diagnostic
    return dataclasses.replace(diagnostic, location=dataclasses.replace(location, file=display_path(location.file)))


def _annotation(diagnostic: Diagnostic, level: Severity | None = None) -> str:
    return render.github(_located(diagnostic), level)


def render_github(diagnostics: Iterable[Diagnostic]) -> None:
    for diagnostic in sorted(diagnostics, key=sort_key):
        click.echo(_annotation(diagnostic))


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    return render.to_json(_located(diagnostic))


def emit_json(kind: str, payload: dict[str, Any]) -> None:
    document = {"schema_version": SCHEMA_VERSION, "kind": kind, **payload}
    click.echo(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False))


def _counts_line(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{n} {status}" for status, n in counts.items())
    return f"{total} measures: {parts}" if parts else "no measures"


def _version() -> str:
    from importlib import metadata  # deferred: only --version needs it, and it is slow to import

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


def _show_version(context: click.Context, _parameter: click.Parameter, value: bool) -> None:
    if not value or context.resilient_parsing:
        return
    click.echo(f"translator ({DISTRIBUTION}) {_version()}")
    context.exit()


def run() -> None:
    """The console script (and `python -m translator`): `main`, then leave without tearing the
    heap down object by object. A large build holds millions of objects, and freeing them one by
    one at interpreter exit costs more than half a second of CPU for nothing (mypy leaves the same
    way). The exit is Python's own (`sys.exit`): other threads are waited for and every exit
    function runs; the last of them, registered here first, flushes the output and ends the
    process with its code. When flushing fails (a closed pipe, say), Python exits as usual.

    The cyclic garbage collector stays off meanwhile (verify turns it back on): the process runs
    one command and leaves, a build makes little cyclic garbage (reference counting frees the
    rest; about 20 MiB on the 47-fold sample stays until the exit), and once a build
    has run with the collector off (pipeline.plan) turning it back on costs one pass over every
    object the build made (a third of a second on the 47-fold sample, benchmarks/scaled.py)."""
    gc.disable()
    leaving: list[int] = []
    atexit.register(_leave, leaving)  # exit functions run last-registered first: this one runs last
    try:
        main()
    except SystemExit as done:
        code = done.code
    else:
        code = OK
    if isinstance(code, str):  # sys.exit("message"): shown, exit 1, as Python does
        print(code, file=sys.stderr)
        code = 1
    code = OK if code is None else code
    if isinstance(code, int):
        leaving.append(code)
    sys.exit(code)


def _leave(leaving: list[int]) -> None:
    """The last exit function: flush, then end the process with the command's exit code before
    Python frees every object one by one."""
    if not leaving:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - a closed pipe, say: the usual exit reports it
        return
    os._exit(leaving[0])


# --- commands -----------------------------------------------------------------------------------


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version and exit.")
@common_options(None)
def main() -> None:
    """Translate Power BI DAX measures into the report_builder catalog on PostgreSQL."""


def _use_exports(exports: Path) -> None:
    from translator.readers.discover import exports_root

    _settings().root = exports_root(exports)


def _fails(fail_on: str | None, plan: Any, attention: Any) -> bool:
    """Whether --fail-on's level is reached (the levels are a ladder, see FAIL_ON)."""
    if fail_on is None:
        return False
    level = FAIL_ON.index(fail_on)
    if attention.untranslated_count:
        return True
    if level >= 1 and attention.awaiting:
        return True
    return level >= 2 and any(d.severity is not Severity.INFO for d in plan.diagnostics)


def _mapping_line(plan: Any) -> str:
    if plan.mapping is None:
        return "mapping: none (no translator.toml in the exports folder or beside the export)"
    return f"mapping: {display_path(str(plan.mapping))}"


def render_attention(attention: Any, out: Path) -> None:
    """The console's "needs attention" summary: one line per root cause with its count and the
    measures it keeps out of the catalog, then its fix; then each approximation awaiting review."""
    if not attention:
        return
    console = _stderr()
    console.print(Text(
        f"needs attention: {attention.untranslated_count} untranslated, "
        f"{len(attention.awaiting)} approximate awaiting acceptance"
        + (f", {len(attention.mapping)} mapping problem(s) (shown above)" if attention.mapping else "")
        + " "
        f"(details: {display_path(str(out / 'translation_report.md'))})", style="bold"))
    if attention.untranslated:
        console.print("  untranslated, by root cause:")
    for group in attention.untranslated:
        names = ", ".join(group.roots)
        if group.blocked:
            names += f"; blocked through them: {', '.join(group.blocked)}"
        line = Text(f"  {group.count:>4} × ")
        line.append(f"{group.code}", style="yellow")
        line.append(f" {' '.join(group.message.split())}: {names}")
        console.print(line)
        console.print(Text(f"         fix: {group.fix}", style="dim"))
    if attention.awaiting:
        console.print("  approximate, awaiting acceptance:")
    for item in attention.awaiting:
        line = Text(f"         {item.measure} ")
        line.append(item.code, style="yellow")
        line.append(f" {' '.join(item.message.split())}")
        console.print(line)
        console.print(Text(f"         fix: {item.fix}", style="dim"))


def _github_attention(attention: Any, plan: Any) -> None:
    """Each measure the catalog leaves out, as a warning annotation at its definition (an
    approximation awaiting acceptance as a notice), with its root cause and fix."""
    from translator.catalog.attention import fix_for, label

    entries = {label(e): e for e in plan.catalog.report}
    for group in attention.untranslated:
        for measure in group.measures:
            entry = entries.get(measure)
            own = group.fix if measure in group.blocked or entry is None else fix_for(group.code, entry.measure)
            _github_at(entry, Severity.WARNING, group.code, f"{measure}: {group.message}\nfix: {own}")
    for item in attention.awaiting:
        _github_at(entries.get(item.measure), Severity.INFO, item.code,
                   f"{item.measure}: {item.message}\nfix: {item.fix}")


def _github_at(entry: Any, level: Severity, code: str, message: str) -> None:
    """An annotation at `level` (the summary's, not the code's own severity: a measure left out
    is a warning of the build, whatever made it fail)."""
    location = entry.location if entry is not None else None  # a SourceLocation, never text
    click.echo(_annotation(report(code, message, location), level))


@main.command()
@exports_option
@out_option
@mapping_option
@fail_on_option
@common_options(("text", "json", "github"))
@input_boundary
def build(exports: Path, out: Path, mapping: Path | None, fail_on: str | None, fmt: str) -> int:
    """Read the exports and write the schema, the seed and the translation report to --out."""
    from translator.cache import build as run_build  # the pipeline's build, through the build cache
    from translator.catalog.attention import needs_attention

    _use_exports(exports)
    with progress("translating the exports…"):
        result = run_build(exports, out, mapping)
    plan = result.plan
    attention = needs_attention(plan.catalog.report, plan.catalog.mapping_problems)
    failing = _fails(fail_on, plan, attention)
    code = ERROR if not plan.ok else FINDINGS if failing else OK
    if fmt == "json":
        emit_json("build", {
            "out": display_path(str(out)),
            "ok": plan.ok,
            "mapping": display_path(str(plan.mapping)) if plan.mapping else None,
            "written": list(result.written),
            "counts": plan.status_counts,
            "needs_attention": attention.to_json(),
            "diagnostics": [diagnostic_json(d) for d in sorted(plan.diagnostics, key=sort_key)],
        })
        return code
    if fmt == "github":
        render_github(d for d in plan.diagnostics if d.severity is not Severity.INFO)
        if plan.ok:
            _github_attention(attention, plan)
        return code
    render_diagnostics(plan.diagnostics)
    console = _stderr()
    if not plan.ok:
        console.print(f"nothing written to {display_path(str(out))}: the errors above stop the build")
        return ERROR
    quiet = _settings().verbosity < 0
    if not quiet:
        console.print(Text(_mapping_line(plan)))
        console.print(f"wrote {', '.join(result.written)} to {display_path(str(out))}")
        render_attention(attention, out)
    console.print(_counts_line(plan.status_counts))
    if failing:
        console.print(Text(f"--fail-on {fail_on}: failing", style="bold red"))
    return code


@main.command()
@exports_option
@out_option
@mapping_option
@fail_on_option
@common_options(("text", "json", "github"))
@input_boundary
def check(exports: Path, out: Path, mapping: Path | None, fail_on: str | None, fmt: str) -> int:
    """Exit 1 when --out differs from what `build` would write now (or --fail-on is reached)."""
    from translator.catalog.attention import needs_attention
    from translator.review.check import check as run_check

    _use_exports(exports)
    with progress("comparing with a build now…"):
        result = run_check(exports, out, mapping)
    if not result.plan.ok:
        if fmt == "json":
            emit_json("error", {"ok": False, "diagnostics": [
                diagnostic_json(d) for d in sorted(result.plan.diagnostics, key=sort_key)]})
        elif fmt == "github":
            render_github(d for d in result.plan.diagnostics if d.severity is Severity.ERROR)
        else:
            render_diagnostics(result.plan.diagnostics)
            _stderr().print("cannot check: the errors above stop the build")
        return ERROR
    failing = _fails(fail_on, result.plan, needs_attention(result.plan.catalog.report))
    code = OK if result.up_to_date and not failing else FINDINGS
    if fmt == "json":
        emit_json("check", {"out": display_path(str(out)), "up_to_date": result.up_to_date,
                            "stale": list(result.stale)})
    elif fmt == "github":
        for name in result.stale:
            click.echo(_annotation(report(
                codes.CLI606, "differs from what `translator build` writes now "
                "(run `translator build` and commit)", SourceLocation(str(out / name)))))
    elif result.up_to_date:
        _stderr().print(f"{display_path(str(out))} is up to date")
    else:
        console = _stderr()
        for name in result.stale:
            console.print(Text(f"{display_path(str(out / name))}: stale (run `translator build`)"))
        console.print(f"{len(result.stale)} file(s) in {display_path(str(out))} differ from what build would write now")
    return code


@main.command()
@exports_option
@out_option
@mapping_option
@click.option("--dsn", default=None,
              help="Also show which rows of that database applying --out's seed would overwrite "
                   "(edited by hand, or not created by the seed); the dry run is rolled back.")
@common_options()
@input_boundary
def diff(exports: Path, out: Path, mapping: Path | None, dsn: str | None, fmt: str) -> int:
    """What a build would change in the catalog, against the translation report in --out."""
    from translator.review.diff import diff as run_diff

    _use_exports(exports)
    with progress("comparing the catalog…"):
        changes = run_diff(exports, out, mapping)
    overwritten = _overwritten(dsn, out) if dsn is not None else None
    if fmt == "json":
        payload = changes.to_json()
        if dsn is not None:
            payload["overwritten_rows"] = overwritten
        emit_json("diff", payload)
        return OK
    console = _stdout()
    if not changes:
        console.print("no catalog changes")
    for line in changes.lines():
        console.print(Text(line))
    if dsn is not None:
        if overwritten is None:
            console.print("the database has no report_builder catalog yet")
        elif not overwritten:
            console.print("applying the seed overwrites no row edited by hand")
        for line in overwritten or ():
            console.print(Text(f"would overwrite {line}"))
    return OK


def _overwritten(dsn: str, out: Path) -> list[str] | None:
    from translator.emit import SEED_FILE
    from translator.verify.dry_run import overwritten_rows

    path = out / SEED_FILE
    try:
        seed_sql = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError) as err:
        raise InputError(report(CANNOT_READ_SEED, f"cannot read the seed: {err}", SourceLocation(str(path))))
    return overwritten_rows(dsn, seed_sql, str(path))


@main.command()
@click.argument("dax")
@exports_option
@click.option("--model", default=None, help="Which model, when the exports hold several.")
@common_options()
@input_boundary
def explain(dax: str, exports: Path, model: str | None, fmt: str) -> int:
    """The SQL, the fidelity and the reasons for one DAX expression against a model."""
    from translator.dialect import TARGET  # deferred: a cached build never loads sqlglot
    from translator.pipeline import explain as run_explain

    _use_exports(exports)
    translation = run_explain(dax, exports, model)
    sql = translation.sql.sql(dialect=TARGET.name) if translation.sql is not None else None
    status = translation.status.value
    if fmt == "json":
        emit_json("explain", {
            "dax": dax,
            "status": status,
            "sql": sql,
            "derived_formula": (
                translation.derived_formula.sql(dialect=TARGET.name)
                if translation.derived_formula is not None else None
            ),
            "columns": list(translation.columns),
            "overridden_columns": list(translation.overridden_columns),
            "toggles": list(translation.toggles),
            "variants": [
                {"toggle": v.toggle_table, "option": v.option, "sql": v.sql.sql(dialect=TARGET.name)}
                for v in translation.variants
            ],
            "reasons": [diagnostic_json(d) for d in translation.reasons],
        })
    else:
        console = _stdout()
        console.print(Text(f"status: {status}"))
        console.print(Text(f"sql: {sql if sql is not None else '(none)'}"))
        if translation.toggles:
            console.print(Text(f"reads toggle(s): {', '.join(translation.toggles)}"))
        for variant in translation.variants:
            console.print(Text(
                f"variant {variant.toggle_table} = {variant.option!r}: {variant.sql.sql(dialect=TARGET.name)}"
            ))
        if translation.overridden_columns:
            console.print(Text(f"overrides outer filters on: {', '.join(translation.overridden_columns)}"))
        render_diagnostics(translation.reasons)
    return OK if status == "exact" else FINDINGS


@main.command()
@click.option("--dsn", default=None,
              help="An EMPTY PostgreSQL database to run in (default: a throwaway server started for "
                   "the run). Refused when it holds report_builder, reporting or beast_insights_v2.")
@click.option("--overwrite-scratch-database", "overwrite", is_flag=True, default=False,
              help="--dsn names a scratch copy that may be written even though it holds those schemas "
                   "(verify still rolls back everything it does).")
@exports_option
@click.option("--rows", default=200, show_default=True, help="Generated rows per view.")
@click.option("--seed", default=0, show_default=True, help="Seed of the row generator.")
@common_options()
@input_boundary
def verify(dsn: str | None, overwrite: bool, exports: Path, rows: int, seed: int, fmt: str) -> int:
    """Load the catalog into PostgreSQL and compare every metric with the reference evaluator.

    Everything runs in one transaction that is rolled back: the database is left as found."""
    from translator.verify import verify as run_verify

    # The console script runs commands with the cyclic collector off (run); verify goes on to
    # generate rows and parse and run SQL per metric, whose sqlglot trees are cyclic garbage
    # (parent links): it collects as usual (the build inside still runs without it).
    gc.enable()
    _use_exports(exports)
    with progress("verifying every metric on PostgreSQL…"):
        result = run_verify(dsn, exports, rows=rows, seed=seed, overwrite=overwrite)
    if fmt == "json":
        emit_json("verify", result.to_json())
        return OK if not result.failures else FINDINGS
    verbose = _settings().verbosity > 0
    shown = result.checks if verbose else result.failures
    if shown:
        title = (f"verify: {len(result.checks)} checks" if verbose
                 else f"verify: the {len(result.failures)} disagreements (-v lists every check)")
        from rich.table import Table  # deferred: only verify prints a table

        table = Table(title=title)
        for column in ("metric", "source", "toggle", "status", "detail"):
            table.add_column(column)
        for item in shown:
            style = None if item.ok else "red"
            table.add_row(item.metric_key, item.source_key, item.toggle_label, item.status, item.detail,
                          style=style)
        _stdout().print(table)
    counts = ", ".join(f"{n} {status}" for status, n in result.counts().items()) or "no checks"
    _stderr().print(f"verify: {len(result.checks)} checks: {counts}")
    cells = ", ".join(f"{n} {status}" for status, n in result.cell_counts().items()) or "none"
    _stderr().print(f"verify: {sum(result.cell_counts().values())} cells (one query each): {cells}")
    return OK if not result.failures else FINDINGS


@main.group()
def parity() -> None:
    """Ask Power BI and PostgreSQL the same questions and compare the answers (README: "Proving
    the migration against Power BI")."""


@parity.command("queries")
@exports_option
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="The question folder: manifest.json, one .dax file per query, probe.dax.")
@click.option("--client-id", type=int, default=None,
              help="Also filter every DAX query on this client (where the table has the column).")
@common_options()
@input_boundary
def parity_queries(exports: Path, out: Path, client_id: int | None, fmt: str) -> int:
    """Write the DAX queries Power BI answers and the SQL the report builder runs for each."""
    from translator.parity.manifest import write_queries

    manifest = write_queries(exports, out, client_id)
    if fmt == "json":
        emit_json("parity_queries", {"out": str(out), "queries": len(manifest.queries),
                                     "skipped": list(manifest.skipped)})
    else:
        _stderr().print(f"wrote {len(manifest.queries)} queries, manifest.json and probe.dax to {out} "
                        f"({len(manifest.skipped)} questions skipped: see \"skipped\" in manifest.json)")
    return OK


@parity.command("compare")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--results", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Power BI's answers: <id>.json (Execute Queries response) or <id>.csv (DAX Studio).")
@click.option("--dsn", required=True, help="The PostgreSQL URL of the reporting views (only read).")
@click.option("--client-id", type=int, required=True, help="The client whose views the SQL reads.")
@click.option("--tolerance", type=click.FloatRange(min=0.0, max=1.0), default=1e-9, show_default=True,
              help="Relative tolerance for numbers.")
@click.option("--allow-missing", is_flag=True, help="Compare the queries that have an answer; skip the rest.")
@click.option("--write-expected", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Also write the SQL side's answers here, in the Execute Queries shape.")
@common_options()
@input_boundary
def parity_compare(folder: Path, results: Path | None, dsn: str, client_id: int, tolerance: float,
                   allow_missing: bool, write_expected: Path | None, fmt: str) -> int:
    """Compare Power BI's answers with the SQL run (read only) on the database, cell by cell."""
    from translator.parity.compare import compare

    result = compare(folder, results, dsn, client_id, tolerance, allow_missing, write_expected)
    if fmt == "json":
        emit_json("parity_compare", result.to_json())
    else:
        console = _stdout()
        for line in result.lines():
            console.print(Text(line))
    return OK if result.ok else FINDINGS


@parity.command("pin")
@click.option("--results", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Power BI's answer to probe.dax: probe.json (Execute Queries) or probe.csv (DAX Studio).")
@exports_option
@mapping_option
@click.option("--engine", default=None, help="The Power BI / Analysis Services version that answered.")
@common_options()
@input_boundary
def parity_pin(results: Path, exports: Path, mapping: Path | None, engine: str | None, fmt: str) -> int:
    """Record Power BI's answers to probe.dax in the mapping file's [semantics] section."""
    from translator.parity.pin import pin
    from translator.pipeline import MAPPING_FILE, mapping_path

    mapping = mapping or mapping_path(exports) or (exports if exports.is_dir() else exports.parent) / MAPPING_FILE
    pins = pin(results, mapping, engine)
    if fmt == "json":
        emit_json("parity_pin", {"mapping": str(mapping), "pins": pins, "engine": engine})
    else:
        _stderr().print(f"pinned {len(pins)} behaviours in {mapping} [semantics]: "
                        + ", ".join(f"{k} = {v}" for k, v in pins.items()))
    return OK


if __name__ == "__main__":  # pragma: no cover
    main()
