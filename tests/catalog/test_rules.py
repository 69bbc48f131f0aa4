from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from translator.catalog import rules
from translator.catalog.naming import assign_unique, humanize, snake_case

CASES = tomllib.loads((Path(__file__).parent / "rule_cases.toml").read_text(encoding="utf-8"))


def cases(name):
    return pytest.mark.parametrize("case", CASES[name], ids=[str(c[0]) for c in CASES[name]])


@cases("snake_case")
def test_snake_case(case):
    name, expected = case
    assert snake_case(name) == expected


@cases("humanize")
def test_humanize(case):
    name, expected = case
    assert humanize(name) == expected


@cases("metric_format")
def test_metric_format(case):
    fmt, data_type, pattern = case
    assert rules.metric_format(fmt or None) == (data_type, pattern or None)


@cases("folder_category")
def test_folder_category(case):
    folder, category, known = case
    assert rules.folder_category(folder or None) == (category, known)


@cases("is_invertable")
def test_is_invertable(case):
    name, category, expected = case
    assert rules.is_invertable(name, category) is expected


@cases("is_attribute")
def test_is_attribute(case):
    name, tom_type, summarize_by, is_key, expected = case
    assert rules.is_attribute(name, tom_type, summarize_by or None, is_key) is expected


@cases("filter_type")
def test_filter_type(case):
    name, data_type, is_key, expected = case
    assert rules.filter_type(name, data_type, is_key) == expected


@cases("dimension_category")
def test_dimension_category(case):
    name, data_type, expected = case
    assert rules.dimension_category(name, data_type) == expected


def test_assign_unique_suffixes_in_order():
    keys, renamed = assign_unique(["a", "b", "a", "a"], lambda x: x)
    assert keys == {0: "a", 1: "b", 2: "a_2", 3: "a_3"}
    assert [(w, g) for _, w, g in renamed] == [("a", "a_2"), ("a", "a_3")]
