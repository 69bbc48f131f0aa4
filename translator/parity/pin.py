"""`parity pin`: Power BI's answer to probe.dax, recorded in the mapping file's `[semantics]`.

Each pin reads one probe column. A BLANK answer (a missing key in an executeQueries answer, an
empty CSV cell) means the function returns BLANK; the value the function gives for 0 means
BLANK is read as 0; for two-argument MIN/MAX, the other operand means BLANK is ignored. Any other
answer is not one we know how to translate, and stops the command (PAR708) rather than pin a guess.

The mapping file is edited with tomlkit, so its comments, order and formatting stay as they were:
only the `[semantics]` keys are set (the section is added at the end when missing).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import tomlkit
import tomlkit.exceptions

from translator.diagnostics import InputError, SourceLocation, codes, report
from translator.parity.answers import Answer, column_key, read_answer
from translator.readers.mapping import parse_mapping
from translator.model.semantics import BLANK, ENGINE, IGNORE, PINS, ZERO

UNKNOWN_ANSWER = codes.PAR708  # a probe answer that matches no behaviour we can translate
NO_PROBE_ROW = codes.PAR709  # the answer is not the probe's single row

SECTION = "semantics"
COMMENT_LINES = (
    "Power BI's answers to probe.dax (translator parity pin): DAX behaviours no source settles.",
    "The compiler translates what they settle (docs/semantics.md, \"Pins\"); do not edit by guess.",
)


def _number(value: object, textual: bool) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if textual and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _numbers(answers: dict[float, str]) -> Callable[[object, bool], object]:
    """BLANK -> "blank"; a number -> the pin value `answers` gives it (None: not one we know)."""

    def read(value: object, textual: bool) -> object:
        if value is None:
            return BLANK
        number = _number(value, textual)
        return answers.get(number) if number is not None else None

    return read


def _blank_or_zero(of_zero: float) -> Callable[[object, bool], object]:
    """BLANK -> "blank"; the function's value at 0 -> "zero"."""
    return _numbers({float(of_zero): ZERO})


def _min_max(other: float) -> Callable[[object, bool], object]:
    """MIN(BLANK(), 5) / MAX(BLANK(), -5): BLANK, 0 (read as zero) or the other operand (ignored)."""
    return _numbers({0.0: ZERO, float(other): IGNORE})


def _truth(value: object, textual: bool) -> object:
    if isinstance(value, bool):
        return value
    if textual and isinstance(value, str) and value.casefold() in ("true", "false"):
        return value.casefold() == "true"
    return None


@dataclass(frozen=True, slots=True)
class PinRule:
    pin: str
    column: str  # the probe's column
    read: Callable[[object, bool], object]  # answer cell (None: BLANK), textual -> pin value or None


RULES: tuple[PinRule, ...] = (
    PinRule("round_blank", "round_blank", _blank_or_zero(0)),
    PinRule("roundup_blank", "roundup_blank", _blank_or_zero(0)),
    PinRule("rounddown_blank", "rounddown_blank", _blank_or_zero(0)),
    PinRule("trunc_blank", "trunc_blank", _blank_or_zero(0)),
    PinRule("abs_blank", "abs_blank", _blank_or_zero(0)),
    PinRule("mod_blank", "mod_blank", _blank_or_zero(0)),  # MOD(0, 3) = 0
    PinRule("power_blank_base", "power_blank_base", _blank_or_zero(0)),  # 0 ^ 2 = 0
    PinRule("power_blank_exponent", "power_blank_exponent", _blank_or_zero(1)),  # 2 ^ 0 = 1
    PinRule("negate_blank", "negate_blank", _blank_or_zero(0)),
    PinRule("min_blank", "min_blank_5", _min_max(5)),
    PinRule("max_blank", "max_blank_minus_5", _min_max(-5)),
    PinRule("min_max_both_blank", "min_blank_blank", _blank_or_zero(0)),
    PinRule("countblank_no_blanks", "countblank_no_blanks", _blank_or_zero(0)),
    PinRule("nan_equals_nan", "nan_equals_nan", _truth),
    PinRule("nan_greater_than_0", "nan_greater_than_0", _truth),
    PinRule("nan_less_than_0", "nan_less_than_0", _truth),
)
assert [r.pin for r in RULES] == list(PINS)


def read_pins(answer: Answer) -> dict[str, object]:
    """The pins the probe answer settles. A column the answer does not have is BLANK (executeQueries
    omits nulls) unless the answer is a CSV, whose header lists every column asked."""
    where = SourceLocation(answer.path)
    if len(answer.rows) != 1:
        raise InputError(report(NO_PROBE_ROW, f"the probe answers one row; this answer has {len(answer.rows)}", where))
    row = answer.rows[0]
    pins: dict[str, object] = {}
    for rule in RULES:
        key = column_key(f"[{rule.column}]")
        if answer.textual and key not in answer.columns:
            continue  # not asked (COUNTBLANK needs a model column)
        cell = row.get(key)
        if isinstance(cell, float) and math.isnan(cell):
            cell = None
        value = rule.read(cell, answer.textual)
        if value is None:
            raise InputError(report(UNKNOWN_ANSWER, f"probe column [{rule.column}] answered {cell!r}, "
                                    f"which matches no behaviour pinned for {rule.pin} "
                                    f"(expected one of {', '.join(map(str, PINS[rule.pin]))})", where))
        pins[rule.pin] = value
    return pins


def pin(results: Path, mapping: Path, engine: str | None = None) -> dict[str, object]:
    """Record the probe's answers in the mapping file; returns the pins written."""
    pins = read_pins(read_answer(results))
    where = SourceLocation(str(mapping))
    try:
        text = mapping.read_text(encoding="utf-8") if mapping.exists() else ""
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(report(codes.CAT390, f"cannot read the mapping file: {err}", where))
    parse_mapping(text, str(mapping))  # the file must be valid before we touch it
    try:
        document = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as err:  # tomllib accepted it: should not happen
        raise InputError(report(codes.CAT391, f"the mapping file is not valid TOML: {err}", where))
    section = document.get(SECTION)
    if section is None:
        section = tomlkit.table()
        document.add(tomlkit.nl())
        for line in COMMENT_LINES:
            document.add(tomlkit.comment(line))
        document.add(SECTION, section)
    for name, value in pins.items():
        section[name] = value
    if engine:
        section[ENGINE] = engine
    new_text = tomlkit.dumps(document)
    parse_mapping(new_text, str(mapping))  # what we write reads back
    mapping.write_text(new_text, encoding="utf-8", newline="")
    return pins
