"""TOM enum values as the formats give them: numbers, numeric text, names in any case."""

from __future__ import annotations

import pytest

from translator.readers import tom


@pytest.mark.parametrize(("value", "expected"), [
    ("dateTime", "dateTime"),  # as TOM spells it (TMDL, TMSL)
    ("datetime", "dateTime"),
    ("DATETIME", "dateTime"),
    (" string ", "string"),
    (9, "dateTime"),  # .pbix metadata, DMV dumps
    (9.0, "dateTime"),
    ("9", "dateTime"),
    ("-1", "-1"),  # an unknown number is kept as text
    (42, "42"),
    ("geography", "geography"),  # an unknown name is kept as given
    (None, tom.AUTOMATIC),
    ("", tom.AUTOMATIC),
    (True, tom.AUTOMATIC),
    (float("nan"), tom.AUTOMATIC),
])
def test_data_type(value, expected):
    assert tom.data_type(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("none", "none"), ("None", "none"), ("sum", "sum"), ("distinctCount", "distinctCount"),
    ("DISTINCTCOUNT", "distinctCount"), (8, "distinctCount"), ("", None), (None, None),
])
def test_summarize_by(value, expected):
    assert tom.summarize_by(value) == expected


@pytest.mark.parametrize(("value", "expected"), [("Ready", None), ("ready", None), (1, None),
                                                 ("SemanticError", "SemanticError"), (5, "SemanticError")])
def test_state(value, expected):
    assert tom.state(value) == expected
