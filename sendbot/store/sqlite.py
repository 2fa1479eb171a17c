"""The one SQLite database: chat settings, helpfulness votes and reminders.

We keep the least we can about families of disabled children: no message text at all,
only the settings a chat chose, which answers were voted helpful, and reminders the parent
asked for. Every row carries its chat id so `/forget` can delete all of it."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sendbot.case.store import case_rows_about, forget_cases
from sendbot.clock import Clock, utc_now, utc_text
from sendbot.reminders.model import Reminder
from sendbot.store.state import ChatState

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

CHAT_TABLES = ("chats", "feedback", "reminders")


def _utc_text(moment: datetime) -> str:
    """The stored form of a time; naive datetimes are refused so no local time slips in."""
    if moment.tzinfo is None:
        raise ValueError("reminder times must be timezone-aware")
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")


class SqliteStore:
    """The `Store` on one SQLite file: short transactions, safe to share between PTB's tasks."""

    def __init__(self, path: Path | str, clock: Clock = utc_now) -> None:
        self.path = Path(path)
        self.clock = clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(SCHEMA)
        columns = {row[1] for row in self._conn.execute("PRAGMA table_info(reminders)")}
        if "sent" in columns:
            self._conn.executescript(f"BEGIN; {DROP_SENT_COLUMN} COMMIT;")
        self._conn.executescript(INDEXES)

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

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
        """Delete every row about the chat, in every table."""
        with self._tx() as conn:
            for table in CHAT_TABLES:
                conn.execute(f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,))
            forget_cases(conn, chat_id)  # the case tables (sendbot/case/store.py), same transaction

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

    def add_reminder(self, chat_id: int, due_at: datetime, text: str) -> int:
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO reminders (chat_id, due_at, text) VALUES (?, ?, ?)",
                (chat_id, _utc_text(due_at), text),
            )
            return int(cur.lastrowid or 0)

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
                f"SELECT id, chat_id, due_at, text FROM reminders{where} ORDER BY due_at, id", args
            ).fetchall()
        return [
            Reminder(rid, cid, datetime.fromisoformat(due).replace(tzinfo=timezone.utc), text)
            for rid, cid, due, text in rows
        ]

    def cancel_reminders(self, chat_id: int, reminder_id: int | None = None) -> int:
        """Delete one reminder of the chat, or all of them: when the parent cancels, and
        once a reminder has been delivered (we keep nothing we no longer need)."""
        with self._tx() as conn:
            if reminder_id is None:
                cur = conn.execute("DELETE FROM reminders WHERE chat_id = ?", (chat_id,))
            else:
                cur = conn.execute("DELETE FROM reminders WHERE chat_id = ? AND id = ?", (chat_id, reminder_id))
            return cur.rowcount
