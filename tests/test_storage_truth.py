"""Storage that tells the truth (issue 11): versioned migrations from the previous schema,
one-line errors with the fix, the online backup, retention, the inbox's idempotency."""

from __future__ import annotations

import errno
import sqlite3
import stat
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from sendbot.case.events import EventKind
from sendbot.case.store import CaseStore
from sendbot.store.base import PendingUpdate
from sendbot.store.errors import StorageError, open_error
from sendbot.store.sqlite import SCHEMA_VERSION, SqliteStore
from sendbot.store.state import ChatState

# The schema as at commit 7496542 (sendbot/storage.py), the last before versions were recorded.
PREVIOUS_SCHEMA = """
CREATE TABLE IF NOT EXISTS chats (
    chat_id INTEGER PRIMARY KEY,
    lang TEXT,
    area TEXT,
    flow TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    chat_id INTEGER NOT NULL,
    entry_id TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    PRIMARY KEY (chat_id, entry_id)
);
CREATE TABLE IF NOT EXISTS reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL,
    due_at TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reminders_due_at ON reminders (due_at);
"""


def test_a_database_from_the_previous_version_opens_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(PREVIOUS_SCHEMA)
        conn.execute(
            "INSERT INTO chats VALUES (7, 'en', 'derby', ?, '2026-01-01T00:00:00')",
            ('{"calc": {"timeline": "ehc-assessment", "answers": {"request": "2026-01-05"}, "asking": "x"}}',),
        )
        conn.execute("INSERT INTO feedback VALUES (7, 'ehc-request-how', 1)")
        conn.execute("INSERT INTO reminders (chat_id, due_at, text) VALUES (7, '2027-01-01T09:00:00', 'R')")
    store = SqliteStore(path)
    state = store.load_chat(7)
    assert (state.lang, state.area) == ("en", "derby")
    assert state.calc is not None and state.calc.answers == {"request": "2026-01-05"}
    assert store.feedback_counts() == {"ehc-request-how": (1, 0)}
    (reminder,) = store.pending_reminders(7)
    assert (reminder.text, reminder.event_day, reminder.claimed) == ("R", None, False)
    assert store.claim_reminder(reminder.id) and not store.claim_reminder(reminder.id)
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_database_from_a_newer_version_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StorageError, match=r"newer SENDbot.*Fix: "):
        SqliteStore(path)


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (OSError(errno.EROFS, "Read-only file system"), "permission denied"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "read-only"),
        (sqlite3.OperationalError("database is locked"), "locked by another process"),
        (sqlite3.DatabaseError("file is not a database"), "damaged"),
        (sqlite3.OperationalError("unable to open database file"), "cannot open"),
    ],
)
def test_open_errors_are_one_line_with_the_fix(tmp_path: Path, error: BaseException, says: str) -> None:
    message = str(open_error(tmp_path / "x.db", error))
    assert says in message and "Fix: " in message and "\n" not in message


