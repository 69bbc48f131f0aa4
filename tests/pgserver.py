"""A throwaway PostgreSQL cluster for the test suite, or the server named by DATABASE_URL.

The cluster lives in a temporary folder, listens on 127.0.0.1 only, and runs as the `postgres`
OS user when the tests run as root (the server refuses to run as root).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg

PG_BIN_CANDIDATES = (
    os.environ.get("PG_BIN", ""),
    "/usr/lib/postgresql/17/bin",
    "/usr/lib/postgresql/16/bin",
    "/usr/lib/postgresql/15/bin",
)


def find_pg_bin() -> Path:
    for candidate in PG_BIN_CANDIDATES:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError(
        "No PostgreSQL server binaries found (initdb). Install them (apt-get install postgresql) "
        "or set DATABASE_URL to a server the tests may use."
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], run_as: str | None) -> None:
    result = subprocess.run(args, user=run_as, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a fresh cluster and yield a libpq URL to its `postgres` database."""
    bin_dir = find_pg_bin()
    run_as = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="translator-pg-"))
    if run_as:
        shutil.chown(root, user=run_as)
    data = root / "data"
    port = _free_port()
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
              "--no-sync", "--no-instructions", "-E", "UTF8", "--locale=C.UTF-8"], run_as)
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w",
              "-l", str(root / "server.log"), "start"], run_as)
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                           user=run_as, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def server_url() -> Iterator[str]:
    """DATABASE_URL when set, otherwise a throwaway cluster."""
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url
    else:
        with throwaway_cluster() as started:
            yield started


def create_database(server: str) -> str:
    """A fresh, empty database on the server; returns its URL. Keeps tests independent."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # name is generated here, not user input
    return psycopg.conninfo.make_conninfo(server, dbname=name)
