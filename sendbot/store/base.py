"""The `Store` interface: everything the conversation keeps between messages goes through
these methods, so another database (or an in-memory one in tests) can stand in for SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sendbot.reminders.model import Reminder
from sendbot.store.state import ChatState


class Store(Protocol):
    def load_chat(self, chat_id: int) -> ChatState: ...

    def save_chat(self, state: ChatState) -> None: ...

    def forget(self, chat_id: int) -> None:
        """Delete every row about the chat, in every table."""
        ...

    def rows_about(self, chat_id: int) -> int: ...

    def record_feedback(self, chat_id: int, entry_id: str, helpful: bool) -> None: ...

    def feedback_counts(self) -> dict[str, tuple[int, int]]: ...

    def add_reminder(self, chat_id: int, due_at: datetime, text: str, event_day: date | None = None) -> int: ...

    def claim_reminder(self, reminder_id: int) -> bool: ...

    def release_reminder(self, reminder_id: int) -> None: ...

    def pending_reminders(self, chat_id: int | None = None) -> list[Reminder]: ...

    def due_reminders(self, now: datetime, chat_id: int | None = None) -> list[Reminder]: ...

    def cancel_reminders(self, chat_id: int, reminder_id: int | None = None) -> int: ...

    def inactive_chats(self, before: datetime) -> list[int]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class PendingUpdate:
    """An update kept but not handled: its JSON, the replies already worked out (None: not
    yet) and how many of them were sent."""

    update_id: int
    body: str
    replies: str | None = None
    sent: int = 0


class Inbox(Protocol):
    """Updates kept from their arrival until they are answered (see SqliteStore)."""

    def inbox_add(self, update_id: int, chat_id: int | None, body: str) -> bool: ...

    def inbox_add_all(self, updates: list[tuple[int, int | None, str]]) -> set[int]: ...

    def inbox_pending(self) -> list[PendingUpdate]: ...

    def inbox_replies(self, update_id: int, replies: str) -> None: ...

    def inbox_sent(self, update_id: int, count: int) -> None: ...

    def inbox_next_offset(self) -> int: ...

    def inbox_handled(self, update_id: int) -> None: ...

    def inbox_handled_all(self, update_ids: Sequence[int]) -> None: ...

    def inbox_prune(self) -> int: ...
