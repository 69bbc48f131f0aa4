"""The whole run, stage by stage: exports -> models -> parsed -> compiled -> catalog -> files.

`plan` does everything but the write (translator.review's `check` and `diff` compare what it
makes with the committed output); `build` writes what `plan` made. Nothing here prints: the CLI
renders the diagnostics and summaries these functions return.
"""

from __future__ import annotations

import functools
import gc
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

from translator.catalog import build_catalog, check_rows
from translator.catalog.order import NO_PREVIOUS, PreviousOrder
from translator.catalog.rows import Catalog
from translator.compile import compile_expression, compile_model
from translator.compile.translation import CompiledModel, Translation
from translator.dax import parse_model
from translator.dax.model import ParsedModel
from translator.diagnostics import Diagnostic, InputError, SourceLocation, codes, report
from translator.emit import render, write_output
from translator.model.mapping import Mapping as MappingFile
from translator.model.semantic import SemanticModel
from translator.readers import read_exports
from translator.readers.discover import exports_root
from translator.readers.report import read_reports
from translator.readers.mapping import load_mapping

P = ParamSpec("P")
T = TypeVar("T")

MAPPING_FILE = "translator.toml"
PIPELINE_NO_MODEL = codes.CLI601  # explain: the exports hold no model, several, or none by that name
NO_MAPPING = codes.CLI605  # --mapping names a file that does not exist


@dataclass(frozen=True, slots=True)
class Plan:
    """What a build would write, and what it found on the way."""

    exports: Path
    catalog: Catalog
    files: Mapping[str, str]  # file name -> text, as emit renders them; empty when the catalog is refused
    diagnostics: tuple[Diagnostic, ...] = ()
    compiled: tuple[CompiledModel, ...] = field(default=(), repr=False)
    parsed: tuple[ParsedModel, ...] = field(default=(), repr=False)
    mapping: Path | None = None  # the mapping file the build used; None when there is none
    mapping_file: MappingFile = field(default_factory=MappingFile, repr=False)  # what it holds

    @property
    def ok(self) -> bool:
        """The files were rendered: the catalog's final check found no breach."""
        return bool(self.files)

    @property
    def status_counts(self) -> dict[str, int]:
        """How many input measures ended up exact, approximate, untranslated, parse_error."""
        return dict(sorted(Counter(entry.status for entry in self.catalog.report).items()))


def mapping_path(exports: Path) -> Path | None:
    """The mapping file a build uses when none is named: translator.toml inside the exports
    folder, else beside a single export (a file, a TMDL or PBIP model folder); None when neither
    exists."""
    candidates = [exports / MAPPING_FILE] if exports.is_dir() else []
    root = exports_root(exports)
    if root != exports:
        candidates.append(root / MAPPING_FILE)
    return next((path for path in candidates if path.is_file()), None)


def parse_and_compile(
    exports: Path, mapping_file: Path | None = None,
) -> tuple[tuple[ParsedModel, ...], tuple[CompiledModel, ...], list[Diagnostic], MappingFile]:
    """Read the exports, then the mapping file (`mapping_file`, else the one `mapping_path`
    finds), whose [semantics] pins the compiler follows; parse and compile every model."""
    diagnostics: list[Diagnostic] = []
    models = _run(read_exports, diagnostics, exports)
    mapping = _run(load_mapping, diagnostics, mapping_file if mapping_file is not None else mapping_path(exports))
    parsed_models = tuple(_run(parse_model, diagnostics, model) for model in models)
    compiled = tuple(_run(compile_model, diagnostics, parsed, mapping.semantics, mapping=mapping) for parsed in parsed_models)
    return parsed_models, compiled, diagnostics, mapping


