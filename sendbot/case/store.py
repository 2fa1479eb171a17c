"""The case tables, in the same SQLite file as the rest of the bot (``SENDBOT_DB``).

What is kept, and nothing more: per case a short nickname or initial chosen by the parent
(never a real name), the event ids with their dates, which letters were made and when (for
the chronology), and which missed-deadline notices were claimed and sent. Never a letter's
text, never the parent's or child's name, never anything pasted from a council letter.

Every row leads back to a chat id, so ``forget_cases`` (called from ``Store.forget``) can
delete all of it in the same transaction as the chat's other rows."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from sendbot._types import N_
from sendbot.case.events import EventKind
from sendbot.deadlines.reasons import Reason
from sendbot.store.files import LiveConnection, create_private, make_private, transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL,
    name TEXT NOT NULL COLLATE NOCASE,  -- a nickname or initial, never a real name
    created_on TEXT NOT NULL,
    UNIQUE (chat_id, name)
);
CREATE TABLE IF NOT EXISTS case_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    date TEXT NOT NULL  -- ISO date
);
CREATE TABLE IF NOT EXISTS case_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    letter TEXT NOT NULL,  -- the letter id only, never its text
    made_on TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS case_watch (
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    step TEXT NOT NULL,  -- "timeline/step"
    due TEXT NOT NULL,  -- the missed date, ISO
    claimed_at TEXT NOT NULL,  -- UTC
    sent_at TEXT,  -- UTC; NULL while claimed but not yet delivered
    PRIMARY KEY (case_id, step, due)
);
CREATE INDEX IF NOT EXISTS case_events_case ON case_events (case_id);
"""

CASE_TABLES = ("case_watch", "case_letters", "case_events")  # children of `cases`
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .'-]{0,19}$")
DEFAULT_CASE_NAME = N_("my child")  # shown in the chat's language (case.dialogue.Local.name)


class CaseError(ValueError):
    """Input that cannot be used (unknown case, bad nickname): one line for the parent;
    ``reason``, when given, is the same line in a form the chat translates."""

    def __init__(self, message: str | Reason) -> None:
        super().__init__(str(message))
        self.reason = message if isinstance(message, Reason) else None


@dataclass(frozen=True)
class CaseEvent:
    id: int
    kind: EventKind
    date: date


@dataclass(frozen=True)
class LetterMade:
    letter: str
    made_on: date


@dataclass(frozen=True)
class Case:
    id: int
    chat_id: int
    name: str
    events: tuple[CaseEvent, ...]  # by date, then by the order recorded
    letters: tuple[LetterMade, ...] = ()


def check_name(name: str) -> str:
    """A nickname or initial: up to 20 letters, digits, spaces, dots, hyphens, apostrophes."""
    cleaned = " ".join(name.split())
    if not NAME_PATTERN.match(cleaned):
        raise CaseError(f"'{name}' cannot be a case name: use a nickname or an initial of up to 20 letters or digits")
    return cleaned


def forget_cases(conn: sqlite3.Connection, chat_id: int) -> int:
    """Delete every case row of the chat, on a connection inside the caller's transaction
    (``Store.forget``). Safe when the case tables were never created. Returns rows deleted."""
    if not _has_tables(conn):
        return 0
    deleted = 0
    for table in CASE_TABLES:
        cur = conn.execute(f"DELETE FROM {table} WHERE case_id IN (SELECT id FROM cases WHERE chat_id = ?)", (chat_id,))
        deleted += cur.rowcount
    deleted += conn.execute("DELETE FROM cases WHERE chat_id = ?", (chat_id,)).rowcount
    return deleted


def case_rows_about(conn: sqlite3.Connection, chat_id: int) -> int:
    """How many case rows mention the chat (what /forget must bring to zero)."""
    if not _has_tables(conn):
        return 0
    total = int(conn.execute("SELECT COUNT(*) FROM cases WHERE chat_id = ?", (chat_id,)).fetchone()[0])
    for table in CASE_TABLES:
        total += int(
            conn.execute(
                f"SELECT COUNT(*) FROM {table} WHERE case_id IN (SELECT id FROM cases WHERE chat_id = ?)",
                (chat_id,),
            ).fetchone()[0]
        )
    return total


def _has_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cases'").fetchone() is not None


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("watch times must be timezone-aware")
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")


