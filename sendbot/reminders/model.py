"""A reminder as kept in the store: a message to send at a moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sendbot._types import JSONValue
from sendbot.clock import utc_text


@dataclass(frozen=True)
class Reminder:
    """A message to send at ``due_at`` (timezone-aware, UTC). ``text`` is built from
    timeline labels and dates only, never from anything the parent typed. ``event_day`` is
    the date it reminds of (None for reminders set before it was kept); ``claimed`` means a
    send was started and may have reached the parent (a crash or a time-out came after)."""

    id: int
    chat_id: int
    due_at: datetime
    text: str
    event_day: date | None = None
    claimed: bool = False

    def to_json(self) -> dict[str, JSONValue]:
        return {"id": self.id, "chat_id": self.chat_id, "due_at": utc_text(self.due_at), "text": self.text}

    @classmethod
    def from_json(cls, data: JSONValue) -> Reminder:
        if not isinstance(data, dict):
            raise ValueError(f"not a reminder: {data!r}")
        rid, chat_id, due_at, text = data.get("id"), data.get("chat_id"), data.get("due_at"), data.get("text")
        if not (
            isinstance(rid, int) and isinstance(chat_id, int) and isinstance(due_at, str) and isinstance(text, str)
        ):
            raise ValueError(f"not a reminder: {data!r}")
        moment = datetime.fromisoformat(due_at)
        if moment.tzinfo is None:
            raise ValueError(f"a reminder's time must carry its offset: {due_at!r}")
        return cls(rid, chat_id, moment, text)
