"""The SQL target: the one module that names the database dialect (PostgreSQL).

Every stage that writes, reads or checks SQL goes through TARGET: sqlglot's dialect name, text
generation, parsing, the type DAX numbers become, the special float literals and the literals of
the seed. Supporting another database means writing another Target here, not editing the stages.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import sqlglot
from sqlglot import ErrorLevel, exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import Token


@dataclass(frozen=True, slots=True)
class Target:
    name: str  # sqlglot's dialect name
    double: str  # the type of a DAX decimal number (division results, casts)
    nan: str  # text of the special float values, cast to `double`
    infinity: str
    identifier_quote: str = '"'

    def sql(self, e: exp.Expression) -> str:
        """The text of a tree; raises on anything the dialect cannot express."""
        # copy=False: sqlglot would deep-copy the tree first (a quarter of the time); the
        # PostgreSQL generator does not change the tree it renders (the suite builds every
        # output twice and compares).
        # The dialect object is made once (naming it by string builds a new one on every call),
        # and so is its generator, one per thread: `generate` resets what it collects per call.
        generator = _GENERATORS.__dict__.get(self.name)
        if generator is None:
            generator = _dialect(self.name).generator(unsupported_level=ErrorLevel.RAISE)
            setattr(_GENERATORS, self.name, generator)
        return generator.generate(e, copy=False)

    def parse(self, text: str) -> exp.Expression:
        """One expression (raises sqlglot's ParseError)."""
        return sqlglot.parse_one(text, read=self.name)

    def parse_all(self, text: str) -> list[exp.Expression | None]:
        """Every statement of `text`, as the database would split it."""
        return sqlglot.parse(text, read=self.name)

    def tokens(self, text: str) -> list[Token]:
        return sqlglot.tokenize(text, read=self.name)

    def quote(self, name: str) -> str:
        """A quoted identifier, as sqlglot writes `exp.column(name, quoted=True)`."""
        return self.identifier_quote + name.replace(self.identifier_quote, self.identifier_quote * 2) + self.identifier_quote

    def special_float(self, value: float) -> exp.Expression:
        """NaN, Infinity or -Infinity as a typed literal."""
        text = self.nan if math.isnan(value) else (self.infinity if value > 0 else "-" + self.infinity)
        return exp.cast(exp.Literal.string(text), self.double)

    def text_array(self, values: tuple[str, ...]) -> str:
        """A text array literal (a `TEXT[]` column's value)."""
        array = exp.Array(expressions=[exp.Literal.string(v) for v in values])
        return exp.cast(array, exp.DataType.build("TEXT[]", dialect=self.name)).sql(dialect=self.name)

    def literal(self, value: object) -> str:
        """A Python value (None, bool, int, str) as a SQL literal, as sqlglot would write it."""
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str):
            return "'" + value.replace("'", "''") + "'"
        return exp.convert(value).sql(dialect=self.name)


_DIALECTS: dict[str, Dialect] = {}
_GENERATORS = threading.local()  # dialect name -> its generator, made on first use in each thread


def _dialect(name: str) -> Dialect:
    found = _DIALECTS.get(name)
    if found is None:
        found = _DIALECTS[name] = Dialect.get_or_raise(name)
    return found


POSTGRES = Target(name="postgres", double="DOUBLE PRECISION", nan="NaN", infinity="Infinity")
TARGET = POSTGRES  # the one target the translator writes for
SERVER_ACCOUNT = "postgres"  # the server's superuser and OS account (a throwaway cluster runs as it under root)


