"""Logging that cannot leak a token or a parent's words.

python-telegram-bot and httpx log request URLs, and the Bot API puts the token in every URL
(error tracebacks included); the formatter masks it in the final text of every record.
Our own code never logs message text at all."""

from __future__ import annotations

import logging
import re

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


def configure_logging(token: str | None, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO; keep it to warnings.
    logging.getLogger("httpx").setLevel(logging.WARNING)
