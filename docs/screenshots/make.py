"""Screenshots of a real conversation, drawn the way Telegram shows it.

The real bot (the PTB Application, the real knowledge base) talks to the fake Bot API of the
tests; every message it sends or edits is recorded, drawn as chat bubbles with their inline
keyboards in HTML, and captured with headless Chromium (`apt-get install -y chromium`):

    .venv/bin/python docs/screenshots/make.py

writes docs/screenshots/answer.png and docs/screenshots/deadlines.png. Nothing here is part of
the bot."""

from __future__ import annotations

import asyncio
import html
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sendbot.channels.telegram import build_application  # noqa: E402
from sendbot.conversation.dialogue import Conversation  # noqa: E402
from sendbot.deadlines import load_timelines  # noqa: E402
from sendbot.i18n import I18n  # noqa: E402
from sendbot.knowledge.loader import load_knowledge  # noqa: E402
from sendbot.store.sqlite import SqliteStore  # noqa: E402
from tests.fakebotapi import FakeBotAPI, bot_settings  # noqa: E402

OUT = Path(__file__).resolve().parent
CHAT = 777
PHONE_WIDTH = 390  # CSS pixels of a common phone screen

STYLE = """
body { margin: 0; background: #8fb98b url() ; font: 15px/1.35 -apple-system, 'Segoe UI', Roboto, sans-serif; }
.chat { width: %dpx; padding: 10px 8px 16px; box-sizing: border-box;
        background: linear-gradient(160deg, #b9d9a6, #8fc0a0); }
.head { background: #517da2; color: #fff; padding: 10px 14px; font-weight: 600; margin: -10px -8px 10px; }
.head small { display: block; font-weight: 400; opacity: .8; }
.row { display: flex; margin: 6px 0; }
.row.me { justify-content: flex-end; }
.bubble { max-width: 86%%; padding: 7px 10px; border-radius: 12px; white-space: pre-wrap;
          background: #fff; box-shadow: 0 1px 1px rgba(0,0,0,.15); word-wrap: break-word; }
.me .bubble { background: #e1fec6; }
.bubble a { color: #2a7ab0; text-decoration: none; }
.bubble blockquote { margin: 6px 0 0; padding: 2px 8px; border-left: 3px solid #5fa0d0;
          background: #eef5fb; border-radius: 4px; font-size: 13px; max-height: 4.2em; overflow: hidden; }
.kb { max-width: 86%%; margin-top: 3px; }
.kb .r { display: flex; gap: 3px; margin-top: 3px; }
.kb .b { flex: 1; text-align: center; padding: 8px 4px; border-radius: 8px; font-size: 13.5px;
         background: rgba(40,80,60,.35); color: #fff; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.toast { text-align: center; margin: 8px auto; padding: 6px 10px; background: rgba(0,0,0,.55); color: #fff;
         border-radius: 10px; font-size: 13px; width: fit-content; }
"""


