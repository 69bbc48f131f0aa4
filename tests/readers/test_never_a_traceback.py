"""Property tests: damaged exports give an InputError (or a model), never a Python traceback."""

from __future__ import annotations

import json
import string

from hypothesis import given
from hypothesis import strategies as st

from translator.diagnostics import InputError
from translator.readers import jsonpos
from translator.readers.tmdl_syntax import parse
from translator.readers.tmsl import model_from_tmsl

from tests.readers.helpers import SALES, read_one
from tests.readers.writers import tmsl

DOCUMENT = tmsl(read_one(SALES))
TMDL = (SALES / "definition" / "tables" / "Sales.tmdl").read_text(encoding="utf-8")
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


PATHS = [p for p in _paths(DOCUMENT) if p]


def _replaced(document, path, value):
    copy = json.loads(json.dumps(document))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


@given(st.sampled_from(PATHS), json_values)
def test_tmsl_with_any_value_anywhere(path, value):
    text = json.dumps(_replaced(DOCUMENT, path, value), indent=1)
    try:
        model_from_tmsl(jsonpos.loads(text, "m.bim"), name="m", export="m.bim", file="m.bim")
    except InputError as error:
        assert error.diagnostic.code.startswith("RDR4")
        assert error.diagnostic.location.file == "m.bim"


@given(st.integers(min_value=0, max_value=len(TMDL) - 1), st.integers(min_value=0, max_value=40),
       st.text(alphabet="\t\n '`=:/" + string.ascii_letters, max_size=4))
def test_tmdl_with_any_splice(start, length, insert):
    text = TMDL[:start] + insert + TMDL[start + length:]
    try:
        parse(text, "tables/Sales.tmdl")
    except InputError as error:
        assert error.diagnostic.code in ("RDR407", "RDR408")
        assert error.diagnostic.location.line is not None


@given(st.binary(max_size=200))
def test_json_loader_on_bytes(data):
    text = data.decode("utf-8", errors="replace")
    try:
        jsonpos.loads(text, "x.json")
    except InputError as error:
        assert error.diagnostic.code == "RDR405"
