"""The build cache: an unchanged rebuild reuses what the last build of the same inputs made.

A build's outcome (the files, the diagnostics, the catalog the report is drawn from) is stored under
a key that hashes everything it depends on: every file of the exports (names and bytes), the mapping
file, and the translator itself (the bytes of its own source and the versions of Python and of the
libraries that shape the output), so a changed input, an edited checkout or an upgraded sqlglot never
reuses an old entry. Same key, same outcome: the cache can miss, never serve a stale build.

Where: $TRANSLATOR_CACHE_DIR when set (empty: no cache), else $XDG_CACHE_HOME/pbi-translator,
else ~/.cache/pbi-translator. One file per key; the 16 newest are kept. Beside them, the DAX
parser's analysed grammar (`dax-comma.lark`, `dax-semicolon.lark`: lark's own cache, checked
against the grammar, its options and lark's version), which spares each build a fifth of a second.
Deleting the folder, or any file in it, is always safe: the next build computes again. Entries are
pickles written by this user for this user: the folder must not be shared with anyone you would
not let run code as you.

A hit loads neither the readers nor the compiler: this module imports no stage up front.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import shutil
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from translator.catalog.rows import Catalog
from translator.diagnostics import Diagnostic

FORMAT = 1  # bump when an entry's layout changes
KEEP = 16  # entries kept; the oldest beyond are removed, so the folder stays small
MAPPING_FILE = "translator.toml"
_PACKAGE = Path(__file__).resolve().parent
_LIBRARIES = ("sqlglot", "sqlglotc", "lark", "jinja2", "pbixray")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a build made, as the command line reports it (from the cache or computed now)."""

    exports: Path
    catalog: Catalog
    files: Mapping[str, str]
    diagnostics: tuple[Diagnostic, ...]
    status_counts: Mapping[str, int]
    mapping: Path | None
    cached: bool = False

    @property
    def ok(self) -> bool:
        return bool(self.files)


@dataclass(frozen=True, slots=True)
class Built:
    plan: Outcome
    out: Path

    @property
    def written(self) -> tuple[str, ...]:
        return tuple(sorted(self.plan.files))


# emit's REPORT_JSON_FILE, spelled here so that a cache hit loads no stage (tests/test_cache.py checks).
PREVIOUS_REPORT = "translation_report.json"


def build(exports: Path, out: Path, mapping_file: Path | None = None) -> Built:
    """`translator.pipeline.build`, through the cache."""
    inputs = _inputs_digest(exports, mapping_file)
    key = _with_previous(inputs, out)
    found = load(key)
    if found is not None:
        if _differs(found.files, out):
            _write(found.files, out)
        return Built(found, out)
    from translator.dax.parser import keep_tables_in  # deferred: a hit never loads the stages
    from translator.pipeline import build as run

    keep_tables_in(_grammar_folder())
    try:
        plan = run(exports, out, mapping_file)
    finally:
        keep_tables_in(None)
    outcome = Outcome(plan.exports, plan.catalog, dict(plan.files), tuple(plan.diagnostics),
                      dict(plan.status_counts), plan.mapping)
    # Rebuilding over its own output keeps every sort_order, so gives the same files: the next
    # unchanged build, whose key names this output's report, is a hit too.
    store((key, _with_previous(inputs, out)) if plan.ok else (key,), outcome)
    return Built(outcome, out)


def _grammar_folder() -> Path | None:
    """The cache folder, made if missing, for the DAX parser's analysed grammar (lark's cache)."""
    where = folder()
    if where is None:
        return None
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return where


def folder() -> Path | None:
    configured = os.environ.get("TRANSLATOR_CACHE_DIR")
    if configured is not None:
        return Path(configured).expanduser() if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pbi-translator"


def build_key(exports: Path, mapping_file: Path | None = None, out: Path | None = None) -> str:
    """The hash of the inputs, the mapping file(s) a build could read, the translator, and the
    report of the output being replaced (its sort_order numbers are an input: catalog/order.py)."""
    return _with_previous(_inputs_digest(exports, mapping_file), out)


def _inputs_digest(exports: Path, mapping_file: Path | None) -> hashlib.blake2b:
    """The key's hash over everything but the output being replaced (see build_key)."""
    exports = Path(exports).resolve()
    digest = hashlib.blake2b(digest_size=20)
    digest.update(_bytes(f"format {FORMAT} python {sys.version} exports at {exports}\n"))
    for library in _LIBRARIES:
        digest.update(f"{library} {library_version(library)}\n".encode())
    for label, root in (("tool", _PACKAGE), ("exports", exports)):
        for relative, path in _files(str(root)):
            with open(path, "rb") as handle:
                content = handle.read()
            digest.update(_bytes(f"{label} {relative} {len(content)}\n"))
            digest.update(content)
    # The mapping a build reads: the one named, or translator.toml in or above the export.
    nearby = [exports.parent / MAPPING_FILE, exports.parent.parent / MAPPING_FILE]
    for path in [mapping_file, *nearby]:
        if path is not None and Path(path).is_file():
            digest.update(_bytes(f"mapping {Path(path).resolve()}\n") + Path(path).read_bytes())
    digest.update(_bytes(f"named mapping {mapping_file}\n"))
    return digest


