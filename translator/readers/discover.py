"""Which exports a path holds: a folder of exports, or one export (file or folder).

In a folder of exports, `translator.toml` (the mapping file), `README.md` and hidden entries are
not exports and are skipped; the report half of a PBIP project (`X.Report/`, `X.pbip`) holds no
model and is skipped with a note (RDR422). Anything else that is not an export is RDR403.
Each format is told by its files' names (a TMDL `definition/`, a pbi-tools `Model/database.json`,
`<model>.<part>.csv`, ...), here, so that finding the exports loads no format's reader.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from translator.diagnostics import Diagnostic, SourceLocation, report
from translator.readers.errors import (
    BAD_STRUCTURE,
    NO_EXPORTS,
    PATH_NOT_FOUND,
    SKIPPED_REPORT_PART,
    UNKNOWN_FILE_TYPE,
    fail,
)
from translator.readers.limits import ensure_regular

NOT_EXPORTS = {"translator.toml", "readme.md"}
# The model half of a PBIP project; `.Dataset` is its name before Power BI renamed datasets.
PBIP_MODEL_SUFFIXES = (".SemanticModel", ".Dataset")
REPORT_SUFFIX = ".Report"  # the report half
EXPECTED = ("expected a PBIP X.SemanticModel (or older X.Dataset) folder, a TMDL folder, a pbi-tools "
            "folder (Model/database.json), a model.bim, a .pbit, a .pbix, or a DMV dump named "
            "<model>.measures.csv")


# pbi-tools: the model's folder and the files that mark it
MODEL_FOLDER = "Model"
DATABASE = "database.json"
PROJECT_FILE = ".pbixproj.json"
# DMV dumps: `<model>.<part>.csv|json`
DMV_SUFFIXES = (".csv", ".json")
PARTS = ("measures", "tables", "columns", "relationships")


class ExportKind(enum.Enum):
    TMDL = "tmdl"
    BIM = "bim"
    PBIT = "pbit"
    PBIX = "pbix"
    DMV = "dmv"
    PBITOOLS = "pbitools"


@dataclass(frozen=True, slots=True)
class DmvExport:
    """The files of one DMV export; paths are absolute, `files` relative to the exports folder."""

    model: str
    measures: Path
    tables: Path | None = None
    columns: Path | None = None
    relationships: Path | None = None


@dataclass(frozen=True, slots=True)
class Export:
    kind: ExportKind
    path: Path  # the file or folder to read
    export: str  # relative to the exports folder, posix
    name: str  # the model's name
    dmv: DmvExport | None = None


def definition_folder(folder: Path) -> Path | None:
    """Where the .tmdl files of an export folder are, or None when it is not a TMDL export."""
    for candidate in (folder / "definition", folder):
        if (candidate / "model.tmdl").is_file() or (candidate / "database.tmdl").is_file() or (
                (candidate / "tables").is_dir() and any((candidate / "tables").glob("*.tmdl"))):
            return candidate
    return None


def model_folder(folder: Path) -> Path | None:
    """The `Model/` folder of a pbi-tools project (or the folder itself), None when it is not one."""
    for candidate in (folder / MODEL_FOLDER, folder):
        if (candidate / DATABASE).is_file() and (
                (candidate / "tables").is_dir() or (folder / PROJECT_FILE).is_file()
                or (candidate.parent / PROJECT_FILE).is_file()):
            return candidate
    return None


def dmv_part(path: Path) -> tuple[str, str] | None:
    """(model, part) for `<model>.<part>.csv|json`, else None."""
    if path.suffix.lower() not in DMV_SUFFIXES:
        return None
    stem = path.name[: -len(path.suffix)]
    model, dot, part = stem.rpartition(".")
    if not dot or not model or part.lower() not in PARTS:
        return None
    return model, part.lower()


def exports_root(path: Path) -> Path:
    """The folder export paths (and diagnostics' files) are relative to: `path` itself for a
    folder of exports, its parent for a single export (a file, a TMDL or PBIP model folder)."""
    if path.is_file() or path.is_dir() and (path.name.endswith(PBIP_MODEL_SUFFIXES)
                                            or definition_folder(path) is not None
                                            or model_folder(path) is not None):
        return path.parent
    return path


def find_exports(path: Path) -> tuple[Path, list[Export], list[Diagnostic]]:
    """(the exports folder, its exports sorted by export path, notes about skipped entries)."""
    if not path.exists():
        fail(PATH_NOT_FOUND, "no such file or folder; expected a folder of exports or one export", str(path))
    if not path.is_dir():
        ensure_regular(path, str(path))
    root = exports_root(path)
    if path.is_file():
        return root, [_file_export(path, root, standalone=True)], []
    if root != path:
        return root, [_folder_export(path, root)], []
    return path, *_folder_of_exports(path)


def _folder_of_exports(root: Path) -> tuple[list[Export], list[Diagnostic]]:
    exports: list[Export] = []
    notes: list[Diagnostic] = []
    dmv_parts: dict[str, dict[str, Path]] = {}
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(".") or entry.name.casefold() in NOT_EXPORTS:
            continue
        if entry.name.endswith(REPORT_SUFFIX) and entry.is_dir() or entry.suffix.casefold() == ".pbip":
            notes.append(report(SKIPPED_REPORT_PART, "not a model: the report half of a PBIP project"
                                + (" (its pages are read as report templates)" if entry.is_dir() else ""),
                                SourceLocation(entry.name)))
            continue
        if entry.is_dir() and _report_only(entry):
            notes.append(report(SKIPPED_REPORT_PART, "not a model: a pbi-tools folder with only a Report/ (its "
                                "pages are read as report templates)", SourceLocation(entry.name)))
            continue
        if entry.is_dir():
            exports.append(_folder_export(entry, root))
            continue
        ensure_regular(entry, entry.name)
        part = dmv_part(entry)
        if part is not None:
            model, kind = part
            parts = dmv_parts.setdefault(model, {})
            if kind in parts:
                fail(BAD_STRUCTURE, f"two {kind} dumps for the model {model!r} ({parts[kind].name} and "
                     f"{entry.name}); expected one", entry.name)
            parts[kind] = entry
            continue
        exports.append(_file_export(entry, root, standalone=False))
    for model, parts in sorted(dmv_parts.items()):
        exports.append(_dmv_export(model, parts, root))
    if not exports:
        fail(NO_EXPORTS, f"the folder holds no exports; {EXPECTED}", root.name or str(root))
    exports.sort(key=lambda e: e.export)
    return exports, notes


def _report_only(folder: Path) -> bool:
    """A pbi-tools extraction of a thin report: Report/ and no model."""
    return ((folder / "Report" / "report.json").is_file() and model_folder(folder) is None
            and definition_folder(folder) is None and not (folder / "model.bim").is_file())


def _model_name(folder: Path) -> str:
    name = folder.name
    if name in ("definition", "Model") and folder.parent.name:
        name = folder.parent.name
    suffix = next((s for s in PBIP_MODEL_SUFFIXES if name.endswith(s)), None)
    return name[: -len(suffix)] if suffix and len(name) > len(suffix) else name


def _folder_export(folder: Path, root: Path) -> Export:
    relative = folder.relative_to(root).as_posix()
    if definition_folder(folder) is not None:
        return Export(ExportKind.TMDL, folder, relative, _model_name(folder))
    if (folder / "model.bim").is_file():
        return Export(ExportKind.BIM, folder / "model.bim", relative, _model_name(folder))
    if model_folder(folder) is not None:
        return Export(ExportKind.PBITOOLS, folder, relative, _model_name(folder))
    fail(UNKNOWN_FILE_TYPE, "unknown export folder: it holds no definition/*.tmdl, no model.bim and no "
         f"Model/database.json; {EXPECTED}", relative)


def _file_export(file: Path, root: Path, *, standalone: bool) -> Export:
    relative = file.relative_to(root).as_posix()
    suffix = file.suffix.casefold()
    if suffix == ".bim":
        name = _model_name(file.parent) if file.stem == "model" and standalone and file.parent.name else file.stem
        return Export(ExportKind.BIM, file, relative, name)
    if suffix == ".pbit":
        return Export(ExportKind.PBIT, file, relative, file.stem)
    if suffix == ".pbix":
        return Export(ExportKind.PBIX, file, relative, file.stem)
    part = dmv_part(file)
    if part is not None and standalone:
        model, _ = part
        siblings = {p: file.parent / f"{model}.{p}{s}" for p in PARTS
                    for s in (".csv", ".json", ".CSV", ".JSON") if (file.parent / f"{model}.{p}{s}").is_file()}
        return _dmv_export(model, siblings, root)
    fail(UNKNOWN_FILE_TYPE, f"unknown file type {file.suffix or '(no extension)'!r}; {EXPECTED}", relative)


def _dmv_export(model: str, parts: dict[str, Path], root: Path) -> Export:
    measures = parts.get("measures")
    if measures is None:
        other = next(iter(parts.values()))
        fail(BAD_STRUCTURE, f"a DMV dump of {model!r} without {model}.measures.csv; expected the "
             "INFO.MEASURES() dump beside the tables/columns dumps", other.relative_to(root).as_posix())
    return Export(ExportKind.DMV, measures, measures.relative_to(root).as_posix(), model,
                  DmvExport(model, measures, parts.get("tables"), parts.get("columns"), parts.get("relationships")))
