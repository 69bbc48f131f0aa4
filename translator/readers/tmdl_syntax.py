"""TMDL text to a tree of nodes, format rules only (what the nodes mean is tmdl.py's job).

The syntax, as Power BI Desktop writes it (Microsoft Learn, "TMDL overview"):
- indentation (tabs, or spaces used consistently) makes parent/child; a child or property sits
  one level deeper than its object;
- `kind Name`, `kind Name = expression` declare objects, `property: value` sets a property,
  a bare `flag` (e.g. `isHidden`) sets a boolean property to true;
- names with spaces or special characters are quoted `'like this'`, `''` escapes a quote;
- `/// text` lines above an object are its description;
- an expression starts after `=`; when it spans lines, its lines sit two levels deeper than the
  object (one deeper than the properties), or are fenced between three backticks;
- an expression *property* (a KPI's `targetExpression =`, `statusExpression =`,
  `trendExpression =`, a partition's `source =`, `formatStringDefinition =`) has no children, so
  its lines may sit one level deeper than the property itself: Power BI Desktop writes a KPI's
  status expression that way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NoReturn

from translator.readers.errors import TMDL_INDENTATION, TMDL_SYNTAX, fail
from translator.readers.limits import MAX_NESTING, check_tmdl_nesting

FENCE = "```"
_PROPERTY = re.compile(r"([A-Za-z_][\w]*)[ \t]*:(?:[ \t]+|$)(.*)$")
# An object declaration: `kind`, `kind Name`, `kind 'Quoted Name'`, `ref kind Name`, then
# nothing or `= expression` (`rest`; anything else there is an error the parser names).
_DECLARATION = re.compile(
    r"(?:ref(?!\w)[ \t]*(?P<kind>[A-Za-z_]\w*)|(?P<keyword>[A-Za-z_]\w*))[ \t]*"
    r"(?:'(?P<quoted>(?:[^']|'')*+)'|(?P<name>[^='][^=]*))?[ \t]*(?:=[ \t]*(?P<value>.*)|(?P<rest>.*))")
# Nameless `keyword =` properties whose value is an expression and which never have children.
EXPRESSION_PROPERTIES = frozenset({"targetexpression", "statusexpression", "trendexpression", "source",
                                   "formatstringdefinition", "detailrowsdefinition"})


@dataclass(slots=True)
class Node:
    """One object, property or flag of a .tmdl file. Not frozen, though nothing changes a node
    once the parser made it: a large model has a hundred thousand nodes, and a frozen dataclass
    costs five times as much to build."""

    keyword: str
    line: int
    name: str | None = None
    # text after `:` for a property; the expression after `=` for an object or expression property
    value: str | None = None
    value_line: int | None = None
    value_column: int | None = None
    is_property: bool = False
    description: str | None = None
    children: tuple[Node, ...] = field(default=())
    # folded keyword -> the children with it, in order: made on the first lookup (a reader asks a
    # column node for half a dozen properties; one pass over its children answers them all)
    _by_keyword: dict[str, list[Node]] | None = field(default=None, init=False, repr=False, compare=False)

    def _index(self) -> dict[str, list[Node]]:
        index: dict[str, list[Node]] = {}
        for c in self.children:
            keyword = c.keyword.casefold()
            found = index.get(keyword)
            if found is None:
                index[keyword] = [c]
            else:
                found.append(c)
        self._by_keyword = index
        return index

    def child(self, keyword: str) -> Node | None:
        found = (self._by_keyword or self._index()).get(keyword.casefold())
        return found[0] if found else None

    def all(self, keyword: str) -> tuple[Node, ...]:
        return tuple((self._by_keyword or self._index()).get(keyword.casefold(), ()))

    def text(self, keyword: str) -> str | None:
        found = (self._by_keyword or self._index()).get(keyword.casefold())
        return found[0].value if found else None

    def flag(self, keyword: str) -> bool:
        """A boolean property: a bare `isHidden`, or `isHidden: true|false`."""
        found = (self._by_keyword or self._index()).get(keyword.casefold())
        return found is not None and _true(found[0].value)

    def values(self) -> dict[str, str | None]:
        """Each folded keyword of the children -> the value of the first child with it (what
        `text` gives; read a flag with `flag_in`): one pass answers an object whose lookups are
        all single values (a column, a measure) without the index `child` and `all` share."""
        return {c.keyword.casefold(): c.value for c in reversed(self.children)}


def flag_in(values: dict[str, str | None], folded_keyword: str) -> bool:
    """`Node.flag` over `Node.values()`."""
    return folded_keyword in values and _true(values[folded_keyword])


def _true(flag_value: str | None) -> bool:
    return flag_value is None or flag_value.strip().casefold() != "false"


def parse(text: str, file: str) -> tuple[Node, ...]:
    """The top-level objects of one .tmdl file; `file` names it in errors (RDR407, RDR408)."""
    return _Parser(text.split("\n"), file).parse()


class _Parser:
    def __init__(self, lines: list[str], file: str):
        self.lines = lines
        self.file = file
        self.index = 0
        self.unit: str | None = None  # one level of indentation: "\t" or some spaces
        self.levels: dict[str, int] = {"": 0}  # leading whitespace already checked -> its level

    # -- indentation -----------------------------------------------------------------------------
    def level(self, number: int) -> int:
        """The indentation level of a structural line (1-based `number`), checked for consistency."""
        line = self.lines[number - 1]
        leading = line[: len(line) - len(line.lstrip(" \t"))]
        known = self.levels.get(leading)
        if known is not None:
            return known
        if not leading:
            return 0
        if self.unit is None:
            if " " in leading and "\t" in leading:
                self.indentation_error(number, "mixes tabs and spaces")
            self.unit = "\t" if leading[0] == "\t" else leading
        if leading != self.unit * (len(leading) // len(self.unit)):
            found = "tabs and spaces" if " " in leading and "\t" in leading else repr(leading)
            unit = "tabs" if self.unit == "\t" else f"{len(self.unit)} spaces per level"
            self.indentation_error(number, f"uses {found} where this file indents with {unit}")
        level = self.levels[leading] = len(leading) // len(self.unit)
        return level

    def depth_at_least(self, number: int, depth: int) -> bool:
        """Whether a line (any content) is indented by at least `depth` levels."""
        line = self.lines[number - 1]
        if self.unit is None:
            leading = line[: len(line) - len(line.lstrip(" \t"))]
            if not leading or depth == 0:
                return depth == 0
            # The file's first indented line is an expression line `depth` levels deep.
            self.unit = "\t" if leading[0] == "\t" else " " * max(len(leading) // depth, 1)
        return line.startswith(self.unit * depth)

    def indentation_error(self, number: int, problem: str, expected: str = "") -> None:
        expected = expected or "indentation by whole levels of one consistent unit (Power BI writes tabs)"
        fail(TMDL_INDENTATION, f"bad indentation: the line {problem}; expected {expected}", self.file, number, 1)

    # -- structure -------------------------------------------------------------------------------
    def parse(self) -> tuple[Node, ...]:
        """The file's objects: one pass over its lines, the objects still open on a stack (the
        innermost last, with the children read so far), closed when a line is less indented."""
        top: list[Node] = []
        siblings = top  # the children of the innermost open object: where a line at `depth` goes
        stack: list[tuple[Node, list[Node]]] = []  # the open objects, each with its parent's children
        depth = 0
        description: list[str] = []
        description_line = 0
        levels = self.levels
        consumed = 0  # the lines up to this (1-based) number were read as part of an expression
        for number, raw in enumerate(self.lines, 1):
            if number <= consumed:
                continue
            unindented = raw.lstrip(" \t")
            content = unindented.strip()
            if not content:
                continue
            indent = len(raw) - len(unindented)
            level = levels.get(raw[:indent])
            if level is None:
                level = self.level(number)
            if level != depth:
                if level > depth:
                    where = "at the top level" if depth == 0 else f"at most {depth} level(s)"
                    self.indentation_error(
                        number, f"is indented {level} level(s) deep",
                        f"{where}: a property or child sits one level below its object, and an expression's "
                        "lines two levels below (or fenced with ```)")
                if description:
                    self.dangling_description(description_line)
                while depth > level:
                    node, siblings_of_node = stack.pop()
                    node.children = tuple(siblings)
                    siblings = siblings_of_node
                    depth -= 1
            if content.startswith("///"):
                description_line = number
                description.append(content[4:] if content.startswith("/// ") else content[3:])
                continue
            prop = _PROPERTY.match(content)
            if prop is not None:  # most lines: made here, without a call per line
                keyword, value = prop.groups()
                if value[:1] == '"':
                    value = _unquote_value(value)
                # No children: a deeper line after a property is reported above.
                siblings.append(Node(keyword, number, None, value, number, indent + 1 + prop.start(2), True,
                                     "\n".join(description) if description else None))
                if description:
                    description = []
                continue
            self.index = number
            node = self.declaration(content, number, depth, "\n".join(description) if description else None,
                                    indent + 1)
            consumed = self.index
            if description:
                description = []
            siblings.append(node)
            depth += 1
            if depth > MAX_NESTING:
                check_tmdl_nesting(depth, self.file, consumed + 1)
            stack.append((node, siblings))
            siblings = []
        if description:
            self.dangling_description(description_line)
        while stack:
            node, siblings_of_node = stack.pop()
            node.children = tuple(siblings)
            siblings = siblings_of_node
        return tuple(top)

    def dangling_description(self, line: int) -> NoReturn:
        fail(TMDL_SYNTAX, "a /// description is not followed by an object; expected an object "
             "declaration after it", self.file, line)

    def declaration(self, content: str, number: int, depth: int, description: str | None, column: int) -> Node:
        """The object declared on line `number` (not a property: parse makes those), whose text
        starts at `column`; its expression (when it has one) is read, its children are not."""
        found = _DECLARATION.match(content)
        if found is None:
            fail(TMDL_SYNTAX, f"unexpected text {content[:40]!r}; expected an object declaration "
                 "('table Name'), a property ('name: value') or a flag ('isHidden')", self.file, number, column)
        kind, keyword, quoted, name, value, rest = found.groups()
        if kind is not None:  # `ref table Sales`: the kind and the name of an object defined elsewhere
            keyword = f"ref {kind}"
        if quoted is not None:
            name = quoted.replace("''", "'")
        elif name is not None:
            name = name.strip()
        if rest:
            position = found.start("rest")
            if rest[0] == "'" and quoted is None:
                fail(TMDL_SYNTAX, "unterminated quoted name; expected a closing ' (write '' for a quote "
                     "inside the name)", self.file, number, column + position)
            fail(TMDL_SYNTAX, f"unexpected {rest[:30]!r} after the name; expected '=' and "
                 "an expression, or the end of the line", self.file, number, column + position)
        if value is None:
            return Node(keyword, number, name, None, None, None, False, description)
        value_column = column + found.start("value")
        if value and self.unit is not None and not value.startswith(FENCE) and self.one_line(self.unit * (depth + 2)):
            return Node(keyword, number, name, value, number, value_column, False, description)
        childless = name is None and keyword.casefold() in EXPRESSION_PROPERTIES
        value, value_line, value_column = self.expression(value, value_column, number, column, depth, childless)
        return Node(keyword, number, name, value, value_line, value_column, False, description)

    # -- expressions -----------------------------------------------------------------------------
    def one_line(self, body_indent: str) -> bool:
        """Whether an expression begun on its object's line ends there: the next line that is not
        blank (if any) does not start with `body_indent`, the indentation of the expression's
        further lines. If so, the blank lines are passed over."""
        lines, index = self.lines, self.index
        while index < len(lines) and not lines[index].strip():
            index += 1
        if index < len(lines) and lines[index].startswith(body_indent):
            return False
        self.index = index
        return True

    def expression(self, first: str, first_column: int, number: int, column: int,
                   depth: int, childless: bool = False) -> tuple[str, int, int]:
        """The expression whose text on the object's line (after `= `) is `first`, at `first_column`;
        returns its text and where it starts.

        Its further lines sit two levels deeper than the object; a `childless` expression property
        may put them one level deeper than itself (they are dedented by the first line's depth)."""
        body_depth = depth + 2
        if childless and not first and self.next_line_at_depth(depth + 1):
            body_depth = self.levels_of_next_line()
        if first.startswith(FENCE) and not (len(first) > 2 * len(FENCE) and first.endswith(FENCE)):
            return self.fenced(first[len(FENCE):], number, first_column + len(FENCE), body_depth)
        if first.startswith(FENCE):
            return first[len(FENCE):-len(FENCE)], number, first_column + len(FENCE)
        lines: list[str] = [first] if first else []
        start_line, start_column = (number, first_column) if first else (None, None)
        body_indent = None  # the indentation of the expression's lines, once the file's unit is known
        while self.index < len(self.lines):
            raw = self.lines[self.index]
            if raw.strip():
                if body_indent is None:
                    if not self.depth_at_least(self.index + 1, body_depth):  # may learn the unit
                        break
                    body_indent = self.unit * body_depth  # type: ignore[operator]  # the unit is known now
                elif not raw.startswith(body_indent):
                    break
            if body_indent is not None and raw.startswith(body_indent):
                stripped = raw[len(body_indent):]
            else:
                stripped = self.dedent(raw, body_depth)
            if start_line is None and stripped.strip():
                start_line = self.index + 1
                start_column = len(raw) - len(stripped) + 1
            if start_line is not None:
                lines.append(stripped)
            self.index += 1
        while lines and not lines[-1].strip():
            lines.pop()
        if start_line is None:
            fail(TMDL_SYNTAX, "'=' is not followed by an expression; expected the expression on the same "
                 f"line or on the next lines, indented {body_depth} level(s)", self.file, number, column)
        if not first and len(lines) >= 2 and lines[0].strip() == FENCE and lines[-1].strip() == FENCE:
            # the fence opens on the line after `=`: the expression is what lies between
            inner = lines[1:-1]
            offset = next((i for i, line in enumerate(inner) if line.strip()), None)
            if offset is None:
                fail(TMDL_SYNTAX, "empty fenced expression; expected an expression between the ```",
                     self.file, start_line)
            first_inner = inner[offset]
            return ("\n".join(inner[offset:]), start_line + 1 + offset,
                    start_column + len(first_inner) - len(first_inner.lstrip(" \t")))
        return "\n".join(lines), start_line, start_column or 1

    def next_line_at_depth(self, depth: int) -> bool:
        """Whether the next non-blank line is indented at least `depth` levels."""
        following = self.next_content_line()
        return following is not None and self.depth_at_least(following, depth)

    def next_content_line(self) -> int | None:
        index = self.index
        while index < len(self.lines) and not self.lines[index].strip():
            index += 1
        return index + 1 if index < len(self.lines) else None

    def levels_of_next_line(self) -> int:
        """How many whole indentation units the next non-blank line starts with."""
        number = self.next_content_line()
        assert number is not None and self.unit is not None
        line, levels = self.lines[number - 1], 0
        while line.startswith(self.unit * (levels + 1)):
            levels += 1
        return levels

    def fenced(self, after: str, number: int, after_column: int, body_depth: int) -> tuple[str, int, int]:
        lines: list[str] = [after] if after.strip() else []
        start_line, start_column = (number, after_column) if after.strip() else (None, None)
        while self.index < len(self.lines):
            raw = self.lines[self.index]
            self.index += 1
            if raw.strip() == FENCE:
                while lines and not lines[-1].strip():
                    lines.pop()
                if start_line is None:
                    fail(TMDL_SYNTAX, "empty fenced expression; expected an expression between the ```",
                         self.file, number)
                return "\n".join(lines), start_line, start_column or 1
            if raw.rstrip().endswith(FENCE) and raw.strip():
                lines.append(self.dedent(raw.rstrip()[: -len(FENCE)], body_depth))
                return "\n".join(lines), start_line or self.index, start_column or 1
            stripped = self.dedent(raw, body_depth)
            if start_line is None and stripped.strip():
                start_line, start_column = self.index, len(raw) - len(stripped) + 1
            if start_line is not None:
                lines.append(stripped)
        fail(TMDL_SYNTAX, "unterminated fenced expression; expected a closing ``` line", self.file, number)

    def dedent(self, raw: str, levels: int) -> str:
        """Remove up to `levels` levels of indentation (expression lines keep their own spacing)."""
        unit = self.unit or "\t"
        for _ in range(levels):
            if not raw.startswith(unit):
                break
            raw = raw[len(unit):]
        return raw


def quoted_name(text: str, start: int) -> tuple[str, int]:
    """The name quoted at `text[start] == "'"` and the index after it, or (partial, -1)."""
    parts: list[str] = []
    index = start + 1
    while (quote := text.find("'", index)) >= 0:  # the runs between quotes, not char by char
        parts.append(text[index:quote])
        if not text.startswith("''", quote):
            return "".join(parts), quote + 1
        parts.append("'")
        index = quote + 2
    parts.append(text[index:])
    return "".join(parts), -1


def _unquote_value(value: str) -> str:
    """Property text may be wrapped in double quotes (`""` escapes one); other quotes are literal."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        inner = value[1:-1]
        if '"' not in inner.replace('""', ""):
            return inner.replace('""', '"')
    return value
