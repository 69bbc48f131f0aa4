"""probe.dax: one `EVALUATE ROW(...)` whose columns ask Power BI what the documentation leaves
open (docs/semantics.md, "Pinned by asking Power BI"). `parity pin` reads the answer back.

Each probe names the pin it settles and reads its answer: a column that comes back BLANK (or is
missing: executeQueries omits nulls) means BLANK; otherwise the number or truth value.
"""

from __future__ import annotations

from dataclasses import dataclass

from translator.dax.ast import (
    BinaryOp,
    BinOp,
    ColumnRef,
    Expr,
    FunctionCall,
    Number,
    String,
    UnaryOp,
    UnaryOpKind,
)
from translator.dax.printer import to_dax

BLANK = FunctionCall("BLANK")
NAN = BinaryOp(BinOp.DIV, Number(0), Number(0))


def _call(name: str, *args: Expr) -> Expr:
    return FunctionCall(name, args)


@dataclass(frozen=True, slots=True)
class Probe:
    column: str  # the ROW column, `[column]` in the answer
    expr: Expr


# The columns, in the order the file asks them. A pin may read several columns.
PROBES: tuple[Probe, ...] = (
    Probe("round_blank", _call("ROUND", BLANK, Number(0))),
    Probe("roundup_blank", _call("ROUNDUP", BLANK, Number(0))),
    Probe("rounddown_blank", _call("ROUNDDOWN", BLANK, Number(0))),
    Probe("trunc_blank", _call("TRUNC", BLANK)),
    Probe("abs_blank", _call("ABS", BLANK)),
    Probe("mod_blank", _call("MOD", BLANK, Number(3))),
    Probe("power_blank_base", _call("POWER", BLANK, Number(2))),
    Probe("power_blank_exponent", _call("POWER", Number(2), BLANK)),
    Probe("negate_blank", UnaryOp(UnaryOpKind.NEG, BLANK)),
    Probe("min_blank_5", _call("MIN", BLANK, Number(5))),
    Probe("max_blank_minus_5", _call("MAX", BLANK, Number(-5))),
    Probe("min_blank_blank", _call("MIN", BLANK, BLANK)),
    Probe("nan_equals_nan", BinaryOp(BinOp.EQ, NAN, NAN)),
    Probe("nan_greater_than_0", BinaryOp(BinOp.GT, NAN, Number(0))),
    Probe("nan_less_than_0", BinaryOp(BinOp.LT, NAN, Number(0))),
)


COUNTBLANK_PROBE = "countblank_no_blanks"


def countblank_probe(table: str, column: str) -> Probe:
    """COUNTBLANK takes a model column: a numeric one, filtered to its non-blank rows."""
    ref = ColumnRef(table, column)
    not_blank = UnaryOp(UnaryOpKind.NOT, _call("ISBLANK", ref))
    return Probe(COUNTBLANK_PROBE, _call("CALCULATE", _call("COUNTBLANK", ref), not_blank))


def probe_dax(countblank_column: tuple[str, str] | None = None) -> str:
    """The probe query; COUNTBLANK is asked only when a numeric model column is given."""
    probes = PROBES + ((countblank_probe(*countblank_column),) if countblank_column else ())
    row = FunctionCall("ROW", tuple(x for p in probes for x in (String(p.column), p.expr)))
    lines = [
        "// parity probe: what Power BI answers where the DAX documentation is silent or contradicts",
        "// itself. Run it once (DAX Studio or executeQueries), save the answer as probe.json (or",
        "// probe.csv) and record it with: translator parity pin --results probe.json",
        "EVALUATE",
        to_dax(row),
    ]
    return "\n".join(lines) + "\n"
