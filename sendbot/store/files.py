"""The database file is private: it says which families have a disabled child. Shared by every
connection that may create it (the store, and the case file's own connection)."""

from __future__ import annotations

import os
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