class RecordingAPI(FakeBotAPI):
    """The fake Bot API, keeping each message's latest text and keyboard by id, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[tuple[str, Any]] = []  # ("me", text) or ("bot", message id)
        self.messages: dict[int, dict[str, Any]] = {}

    def _result(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        result = super()._result(method, params, files)
        if method == "sendMessage":
            self.messages[result["message_id"]] = dict(params)
            self.shown.append(("bot", result["message_id"]))
        elif method == "editMessageText":
            self.messages[int(params["message_id"])] = dict(params)
        elif method == "editMessageReplyMarkup":
            self.messages[int(params["message_id"])].pop("reply_markup", None)
        elif method == "answerCallbackQuery" and params.get("text"):
            self.shown.append(("toast", params["text"]))
        return result

    def last_bot_message(self) -> int:
        return max(self.messages)

    def say(self, text: str) -> None:
        self.shown.append(("me", text))
        self.push_text(CHAT, text)


def draw(api: RecordingAPI, part: list[tuple[str, Any]], title: str) -> str:
    rows = []
    for who, what in part:
        if who == "me":
            rows.append(f'<div class="row me"><div class="bubble">{html.escape(what)}</div></div>')
        elif who == "toast":
            rows.append(f'<div class="toast">{html.escape(what)}</div>')
        else:
            message = api.messages[what]
            text = message["text"].replace("<blockquote expandable>", "<blockquote>")
            keyboard = (message.get("reply_markup") or {}).get("inline_keyboard", [])
            buttons = "".join(
                '<div class="r">' + "".join(f'<div class="b">{html.escape(b["text"])}</div>' for b in row) + "</div>"
                for row in keyboard
            )
            kb = f'<div class="kb">{buttons}</div>' if buttons else ""
            rows.append(f'<div class="row"><div><div class="bubble">{text}</div>{kb}</div></div>')
    head = f'<div class="head">SENDbot<small>{html.escape(title)}</small></div>'
    return (
        f"<!doctype html><meta charset='utf-8'><style>{STYLE % PHONE_WIDTH}</style>"
        f"<div class='chat'>{head}{''.join(rows)}</div>"
        "<script>document.title = document.querySelector('.chat').scrollHeight</script>"
    )


async def converse(api: RecordingAPI) -> tuple[int, int]:
    """The conversation; returns where the second screenshot starts in ``api.shown``."""

    async def settle() -> None:
        await asyncio.sleep(0.4)  # the bot's handler finishes its calls

    api.say("/start")
    await settle()
    api.shown.append(("me", "Derbyshire"))
    api.push_button(CHAT, "area:derbyshire", message_id=api.last_bot_message())
    await settle()
    api.say("my son was refused an ehc assessment, what can I do?")
    await settle()
    api.say("what is the weather in Paris")
    await settle()
    second = len(api.shown)
    api.say("/deadlines")
    await settle()
    api.push_button(CHAT, "timeline:tribunal-appeal:here", message_id=api.last_bot_message())
    await settle()
    api.say("2/3/2026")
    await settle()
    api.push_button(CHAT, "skip:certificate", message_id=api.last_bot_message())
    await settle()
    api.push_button(CHAT, "skip:certificate", message_id=api.last_bot_message() - 1)  # an old button
    await settle()
    return second, len(api.shown)


async def main() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        raise SystemExit("headless Chromium is needed: apt-get install -y chromium")
    api = RecordingAPI()
    await api.start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = bot_settings(api, Path(tmp) / "bot.db", SENDBOT_KNOWLEDGE=str(ROOT / "knowledge"))
        store = SqliteStore(settings.db_path)
        timelines, _ = load_timelines()

        def clock() -> datetime:
            return datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)

        kb = load_knowledge(ROOT / "knowledge")
        conversation = Conversation(kb, store, I18n(ROOT / "locales"), clock=clock, timelines=timelines)
        app = build_application(conversation, settings)
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            second, end = await converse(api)
            await app.updater.stop()
            await app.stop()
        store.close()
    await api.stop()
    with tempfile.TemporaryDirectory() as pages:
        for name, part, title in (
            ("answer", api.shown[:second], "an answer, then a question it can't answer"),
            ("deadlines", api.shown[second:end], "the deadline calculator: one message, edited"),
        ):
            page = Path(pages) / f"{name}.html"
            page.write_text(draw(api, part, title), encoding="utf-8")
            flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
            dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], check=True, capture_output=True, text=True)
            height = int(dom.stdout.split("<title>", 1)[1].split("</title>", 1)[0])  # the page measured itself
            shot = OUT / f"{name}.png"
            size = f"--window-size={PHONE_WIDTH},{height}"
            subprocess.run([*flags, f"--screenshot={shot}", size, page.as_uri()], check=True, capture_output=True)
            print(f"wrote {shot}")


if __name__ == "__main__":
    asyncio.run(main())
