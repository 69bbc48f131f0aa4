"""Span checks shared by the tests: every node's span lies in the text and agrees with itself."""

from __future__ import annotations

from translator.dax.ast import VarBlock, walk


def line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def assert_spans_valid(tree, text: str) -> None:
    for node in walk(tree):
        spans = [node.span]
        if isinstance(node, VarBlock):
            spans += [b.span for b in node.bindings]
        for span in spans:
            assert 0 <= span.start < span.end <= len(text), (node, span)
            assert (span.line, span.column) == line_column(text, span.start), (node, span)
            assert (span.end_line, span.end_column) == line_column(text, span.end), (node, span)
