"""A reminder as kept in the store: a message to send at a moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Reminder:
    """A message to send at ``due_at`` (timezone-aware, UTC). ``text`` is built from
    timeline labels and dates only, never from anything the parent typed."""

    id: int
    chat_id: int
    due_at: datetime
    text: str
