"""DAX text -> typed AST, with a Span on every node.

The LALR parser calls the AST builder on every reduction (`transformer=`), so no parse tree is
built and no second pass runs; spans come straight from the tokens and from the children's spans,
which is much cheaper than `propagate_positions`. Lark Tree/Token objects never leave this module.

Variables are resolved while parsing: a VAR binding is reduced before any name of its block's
later bindings or body, and the block is reduced after its body, so a stack of bound names is
exactly the lexical scope at each bare name.
"""

from __future__ import annotations

import importlib.resources
import math
import threading
from pathlib import Path
from dataclasses import replace
from itertools import chain
from operator import itemgetter

from lark import Lark, Token, Transformer
from lark.exceptions import LarkError, UnexpectedInput, VisitError
from lark.lexer import LexerState, PatternRE, PatternStr
from lark.parsers.lalr_analysis import Shift
from lark.utils import TextSlice
from lark.parse_tree_builder import ExpandSingleChild

from translator.dax import errors
from translator.dax.ast import (
    BinaryOp,
    BinOp,
    Boolean,
    ColumnRef,
    Expr,
    FunctionCall,
    MeasureRef,
    Number,
    Span,
    String,
    TableConstructor,
    TableRef,
    UnaryOp,
    UnaryOpKind,
    VarBinding,
    VarBlock,
    VariableRef,
    children,
    fold,
)
from translator.dax.errors import DaxSyntaxError

# The `;`-separator locales write 1,5 for 1.5 (a dot is accepted too).
_SEMICOLON_NUMBER = r"(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?"


def grammar_text() -> str:
    return (importlib.resources.files("translator.grammars") / "dax.lark").read_text(encoding="utf-8")


def _token_span(token: Token) -> Span:
    return Span(token.start_pos, token.end_pos, token.line, token.column, token.end_line, token.end_column)


def _join(first: Span, last: Span) -> Span:
    return Span(first.start, last.end, first.line, first.column, last.end_line, last.end_column)


def _unquote(text: str, quote: str) -> str:
    return text[1:-1].replace(quote + quote, quote)


def _bracket_name(text: str) -> str:
    return text[1:-1].replace("]]", "]")


def _binary(op: BinOp):
    def build(self, children: list) -> BinaryOp:
        left, right = children[0], children[-1]
        return BinaryOp(op, left, right, _join(left.span, right.span))

    build.__name__ = op.name.lower()
    return build


def _unary(op: UnaryOpKind):
    def build(self, children: list) -> UnaryOp:
        token, operand = children
        return UnaryOp(op, operand, _join(_token_span(token), operand.span))

    return build


