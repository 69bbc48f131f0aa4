"""`check`: is the committed output what a build would write now, byte for byte?"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from translator.pipeline import Plan, plan
from translator.review.committed import previous_order, read_committed


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Our files under `out` that differ from what a build would write now (missing or changed),
    sorted by name. Other files in `out` are not ours: a build carries them over untouched."""

    plan: Plan
    out: Path
    stale: tuple[str, ...]

    @property
    def up_to_date(self) -> bool:
        return not self.stale


def check(exports: Path, out: Path, mapping_file: Path | None = None) -> CheckResult:
    """Compare `out` with what a build would write now, byte for byte."""
    planned = plan(exports, mapping_file, previous_order(out))
    return CheckResult(planned, out, stale_files(planned.files, read_committed(out, planned.files)))


def stale_files(files: Mapping[str, str], committed: Mapping[str, bytes | None]) -> tuple[str, ...]:
    """emit writes UTF-8 with the text's own newlines, so equal files are equal bytes."""
    return tuple(sorted(name for name, text in files.items()
                        if committed.get(name) != text.encode("utf-8")))
