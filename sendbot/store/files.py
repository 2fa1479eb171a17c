"""The database file and what every connection to it shares (the store's, and the case file's
own): the file is private, as it says which families have a disabled child, and a transaction
commits whole or not at all."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FILE_MODE = 0o600  # owner only
FOLDER_MODE = 0o700


def create_private(path: Path) -> None:
    """Make the folder (700) and an empty file (600) before SQLite writes a byte into it."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=FOLDER_MODE)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))


def make_private(path: Path) -> None:
    """The database and its write-ahead log and index files, owner only."""
    for suffix in ("", "-wal", "-shm"):
        sidecar = Path(f"{path}{suffix}")
        if sidecar.exists():
            sidecar.chmod(FILE_MODE)


@contextmanager
def transaction(conn: sqlite3.Connection, begin: str = "BEGIN") -> Iterator[sqlite3.Connection]:
    """One transaction on a connection in autocommit mode: committed, or rolled back on any error."""
    conn.execute(begin)
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
