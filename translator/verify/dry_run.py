"""What applying a seed would overwrite in a database, before it is applied (`translator diff --dsn`).

The seed itself says which rows it overwrites (a NOTICE per row edited by hand since the last
apply, or carrying a generated key without having been created by the seed; then their count).
The dry run applies the seed inside one transaction, collects those notices and rolls back: the
same SQL decides, so the preview cannot drift from the apply. It waits at most LOCK_TIMEOUT for
the locks the seed takes.
"""

from __future__ import annotations

import psycopg

from translator.diagnostics import InputError, SourceLocation, codes, report
from translator.emit import without_transaction
from translator.verify.target import connect

CANNOT_APPLY = codes.CLI610  # the seed does not apply to the database
LOCK_TIMEOUT = "5s"


def overwritten_rows(dsn: str, seed_sql: str, seed_file: str) -> list[str] | None:
    """The seed's notices about overwritten rows; None when the database has no catalog yet."""
    notices: list[str] = []
    conn = connect(dsn)
    conn.add_notice_handler(lambda d: notices.append(d.message_primary or "")
                            if d.severity_nonlocalized == "NOTICE" else None)
    try:
        if conn.execute("SELECT to_regclass('report_builder.metrics')").fetchone() == (None,):
            return None
        conn.execute("SELECT set_config('lock_timeout', %s, true)", (LOCK_TIMEOUT,))
        conn.execute(without_transaction(seed_sql))
    except psycopg.Error as err:
        raise InputError(report(CANNOT_APPLY, "the seed does not apply to this database: "
                                + " ".join(str(err).split()), SourceLocation(seed_file))) from None
    finally:
        conn.rollback()
        conn.close()
    return [n for n in notices if n.startswith(("report_builder.", "seed:"))]
