"""Decoding export files to text, with an error that points at the offending line."""

from __future__ import annotations

import codecs

from translator.readers.errors import BAD_ENCODING, fail


def decode(data: bytes, file: str, encoding: str = "utf-8") -> str:
    """Decode `data`, honouring a byte-order mark; a wrong encoding is RDR404 at the bad byte's line.

    UTF-8 files may start with a BOM (Windows tools write one); UTF-16 files must have one unless
    `encoding` says which UTF-16 it is (the .pbit DataModelSchema is UTF-16 LE, usually BOM-less).
    """
    found = _other_encoding(data, encoding)
    if found is not None:
        fail(BAD_ENCODING, f"the file is {found} text; expected {_expected(encoding)}", file, 1)
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8):], "utf-8"
    elif data.startswith(codecs.BOM_UTF16_LE):
        data, encoding = data[len(codecs.BOM_UTF16_LE):], "utf-16-le"
    elif data.startswith(codecs.BOM_UTF16_BE):
        data, encoding = data[len(codecs.BOM_UTF16_BE):], "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = _line_of_byte(data, exc.start, encoding)
        fail(BAD_ENCODING, f"the file is not valid {encoding.upper()} text (byte offset {exc.start}: "
             f"{exc.reason}); expected {_expected(encoding)}", file, line)
    if encoding == "utf-8" and "\x00" in text:
        # UTF-16 text read as UTF-8 decodes "successfully" into NUL-riddled garbage.
        line = text.count("\n", 0, text.index("\x00")) + 1
        fail(BAD_ENCODING, "the file holds NUL characters, which looks like UTF-16 without a byte-order "
             f"mark; expected {_expected(encoding)}", file, line)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _other_encoding(data: bytes, encoding: str) -> str | None:
    """The encoding the bytes are evidently in when it is not the one expected: UTF-32 (by its
    byte-order mark or its three NULs after an ASCII character), or UTF-8 where BOM-less UTF-16 LE
    is expected (an ASCII character not followed by a NUL: JSON starts with ASCII)."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    head = data[:4]
    if len(head) == 4 and (head[1:] == b"\0\0\0" or head[:3] == b"\0\0\0") and (head[0] or head[3]):
        return "UTF-32 (without a byte-order mark)"
    if (encoding == "utf-16-le" and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
            and len(data) >= 2 and 0 < data[0] < 0x80 and data[1] != 0):
        return "UTF-8" if not data.startswith(codecs.BOM_UTF8) else "UTF-8 (with a byte-order mark)"
    if encoding == "utf-16-le" and data.startswith(codecs.BOM_UTF8):
        return "UTF-8 (with a byte-order mark)"
    return None


def _expected(encoding: str) -> str:
    if encoding == "utf-8":
        return "UTF-8 text (save the export as UTF-8)"
    if encoding == "utf-16-le":
        return "UTF-16 LE text (as Power BI Desktop writes it)"
    return f"{encoding.upper()} text"


def _line_of_byte(data: bytes, offset: int, encoding: str) -> int:
    if encoding.startswith("utf-16"):
        head = data[: offset - offset % 2].decode(encoding, errors="replace")
        return head.count("\n") + 1
    return data[:offset].count(b"\n") + 1
