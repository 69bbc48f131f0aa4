"""The grammar file ships in the package and is conflict-free in lark's strict mode."""

from __future__ import annotations

import importlib.resources

import pytest

from translator.dax.parser import build_strict, grammar_text


def test_grammar_loads_from_the_installed_package():
    resource = importlib.resources.files("translator.grammars") / "dax.lark"
    assert resource.is_file()
    assert "?cmp_expr" in grammar_text()


@pytest.mark.parametrize("semicolons", [False, True])
def test_strict_mode_has_no_conflicts_or_collisions(semicolons):
    parser = build_strict(semicolons)
    assert parser.options.parser == "lalr"
    assert parser.options.strict


def test_fast_loop_agrees_with_larks_loop():
    from tests.dax.test_fuzz import CORPUS
    from translator.dax.parser import _parser

    parser = _parser(False)
    assert parser.fast is not None, "lark's internals changed: the fast LALR loop is off"
    for text in CORPUS:
        parser.builder.scope.clear()
        fast = parser.fast.parse(text)
        parser.builder.scope.clear()
        assert fast == parser.lark.parse(text)
