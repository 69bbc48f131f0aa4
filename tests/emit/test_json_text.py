"""translator/emit/json_text.py writes what json.dumps(indent=2, sort_keys=True, ensure_ascii=False) does."""

from __future__ import annotations

import enum
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from translator.emit.json_text import dumps

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30,
)


def _standard(value: object) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


@given(_VALUES)
def test_same_text_as_the_standard_library(value: object) -> None:
    assert dumps(value) == _standard(value)


class _Kind(str, enum.Enum):
    VIEW = "view"


class _Rank(enum.IntEnum):
    FIRST = 1


def test_enum_subclasses_of_str_and_int_are_written_as_their_values() -> None:
    value = {_Kind.VIEW: [_Kind.VIEW, _Rank.FIRST], "a": {"é\n\u2028": [float("nan"), -float("inf"), 1e300]},
             "b": _Kind.VIEW, "c": _Rank.FIRST}
    assert dumps(value) == _standard(value)


@pytest.mark.parametrize("value", [{"a": object()}, [b"x"], {"a": {"b": {1, 2}}}])
def test_what_json_refuses_is_refused(value: object) -> None:
    with pytest.raises(TypeError):
        _standard(value)
    with pytest.raises(TypeError):
        dumps(value)


@pytest.mark.parametrize("value", [{1: "a"}, {"a": {2.5: None}}])
def test_a_key_that_is_not_text_is_refused_rather_than_converted(value: object) -> None:
    with pytest.raises(TypeError):
        dumps(value)
