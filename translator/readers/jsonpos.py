"""JSON with the line and column of every value, so measures can point back into model.bim.

`json.loads` validates first (its errors carry line and column); a small recursive-descent pass
then rebuilds the same values, recording where each one starts. Objects come back as
`JsonObject` (a dict with `.positions[key]`), arrays as `JsonArray` (a list with
`.positions[index]`). A string's position is its first character, after the opening quote.
"""

from __future__ import annotations

import bisect
import json
import re
from json.decoder import scanstring
from typing import Any

from translator.readers.errors import BAD_JSON, fail

Position = tuple[int, int]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_LITERALS = {
    "true": True, "false": False, "null": None,
    "NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf"),
}


class JsonObject(dict):
    __slots__ = ("positions",)

    def __init__(self) -> None:
        super().__init__()
        self.positions: dict[str, Position] = {}


class JsonArray(list):
    __slots__ = ("positions",)

    def __init__(self) -> None:
        super().__init__()
        self.positions: list[Position] = []


def loads(text: str, file: str) -> Any:
    """Parse JSON text; broken JSON is RDR405 at the line and column json reports, nesting past
    limits.MAX_NESTING is RDR413 (checked first, in linear time)."""
    from translator.readers.limits import check_json_nesting

    check_json_nesting(text, file)
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        fail(BAD_JSON, f"broken JSON: {exc.msg}; expected a valid JSON document", file, exc.lineno, exc.colno)
    except RecursionError:
        fail(BAD_JSON, "JSON nested too deeply to read", file)
    return _Located(text).document()


class _Located:
    def __init__(self, text: str):
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, index: int) -> Position:
        line = bisect.bisect_right(self.line_starts, index)
        return line, index - self.line_starts[line - 1] + 1

    def skip(self, index: int) -> int:
        return _WHITESPACE.match(self.text, index).end()  # type: ignore[union-attr]

    def document(self) -> Any:
        value, _, _ = self.value(self.skip(0))
        return value

    def value(self, index: int) -> tuple[Any, Position, int]:
        """The value at `index` (no leading whitespace), where it starts, and the index after it."""
        char = self.text[index]
        if char == '"':
            string, end = scanstring(self.text, index + 1, True)
            return string, self.position(index + 1), end
        if char == "{":
            return self.object(index)
        if char == "[":
            return self.array(index)
        for word, literal in _LITERALS.items():
            if self.text.startswith(word, index):
                return literal, self.position(index), index + len(word)
        match = _NUMBER.match(self.text, index)
        assert match is not None, "json.loads accepted what the located pass cannot read"
        number = float(match.group()) if match.group(1) or match.group(2) else int(match.group())
        return number, self.position(index), match.end()

    def object(self, start: int) -> tuple[JsonObject, Position, int]:
        result = JsonObject()
        index = self.skip(start + 1)
        if self.text[index] == "}":
            return result, self.position(start), index + 1
        while True:
            key, index = scanstring(self.text, index + 1, True)
            index = self.skip(index)  # at ':'
            value, where, index = self.value(self.skip(index + 1))
            result[key] = value
            result.positions[key] = where
            index = self.skip(index)
            if self.text[index] == "}":
                return result, self.position(start), index + 1
            index = self.skip(index + 1)  # past ','

    def array(self, start: int) -> tuple[JsonArray, Position, int]:
        result = JsonArray()
        index = self.skip(start + 1)
        if self.text[index] == "]":
            return result, self.position(start), index + 1
        while True:
            value, where, index = self.value(index)
            result.append(value)
            result.positions.append(where)
            index = self.skip(index)
            if self.text[index] == "]":
                return result, self.position(start), index + 1
            index = self.skip(index + 1)
