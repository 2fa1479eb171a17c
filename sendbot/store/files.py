"""The database file and what every connection to it shares (the store's, and the case file's
own): the file is private, as it says which families have a disabled child, and a transaction
commits whole or not at all."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

FILE_MODE = 0o600  # owner only
FOLDER_MODE = 0o700
WAL_FILES = ("-wal", "-shm")  # SQLite's write-ahead log and its index, beside the database


def create_private(path: Path) -> None:
    """Make the folder (700) and an empty file (600) before SQLite writes a byte into it."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=FOLDER_MODE, exist_ok=True)  # the other connection may be first
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))


def make_private(path: Path) -> None:
    """The database and its write-ahead log and index files, owner only."""
    for suffix in ("", *WAL_FILES):
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


def file_id(path: Path) -> tuple[int, int] | None:
    """Which file is at ``path`` (device and inode), or None if there is none."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


# One connection at a time makes the new file: the store's and the case file's may notice
# together, and the second must not delete the log the first has just begun.
_REOPENING = threading.Lock()


class LiveConnection:
    """A connection that follows the database file: when the file (or its folder) is
    deleted or replaced while running, the next use opens the file now at the path (made
    anew by ``open_``: folder 700, file 600, the schema) instead of writing on into the
    deleted file, where everything would be lost at the next start. ``on_new`` is called
    after such a reopening. Use under the owner's lock, like the connection itself."""

    def __init__(self, path: Path, open_: Callable[[], sqlite3.Connection], on_new: Callable[[], None]) -> None:
        self.path = path
        self._open = open_
        self._on_new = on_new
        self._conn = open_()
        self._file = file_id(path)
        # Connections to a deleted file are left open, never closed: the last connection to
        # close deletes "<path>-wal" by name, which by then is the new file's log.
        self._retired: list[sqlite3.Connection] = []

    def get(self) -> sqlite3.Connection:
        if file_id(self.path) != self._file:  # a stat: microseconds
            with _REOPENING:
                if file_id(self.path) is None:  # a log left beside a deleted file is the old one's
                    for suffix in WAL_FILES:
                        Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                conn = self._open()
            self._retired.append(self._conn)
            self._conn, self._file = conn, file_id(self.path)
            self._on_new()
        return self._conn

    def close(self) -> None:
        self._conn.close()