def _run(*args: str, db: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {"SENDBOT_DB": str(db), "PATH": "/usr/bin:/bin", "TELEGRAM_BOT_TOKEN": "1:x"}
    return subprocess.run(
        [sys.executable, "-m", "sendbot.channels.cli", *args], input=stdin, capture_output=True, env=env, timeout=60
    )


def test_start_up_errors_are_one_line_no_traceback(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"this is not a database at all" * 100)
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    for db in (damaged, not_a_folder / "bot.db"):
        result = _run("telegram", db=db)
        err = result.stderr.decode()
        assert result.returncode == 1
        assert "Traceback" not in err and err.count("\n") == 1 and "Fix: " in err, err


def test_torn_page_is_caught_at_start_up(tmp_path: Path) -> None:
    path = tmp_path / "torn.db"
    store = SqliteStore(path)
    for chat in range(300):
        store.record_feedback(chat, "entry-" + "x" * 200, True)
    store.checkpoint()
    store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[3 * page + 100 : 3 * page + 600] = b"\xff" * 500  # a page half overwritten
    path.write_bytes(bytes(data))
    with pytest.raises(StorageError, match="damaged"):
        SqliteStore(path)


def test_backup_command_copies_the_live_database(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    store = SqliteStore(db)  # kept open, as the running bot would
    store.record_feedback(1, "ehc-request-how", True)
    result = _run("backup", str(tmp_path / "copy.db"), db=db)
    assert result.returncode == 0, result.stderr
    copy = SqliteStore(tmp_path / "copy.db")
    assert copy.feedback_counts() == {"ehc-request-how": (1, 0)}
    assert (tmp_path / "copy.db").stat().st_mode & 0o077 == 0
    again = _run("backup", str(tmp_path / "copy.db"), db=db)
    assert again.returncode == 2 and b"exists already" in again.stderr
    store.close()


def test_invalid_utf8_on_stdin_answers_every_line(tmp_path: Path) -> None:
    result = _run("ask", "--json", db=tmp_path / "x.db", stdin=b"appeal\n\xff\xfe broken \xc3\n how to complain\n")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.decode().splitlines()) == 3
    chat = _run("chat", db=tmp_path / "x.db", stdin=b"/help\n\xff\xfe\n")
    assert chat.returncode == 0 and b"Goodbye" in chat.stdout


def test_inbox_keeps_each_update_once_and_wipes_it_when_handled(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "x.db")
    assert store.inbox_next_offset() == 0
    assert store.inbox_add(5, 42, '{"secret": 1}')
    assert not store.inbox_add(5, 42, '{"secret": 1}')  # Telegram sent it again: not twice
    assert store.inbox_pending() == [PendingUpdate(5, '{"secret": 1}')]
    store.inbox_replies(5, "[]")
    store.inbox_sent(5, 1)
    assert store.inbox_pending() == [PendingUpdate(5, '{"secret": 1}', "[]", 1)]
    store.inbox_handled(5)
    assert store.inbox_pending() == []
    assert not store.inbox_add(5, 42, '{"secret": 1}')  # and not after it was handled either
    assert store.inbox_next_offset() == 6
    assert store.rows_about(42) == 0
    store.close()


def test_retention_finds_inactive_chats(tmp_path: Path) -> None:
    now = datetime(2027, 6, 1, tzinfo=timezone.utc)
    clock_at = [now - timedelta(days=400)]
    store = SqliteStore(tmp_path / "x.db", clock=lambda: clock_at[0])
    from sendbot.store.state import ChatState

    store.save_chat(ChatState(1, "en"))
    clock_at[0] = now
    store.save_chat(ChatState(2, "en"))
    store.add_reminder(1, now + timedelta(days=3), "R", date(2027, 6, 10))
    assert store.inactive_chats(now - timedelta(days=365)) == [1]
    store.forget(1)
    assert store.rows_about(1) == 0 and store.rows_about(2) == 1
    store.close()


def test_a_database_locked_by_another_process_at_start_up_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    SqliteStore(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError, match="locked by another process"):
            SqliteStore(path)
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_database_first_made_by_the_case_file_is_private(tmp_path: Path) -> None:
    """`sendbot case` may create the database before the bot ever runs: still owner only."""
    import stat

    from sendbot.case.store import CaseStore

    db = tmp_path / "new" / "bot.db"
    CaseStore(db).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_a_database_file_deleted_under_both_connections_is_made_anew(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.db"
    store, cases = SqliteStore(path), CaseStore(path)
    store.save_chat(ChatState(1, area="derby"))
    cases.add_event(1, "S", EventKind.ASSESSMENT_REQUESTED, date(2026, 3, 3), date(2026, 3, 4))
    path.unlink()  # the database alone: its -wal and -shm are left behind, the old file's
    assert cases.case_names(1) == []  # the case file notices first and makes the new file
    store.save_chat(ChatState(2, area="derbyshire"))  # the store follows it, onto the same file
    cases.add_event(2, "T", EventKind.ASSESSMENT_REQUESTED, date(2026, 3, 3), date(2026, 3, 4))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    fresh = SqliteStore(path)  # what the next start will see: the new file, whole
    assert fresh.load_chat(1).area is None
    assert fresh.load_chat(2).area == "derbyshire"
    assert CaseStore(path).case_names(2) == ["T"]
    assert fresh.inbox_add(7, 2, "{}")  # the inbox is there too: the migrations ran
