"""Why the database cannot be used, in one line with the fix: what start-up prints instead
of a traceback."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path


class StorageError(Exception):
    """The database cannot be opened or used; the message says why and what to do."""


def open_error(path: Path, error: BaseException) -> StorageError:
    """The one-line explanation of ``error`` raised while opening the database at ``path``."""
    text = str(error).lower()
    folder = path.parent
    if isinstance(error, OSError) and error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = f"cannot create {folder} or {path} (permission denied)"
        fix = f"give this user write access to {folder}, or set SENDBOT_DB to a writable path"
    elif "readonly" in text or "read-only" in text or not _writable(path):
        reason = f"{path} is read-only"
        fix = f"make {path} and {folder} writable by this user (chmod u+w), or set SENDBOT_DB elsewhere"
    elif "locked" in text or "busy" in text:
        reason = f"{path} is locked by another process"
        fix = "stop the other SENDbot (or program) using it, then start again"
    elif "malformed" in text or "not a database" in text or "corrupt" in text:
        reason = f"{path} is damaged ({error})"
        fix = "restore it from a backup (`sendbot backup` makes one), or move it aside to start empty"
    elif "newer sendbot" in text:
        reason = f"{path} was {error}"
        fix = "run the newer SENDbot, or restore a backup made by this version"
    elif "unable to open" in text or isinstance(error, OSError):
        reason = f"cannot open {path} ({error})"
        fix = f"check that {folder} exists and is a folder this user can write to, or set SENDBOT_DB"
    else:
        reason = f"cannot use {path} ({error})"
        fix = "check the file, or restore it from a backup"
    return StorageError(f"SENDbot cannot use its database: {reason}. Fix: {fix}.")


def _writable(path: Path) -> bool:
    target = path if path.exists() else path.parent
    return not target.exists() or os.access(target, os.W_OK)


def is_storage_failure(error: BaseException) -> bool:
    """An error from the database while running (locked, vanished, disk full)."""
    return isinstance(error, (sqlite3.Error, StorageError))
