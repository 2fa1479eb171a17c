"""The SQLite store: WAL mode, where it lives, chat state, feedback, reminders and /forget."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sendbot.config import Settings, default_db_path
from sendbot.store.base import Store
from sendbot.store.sqlite import CHAT_TABLES, SqliteStore
from sendbot.store.state import CalcFlow, ChatState

CHAT = 11
OTHER = 22

FLOW = CalcFlow("annual-review", {"last_reviewed": "2025-04-15", "under_5": False}, "meeting", ["2026-03-04"])


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)  # type: ignore[misc]


def test_wal_mode_is_on(store: Store) -> None:
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_creates_missing_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "sendbot.db"
    store = SqliteStore(path)
    store.close()
    assert path.exists()


def test_sendbot_db_sets_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "chosen" / "bot.sqlite"
    assert Settings.from_env({"SENDBOT_DB": str(path)}).db_path == path
    monkeypatch.setenv("SENDBOT_DB", str(path))
    settings = Settings.from_env()
    assert settings.db_path == path
    store = SqliteStore(settings.db_path)
    store.save_chat(ChatState(CHAT, "en", "derby"))
    store.close()
    assert path.exists()


def test_default_path_is_per_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("SENDBOT_DB", raising=False)
    expected = tmp_path / "data" / "sendbot" / "sendbot.db"
    assert default_db_path() == expected
    assert Settings.from_env({}).db_path == expected
    assert Settings.from_env({"SENDBOT_DB": ""}).db_path == expected


def test_chat_state_round_trip(tmp_path: Path, store: Store) -> None:
    assert store.load_chat(CHAT) == ChatState(CHAT)
    store.save_chat(
        ChatState(
            CHAT,
            "en",
            "derby",
            FLOW,
        )
    )
    store.save_chat(ChatState(OTHER, "pl", None))
    reopened = SqliteStore(tmp_path / "db.sqlite")
    try:
        assert reopened.load_chat(CHAT) == ChatState(
            CHAT,
            "en",
            "derby",
            FLOW,
        )
        assert reopened.load_chat(OTHER) == ChatState(OTHER, "pl", None, None)
    finally:
        reopened.close()
    store.save_chat(ChatState(CHAT, "en", "derbyshire"))  # an update, not a second row
    assert store.load_chat(CHAT) == ChatState(CHAT, "en", "derbyshire", None)
    assert store.rows_about(CHAT) == 1


def test_feedback_counts(store: Store) -> None:
    store.record_feedback(CHAT, "ehc-request-how", True)
    store.record_feedback(OTHER, "ehc-request-how", False)
    store.record_feedback(OTHER, "ehc-refused-assessment", True)
    assert store.feedback_counts() == {"ehc-request-how": (1, 1), "ehc-refused-assessment": (1, 0)}
    store.record_feedback(CHAT, "ehc-request-how", False)
    assert store.feedback_counts()["ehc-request-how"] == (0, 2)


def test_reminders_add_pending_due_and_cancel(store: Store) -> None:
    late = store.add_reminder(CHAT, utc(2027, 3, 1, 9), "Tribunal deadline")
    early = store.add_reminder(CHAT, utc(2027, 1, 5, 9), "Annual review due")
    other = store.add_reminder(OTHER, utc(2027, 2, 1, 9), "Other chat")
    assert len({late, early, other}) == 3

    pending = store.pending_reminders(CHAT)
    assert [(r.id, r.text) for r in pending] == [(early, "Annual review due"), (late, "Tribunal deadline")]
    assert pending[0].due_at == utc(2027, 1, 5, 9)
    assert pending[0].chat_id == CHAT
    assert [r.id for r in store.pending_reminders()] == [early, other, late]

    assert [r.id for r in store.due_reminders(utc(2027, 2, 1, 9))] == [early, other]
    assert [r.id for r in store.due_reminders(utc(2027, 2, 1, 9), chat_id=CHAT)] == [early]
    assert store.cancel_reminders(CHAT, early) == 1  # what delivery does once it is sent
    assert [r.id for r in store.due_reminders(utc(2027, 2, 1, 9))] == [other]
    assert [r.id for r in store.pending_reminders(CHAT)] == [late]

    assert store.cancel_reminders(CHAT, other) == 0  # another chat's reminder is not ours to cancel
    assert store.cancel_reminders(CHAT, late) == 1
    assert store.pending_reminders(CHAT) == []
    assert store.cancel_reminders(OTHER) == 1
    assert store.pending_reminders() == []


def test_reminder_times_are_kept_in_utc_and_compared_as_times(store: Store) -> None:
    london = ZoneInfo("Europe/London")
    summer = store.add_reminder(CHAT, datetime(2027, 7, 1, 9, 0, tzinfo=london), "summer")  # 08:00 UTC
    [reminder] = store.pending_reminders(CHAT)
    assert reminder.id == summer and reminder.due_at == utc(2027, 7, 1, 8)
    assert store.due_reminders(datetime(2027, 7, 1, 8, 59, tzinfo=london)) == []
    assert store.due_reminders(utc(2027, 7, 1, 8)) == [reminder]
    with pytest.raises(ValueError, match="timezone-aware"):
        store.add_reminder(CHAT, datetime(2027, 1, 1, 9, 0), "naive")


def test_old_database_with_a_sent_column_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE reminders (id INTEGER PRIMARY KEY AUTOINCREMENT, chat_id INTEGER NOT NULL, "
            "due_at TEXT NOT NULL, text TEXT NOT NULL, sent INTEGER NOT NULL DEFAULT 0);"
            "CREATE INDEX reminders_due ON reminders (sent, due_at);"
            "INSERT INTO reminders (chat_id, due_at, text, sent) VALUES (1, '2027-01-01T09:00:00', 'sent', 1);"
            "INSERT INTO reminders (chat_id, due_at, text, sent) VALUES (1, '2027-01-02T09:00:00', 'waiting', 0);"
        )
    conn.close()
    store = SqliteStore(path)
    try:
        assert [r.text for r in store.pending_reminders()] == ["waiting"]
        columns = {row[1] for row in store._conn.execute("PRAGMA table_info(reminders)")}
        assert "sent" not in columns
    finally:
        store.close()


def test_forget_removes_everything_about_the_chat(store: Store) -> None:
    for chat in (CHAT, OTHER):
        store.save_chat(ChatState(chat, "en", "derby", CalcFlow("annual-review")))
        store.record_feedback(chat, "ehc-request-how", True)
        store.add_reminder(chat, utc(2027, 1, 5, 9), "Annual review due")
    assert store.rows_about(CHAT) == 3

    store.forget(CHAT)

    assert store.rows_about(CHAT) == 0
    assert store.load_chat(CHAT) == ChatState(CHAT)
    assert store.pending_reminders(CHAT) == []
    assert store.feedback_counts() == {"ehc-request-how": (1, 0)}
    assert store.rows_about(OTHER) == 3
    with sqlite3.connect(store.path) as conn:
        for table in CHAT_TABLES:
            assert conn.execute(f"SELECT COUNT(*) FROM {table} WHERE chat_id = ?", (CHAT,)).fetchone()[0] == 0


def test_every_table_is_covered_by_forget(store: Store) -> None:
    with sqlite3.connect(store.path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table in tables - {"sqlite_sequence"}:
            columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            assert "chat_id" in columns, table
    assert tables - {"sqlite_sequence"} == set(CHAT_TABLES)


def test_failed_transaction_rolls_back(store: Store) -> None:
    with pytest.raises(RuntimeError), store._tx() as conn:
        conn.execute("INSERT INTO feedback (chat_id, entry_id, helpful) VALUES (1, 'x', 1)")
        raise RuntimeError("boom")
    assert store.feedback_counts() == {}
    store.record_feedback(CHAT, "ehc-request-how", True)  # the store still works
    assert store.rows_about(CHAT) == 1


def test_store_is_safe_across_threads(store: Store) -> None:
    def work(chat: int) -> None:
        for i in range(20):
            store.save_chat(ChatState(chat, "en", "derby", CalcFlow(f"t{i}")))
            store.record_feedback(chat, f"entry-{i % 3}", bool(i % 2))

    threads = [threading.Thread(target=work, args=(chat,)) for chat in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(store.load_chat(chat).calc == CalcFlow("t19") for chat in range(8))
    assert sum(yes + no for yes, no in store.feedback_counts().values()) == 8 * 3


def test_chat_rows_carry_an_aware_utc_time(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    moment = datetime(2026, 7, 1, 0, 30, tzinfo=timezone.utc)
    store = SqliteStore(tmp_path / "s.db", clock=lambda: moment)
    store.save_chat(ChatState(CHAT, "en", "derby"))
    [(updated,)] = store._conn.execute("SELECT updated_at FROM chats").fetchall()
    assert updated == "2026-07-01T00:30:00+00:00"
    store.close()


def test_the_calculator_flow_round_trips_and_reads_earlier_rows(store: Store) -> None:
    flow = CalcFlow("tribunal-appeal", {"decision_letter": "2026-03-03", "certificate": None}, "certificate")
    assert CalcFlow.from_json(flow.to_json()) == flow
    # the JSON earlier versions wrote to the flow column
    old = '{"calc": {"timeline": "annual-review", "answers": {"last_reviewed": "2026-03-04"}, "asking": "meeting"}}'
    assert ChatState.flow_from_json(old) == CalcFlow("annual-review", {"last_reviewed": "2026-03-04"}, "meeting")
    assert ChatState.flow_from_json('{"forgotten": true}') is None
    assert ChatState.flow_from_json("not json") is None


def test_chat_state_and_reminders_round_trip_through_json() -> None:
    import json
    from datetime import datetime, timezone

    from sendbot.reminders.model import Reminder

    state = ChatState(CHAT, "en", "derby", FLOW, forgotten=True)
    again = ChatState.from_json(json.loads(json.dumps(state.to_json())))
    assert again == ChatState(CHAT, "en", "derby", FLOW)  # forgotten is never kept
    reminder = Reminder(3, CHAT, datetime(2026, 3, 7, 9, 0, tzinfo=timezone.utc), "⏰ Reminder")
    assert Reminder.from_json(json.loads(json.dumps(reminder.to_json()))) == reminder
    with pytest.raises(ValueError):
        Reminder.from_json({"id": 1, "chat_id": 2, "due_at": "2026-03-07T09:00:00", "text": "x"})