def _bytes(text: str) -> bytes:
    """A key's text as bytes; a path with undecodable bytes in a name (kept by Python as lone
    surrogates) gives back those bytes, where the readers report it (RDR416)."""
    return text.encode("utf-8", "surrogateescape")


def _with_previous(inputs: hashlib.blake2b, out: Path | None) -> str:
    digest = inputs.copy()
    previous = Path(out) / PREVIOUS_REPORT if out is not None else None
    if previous is not None and previous.is_file():
        digest.update(b"previous report\n" + previous.read_bytes())
    return digest.hexdigest()


def library_version(name: str) -> str:
    """The installed version of a library ("-" when it is not installed), read from the name of
    its `<name>-<version>.dist-info` folder: importlib.metadata would cost an unchanged rebuild a
    tenth of its time. Any other layout asks importlib.metadata."""
    spec = importlib.util.find_spec(name)  # finds the package without importing it
    if spec is None or spec.origin is None:
        # no package of that name (sqlglotc puts compiled modules into sqlglot's): its
        # dist-info beside the libraries that are packages, or not installed
        folders = {_site_of(library) for library in _LIBRARIES if library != name}
        found = [v for folder in sorted(f for f in folders if f is not None) for v in _dist_infos(folder, name)]
        return found[0] if len(found) == 1 else "-"
    found = _dist_infos(Path(spec.origin).parent.parent, name)
    if len(found) == 1:
        return found[0]
    from importlib.metadata import PackageNotFoundError, version  # deferred: slow to import

    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def _site_of(library: str) -> Path | None:
    spec = importlib.util.find_spec(library)
    return Path(spec.origin).parent.parent if spec is not None and spec.origin is not None else None


def _dist_infos(folder: Path, name: str) -> list[str]:
    """The versions of `name` whose `<name>-<version>.dist-info` is in `folder`."""
    prefix = f"{name}-".casefold()
    try:
        return [entry[len(prefix):-len(".dist-info")] for entry in os.listdir(folder)
                if entry.casefold().startswith(prefix) and entry.endswith(".dist-info")]
    except OSError:
        return []


def _files(root: str) -> Iterator[tuple[str, str]]:
    """(path relative to `root`, in POSIX form; path) of each regular file under `root`, in a fixed
    order; `root` itself when it is a file."""
    if os.path.isfile(root):
        yield os.path.basename(root), root
        return
    for parent, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        folder = os.path.relpath(parent, root).replace(os.sep, "/")
        for name in sorted(names):
            path = os.path.join(parent, name)
            # a FIFO or device is never read here (it would block): the readers refuse it (RDR413)
            if not name.endswith((".pyc", ".pyo")) and os.path.isfile(path):
                yield (name if folder == "." else f"{folder}/{name}"), path


def load(key: str) -> Outcome | None:
    where = folder()
    if where is None:
        return None
    try:
        with (where / f"{key}.pickle").open("rb") as handle:
            entry = pickle.load(handle)
    except Exception:  # noqa: BLE001 - missing, truncated or from another version: build instead
        return None
    if not isinstance(entry, tuple) or len(entry) != 2 or entry[0] != FORMAT or not isinstance(entry[1], Outcome):
        return None
    outcome = entry[1]
    return Outcome(outcome.exports, outcome.catalog, outcome.files, outcome.diagnostics,
                   outcome.status_counts, outcome.mapping, cached=True)


def _entry(outcome: Outcome) -> bytes:
    return pickle.dumps((FORMAT, outcome), protocol=pickle.HIGHEST_PROTOCOL)


def store(keys: tuple[str, ...], outcome: Outcome) -> None:
    """Best effort: a cache that cannot be written only costs the next build its speed. The outcome
    is pickled and written once; further keys are hard links to that file (copies where the file
    system has no links). Each entry appears whole (written aside, then renamed into place)."""
    where = folder()
    if where is None:
        return
    try:
        where.mkdir(parents=True, exist_ok=True)
        first: Path | None = None
        for key in dict.fromkeys(keys):
            aside = where / f"{key}.{os.getpid()}.tmp"
            if first is None:
                aside.write_bytes(_entry(outcome))
            else:
                aside.unlink(missing_ok=True)
                try:
                    os.link(first, aside)
                except OSError:
                    shutil.copyfile(first, aside)
            first = where / f"{key}.pickle"
            os.replace(aside, first)
        entries = sorted(where.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        return


def _differs(files: Mapping[str, str], out: Path) -> bool:
    for name, text in files.items():
        try:
            if (out / name).read_bytes() != text.encode("utf-8"):
                return True
        except OSError:
            return True
    return False


def _write(files: Mapping[str, str], out: Path) -> None:
    from translator.emit.output import write_output  # deferred: only when out/ is not current

    write_output(dict(files), out)
