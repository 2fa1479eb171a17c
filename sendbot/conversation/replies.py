"""What the core hands to a transport: texts, buttons and files, with no Telegram in sight.

Callback data is built and parsed in `sendbot.conversation.actions`; a `Button` refuses data
over Telegram's 64 bytes whatever built it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sendbot.conversation.actions import MAX_CALLBACK_BYTES

BUTTON_LABEL_CHARS = 60  # longer labels are cut on narrow phone screens anyway

Kind = Literal["message", "edit", "notice"]


@dataclass(frozen=True)
class Button:
    label: str
    data: str

    def __post_init__(self) -> None:
        if len(self.data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {self.data!r}")


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes
    mime_type: str = "text/calendar"


@dataclass(frozen=True)
class Reply:
    """One thing to show. ``edit`` replaces the message whose button was pressed; ``notice``
    is a short acknowledgement (a toast on Telegram) for a button press."""

    text: str
    title: str | None = None
    buttons: tuple[tuple[Button, ...], ...] = field(default=())
    document: Document | None = None
    kind: Kind = "message"


@dataclass(frozen=True)
class TextIn:
    """A typed message (commands included)."""

    text: str
    lang_hint: str | None = None


@dataclass(frozen=True)
class ButtonIn:
    """A button press, carrying the button's callback data."""

    data: str
    lang_hint: str | None = None


Incoming = TextIn | ButtonIn


def short_label(text: str) -> str:
    """A button label short enough to read on a phone, cut with an ellipsis."""
    return text if len(text) <= BUTTON_LABEL_CHARS else text[: BUTTON_LABEL_CHARS - 1] + "…"
