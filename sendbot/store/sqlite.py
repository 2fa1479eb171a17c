"""The one SQLite database: chat settings, helpfulness votes, reminders and the inbox.

We keep the least we can about families of disabled children: only the settings a chat
chose, which answers were voted helpful, and reminders the parent asked for. A message is
kept in the inbox only until it has been answered (so a crash loses none), then its text
and chat id are wiped. Every row carries its chat id so `/forget` can delete all of it.

The file is private to its owner (600, folder 700), deleted data is overwritten
(`secure_delete`), and the schema is versioned with `PRAGMA user_version` (see `migrate`)."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sendbot.case.store import case_rows_about, forget_cases
from sendbot.clock import Clock, utc_now, utc_text
from sendbot.reminders.model import Reminder
from sendbot.store.base import PendingUpdate
from sendbot.store.errors import open_error
from sendbot.store.files import LiveConnection, create_private, make_private, transaction
from sendbot.store.state import ChatState

log = logging.getLogger(__name__)

SCHEMA = """
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
    due_at TEXT NOT NULL,  -- UTC, 'YYYY-MM-DDTHH:MM:SS', so text order is time order
    text TEXT NOT NULL
);
"""
# Before reminders were deleted on delivery they were flagged with a `sent` column.
DROP_SENT_COLUMN = """
DELETE FROM reminders WHERE sent = 1;
DROP INDEX IF EXISTS reminders_due;
ALTER TABLE reminders DROP COLUMN sent;
"""
INDEXES = "CREATE INDEX IF NOT EXISTS reminders_due_at ON reminders (due_at);"
# Version 2: reminders are claimed before they are sent (exactly once, even across a crash)
# and remember the date they are about; the inbox keeps each update until it is answered.
V2 = """
ALTER TABLE reminders ADD COLUMN claimed_at TEXT;
ALTER TABLE reminders ADD COLUMN event_day TEXT;
CREATE TABLE IF NOT EXISTS inbox (
    update_id INTEGER PRIMARY KEY,
    chat_id INTEGER,          -- wiped once handled
    body TEXT,                -- the update's JSON, wiped once handled
    replies TEXT,             -- the replies worked out, until all are sent (then wiped)
    sent INTEGER NOT NULL DEFAULT 0,  -- how many of them were sent
    received_at TEXT NOT NULL,
    handled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (handled, update_id);
"""
SCHEMA_VERSION = 2

CHAT_TABLES = ("chats", "feedback", "reminders", "inbox")  # inbox: updates not yet answered
SQLITE_MAX_INT = 2**63 - 1  # SQLite's INTEGER range; larger Python ints raise OverflowError
SQLITE_MIN_INT = -(2**63)
BUSY_TIMEOUT_SECONDS = 30.0  # wait this long for another process's write lock before failing
STARTUP_BUSY_SECONDS = 3.0  # at start-up, say "locked by another process" rather than hang
HANDLED_KEPT = timedelta(days=2)  # Telegram re-sends unconfirmed updates for 24 hours


def _utc_text(moment: datetime) -> str:
    """The stored form of a time; naive datetimes are refused so no local time slips in."""
    if moment.tzinfo is None:
        raise ValueError("reminder times must be timezone-aware")
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")


class SqliteStore:
    """The `Store` on one SQLite file: short transactions, safe to share between PTB's tasks."""

    def __init__(self, path: Path | str, clock: Clock = utc_now) -> None:
        """Open (or create) the database, private to its owner, and bring its schema up to
        date. Raises StorageError, one line with the fix, when it cannot be used."""
        self.path = Path(path)
        self.clock = clock
        self._lock = threading.Lock()
        self._forgotten = False  # a /forget since the last WAL checkpoint
        self._live = LiveConnection(self.path, self._open_or_explain, self._made_anew)

    @property
    def _conn(self) -> sqlite3.Connection:
        """The connection, on a new database file if the file was deleted while running."""
        return self._live.get()

    def check_file(self) -> None:
        """Make a new database if the file was deleted while running (see LiveConnection)."""
        with self._lock:
            self._live.get()

    def _open_or_explain(self) -> sqlite3.Connection:
        try:
            return self._open()
        except (sqlite3.Error, OSError) as error:
            raise open_error(self.path, error) from None

    def _made_anew(self) -> None:
        log.error(
            "the database %s was deleted or replaced while running: carrying on with a new one there; "
            "what only the old one held (chats' settings, reminders, cases) is lost",
            self.path,
        )

    def _open(self) -> sqlite3.Connection:
        create_private(self.path)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=STARTUP_BUSY_SECONDS)
        try:
            conn.execute("PRAGMA secure_delete=ON")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # durable commits ask for FULL (see _tx)
            conn.execute("PRAGMA foreign_keys=ON")
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"database disk image is malformed ({check})")
            migrate(conn)
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        except BaseException:
            conn.close()
            raise
        make_private(self.path)
        return conn

    def close(self) -> None:
        self._live.close()

    @contextmanager
    def _tx(self, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """One transaction. Commits are safe from the process dying (kill -9) either way;
        ``durable`` ones also reach the disk before returning, surviving a power cut, which
        costs a flush (about 1 ms against 0.03): for what must never be lost, an update
        Telegram is about to forget and an erasure. A durable commit flushes every commit
        before it too (the WAL is one file, written in order)."""
        with self._lock:
            if durable:
                self._conn.execute("PRAGMA synchronous=FULL")
            try:
                with transaction(self._conn) as conn:
                    yield conn
            finally:
                if durable:
                    self._conn.execute("PRAGMA synchronous=NORMAL")

    # --- chat state ----------------------------------------------------------------------

    def load_chat(self, chat_id: int) -> ChatState:
        with self._lock:
            row = self._conn.execute("SELECT lang, area, flow FROM chats WHERE chat_id = ?", (chat_id,)).fetchone()
        if row is None:
            return ChatState(chat_id)
        lang, area, flow = row
        return ChatState(chat_id, lang, area, ChatState.flow_from_json(flow), case=ChatState.case_flow_from_json(flow))

    def save_chat(self, state: ChatState) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO chats (chat_id, lang, area, flow, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(chat_id) DO UPDATE SET lang=excluded.lang, area=excluded.area, "
                "flow=excluded.flow, updated_at=excluded.updated_at",
                (
                    state.chat_id,
                    state.lang,
                    state.area,
                    state.flow_json(),
                    utc_text(self.clock()),
                ),
            )

    def forget(self, chat_id: int) -> None:
        """Delete every row about the chat, in every table, and its handled updates; the WAL
        is emptied once the update asking for it is handled too (`inbox_handled`)."""
        with self._tx(durable=True) as conn:
            for table in CHAT_TABLES:
                conn.execute(f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,))
            forget_cases(conn, chat_id)  # the case tables (sendbot/case/store.py), same transaction
        self._forgotten = True
        self.checkpoint()

    def checkpoint(self) -> None:
        """Copy the WAL into the database and empty it, so deleted data (overwritten there by
        secure_delete) leaves no copy behind in the -wal file."""
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def inactive_chats(self, before: datetime) -> list[int]:
        """Chats not heard from since ``before``: what the retention purge erases."""
        with self._lock:
            rows = self._conn.execute("SELECT chat_id FROM chats WHERE updated_at < ?", (utc_text(before),)).fetchall()
        return [int(chat_id) for (chat_id,) in rows]

    def rows_about(self, chat_id: int) -> int:
        """How many rows mention the chat: what /forget must bring to zero."""
        with self._lock:
            return case_rows_about(self._conn, chat_id) + sum(
                int(self._conn.execute(f"SELECT COUNT(*) FROM {t} WHERE chat_id = ?", (chat_id,)).fetchone()[0])
                for t in CHAT_TABLES
            )

    # --- feedback ------------------------------------------------------------------------

    def record_feedback(self, chat_id: int, entry_id: str, helpful: bool) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO feedback (chat_id, entry_id, helpful) VALUES (?, ?, ?) "
                "ON CONFLICT(chat_id, entry_id) DO UPDATE SET helpful=excluded.helpful",
                (chat_id, entry_id, int(helpful)),
            )

    def feedback_counts(self) -> dict[str, tuple[int, int]]:
        """Per entry: (helpful, not helpful) votes."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT entry_id, SUM(helpful), SUM(1 - helpful) FROM feedback GROUP BY entry_id"
            ).fetchall()
        return {entry_id: (int(yes), int(no)) for entry_id, yes, no in rows}

    # --- reminders -----------------------------------------------------------------------

    def add_reminder(self, chat_id: int, due_at: datetime, text: str, event_day: date | None = None) -> int:
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO reminders (chat_id, due_at, text, event_day) VALUES (?, ?, ?, ?)",
                (chat_id, _utc_text(due_at), text, event_day.isoformat() if event_day else None),
            )
            return int(cur.lastrowid or 0)

    def claim_reminder(self, reminder_id: int) -> bool:
        """Mark a reminder as being sent; False if it is gone (cancelled, already sent) or
        another sender claimed it first. A claim left by a crash is seen as `claimed`."""
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE reminders SET claimed_at = ? WHERE id = ? AND claimed_at IS NULL",
                (utc_text(self.clock()), reminder_id),
            )
            return cur.rowcount == 1

    def release_reminder(self, reminder_id: int) -> None:
        """Undo a claim: the send certainly did not happen (Telegram refused it for flood control)."""
        with self._tx() as conn:
            conn.execute("UPDATE reminders SET claimed_at = NULL WHERE id = ?", (reminder_id,))

    def pending_reminders(self, chat_id: int | None = None) -> list[Reminder]:
        """Reminders not yet delivered (delivered ones are deleted), soonest first."""
        return self._reminders("", chat_id)

    def due_reminders(self, now: datetime, chat_id: int | None = None) -> list[Reminder]:
        """Reminders whose time has come by ``now`` (timezone-aware), soonest first."""
        return self._reminders("due_at <= ?", chat_id, _utc_text(now))

    def _reminders(self, condition: str, chat_id: int | None, *args: Any) -> list[Reminder]:
        conditions = [condition] if condition else []
        if chat_id is not None:
            conditions.append("chat_id = ?")
            args = (*args, chat_id)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT id, chat_id, due_at, text, event_day, claimed_at FROM reminders{where} ORDER BY due_at, id",
                args,
            ).fetchall()
        return [
            Reminder(
                rid,
                cid,
                datetime.fromisoformat(due).replace(tzinfo=timezone.utc),
                text,
                date.fromisoformat(day) if day else None,
                claimed is not None,
            )
            for rid, cid, due, text, day, claimed in rows
        ]

    def cancel_reminders(self, chat_id: int, reminder_id: int | None = None) -> int:
        """Delete one reminder of the chat, or all of them: when the parent cancels, and
        once a reminder has been delivered (we keep nothing we no longer need)."""
        if reminder_id is not None and not SQLITE_MIN_INT <= reminder_id <= SQLITE_MAX_INT:
            return 0  # a forged button: no such row can exist
        with self._tx() as conn:
            if reminder_id is None:
                cur = conn.execute("DELETE FROM reminders WHERE chat_id = ?", (chat_id,))
            else:
                cur = conn.execute("DELETE FROM reminders WHERE chat_id = ? AND id = ?", (chat_id, reminder_id))
            return cur.rowcount

    # --- inbox: every update kept until it is answered ----------------------------------

    def inbox_add(self, update_id: int, chat_id: int | None, body: str) -> bool:
        """Keep an update before Telegram is told it arrived; False if it was kept already
        (Telegram sent it again), so it is not handled twice."""
        return update_id in self.inbox_add_all([(update_id, chat_id, body)])

    def inbox_add_all(self, updates: list[tuple[int, int | None, str]]) -> set[int]:
        """Keep a batch of updates, (update_id, chat_id, body) each, in one transaction and one
        flush (a getUpdates answer, before the next offset confirms it); the ids new to the inbox."""
        received = utc_text(self.clock())
        new: set[int] = set()
        with self._tx(durable=True) as conn:
            for update_id, chat_id, body in updates:
                cur = conn.execute(
                    "INSERT OR IGNORE INTO inbox (update_id, chat_id, body, received_at) VALUES (?, ?, ?, ?)",
                    (update_id, chat_id, body, received),
                )
                if cur.rowcount == 1:
                    new.add(update_id)
        return new

    def inbox_pending(self) -> list[PendingUpdate]:
        """Updates kept but not yet handled (a crash or a restart came first), oldest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT update_id, body, replies, sent FROM inbox WHERE handled = 0 ORDER BY update_id"
            ).fetchall()
        return [PendingUpdate(int(uid), str(body), replies, int(sent)) for uid, body, replies, sent in rows]

    def inbox_replies(self, update_id: int, replies: str) -> None:
        """The replies worked out for an update, kept until sent (see channels/outbox.py)."""
        with self._tx() as conn:
            conn.execute("UPDATE inbox SET replies = ? WHERE update_id = ?", (replies, update_id))

    def inbox_sent(self, update_id: int, count: int) -> None:
        """The first ``count`` replies have been sent."""
        with self._tx() as conn:
            conn.execute("UPDATE inbox SET sent = ? WHERE update_id = ?", (count, update_id))

    def inbox_next_offset(self) -> int:
        """The first update id not yet seen (0: none seen)."""
        with self._lock:
            (last,) = self._conn.execute("SELECT MAX(update_id) FROM inbox").fetchone()
        return int(last) + 1 if last is not None else 0

    def inbox_handled(self, update_id: int) -> None:
        """The update has been answered: wipe its text and chat id, keep only its id (so a
        second delivery is recognised). After a /forget, the WAL is emptied too."""
        self.inbox_handled_all([update_id])

    def inbox_handled_all(self, update_ids: Sequence[int]) -> None:
        """`inbox_handled` for several updates, in one transaction."""
        with self._tx() as conn:
            conn.executemany(
                "UPDATE inbox SET handled = 1, body = NULL, chat_id = NULL, replies = NULL WHERE update_id = ?",
                [(update_id,) for update_id in update_ids],
            )
        if self._forgotten:
            self._forgotten = False
            self.checkpoint()

    def inbox_prune(self) -> int:
        """Forget the ids of updates handled long enough ago that Telegram cannot send them again."""
        with self._tx() as conn:
            cur = conn.execute(
                "DELETE FROM inbox WHERE handled = 1 AND received_at < ?", (utc_text(self.clock() - HANDLED_KEPT),)
            )
            return cur.rowcount

    def backup(self, target: Path) -> None:
        """A consistent copy of the live database (SQLite's online backup API), private to its owner."""
        if target.exists():
            raise FileExistsError(f"{target} exists already; choose a new file name")
        create_private(target)
        copy = sqlite3.connect(target)
        try:
            with self._lock:
                self._conn.backup(copy)
        finally:
            copy.close()


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema to SCHEMA_VERSION, one version at a time, each in one transaction.
    Version 0 is every database made before versions were recorded (the same tables as 1)."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(
            f"made by a newer SENDbot (schema version {version}, this one reads {SCHEMA_VERSION})"
        )
    if version < 1:
        conn.executescript(SCHEMA)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(reminders)")}
        if "sent" in columns:
            conn.executescript(f"BEGIN; {DROP_SENT_COLUMN} COMMIT;")
        conn.executescript(f"{INDEXES} PRAGMA user_version = 1;")
    if version < 2:
        conn.executescript(f"BEGIN; {V2} PRAGMA user_version = 2; COMMIT;")