def _no_collections(function: Callable[..., Plan]) -> Callable[..., Plan]:
    """Run a build with the cyclic garbage collector off. A build allocates millions of objects
    that live until it ends (trees, rows, diagnostics) and makes little cyclic garbage: Python's
    default (a pass every 700 allocations) rescanned them for a quarter of a large build's CPU
    time, and even a young generation of 35,000 still cost a tenth (benchmarks/scaled.py). Off,
    the 47-fold sample's peak memory grows by about 20 MiB; reference counting still frees
    everything acyclic, and the collector's previous state is restored afterwards."""

    @functools.wraps(function)
    def wrapper(*args: object, **kwargs: object) -> Plan:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return wrapper


@_no_collections
def plan(exports: Path, mapping_file: Path | None = None, previous: PreviousOrder = NO_PREVIOUS) -> Plan:
    """Everything `build` does except writing. `previous`: the sort_order numbers of the output
    being replaced (translator.review.committed.previous_order), which the catalog keeps. Raises
    InputError for unreadable input (a `mapping_file` that is named but missing included)."""
    if mapping_file is not None and not mapping_file.is_file():
        raise InputError(report(NO_MAPPING, "no such mapping file", SourceLocation(str(mapping_file))))
    used = mapping_file if mapping_file is not None else mapping_path(exports)
    parsed, compiled, diagnostics, mapping = parse_and_compile(exports, used)
    reports = _run(read_reports, diagnostics, exports, [c.export for c in compiled])
    catalog = _run(build_catalog, diagnostics, compiled, mapping, reports, previous)
    # A row no measure owns breaking an invariant (a contract breach): nothing is written.
    breaches = check_rows(catalog)
    diagnostics.extend(breaches)
    files = {} if breaches else _run(render, diagnostics, catalog)
    return Plan(
        exports=exports,
        catalog=catalog,
        files=dict(sorted(files.items())),
        diagnostics=_unique(diagnostics),
        compiled=compiled,
        parsed=parsed,
        mapping=used,
        mapping_file=mapping,
    )


def _run(stage: Callable[P, tuple[T, Sequence[Diagnostic]]], diagnostics: list[Diagnostic],
                 *args: P.args, **kwargs: P.kwargs) -> T:
    """Run one stage (`(input) -> (output, diagnostics)`): keep its diagnostics, return its output."""
    output, found = stage(*args, **kwargs)
    diagnostics.extend(found)
    return output


def build(exports: Path, out: Path, mapping_file: Path | None = None) -> Plan:
    """Read, translate and write `out`; the plan written. On InputError, or when emit refused the catalog (an
    ERROR diagnostic, `written` is False), nothing under `out` has changed. The sort_order
    numbers of the output in `out` are kept (docs/mapping.md)."""
    from translator.review.committed import previous_order  # deferred: translator.review imports this module

    planned = plan(exports, mapping_file, previous_order(out))
    if planned.ok:
        write_output(dict(planned.files), out)
    return planned


def _unique(diagnostics: list[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Drop repeats (a later stage may pass an earlier stage's diagnostic on), keep order."""
    return tuple(dict.fromkeys(diagnostics))


def explain(text: str, exports: Path, model: str | None = None) -> Translation:
    """Translate one DAX expression against a model of the exports (the only one, or `model`)."""
    models, _ = read_exports(exports)
    chosen = _choose_model(models, model, exports)
    mapping, _ = load_mapping(mapping_path(exports))
    parsed, _ = parse_model(chosen)
    return compile_expression(text, parsed, mapping.semantics, mapping=mapping)


def _choose_model(models: Sequence[SemanticModel], name: str | None, exports: Path) -> SemanticModel:
    names = ", ".join(sorted(m.name for m in models)) or "(none)"
    if name is not None:
        folded = name.casefold()
        found = [m for m in models if folded in (m.name.casefold(), m.export.casefold())]
        if not found:
            raise InputError(report(
                PIPELINE_NO_MODEL, f"no model named {name!r}; the exports hold: {names}",
                SourceLocation(str(exports)),
            ))
        return found[0]
    if len(models) != 1:
        raise InputError(report(
            PIPELINE_NO_MODEL,
            f"the exports hold {len(models)} models; choose one with --model: {names}",
            SourceLocation(str(exports)),
        ))
    return models[0]