class _AstBuilder(Transformer):
    """Reduction callbacks: one method per rule or alias of grammars/dax.lark."""

    def __init__(self, decimal_comma: bool = False):
        super().__init__(visit_tokens=False)
        self.decimal_comma = decimal_comma
        self.scope: list[str] = []  # folded names bound by the enclosing VARs, innermost last

    # -- literals and names
    def number(self, children: list) -> Number:
        token = children[0]
        text = token.value
        if self.decimal_comma:
            text = text.replace(",", ".")
        value: int | float
        if "." in text or "e" in text or "E" in text or len(text) > 4000:
            value = float(text)  # (a 4000-digit integer is past int()'s default limit anyway)
        else:
            value = int(text)
        if value in (math.inf, -math.inf):
            # 1e999999 is no DAX number (a double's range ends near 1.8e308): never an exact Infinity
            raise _OutOfRange(token)
        return Number(value, _token_span(token))

    def string(self, children: list) -> String:
        token = children[0]
        return String(_unquote(token.value, '"'), _token_span(token))

    def name(self, children: list) -> Expr:
        token = children[0]
        text = token.value
        span = _token_span(token)
        upper = text.upper()
        if upper == "TRUE" or upper == "FALSE":
            return Boolean(upper == "TRUE", span)
        if self.scope and fold(text) in self.scope:
            return VariableRef(text, span)
        return TableRef(text, False, span)

    def quoted_table(self, children: list) -> TableRef:
        token = children[0]
        return TableRef(_unquote(token.value, "'"), True, _token_span(token))

    def measure(self, children: list) -> MeasureRef:
        token = children[0]
        return MeasureRef(_bracket_name(token.value), _token_span(token))

    def column(self, children: list) -> ColumnRef:
        table, column, *variations = children
        table_name = _unquote(table.value, "'") if table.type == "QUOTED" else table.value
        last = variations[-1] if variations else column
        return ColumnRef(
            table_name,
            _bracket_name(column.value),
            tuple(_bracket_name(v.value) for v in variations),
            _join(_token_span(table), _token_span(last)),
        )

    def variation(self, children: list) -> Token:
        return children[0]

    # -- calls and constructors
    def call(self, children: list) -> Expr:
        name, _, args, close = children
        upper = name.value.upper()
        span = _join(_token_span(name), _token_span(close))
        if not args and (upper == "TRUE" or upper == "FALSE"):
            return Boolean(upper == "TRUE", span)
        return FunctionCall(upper, args, span)

    def arguments(self, children: list) -> tuple:
        if len(children) == 1 and children[0] is None:
            return ()
        return tuple(children)

    def paren(self, children: list) -> Expr:
        # Parentheses are not nodes: the inner node's span grows to cover them.
        open_, inner, close = children
        return replace(inner, span=_join(_token_span(open_), _token_span(close)))

    def table_constructor(self, children: list) -> TableConstructor:
        open_, rows, close = children
        return TableConstructor(rows, _join(_token_span(open_), _token_span(close)))

    def rows(self, children: list) -> tuple:
        return tuple(row.rows[0] if type(row) is _Tuple else (row,) for row in children)

    def row_tuple(self, children: list) -> _Tuple:
        open_, *cells, close = children
        return _Tuple(((*cells,),), _join(_token_span(open_), _token_span(close)))

    def in_(self, children: list) -> BinaryOp:
        left, _, right = children
        if type(left) is _Tuple:  # `(a, b) IN {...}`: the row is a one-row table
            left = TableConstructor(left.rows, left.span)
        return BinaryOp(BinOp.IN, left, right, _join(left.span, right.span))

    # -- variables
    def var_binding(self, children: list) -> VarBinding:
        keyword, name, value = children
        self.scope.append(fold(name.value))
        return VarBinding(name.value, value, _join(_token_span(keyword), value.span))

    def var_block(self, children: list) -> VarBlock:
        *bindings, _, body = children
        del self.scope[len(self.scope) - len(bindings) :]
        return VarBlock(tuple(bindings), body, _join(bindings[0].span, body.span))

    # -- operators
    or_ = _binary(BinOp.OR)
    and_ = _binary(BinOp.AND)
    eq = _binary(BinOp.EQ)
    strict_eq = _binary(BinOp.STRICT_EQ)
    neq = _binary(BinOp.NEQ)
    lt = _binary(BinOp.LT)
    lte = _binary(BinOp.LTE)
    gt = _binary(BinOp.GT)
    gte = _binary(BinOp.GTE)
    concat = _binary(BinOp.CONCAT)
    add = _binary(BinOp.ADD)
    sub = _binary(BinOp.SUB)
    mul = _binary(BinOp.MUL)
    div = _binary(BinOp.DIV)
    pow = _binary(BinOp.POW)
    neg = _unary(UnaryOpKind.NEG)
    pos = _unary(UnaryOpKind.POS)
    not_ = _unary(UnaryOpKind.NOT)


class _Tuple:
    """`(a, b)` while parsing: a row of a table constructor, or the left side of IN."""

    __slots__ = ("rows", "span")

    def __init__(self, rows: tuple, span: Span):
        self.rows = rows
        self.span = span


def _semicolon_terminals(terminal) -> None:
    if terminal.name == "_SEP":
        terminal.pattern = PatternStr(";")
    elif terminal.name == "NUMBER":
        terminal.pattern = PatternRE(_SEMICOLON_NUMBER)


