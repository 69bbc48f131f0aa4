"""Where verify runs: a database it may write, obtained and given back so that nothing it did stays.

- No --dsn (the default): a throwaway PostgreSQL cluster (translator/verify/cluster.py, the same
  one the test suite uses), removed afterwards.
- --dsn URL: refused (exit 2) when the database holds any schema verify writes
  (report_builder, reporting, beast_insights_v2), unless the caller passes
  --overwrite-scratch-database to say the database is a scratch copy that may be written.

Either way everything verify does happens in ONE transaction that is rolled back at the end:
the schema, the seed and the sample tables disappear with it, and a crash or a lost connection
rolls back too. A relation verify must replace (a sample table named like an existing table or
view, with the scratch flag) is dropped inside that transaction, so it comes back afterwards;
other sessions wait on its lock meanwhile, which is why the flag is required.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg

from translator.diagnostics import InputError, SourceLocation, codes, report
from translator.verify.cluster import ClusterError, throwaway_cluster

WRITTEN_SCHEMAS = ("beast_insights_v2", "report_builder", "reporting")
OVERWRITE_FLAG = "--overwrite-scratch-database"
CANNOT_CONNECT = codes.CLI607  # --dsn is not a URL libpq accepts, or the server does not answer
NOT_SCRATCH = codes.CLI608  # the --dsn database holds schemas verify would write
NO_SERVER = codes.CLI609  # no --dsn and no throwaway cluster could be started
CONNECT_TIMEOUT = 15  # seconds


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split()) or type(err).__name__


def connect(dsn: str, where: str = "--dsn") -> psycopg.Connection:
    """A connection (not autocommit: the caller's work is one transaction) or InputError."""
    try:
        return psycopg.connect(dsn, connect_timeout=CONNECT_TIMEOUT)
    except (psycopg.Error, ValueError) as err:
        raise InputError(report(CANNOT_CONNECT, f"cannot connect to the database: {_one_line(err)}",
                                SourceLocation(where))) from None


def present_schemas(conn: psycopg.Connection) -> tuple[str, ...]:
    """Which of the schemas verify writes the database already has."""
    rows = conn.execute("SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname = ANY(%s) ORDER BY 1",
                        (list(WRITTEN_SCHEMAS),)).fetchall()
    conn.rollback()
    return tuple(r[0] for r in rows)


@contextlib.contextmanager
def _rolled_back(conn: psycopg.Connection) -> Iterator[psycopg.Connection]:
    try:
        yield conn
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.rollback()
        conn.close()


@contextlib.contextmanager
def scratch_connection(dsn: str | None, overwrite: bool = False) -> Iterator[psycopg.Connection]:
    """A connection inside one transaction that is rolled back when the context ends."""
    with contextlib.ExitStack() as stack:
        if dsn is None:
            try:
                url = stack.enter_context(throwaway_cluster())
            except (ClusterError, OSError) as err:
                raise InputError(report(NO_SERVER, f"cannot start a throwaway PostgreSQL for verify "
                                        f"({_one_line(err)}); or pass --dsn", SourceLocation("verify"))) from None
            conn = stack.enter_context(_rolled_back(connect(url, "throwaway cluster")))
        else:
            conn = stack.enter_context(_rolled_back(connect(dsn)))
            present = present_schemas(conn)
            if present and not overwrite:
                raise InputError(report(
                    NOT_SCRATCH,
                    f"refusing to write to a database that already has the schema(s) {', '.join(present)}: "
                    f"point --dsn at an empty database, leave --dsn out to use a throwaway server, or pass "
                    f"{OVERWRITE_FLAG} if this database is a scratch copy",
                    SourceLocation("--dsn"),
                ))
        yield conn
