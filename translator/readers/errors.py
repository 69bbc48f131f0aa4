"""Reader diagnostic codes (RDR4xx) and the one way readers stop on bad input.

Every code here is documented in docs/diagnostics.md under "RDR4xx: reading exports".
"""

from __future__ import annotations

from typing import NoReturn

from translator.diagnostics import InputError, SourceLocation, codes, report

PATH_NOT_FOUND = codes.RDR401
NO_EXPORTS = codes.RDR402
UNKNOWN_FILE_TYPE = codes.RDR403
BAD_ENCODING = codes.RDR404
BAD_JSON = codes.RDR405
BAD_ARCHIVE = codes.RDR406
TMDL_INDENTATION = codes.RDR407
TMDL_SYNTAX = codes.RDR408
BAD_STRUCTURE = codes.RDR409
NO_EMBEDDED_MODEL = codes.RDR410
UNREADABLE_MODEL = codes.RDR411
DUPLICATE_NAME = codes.RDR412  # two tables, two columns of a table or two measures share a name (any case)
NOT_A_FILE = codes.RDR413  # a FIFO, socket or device: never opened (limits.py)
TOO_DEEP = codes.RDR414  # JSON or TMDL nested past limits.MAX_NESTING
MEMBER_TOO_LARGE = codes.RDR415  # an archive member inflating past limits.MAX_MEMBER_BYTES
INVALID_UNICODE = codes.RDR416  # a lone surrogate in a name or expression
# Non-fatal: returned as diagnostics, the run goes on.
MEASURE_NOT_READY = codes.RDR420
DANGLING_RELATIONSHIP = codes.RDR421
SKIPPED_REPORT_PART = codes.RDR422


def fail(code: str, message: str, file: str, line: int | None = None, column: int | None = None,
         *notes: str) -> NoReturn:
    """Stop reading: `file` is relative to the exports folder, `line`/`column` are 1-based."""
    raise InputError(report(code, message, SourceLocation(file, line, column), *notes))
