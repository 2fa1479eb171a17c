"""What the bot remembers about one chat between messages, as typed data with a JSON form.

The database keeps the chat's settings in columns and a running calculator as one JSON text
(``{"calc": {...}}``, the same shape earlier versions wrote, so a calculator running across
an upgrade carries on)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sendbot._types import JSONValue

FLOW_KEY = "calc"


@dataclass
class CalcFlow:
    """A running deadline calculator: the timeline, the answers so far in their JSON form
    (ISO dates, ``[[first, last], ...]`` ranges, booleans, numbers; None for "not given"), the
    question being asked (None once the result is shown), and the readings of an ambiguous
    date offered as buttons (ISO dates)."""

    timeline: str
    answers: dict[str, JSONValue] = field(default_factory=dict)
    asking: str | None = None
    candidates: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, JSONValue]:
        data: dict[str, JSONValue] = {"timeline": self.timeline, "answers": dict(self.answers)}
        if self.asking is not None:
            data["asking"] = self.asking
        if self.candidates:
            data["candidates"] = [str(c) for c in self.candidates]
        return data

    @classmethod
    def from_json(cls, data: JSONValue) -> CalcFlow | None:
        """The flow, or None for anything that is not one (a damaged row starts afresh)."""
        if not isinstance(data, dict) or not isinstance(data.get("timeline"), str):
            return None
        answers = data.get("answers")
        asking = data.get("asking")
        candidates = data.get("candidates")
        return cls(
            timeline=str(data["timeline"]),
            answers=dict(answers) if isinstance(answers, dict) else {},
            asking=asking if isinstance(asking, str) else None,
            candidates=[c for c in candidates if isinstance(c, str)] if isinstance(candidates, list) else [],
        )


@dataclass
class ChatState:
    """One chat: its area and language, and the calculator running in it, if any.

    ``forgotten`` is set by /forget so that the chat is not saved again afterwards; it is
    never stored."""

    chat_id: int
    lang: str | None = None
    area: str | None = None
    calc: CalcFlow | None = None
    forgotten: bool = False

    def to_json(self) -> dict[str, JSONValue]:
        """Everything kept about the chat, as JSON (``forgotten`` is never kept)."""
        return {
            "chat_id": self.chat_id,
            "lang": self.lang,
            "area": self.area,
            "calc": self.calc.to_json() if self.calc is not None else None,
        }

    @classmethod
    def from_json(cls, data: JSONValue) -> ChatState:
        chat_id = data.get("chat_id") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(chat_id, int):
            raise ValueError(f"not a chat state: {data!r}")
        lang, area = data.get("lang"), data.get("area")
        return cls(
            chat_id=chat_id,
            lang=lang if isinstance(lang, str) else None,
            area=area if isinstance(area, str) else None,
            calc=CalcFlow.from_json(data.get("calc")),
        )

    def flow_json(self) -> str | None:
        """The stored form of the running calculator (None: nothing running)."""
        return json.dumps({FLOW_KEY: self.calc.to_json()}) if self.calc is not None else None

    @staticmethod
    def flow_from_json(text: str | None) -> CalcFlow | None:
        if not text:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            return None
        return CalcFlow.from_json(data.get(FLOW_KEY)) if isinstance(data, dict) else None