class _Parser:
    """One Lark LALR parser and its AST builder, built once and reused (not re-entrant: locked)."""

    def __init__(self, semicolons: bool, strict: bool = False):
        self.builder = _AstBuilder(decimal_comma=semicolons)
        self.separator = ";" if semicolons else ","
        tables = _TABLES.folder
        self.lark = Lark(
            grammar_text(),
            parser="lalr",
            lexer="contextual",
            strict=strict,
            maybe_placeholders=True,
            transformer=self.builder,
            edit_terminals=_semicolon_terminals if semicolons else None,
            # lark's own cache: the analysed grammar, checked against the grammar's text, the
            # options and lark's version; the file name tells the two separators apart (lark
            # leaves edit_terminals out of its check).
            cache=str(tables / f"dax-{'semicolon' if semicolons else 'comma'}.lark") if tables and not strict else False,
        )
        self.lock = threading.Lock()
        _tune(self.lark)
        self.fast = self._fast_loop()

    def _fast_loop(self) -> _FastLalr | None:
        """The fast loop, when it builds and passes its self-check: on a few expressions that
        cover every kind of reduction, it must build exactly the trees lark's own loop builds.
        Measured on benchmarks/parse.py: about 1.4x lark's loop (parsing is about a tenth of a build)."""
        fast = _FastLalr.over(self.lark)
        if fast is None:
            return None
        samples = _SELF_CHECK.replace(",", self.separator) if self.separator == ";" else _SELF_CHECK
        try:
            for text in samples.splitlines():
                self.builder.scope.clear()
                mine = fast.parse(text)
                self.builder.scope.clear()
                if mine != self.lark.parse(text):
                    return None
        except Exception:  # noqa: BLE001 - any surprise: lark's loop for everything
            return None
        return fast

    def parse(self, text: str) -> Expr:
        with self.lock:
            if self.fast is not None:
                self.builder.scope.clear()
                try:
                    return self.fast.parse(text)
                except Exception:  # noqa: BLE001 - lark's loop below re-parses and reports it
                    pass
            self.builder.scope.clear()
            try:
                tree = self.lark.parse(text)
            except UnexpectedInput as exc:
                raise errors.from_lark(exc, text, self.separator) from None
            except _OutOfRange as exc:
                raise errors.syntax_error(errors.NUMBER_RANGE, f"the number {exc.token.value} is out of range "
                                          "(DAX numbers are doubles: about ±1.8e308)", text,
                                          exc.token.start_pos) from None
            except VisitError as exc:  # not expected with transformer=, but never leak it
                raise _internal(text, exc.orig_exc) from None
            except RecursionError:
                raise errors.syntax_error(errors.TOO_DEEP, "the expression is nested too deeply", text, 0) from None
            except LarkError as exc:
                raise _internal(text, exc) from None
        return tree


_FIRST = itemgetter(0)

# One expression per line, together using every construct of the grammar (the fast loop's check).
_SELF_CHECK = """VAR x = SUM('Sales Table'[Amount]) RETURN DIVIDE(x, [Orders], 0) * -1.5
IF(NOT ISBLANK([A]) && [B] >= 2 || [C] <> 3, "yes", BLANK())
CALCULATE(SUM(T[c]), FILTER(ALL(T), T[d] IN {1, 2}), T[e] = TRUE())
SWITCH(TRUE(), [A] < 1, 1 ^ 2, [A] <= 2, 3 & "x", {(1, 2), (3, 4)})
SUMX(T, T[a] * T[b]) + COUNTROWS('T') - 1e3 / 2 + (([x]))"""


def _tune(parser: Lark) -> None:
    """Two measured speed-ups of lark's LALR loop (about 13% together; see benchmarks/parse.py).

    - Rule names in lark's goto table lookups are Token objects, whose Python-level __eq__ runs on
      every reduction; plain str names with the same hash hit the fast path.
    - A single-child `?rule` reduction (each step of the precedence ladder) only passes its child
      on: a C-level itemgetter does that without a Python call.
    Both touch lark internals, so anything unexpected leaves the parser as lark built it.
    """
    lalr = getattr(getattr(getattr(parser, "parser", None), "parser", None), "parser", None)
    callbacks = getattr(lalr, "callbacks", None)
    if not isinstance(callbacks, dict):
        return
    for rule, callback in list(callbacks.items()):
        rule.origin.name = str(rule.origin.name)
        if isinstance(callback, ExpandSingleChild) and len(rule.expansion) == 1:
            callbacks[rule] = _FIRST


