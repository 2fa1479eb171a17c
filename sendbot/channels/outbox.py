"""Replies kept with their update until sent, so a restart after a crash sends only the
replies not yet sent instead of handling the update a second time (which would answer
twice, or apply a calculator answer to the next question). JSON, documents in base64."""

from __future__ import annotations

import base64
import json
from typing import Any

import orjson

from sendbot.conversation.replies import Button, Document, Reply


def encode_replies(replies: list[Reply]) -> str:
    return orjson.dumps([_encode(reply) for reply in replies]).decode()


def _encode(reply: Reply) -> dict[str, Any]:
    data: dict[str, Any] = {
        "text": reply.text,
        "title": reply.title,
        "buttons": [[[b.label, b.data] for b in row] for row in reply.buttons],
        "kind": reply.kind,
    }
    if reply.document is not None:
        document = reply.document
        data["document"] = [document.filename, base64.b64encode(document.content).decode(), document.mime_type]
    return data


def decode_replies(text: str) -> list[Reply]:
    """The replies stored by `encode_replies`; ValueError if they cannot be read."""
    try:
        return [_decode(item) for item in json.loads(text)]
    except (TypeError, KeyError, IndexError, AttributeError) as error:
        raise ValueError(f"stored replies cannot be read: {type(error).__name__}") from None


def _decode(item: dict[str, Any]) -> Reply:
    document = item.get("document")
    kind = item["kind"]
    if kind not in ("message", "edit", "notice"):
        raise ValueError(f"unknown reply kind {kind!r}")
    return Reply(
        text=str(item["text"]),
        title=item["title"],
        buttons=tuple(tuple(Button(str(label), str(data)) for label, data in row) for row in item["buttons"]),
        document=Document(document[0], base64.b64decode(document[1]), document[2]) if document else None,
        kind=kind,
    )
