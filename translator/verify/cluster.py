"""A throwaway PostgreSQL cluster: what `translator verify` runs on by default, and what the test
suite runs on (tests/pgserver.py uses this one implementation).

The cluster lives in a temporary folder, listens on 127.0.0.1 only, and runs as the `postgres`
OS user when the caller is root (the server refuses to run as root). Leaving the context stops
the server and removes the folder, whatever happened inside.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from translator.dialect import SERVER_ACCOUNT

PG_BIN_CANDIDATES = (
    os.environ.get("PG_BIN", ""),
    "/usr/lib/postgresql/17/bin",
    "/usr/lib/postgresql/16/bin",
    "/usr/lib/postgresql/15/bin",
)


class ClusterError(RuntimeError):
    """The server binaries are missing, or initdb / pg_ctl failed."""


def find_pg_bin() -> Path:
    for candidate in PG_BIN_CANDIDATES:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise ClusterError(
        "no PostgreSQL server binaries found (initdb): install them (apt-get install postgresql) "
        "or set PG_BIN to their folder"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], run_as: str | None) -> None:
    result = subprocess.run(args, user=run_as, capture_output=True, text=True)
    if result.returncode != 0:
        raise ClusterError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a fresh cluster and yield a libpq URL to its `postgres` database."""
    bin_dir = find_pg_bin()
    run_as = SERVER_ACCOUNT if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="translator-pg-"))
    if run_as:
        shutil.chown(root, user=run_as)
    data = root / "data"
    port = _free_port()
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", SERVER_ACCOUNT,
              "--no-sync", "--no-instructions", "-E", "UTF8", "--locale=C.UTF-8"], run_as)
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w",
              "-l", str(root / "server.log"), "start"], run_as)
        yield f"postgresql://{SERVER_ACCOUNT}@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                           user=run_as, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