class CaseStore:
    """The case tables, on their own connection to the bot's database file: short
    transactions, safe to share between the bot's tasks like ``Store``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        # Reopened on a new file if the file is deleted while running; the bot's store logs it.
        self._live = LiveConnection(self.path, self._open, lambda: None)

    def _open(self) -> sqlite3.Connection:
        create_private(self.path)  # the same private file as the bot's store, whoever opens it first
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA secure_delete=ON")  # a deleted case leaves no bytes behind
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.executescript(SCHEMA)
        make_private(self.path)
        return conn

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._live.get()

    def close(self) -> None:
        self._live.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock, transaction(self._conn, "BEGIN IMMEDIATE") as conn:
            yield conn

    # --- cases -------------------------------------------------------------------------

    def case_names(self, chat_id: int) -> list[str]:
        with self._lock:
            rows = self._conn.execute("SELECT name FROM cases WHERE chat_id = ? ORDER BY id", (chat_id,)).fetchall()
        return [str(row[0]) for row in rows]

    def find(self, chat_id: int, name: str | None) -> Case:
        """The named case, or the chat's only case when no name is given."""
        with self._lock:
            if name is None:
                rows = self._conn.execute("SELECT id, name FROM cases WHERE chat_id = ? ORDER BY id", (chat_id,))
                found = rows.fetchall()
                if not found:
                    raise CaseError("there is no case yet: add an event first (sendbot case add EVENT DATE)")
                if len(found) > 1:
                    names = ", ".join(str(row[1]) for row in found)
                    raise CaseError(f"there are several cases ({names}): say which with --case NAME")
                case_id, case_name = found[0]
            else:
                row = self._conn.execute(
                    "SELECT id, name FROM cases WHERE chat_id = ? AND name = ?", (chat_id, " ".join(name.split()))
                ).fetchone()
                if row is None:
                    raise CaseError(f"there is no case called '{name}'")
                case_id, case_name = row
            return self._load(int(case_id), chat_id, str(case_name))

    def get(self, case_id: int) -> Case | None:
        with self._lock:
            row = self._conn.execute("SELECT chat_id, name FROM cases WHERE id = ?", (case_id,)).fetchone()
            return None if row is None else self._load(case_id, int(row[0]), str(row[1]))

    def all_cases(self) -> list[Case]:
        """Every case of every chat (for the daily watch)."""
        with self._lock:
            rows = self._conn.execute("SELECT id, chat_id, name FROM cases ORDER BY id").fetchall()
            return [self._load(int(cid), int(chat), str(name)) for cid, chat, name in rows]

    def _load(self, case_id: int, chat_id: int, name: str) -> Case:
        events = tuple(
            CaseEvent(int(eid), EventKind(kind), date.fromisoformat(day))
            for eid, kind, day in self._conn.execute(
                "SELECT id, event, date FROM case_events WHERE case_id = ? ORDER BY date, id", (case_id,)
            )
        )
        letters = tuple(
            LetterMade(str(letter), date.fromisoformat(made))
            for letter, made in self._conn.execute(
                "SELECT letter, made_on FROM case_letters WHERE case_id = ? ORDER BY made_on, id", (case_id,)
            )
        )
        return Case(case_id, chat_id, name, events, letters)

    def add_event(self, chat_id: int, name: str, kind: EventKind, day: date, today: date) -> Case:
        """Record an event, creating the case when it is new; one transaction."""
        name = check_name(name)
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO cases (chat_id, name, created_on) VALUES (?, ?, ?) ON CONFLICT (chat_id, name) DO NOTHING",
                (chat_id, name, today.isoformat()),
            )
            case_id = int(
                conn.execute("SELECT id FROM cases WHERE chat_id = ? AND name = ?", (chat_id, name)).fetchone()[0]
            )
            conn.execute(
                "INSERT INTO case_events (case_id, event, date) VALUES (?, ?, ?)",
                (case_id, kind.value, day.isoformat()),
            )
        return self.find(chat_id, name)

    def record_letter(self, case_id: int, letter: str, made_on: date) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO case_letters (case_id, letter, made_on) VALUES (?, ?, ?)",
                (case_id, letter, made_on.isoformat()),
            )

    def delete_case(self, chat_id: int, name: str | None) -> str:
        """Delete one case and every row under it; returns its name."""
        case = self.find(chat_id, name)
        with self._tx() as conn:
            for table in CASE_TABLES:
                conn.execute(f"DELETE FROM {table} WHERE case_id = ?", (case.id,))
            conn.execute("DELETE FROM cases WHERE id = ?", (case.id,))
        return case.name

    def forget(self, chat_id: int) -> int:
        with self._tx() as conn:
            return forget_cases(conn, chat_id)

    def rows_about(self, chat_id: int) -> int:
        with self._lock:
            return case_rows_about(self._conn, chat_id)

    # --- the missed-deadline watch -----------------------------------------------------

    def claim(self, case_id: int, step: str, due: date, now: datetime, lease_seconds: float) -> bool:
        """Claim the notice for a missed date. True when this caller now owns it: never
        claimed before, or claimed longer than the lease ago and never marked sent (the
        claimer died before sending). A notice marked sent is never claimed again."""
        stamp = _utc(now)
        with self._tx() as conn:
            row = conn.execute(
                "SELECT claimed_at, sent_at FROM case_watch WHERE case_id = ? AND step = ? AND due = ?",
                (case_id, step, due.isoformat()),
            ).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO case_watch (case_id, step, due, claimed_at) VALUES (?, ?, ?, ?)",
                    (case_id, step, due.isoformat(), stamp),
                )
                return True
            claimed_at, sent_at = row
            if sent_at is not None:
                return False
            age = now.astimezone(timezone.utc).replace(tzinfo=None) - datetime.fromisoformat(claimed_at)
            if age.total_seconds() < lease_seconds:
                return False
            conn.execute(
                "UPDATE case_watch SET claimed_at = ? WHERE case_id = ? AND step = ? AND due = ?",
                (stamp, case_id, step, due.isoformat()),
            )
            return True

    def mark_sent(self, case_id: int, step: str, due: date, now: datetime) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE case_watch SET sent_at = ? WHERE case_id = ? AND step = ? AND due = ?",
                (_utc(now), case_id, step, due.isoformat()),
            )

    def watch_rows(self, case_id: int | None = None) -> list[tuple[int, str, str, str | None]]:
        """(case id, step, due, sent_at) of every claimed notice (of one case), for export."""
        where, args = ("WHERE case_id = ?", (case_id,)) if case_id is not None else ("", ())
        with self._lock:
            rows = self._conn.execute(
                f"SELECT case_id, step, due, sent_at FROM case_watch {where} ORDER BY case_id, step", args
            )
            return [(int(a), str(b), str(c), None if d is None else str(d)) for a, b, c, d in rows]
