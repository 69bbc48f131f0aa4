"""A pbi-tools extraction folder (`pbi-tools extract`): the model as a tree of small files.

Source-controlled Power BI projects made before PBIP, and many public samples, use this layout:

    <project>/.pbixproj.json
    <project>/Model/database.json                 the TMSL database, without its tables
    <project>/Model/queries/<table>.m             Power Query of an imported table
    <project>/Model/tables/<table>/table.json     the table, without columns and measures
                                                  (before pbixproj 0.5: <table>/<table>.json, with them)
    <project>/Model/tables/<table>/table.dax      expression of a calculated table
    <project>/Model/tables/<table>/columns/<column>.json (+ <column>.dax: calculated column)
    <project>/Model/tables/<table>/measures/<measure>.json + <measure>.dax
    <project>/Model/tables/<table>/calculationItems/<item>.json + <item>.dax

A `.json` holds the object's other TMSL properties; a `.dax` or `.m` file holds only the
expression. Names come from the `.json` ("name"), else from the file name, which pbi-tools
percent-encodes where the name has characters a file name cannot. The "raw" serialization mode
keeps the whole TMSL document in database.json; tables found there are read too.

The files are assembled into one TMSL document and read by the TMSL reader, so the model is
the same as from a model.bim; measures and calculation items then point at their own .dax file.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from translator.diagnostics import Diagnostic, SourceLocation
from translator.readers import jsonpos
from translator.readers.checks import dangling_relationships
from translator.readers.discover import DATABASE, MODEL_FOLDER, model_folder
from translator.readers.errors import BAD_STRUCTURE, fail
from translator.model.semantic import SemanticModel, Table
from translator.readers.text import decode
from translator.readers.tmdl import relative_name
from translator.readers.tmsl import model_from_tmsl

def read_pbitools(folder: Path, *, root: Path, export: str, name: str) -> tuple[SemanticModel, list[Diagnostic]]:
    model_dir = model_folder(folder)
    if model_dir is None:
        fail(BAD_STRUCTURE, f"expected a pbi-tools folder: {MODEL_FOLDER}/{DATABASE} and {MODEL_FOLDER}/tables/",
             relative_name(folder, root))
    files = _Files(root)
    database_file = model_dir / DATABASE
    document = files.json(database_file)
    if not isinstance(document, dict) or not isinstance(document.get("model", {}), dict):
        fail(BAD_STRUCTURE, 'expected database.json to be a TMSL database: a JSON object with a "model" object',
             files.name(database_file), 1)
    model = dict(document.get("model", {}))
    inline = model.get("tables", [])
    if not isinstance(inline, list):
        fail(BAD_STRUCTURE, 'expected "tables" to be a JSON array', files.name(database_file))
    table_dirs = sorted((p for p in (model_dir / "tables").glob("*") if p.is_dir()), key=lambda p: p.name)
    assembled = [_Table(files, d, model_dir) for d in table_dirs]
    model["tables"] = [*inline, *(t.tmsl for t in assembled)]
    semantic = model_from_tmsl({**document, "model": model}, name=name, export=export,
                               file=files.name(database_file))
    located = {t.name.casefold(): t for t in assembled}
    tables = tuple(_relocate(t, located.get(t.name.casefold())) for t in semantic.tables)
    semantic = replace(semantic, tables=tables)
    return semantic, dangling_relationships(semantic)


class _Files:
    def __init__(self, root: Path):
        self.root = root

    def name(self, path: Path) -> str:
        return relative_name(path, self.root)

    def text(self, path: Path) -> str:
        return decode(path.read_bytes(), self.name(path))

    def json(self, path: Path) -> Any:
        return jsonpos.loads(self.text(path), self.name(path))

    def object(self, path: Path, what: str) -> dict:
        value = self.json(path)
        if not isinstance(value, dict):
            fail(BAD_STRUCTURE, f"expected the {what} file to hold a JSON object", self.name(path), 1)
        return value


def _object_name(properties: dict, stem: str) -> str:
    name = properties.get("name")
    return name if isinstance(name, str) and name else unquote(stem)


class _Table:
    """One tables/<table>/ folder as a TMSL table object, and where its expressions live."""

    def __init__(self, files: _Files, folder: Path, model_dir: Path):
        # pbixproj 0.5 renamed tables/<name>/<name>.json to table.json (columns and measures then
        # still sat inside it); both read the same.
        table_file = next((p for p in (folder / "table.json", folder / f"{folder.name}.json") if p.is_file()),
                          folder / "table.json")
        properties = files.object(table_file, "table") if table_file.is_file() else {}
        self.name = _object_name(properties, folder.name)
        self.file = files.name(table_file if table_file.is_file() else folder)
        # where each measure / calculation item is written: its .dax file (else its .json)
        self.locations: dict[tuple[str, str], SourceLocation] = {}
        tmsl: dict[str, Any] = {**properties, "name": self.name}
        columns = self._objects(files, folder / "columns", "column")
        measures = self._objects(files, folder / "measures", "measure")
        items = self._objects(files, folder / "calculationItems", "calculation item")
        if columns:
            tmsl["columns"] = [*tmsl.get("columns", []), *columns]
        if measures:
            tmsl["measures"] = [*tmsl.get("measures", []), *measures]
        if items:
            group = dict(tmsl.get("calculationGroup") or {})
            group["calculationItems"] = [*group.get("calculationItems", []), *items]
            tmsl["calculationGroup"] = group
        tmsl["partitions"] = self._partitions(files, folder, model_dir, tmsl.get("partitions", []))
        self.tmsl = tmsl

    def _objects(self, files: _Files, folder: Path, what: str) -> list[dict]:
        """Objects of one kind: each `<stem>.json` and/or `<stem>.dax` pair is one object."""
        if not folder.is_dir():
            return []
        stems = sorted({p.stem for p in folder.iterdir() if p.suffix.casefold() in (".json", ".dax")})
        objects = []
        for stem in stems:
            json_file, dax_file = folder / f"{stem}.json", folder / f"{stem}.dax"
            properties = dict(files.object(json_file, what)) if json_file.is_file() else {}
            properties["name"] = _object_name(properties, stem)
            where = SourceLocation(files.name(json_file))
            if dax_file.is_file():
                text = files.text(dax_file)
                properties["expression"] = text.strip("\n")
                if what == "column":
                    properties.setdefault("type", "calculated")
                blank_lines = len(text) - len(text.lstrip("\n"))
                where = SourceLocation(files.name(dax_file), 1 + blank_lines, 1)
            self.locations[(what, properties["name"].casefold())] = where
            objects.append(properties)
        return objects

    def _partitions(self, files: _Files, folder: Path, model_dir: Path, partitions: Any) -> Any:
        """Fill in partition expressions pbi-tools keeps in table.dax or queries/<table>.m."""
        if not isinstance(partitions, list):
            return partitions
        dax = next((p for p in (folder / "table.dax", folder / f"{folder.name}.dax") if p.is_file()), None)
        query = model_dir / "queries" / f"{folder.name}.m"
        filled = []
        for partition in partitions:
            source = partition.get("source") if isinstance(partition, dict) else None
            if isinstance(source, dict) and "expression" not in source:
                kind = str(source.get("type", "m")).casefold()
                if kind == "calculated" and dax is not None:
                    source = {**source, "expression": files.text(dax).strip("\n")}
                elif kind == "m" and query.is_file():
                    source = {**source, "expression": files.text(query).strip("\n")}
                partition = {**partition, "source": source}
            filled.append(partition)
        if not filled and dax is not None:  # a calculated table whose table.json has no partition
            filled.append({"name": self.name, "source": {"type": "calculated",
                                                           "expression": files.text(dax).strip("\n")}})
        return filled


def _relocate(table: Table, files: _Table | None) -> Table:
    """Point the table at its table.json, and each measure / calculation item at its .dax file."""
    if files is None:
        return table

    def where(kind: str, name: str, current: SourceLocation | None) -> SourceLocation | None:
        # an object kept inside the table's own file (pbixproj 0.5 and older) points at that file
        return files.locations.get((kind, name.casefold()), SourceLocation(files.file))

    return replace(
        table,
        location=SourceLocation(files.file),
        measures=tuple(replace(m, location=where("measure", m.name, m.location)) for m in table.measures),
        calculation_items=tuple(replace(i, location=where("calculation item", i.name, i.location))
                                for i in table.calculation_items),
    )
