"""Logging that cannot leak a token or a parent's words.

python-telegram-bot and httpx log request URLs, and the Bot API puts the token in every URL
(error tracebacks included); the formatter masks it in the final text of every record.
PTB also logs the data it sends and receives (updates, with what parents wrote, and our
replies) at DEBUG, and the raw updates when it cannot read them: a filter keeps those
records but not that data. Our own code never logs message text at all."""

from __future__ import annotations

import logging
import re
from typing import Any

_TOKEN_IN_URL = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")


class RedactingFormatter(logging.Formatter):
    """Masks bot tokens anywhere in a formatted record, traceback included."""

    def __init__(self, fmt: str, token: str | None = None) -> None:
        super().__init__(fmt)
        self.token = token

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if self.token:
            text = text.replace(self.token, "<token>")
        return _TOKEN_IN_URL.sub("<token>", text)


_PLAIN = (str, int, float, bool, type(None))  # endpoint names, ids, counts, error texts


class _NotLogged:
    """What a record shows in place of structured data, with %s and %r alike."""

    def __repr__(self) -> str:
        return "<data not logged>"


NOT_LOGGED = _NotLogged()


class WithoutChatData(logging.Filter):
    """PTB's records keep their message, but any structured argument (an update, a dict or
    list of parameters or results: what parents wrote, our replies) is replaced by a marker."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("telegram") and record.args:
            record.args = _plain_args(record.args)
        return True


def _plain_args(args: Any) -> Any:
    if isinstance(args, dict):  # a record logged with one mapping as its arguments
        return {key: value if isinstance(value, _PLAIN) else NOT_LOGGED for key, value in args.items()}
    return tuple(value if isinstance(value, _PLAIN) else NOT_LOGGED for value in args)


def configure_logging(token: str | None, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", token))
    handler.addFilter(WithoutChatData())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO; keep it to warnings.
    logging.getLogger("httpx").setLevel(logging.WARNING)
