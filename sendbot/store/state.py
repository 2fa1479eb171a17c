"""What the bot remembers about one chat between messages, as typed data with a JSON form.

The database keeps the chat's settings in columns and a running calculator as one JSON text
(``{"calc": {...}}``, the same shape earlier versions wrote, so a calculator running across
an upgrade carries on), with the case file's open question beside it (``{"case": {...}}``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum

from sendbot._types import JSONValue

FLOW_KEY = "calc"
CASE_FLOW_KEY = "case"


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


class CaseAsking(str, Enum):
    """What the case file waits for the parent to type."""

    DATE = "date"  # the date of ``event`` ("Add what happened", the watch's "Yes, on ...")
    NAMES = "names"  # the names for ``letter`` (used for that letter only, never stored)


@dataclass
class CaseFlow:
    """The case file's open question: ``case`` is the case's row id, or "new" for the chat's
    first case, named ``name`` (a nickname from ``/mycase new NAME``) when given. Only ids
    and that nickname are kept, never what the parent types in answer."""

    asking: CaseAsking
    case: str
    event: str | None = None
    letter: str | None = None
    name: str | None = None

    def to_json(self) -> dict[str, JSONValue]:
        data: dict[str, JSONValue] = {"asking": self.asking.value, "case": self.case}
        if self.event is not None:
            data["event"] = self.event
        if self.letter is not None:
            data["letter"] = self.letter
        if self.name is not None:
            data["name"] = self.name
        return data

    @classmethod
    def from_json(cls, data: JSONValue) -> CaseFlow | None:
        """The question, or None for anything that is not one (a damaged row starts afresh)."""
        if not isinstance(data, dict):
            return None
        asking, case, event, letter = data.get("asking"), data.get("case"), data.get("event"), data.get("letter")
        name = data.get("name")
        if asking not in {a.value for a in CaseAsking} or not isinstance(case, str):
            return None
        return cls(
            CaseAsking(asking),
            case,
            event if isinstance(event, str) else None,
            letter if isinstance(letter, str) else None,
            name if isinstance(name, str) else None,
        )


@dataclass
class ChatState:
    """One chat: its area and language, the calculator running in it, if any, and the
    question the case file is waiting on, if any.

    ``forgotten`` is set by /forget so that the chat is not saved again afterwards; it is
    never stored."""

    chat_id: int
    lang: str | None = None
    area: str | None = None
    calc: CalcFlow | None = None
    forgotten: bool = False
    case: CaseFlow | None = None

    def to_json(self) -> dict[str, JSONValue]:
        """Everything kept about the chat, as JSON (``forgotten`` is never kept)."""
        return {
            "chat_id": self.chat_id,
            "lang": self.lang,
            "area": self.area,
            "calc": self.calc.to_json() if self.calc is not None else None,
            "case": self.case.to_json() if self.case is not None else None,
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
            case=CaseFlow.from_json(data.get("case")),
        )

    def flow_json(self) -> str | None:
        """The stored form of the running calculator and the case file's open question
        (None: neither)."""
        data: dict[str, JSONValue] = {}
        if self.calc is not None:
            data[FLOW_KEY] = self.calc.to_json()
        if self.case is not None:
            data[CASE_FLOW_KEY] = self.case.to_json()
        return json.dumps(data) if data else None

    @staticmethod
    def flow_from_json(text: str | None) -> CalcFlow | None:
        data = _flow_data(text)
        return CalcFlow.from_json(data.get(FLOW_KEY)) if data is not None else None

    @staticmethod
    def case_flow_from_json(text: str | None) -> CaseFlow | None:
        data = _flow_data(text)
        return CaseFlow.from_json(data.get(CASE_FLOW_KEY)) if data is not None else None


def _flow_data(text: str | None) -> dict[str, JSONValue] | None:
    """The stored flow column as a JSON object (None: empty or damaged)."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
