"""What the core hands to a transport: texts, buttons and files, with no Telegram in sight.

Callback data is built and parsed only here, so the 64-byte Telegram limit is enforced in
one place and a stale or forged button is recognised as such."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

MAX_CALLBACK_BYTES = 64  # Telegram's limit on callback_data
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


def action(verb: str, *args: str) -> str:
    """Callback data: a short verb and its arguments joined by ':' (ids never contain ':')."""
    return ":".join((verb, *args))


def parse_action(data: str) -> tuple[str, list[str]]:
    verb, *args = data.split(":")
    return verb, args


def short_label(text: str) -> str:
    """A button label short enough to read on a phone, cut with an ellipsis."""
    return text if len(text) <= BUTTON_LABEL_CHARS else text[: BUTTON_LABEL_CHARS - 1] + "…"
