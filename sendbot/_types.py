"""Types shared by every layer, the catalogue marker ``N_`` and the English ``gettext``;
importing nothing of ours."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

# A value as JSON holds it: what the chat's state and `--json` outputs are made of.
JSONValue: TypeAlias = "str | int | float | bool | list[JSONValue] | dict[str, JSONValue] | None"
# A chat's gettext: an interface string in the chat's language.
Gettext: TypeAlias = Callable[[str], str]


def N_(message: str) -> str:
    """Mark a string for the catalogue (pybabel extracts ``N_``) where it is defined; it is
    translated where it is shown, in the parent's language."""
    return message


def english(message: str) -> str:
    """The gettext of a caller with no catalogue (the command line, tests): the English as written."""
    return message
