"""Types shared by every layer, and the catalogue marker ``N_``; importing nothing of ours."""

from __future__ import annotations

from typing import TypeAlias

# A value as JSON holds it: what the chat's state and `--json` outputs are made of.
JSONValue: TypeAlias = "str | int | float | bool | list[JSONValue] | dict[str, JSONValue] | None"


def N_(message: str) -> str:
    """Mark a string for the catalogue (pybabel extracts ``N_``) where it is defined; it is
    translated where it is shown, in the parent's language."""
    return message
