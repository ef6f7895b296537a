"""A throwaway PostgreSQL cluster for the tests (and the benchmark), made with this machine's
own binaries: ``initdb`` and ``pg_ctl`` on PATH, else the newest under
``/usr/lib/postgresql/*/bin`` (Debian's ``postgresql`` package, which ``.ci/run`` installs).

The cluster lives in a fresh folder under the system's temporary folder (not pytest's, which
only root may enter), listens on a unix socket in that folder and on a free port of 127.0.0.1,
and is stopped and removed at the end of the session.  PostgreSQL refuses to run as root, so
when the tests run as root (as in CI) every server command runs as the ``postgres`` user
(``runuser -u postgres --``) and the folder is given to that user.

Authentication: the superuser ``postgres`` is trusted on the unix socket (the tests' own
connections); over TCP every role needs its password (scram-sha-256), which the tests of wrong
passwords and of ``PGPASSFILE`` use.

``database()`` makes a fresh, empty database for one test and returns its URL.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

__all__ = ["Cluster", "find_binaries"]

SUPERUSER = "postgres"


def find_binaries() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, or None."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent

    def version(path: str) -> int:
        name = Path(path).parent.parent.name
        return int(name) if name.isdigit() else 0

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """One running PostgreSQL server in a folder of its own."""

    def __init__(self, folder: Path | None = None, *, port: int | None = None) -> None:
        self.bin = find_binaries()
        if self.bin is None:
            raise RuntimeError("no initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin")
        self.as_root = os.geteuid() == 0
        self.owned = folder is None
        self.folder = Path(folder or tempfile.mkdtemp(prefix="case-review-pg-"))
        self.data = self.folder / "data"
        self.port = port or _free_port()
        self.log = self.folder / "server.log"

    # -- running commands as the server's user ---------------------------------------------

    def _as_server_user(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", SUPERUSER, "--", *argv] if self.as_root else argv

    def _run(self, argv: list[str], timeout: float = 120) -> None:
        result = subprocess.run(
            self._as_server_user(argv), capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed: {result.stdout[-2000:]}{result.stderr[-2000:]}")

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> Cluster:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            user = pwd.getpwnam(SUPERUSER)
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        os.chmod(self.folder, 0o700)
        if not (self.data / "PG_VERSION").exists():
            self._run(
                [
                    str(self.bin / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    SUPERUSER,
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-instructions",
                ]
            )
        options = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.folder} -c max_connections=200 "
            "-c shared_buffers=128MB -c logging_collector=off"
        )
        self._run(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
        return self

    def stop(self, *, remove: bool | None = None) -> None:
        with contextlib.suppress(Exception):
            self._run(
                [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
                timeout=60,
            )
        if self.owned if remove is None else remove:
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- addresses -------------------------------------------------------------------------

    def url(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        """A URL reaching the server over its unix socket (no password needed)."""
        host = quote(str(self.folder), safe="")
        return f"postgresql://{user}@/{dbname}?host={host}&port={self.port}"

    def tcp_url(self, dbname: str, user: str, password: str | None = None) -> str:
        """A URL over TCP (127.0.0.1), where a password is needed."""
        secret = f":{quote(password, safe='')}" if password is not None else ""
        return f"postgresql://{quote(user, safe='')}{secret}@127.0.0.1:{self.port}/{dbname}"

    def sql(self, statement: str, dbname: str = "postgres") -> list[tuple[object, ...]]:
        """Run one statement as the superuser (autocommit) and return its rows."""
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True) as conn:
            cur = conn.execute(statement)
            return cur.fetchall() if cur.description else []

    def database(self, name: str | None = None) -> str:
        """A fresh empty database; its URL."""
        name = name or f"t_{os.getpid()}_{time.monotonic_ns()}"
        self.sql(f'CREATE DATABASE "{name}"')
        return self.url(name)
