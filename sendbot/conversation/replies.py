"""What the core hands to a transport: texts, buttons and files, with no Telegram in sight.

Callback data is built and parsed in `sendbot.conversation.actions`; a `Button` refuses data
over Telegram's 64 bytes whatever built it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
class Link:
    """A named link: ``<a href>`` on Telegram, ``label (url)`` in plain text. No url: just the
    name (a citation with no page)."""

    label: str
    url: str | None = None

    def plain(self) -> str:
        return f"{self.label} ({self.url})" if self.url else self.label


@dataclass(frozen=True)
class Card:
    """A contact as a compact card: the name (bold on Telegram), what they do, a number to tap
    (Telegram makes a phone number tappable), links and opening hours."""

    name: str
    what: str
    phone: str | None = None
    links: tuple[Link, ...] = ()
    hours: str | None = None


@dataclass(frozen=True)
class Foot:
    """A smaller block at the foot of a message: a heading and its links (the sources)."""

    heading: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Reply:
    """One thing to show. ``edit`` replaces the message whose button was pressed; ``notice``
    is a short acknowledgement (a toast on Telegram) for a button press. ``cards`` follow the
    text, and ``foot`` (the sources) comes last, smaller."""

    text: str
    title: str | None = None
    buttons: tuple[tuple[Button, ...], ...] = field(default=())
    document: Document | None = None
    kind: Kind = "message"
    cards: tuple[Card, ...] = field(default=())
    foot: Foot | None = None
    step: bool = False  # a step of a flow (a question, its result): the next step retires its keyboard


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


def card_lines(card: Card) -> list[str]:
    """A card as plain lines (the terminal and `sendbot ask`)."""
    lines = [f"{card.name}: {card.what}"]
    if card.phone:
        lines.append(f"📞 {card.phone}")
    lines.extend(f"🔗 {link.plain()}" for link in card.links)
    if card.hours:
        lines.append(f"🕘 {card.hours}")
    return lines


def plain_text(reply: Reply) -> str:
    """The whole reply as plain text: its text, its cards, then its foot with every link as
    ``name (url)``."""
    parts = [reply.text] if reply.text else []
    parts.extend("\n".join(card_lines(card)) for card in reply.cards)
    if reply.foot is not None:
        parts.append(reply.foot.heading + "\n" + "\n".join(f"• {link.plain()}" for link in reply.foot.links))
    return "\n\n".join(parts)


def in_place(replies: list[Reply]) -> list[Reply]:
    """A flow's replies to a button on its own message: the first one replaces that message
    (its keyboard with it), so the flow stays one message that changes as the parent answers."""
    for i, reply in enumerate(replies):
        if reply.kind == "message":
            return [*replies[:i], replace(reply, kind="edit"), *replies[i + 1 :]]
    return replies
