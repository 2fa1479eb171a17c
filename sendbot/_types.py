"""Types shared by every layer, importing nothing of ours."""

from __future__ import annotations

from typing import TypeAlias

# A value as JSON holds it: what the chat's state and `--json` outputs are made of.
JSONValue: TypeAlias = "str | int | float | bool | list[JSONValue] | dict[str, JSONValue] | None"
