"""Logging never shows the bot token: not in messages, arguments or tracebacks."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator

import pytest
from telegram import Update

from sendbot.logsetup import RedactingFormatter, configure_logging

TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
SECRET_PART = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
OTHER_TOKEN = "987654321:zyxwvutsrqponmlkjihgfedcba_-XYZ"
URL = f"https://api.telegram.org/bot{TOKEN}/getUpdates"


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """configure_logging's handler writes to the sys.stderr of the moment it is configured."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    httpx_level = logging.getLogger("httpx").level
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    configure_logging(TOKEN, level=logging.DEBUG)
    yield stream
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    logging.getLogger("httpx").setLevel(httpx_level)


def test_token_in_a_message_and_its_arguments_is_masked(captured: io.StringIO) -> None:
    log = logging.getLogger("telegram.ext.Updater")
    log.info(f"POST {URL}")
    log.warning("HTTP Request: %s %s", "POST", URL)
    log.debug("token is %s", TOKEN)
    out = captured.getvalue()
    assert out.count("<token>") == 3
    assert "getUpdates" in out
    assert "telegram.ext.Updater" in out
    assert TOKEN not in out
    assert SECRET_PART not in out


def test_token_in_an_exception_and_traceback_is_masked(captured: io.StringIO) -> None:
    log = logging.getLogger("sendbot")
    try:
        raise ConnectionError(f"Cannot connect to {URL}: timed out (token {TOKEN})")
    except ConnectionError:
        log.exception("polling failed for %s", URL)
    try:
        raise RuntimeError(f"wrapped {TOKEN}") from ValueError(f"inner {URL}")
    except RuntimeError as exc:
        log.error("failed", exc_info=exc)
    out = captured.getvalue()
    assert "Traceback (most recent call last)" in out
    assert "ConnectionError" in out
    assert "ValueError: inner" in out
    assert "polling failed" in out
    assert TOKEN not in out
    assert SECRET_PART not in out


def test_any_bot_token_shaped_text_is_masked(captured: io.StringIO) -> None:
    logging.getLogger("telegram").error("another bot %s", f"https://api.telegram.org/bot{OTHER_TOKEN}/getMe")
    out = captured.getvalue()
    assert OTHER_TOKEN not in out
    assert "<token>" in out


def test_httpx_request_logs_are_quietened(captured: io.StringIO) -> None:
    logging.getLogger("httpx").info("HTTP Request: POST %s", URL)
    logging.getLogger("httpx").warning("HTTP Request failed: POST %s", URL)
    out = captured.getvalue()
    assert "HTTP Request: POST" not in out
    assert "HTTP Request failed" in out
    assert TOKEN not in out


def test_only_our_handler_is_installed(captured: io.StringIO) -> None:
    # pytest adds its own capture handlers around each test; every other handler is ours
    handlers = [h for h in logging.getLogger().handlers if type(h).__name__ != "LogCaptureHandler"]
    assert len(handlers) == 1
    assert isinstance(handlers[0].formatter, RedactingFormatter)
    assert getattr(handlers[0], "stream", None) is captured


def test_formatter_on_its_own() -> None:
    formatter = RedactingFormatter("%(levelname)s %(message)s", TOKEN)
    try:
        raise OSError(TOKEN)
    except OSError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "url %s", (URL,), sys.exc_info())
    text = formatter.format(record)
    assert text.startswith("ERROR url https://api.telegram.org/bot<token>/getUpdates")
    assert TOKEN not in text
    assert SECRET_PART not in text
    # formatting twice (handlers cache the traceback text) is still masked
    assert TOKEN not in formatter.format(record)


def test_formatter_without_a_configured_token_still_masks_token_shapes() -> None:
    formatter = RedactingFormatter("%(message)s")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "GET %s", (URL,), None)
    assert formatter.format(record) == "GET https://api.telegram.org/bot<token>/getUpdates"


WORDS = "my son was excluded today"


def test_ptb_records_keep_their_message_but_not_what_parents_wrote(captured: io.StringIO) -> None:
    raw = [
        {"update_id": 7, "message": {"message_id": 1, "date": 0, "chat": {"id": 42, "type": "private"}, "text": WORDS}}
    ]
    logging.getLogger("telegram.Bot").critical("Error while parsing updates! Received data was %r", raw)
    logging.getLogger("telegram.ext.ExtBot").debug(
        "Calling Bot API endpoint `%s` with parameters `%s`", "sendMessage", {"chat_id": 42, "text": WORDS}
    )
    logging.getLogger("telegram.ext.Application").debug("Processing update %s", Update.de_json(raw[0], None))
    logging.getLogger("telegram.Bot").debug("Getting updates: %s", [7])
    out = captured.getvalue()
    assert WORDS not in out
    assert "Error while parsing updates! Received data was <data not logged>" in out
    assert "Calling Bot API endpoint `sendMessage` with parameters `<data not logged>`" in out
    assert "Processing update <data not logged>" in out


def test_our_own_records_and_plain_arguments_are_kept(captured: io.StringIO) -> None:
    logging.getLogger("telegram.ext.Updater").warning("retrying in %s seconds (%d left)", 1.5, 3)
    logging.getLogger("sendbot").info("kept %s", ["a list"])
    out = captured.getvalue()
    assert "retrying in 1.5 seconds (3 left)" in out
    assert "kept ['a list']" in out
