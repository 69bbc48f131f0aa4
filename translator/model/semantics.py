"""The mapping file's `[semantics]` section: DAX behaviours no source settles, as Power BI itself
answered them (`translator parity pin` writes the section from the answer to probe.dax).

A pin the section does not hold is unknown: the compiler refuses what depends on it (CMP217).
"""

from __future__ import annotations

from dataclasses import dataclass, field

BLANK = "blank"  # the function returns BLANK for a BLANK argument
ZERO = "zero"  # BLANK is read as 0 and the function computes
IGNORE = "ignore"  # two-argument MIN/MAX: the BLANK operand is ignored (the other one wins)
# Two-argument MIN/MAX, "blank": BLANK compares as 0 and is returned where it wins strictly
# (dax.guide's definition: MIN(BLANK(), 5) = BLANK, MIN(BLANK(), -5) = -5).

# pin name -> the values it may take. Booleans for the NaN comparisons.
PINS: dict[str, tuple[object, ...]] = {
    "round_blank": (BLANK, ZERO),
    "roundup_blank": (BLANK, ZERO),
    "rounddown_blank": (BLANK, ZERO),
    "trunc_blank": (BLANK, ZERO),
    "abs_blank": (BLANK, ZERO),
    "mod_blank": (BLANK, ZERO),
    "power_blank_base": (BLANK, ZERO),
    "power_blank_exponent": (BLANK, ZERO),
    "negate_blank": (BLANK, ZERO),
    "min_blank": (BLANK, ZERO, IGNORE),
    "max_blank": (BLANK, ZERO, IGNORE),
    "min_max_both_blank": (BLANK, ZERO),
    "countblank_no_blanks": (BLANK, ZERO),
    "nan_equals_nan": (True, False),
    "nan_greater_than_0": (True, False),
    "nan_less_than_0": (True, False),
}
ENGINE = "engine"  # free text: the Power BI / Analysis Services version that answered


@dataclass(frozen=True, slots=True)
class Semantics:
    pins: tuple[tuple[str, object], ...] = ()  # (pin name, value), in PINS order
    engine: str | None = None
    line: int | None = field(default=None, compare=False)

    def get(self, name: str) -> object | None:
        """The pinned value, or None when the pin is absent."""
        assert name in PINS, name
        return dict(self.pins).get(name)


NO_PINS = Semantics()