class _FastLalr:
    """The LALR loop over lark's own tables, lexer and reduction callbacks, without the per-step
    bookkeeping of lark's general-purpose loop (together with _tune, about 1.5x lark's loop on
    benchmarks/parse.py).

    It only handles the success path: on any error the caller parses again with lark's loop, so
    errors are exactly lark's. If lark's internals are not what this expects, `over` returns None
    and lark's loop is used for everything.
    """

    def __init__(self, lexer, actions: dict, start: int, end: int):
        self.lexer = lexer
        # state -> symbol -> (True, next state) for a shift or goto,
        #                    (False, (size, goto symbol, callback or None for a pass-through))
        self.actions = actions
        self.start = start
        self.end = end

    @classmethod
    def over(cls, parser: Lark) -> _FastLalr | None:
        try:
            frontend = parser.parser
            lalr = frontend.parser.parser
            table = lalr.parse_table
            reductions = {}
            for rule, callback in lalr.callbacks.items():
                passthrough = callback is _FIRST and len(rule.expansion) == 1
                reductions[rule] = (len(rule.expansion), str(rule.origin.name), None if passthrough else callback)
            actions = {
                state: {
                    str(symbol): (True, arg) if action is Shift else (False, reductions[arg])
                    for symbol, (action, arg) in row.items()
                }
                for state, row in table.states.items()
            }
            fast = cls(frontend.lexer, actions, table.start_states["start"], table.end_states["start"])
            LexerState(TextSlice("", 0, 0))
        except Exception:  # pragma: no cover - a lark version with other internals
            return None
        return fast

    def parse(self, text: str):
        actions = self.actions
        end = self.end
        state_stack = [self.start]
        value_stack: list = []
        tokens = self.lexer.lex(LexerState(TextSlice(text, 0, len(text))), _Position(state_stack))
        for token in chain(tokens, (_END,)):
            kind = token.type
            while True:
                is_shift, arg = actions[state_stack[-1]][kind]
                if is_shift:
                    state_stack.append(arg)
                    value_stack.append(token)
                    break
                size, goto, callback = arg
                if callback is None:
                    # A single-child pass-through (a step of the precedence ladder, most of the
                    # reductions): the value stays on its stack, only the state changes.
                    state_stack[-1] = actions[state_stack[-2]][goto][1]
                    value = value_stack[-1]
                else:
                    if size:
                        children = value_stack[-size:]
                        del state_stack[-size:]
                        del value_stack[-size:]
                    else:
                        children = []
                    value = callback(children)
                    state_stack.append(actions[state_stack[-1]][goto][1])
                    value_stack.append(value)
                if state_stack[-1] == end:
                    return value
        raise KeyError("$END")  # pragma: no cover - the table accepts or fails on $END


class _EndOfInput:
    type = "$END"


_END = _EndOfInput()


class _Position:
    """What lark's contextual lexer reads from the parser: the current state."""

    __slots__ = ("stack",)

    def __init__(self, stack: list):
        self.stack = stack

    @property
    def position(self) -> int:
        return self.stack[-1]


class _OutOfRange(Exception):
    """A number literal past a double's range (raised by the AST builder, reported by parse)."""

    def __init__(self, token: Token):
        super().__init__(token.value)
        self.token = token


def _internal(text: str, exc: BaseException) -> DaxSyntaxError:
    return errors.syntax_error(errors.UNEXPECTED_TOKEN, f"syntax error: {exc}", text, 0)


class _Tables:
    folder: Path | None = None  # where lark keeps the analysed grammar between runs; None: nowhere


_TABLES = _Tables()


def keep_tables_in(folder: Path | None) -> None:
    """Keep the parsers' analysed grammar in `folder` (the build cache's), so that a new process
    loads it instead of analysing the grammar again (a fifth of a second). Parsers made before
    the call are not affected."""
    _TABLES.folder = folder


_PARSERS: dict[bool, _Parser] = {}


def _parser(semicolons: bool) -> _Parser:
    parser = _PARSERS.get(semicolons)
    if parser is None:
        parser = _PARSERS[semicolons] = _Parser(semicolons)
    return parser


def parse(text: str, *, semicolons: bool = False) -> Expr:
    """Parse one DAX expression. `semicolons=True` reads the `;`-separator, decimal-comma form.

    Raises DaxSyntaxError (and nothing else) when the text is not a DAX expression.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() takes a str, not {type(text).__name__}")
    key = (text, semicolons)
    tree = _PARSED.get(key)
    if tree is not None:
        return tree
    tree = _parser(semicolons).parse(text)
    _check_depth(tree, text)
    if len(_PARSED) >= _PARSED_LIMIT:
        _PARSED.clear()  # bounded: a long-lived process parses again rather than grow
    _PARSED[key] = tree
    return tree


# Parsing is a pure function of the text and the trees are frozen, so a text seen before (the
# same formula in several measures, models or calls) reuses its tree. Errors are not kept.
_PARSED_LIMIT = 1 << 14
_PARSED: dict[tuple[str, bool], Expr] = {}


MAX_NESTING = 128  # levels of the tree (calls, operators, VARs); real measures stay far below


def _check_depth(tree: Expr, text: str) -> None:
    """DAX105 at the first node deeper than MAX_NESTING: later stages recurse over the tree."""
    level, depth = [tree], 1
    while level and depth <= MAX_NESTING:  # level by level: no (node, depth) pair per node
        level = [child for node in level for child in children(node)]
        depth += 1
    if level:
        _report_too_deep(tree, text)


def _report_too_deep(tree: Expr, text: str) -> None:
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            raise errors.syntax_error(errors.TOO_DEEP, f"the expression is nested more than {MAX_NESTING} "
                                      "levels deep", text, node.span.start)
        stack.extend((child, depth + 1) for child in children(node))


def build_strict(semicolons: bool = False) -> Lark:
    """Build the grammar in lark's strict mode (raises on any conflict or terminal collision)."""
    return _Parser(semicolons, strict=True).lark
