"""A throwaway PostgreSQL for the tests: Debian's binaries, a temporary folder, loopback only.

The server runs as user postgres (through runuser when the tests run as root, since initdb
refuses root) on a free port of 127.0.0.1 with trust authentication, and is stopped and wiped
when the test session ends. Every wait is bounded. Without Debian's ``postgresql`` package
the tests that need it are skipped on a workstation and fail in CI (``CI`` set), like the
browser tests without chromium.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

TIMEOUT = 60  # seconds for any one server command (start and stop wait up to 30 s themselves)


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    """A running server: its folder, port and the URL of each database on it."""

    folder: Path
    port: int
    bin: Path

    def url(self, database: str) -> str:
        """The connection URL of ``database`` on this server."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        """Run one statement outside any transaction, in the postgres database."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _run(args: list[str]) -> None:
    subprocess.run(_as_postgres(args), check=True, capture_output=True, timeout=TIMEOUT)


def start() -> PostgresServer:
    """initdb and start a server in a new temporary folder; skips or fails when not installed."""
    bin_dir = binaries()
    if bin_dir is None:
        reason = "PostgreSQL not installed (apt-get install -y postgresql)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    folder = Path(tempfile.mkdtemp(prefix="kl_dash_pg_"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data = folder / "data"
    _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
          "--locale=C.UTF-8"])  # fmt: skip
    for attempt in range(1, 4):  # a port found free may be taken before the server binds it
        port = _free_port()  # (pytest-xdist's workers each start a server at the same time)
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
        try:
            _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w",
                  "-t", "30", "-o", options, "start"])  # fmt: skip
            break
        except subprocess.CalledProcessError:
            if attempt == 3:
                raise
    return PostgresServer(folder, port, bin_dir)


def stop(server: PostgresServer) -> None:
    """Stop the server and delete its folder."""
    try:
        _run([str(server.bin / "pg_ctl"), "-D", str(server.folder / "data"), "-m", "fast", "-w",
              "-t", "30", "stop"])  # fmt: skip
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)
