"""The readers' stated limits, checked before the work they protect.

- Only regular files are read: a FIFO, socket or device given as an export (or found in an
  export folder) is refused before it is opened, since reading one can block forever (RDR413).
- JSON (model.bim, DataModelSchema, DMV dumps) and TMDL nest at most MAX_NESTING levels; a
  linear scan checks JSON before any recursive reader sees it (RDR414).
- An archive member is read only up to MAX_MEMBER_BYTES, checked against the size the archive
  declares before inflating and again while inflating, so memory stays bounded (RDR415).
- Names and expressions must be valid Unicode: a lone surrogate (a JSON `\\ud800` escape, or an
  undecodable byte of a file name) cannot be written as UTF-8 and is refused, naming the object
  (RDR416). Text decoded strictly from UTF-8 or UTF-16 cannot hold one.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from operator import attrgetter
from pathlib import Path

from translator.diagnostics import SourceLocation

from translator.readers.errors import BAD_ARCHIVE, INVALID_UNICODE, MEMBER_TOO_LARGE, NOT_A_FILE, TOO_DEEP, fail
from translator.model.semantic import SemanticModel

MAX_NESTING = 100  # JSON arrays/objects, TMDL object levels; real models stay under 15
MAX_MEMBER_BYTES = 1 << 30  # 1 GiB: an inflated archive member we are willing to hold in memory
_CHUNK = 1 << 20

_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_SURROGATE = re.compile("[\ud800-\udfff]")


def ensure_regular(path: Path, file: str) -> None:
    """Refuse anything but a regular file or folder (a folder: everything below it)."""
    paths = [path, *path.rglob("*")] if path.is_dir() else [path]
    for item in paths:
        mode = item.stat().st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                    else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
            where = file if item == path else f"{file}/{item.relative_to(path).as_posix()}"
            fail(NOT_A_FILE, f"{kind}, not a file: reading it could block forever; expected an export file",
                 where)


def check_json_nesting(text: str, file: str) -> None:
    """RDR414 at the first bracket deeper than MAX_NESTING (strings skipped); linear time."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_NESTING:
                line = text.count("\n", 0, match.start()) + 1
                column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
                fail(TOO_DEEP, f"JSON nested more than {MAX_NESTING} levels deep; expected a model "
                     "export (they nest about 10 levels)", file, line, column)
        elif token in "]}":
            depth -= 1


def check_tmdl_nesting(depth: int, file: str, line: int) -> None:
    if depth > MAX_NESTING:
        fail(TOO_DEEP, f"TMDL nested more than {MAX_NESTING} levels deep; expected a model export "
             "(objects nest about 5 levels)", file, line, 1)


def open_archive(path: Path, file: str, saved_as: str) -> zipfile.ZipFile:
    """The zip archive at `path`, or BAD_ARCHIVE naming what was expected (`saved_as`: "a
    complete .pbix saved by Power BI Desktop", ...)."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        fail(BAD_ARCHIVE, f"truncated or corrupt zip archive ({exc}); expected {saved_as}", file)


def read_sound_member(archive: zipfile.ZipFile, member: str, file: str, saved_as: str) -> bytes:
    """read_member, and BAD_ARCHIVE when the member does not inflate."""
    try:
        return read_member(archive, member, file)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        fail(BAD_ARCHIVE, f"truncated or corrupt zip member {member} ({exc}); expected {saved_as}", file)


def read_member(archive: zipfile.ZipFile, member: str, file: str) -> bytes:
    """A member's bytes, refusing (before inflating, and while inflating: the declared size can
    lie) one larger than MAX_MEMBER_BYTES."""
    declared = archive.getinfo(member).file_size

    def too_large(size: int) -> None:
        fail(MEMBER_TOO_LARGE, f"the archive member {member} inflates to {size:,} bytes or more, over "
             f"the limit of {MAX_MEMBER_BYTES:,}; expected a model export", file)

    if declared > MAX_MEMBER_BYTES:
        too_large(declared)
    chunks: list[bytes] = []
    size = 0
    with archive.open(member) as handle:
        while chunk := handle.read(_CHUNK):
            size += len(chunk)
            if size > MAX_MEMBER_BYTES:
                too_large(size)
            chunks.append(chunk)
    return b"".join(chunks)


def holds_surrogate(*texts: str) -> bool:
    return any(_SURROGATE.search(text) for text in texts)


def check_unicode(model: SemanticModel) -> None:
    """RDR416 naming the first object (table, column, measure, ...) with a lone surrogate in any of
    its texts: its name, expression, description, folder, source, ..."""
    if _model_holds_surrogate(model):
        _name_surrogate(model)


_FIELDS: dict[type, tuple[str, ...]] = {}  # a dataclass's field names; () for any other type
# a dataclass's field values as a tuple, in one call (None for any other type)
_VALUES: dict[type, Callable[[object], tuple[object, ...]] | None] = {}


def _fields_of(kind: type) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in fields(kind)) if is_dataclass(kind) else ()
    return names


def _values_of(kind: type) -> Callable[[object], tuple[object, ...]] | None:
    try:
        return _VALUES[kind]
    except KeyError:
        names = _fields_of(kind)
        getter = _VALUES[kind] = (None if not names else attrgetter(*names) if len(names) > 1
                                  else lambda obj, name=names[0]: (getattr(obj, name),))
        return getter


def _model_holds_surrogate(model: SemanticModel) -> bool:
    """Whether any text of the model holds a lone surrogate: the same walk as _name_surrogate
    without naming anything on the way (a large model has a hundred thousand objects)."""
    texts: list[str] = []
    stack: list[object] = [model]
    while stack:
        obj = stack.pop()
        for value in _values_of(type(obj))(obj):  # type: ignore[misc]  # stacked: a dataclass
            for element in value if isinstance(value, tuple) else (value,):
                if isinstance(element, str):
                    texts.append(element)
                elif _values_of(type(element)) is not None:
                    stack.append(element)
    return _SURROGATE.search("".join(texts)) is not None


def _name_surrogate(model: SemanticModel) -> None:
    stack: list[tuple[object, str, SourceLocation | None]] = [(model, "model", None)]
    while stack:
        obj, label, location = stack.pop()
        name = getattr(obj, "name", None)
        if isinstance(name, str) and obj is not model:
            label = f"{label} {type(obj).__name__.lower()} {name!r}"
        location = getattr(obj, "location", None) or location
        for item in fields(obj):  # type: ignore[arg-type]
            value = getattr(obj, item.name)
            values = value if isinstance(value, tuple) else (value,)
            for element in values:
                if isinstance(element, str) and _SURROGATE.search(element):
                    shown = label.encode("utf-8", "backslashreplace").decode("utf-8")
                    where = location or SourceLocation(model.export)
                    owner = shown[len("model "):] or "model"
                    fail(INVALID_UNICODE, f"the {item.name} of the {owner} holds a lone "
                         "surrogate (invalid Unicode that cannot be written as UTF-8); expected valid "
                         "Unicode text", where.file, where.line, where.column)
                if is_dataclass(element):
                    stack.append((element, label, location))
