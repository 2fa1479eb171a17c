"""The Telegram shell around the core, with python-telegram-bot v22.

It only translates: updates into `TextIn`/`ButtonIn`, replies into HTML messages, inline
keyboards, edits, toasts and documents. Every piece of text is HTML-escaped here, long
replies are split under Telegram's 4096-character limit, and errors get a kind answer.
Nothing a parent typed is ever logged.

Updates come in through `intake.DurableQueue` (kept before they are confirmed, handled once,
in order per chat, chats concurrently); the conversation runs in a worker thread so the
database never blocks the event loop. Every call to Telegram goes through PTB's
`AIORateLimiter`, which waits out flood limits (429 RetryAfter) instead of dropping replies,
with a limit per private chat added (`ratelimit.ChatRateLimiter`), over aiohttp
(`aiohttp_request`); replies go out through `SendingBot.send_text`, which reads only the id
of each message sent. A database file deleted while running is made anew (`_check_database`).
Only private chats are served: a group gets one polite line and nothing is stored.

Reminders are delivered by a repeating JobQueue job: each due reminder is claimed, sent and
then deleted (`reminder_job`), so a crash or a time-out neither loses nor silently doubles
one. A daily job erases chats inactive for the retention period. The "My case" watch is a job
of its own (`send_case_watch`), and a PDF goes to the case's letter reader (`on_pdf`): both are
added by `add_case_handlers`."""

from __future__ import annotations

import asyncio
import gc
import html
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from telegram import (
    BotCommand,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sendbot.channels.aiohttp_request import AiohttpRequest, JSONDict
from sendbot.channels.intake import DurableQueue, KeepingBot, Replay, UpdatesRequest
from sendbot.channels.outbox import decode_replies, encode_replies
from sendbot.channels.ratelimit import ChatRateLimiter
from sendbot.channels.reminder_job import reminder_text
from sendbot.channels.terminal import TERMINAL_CHAT_ID
from sendbot.clock import LONDON, Clock
from sendbot.config import Settings
from sendbot.conversation.actions import MAX_CALLBACK_BYTES
from sendbot.conversation.dialogue import Conversation
from sendbot.conversation.replies import ButtonIn, Card, Foot, Link, Reply, TextIn
from sendbot.knowledge.model import DEFAULT_LANG
from sendbot.store.base import PendingUpdate
from sendbot.store.errors import StorageError, is_storage_failure
from sendbot.store.sqlite import SqliteStore

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4096
SAFE_CHUNK_CHARS = 3500  # leaves room for escaping and the bold title
CONVERSATION_KEY = "conversation"
CLOCK_KEY = "clock"
QUEUE_KEY = "intake"
RETENTION_KEY = "retention"
# Only what the handlers use: no edited messages, channel posts, polls or member changes.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
RATE_LIMIT_RETRIES = 5  # RetryAfter waits per call before giving up (Telegram says how long)
GROUP_MESSAGES_PER_MINUTE = 20  # Telegram's limit per group
SHUTDOWN_GRACE_SECONDS = 10.0  # updates still being handled at stop; the rest wait in the inbox
PURGE_INTERVAL = timedelta(days=1)
PURGE_FIRST = timedelta(seconds=1)  # soon after start-up, then daily
# Calls to Telegram at once: at its 30 messages a second and 0.1 to 0.3 s a call, 3 to 9 are
# under way; the rest of a burst waits its turn (up to POOL_TIMEOUT_SECONDS, not PTB's 1 s,
# since a call that times out waiting is a reply not sent).
CONNECTION_POOL_SIZE = 32
POOL_TIMEOUT_SECONDS = 30.0
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # links are sources, not pictures; made once
NO_PREVIEW_DATA = NO_PREVIEW.to_dict()  # the same, as sent (never changed)
TYPING_AFTER_SECONDS = 0.5  # an answer not ready by then shows "typing..." first
STEP_KEY = "live_step"  # chat_data: the message id of the flow step whose keyboard is live

# PTB's Application with its default context types.
App = Application[Any, Any, Any, Any, Any, Any]


# --- rendering ----------------------------------------------------------------------------


def _escaped_len(text: str) -> int:
    return len(html.escape(text, quote=False))


def split_text(text: str, limit: int = SAFE_CHUNK_CHARS) -> list[str]:
    """Split at paragraph, then line, then word boundaries so that no chunk, once escaped
    for HTML, is longer than ``limit`` ("&" becomes five characters, so raw length won't do)."""
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        candidate = f"{current}\n\n{piece}" if current else piece
        if _escaped_len(candidate) <= limit:
            current = candidate
        else:
            if current:
                chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks or [""]


def _pieces(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    for paragraph in text.split("\n\n"):
        while _escaped_len(paragraph) > limit:
            cut = min(len(paragraph), limit)
            while _escaped_len(paragraph[:cut]) > limit:
                cut = cut * 3 // 4
            boundary = max(paragraph.rfind("\n", 0, cut), paragraph.rfind(" ", 0, cut))
            cut = boundary if boundary > 0 else cut
            pieces.append(paragraph[:cut])
            paragraph = paragraph[cut:].lstrip()
        pieces.append(paragraph)
    return pieces


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def link_html(link: Link) -> str:
    """A named link; a citation with no page is just its name."""
    return f'<a href="{html.escape(link.url)}">{_esc(link.label)}</a>' if link.url else _esc(link.label)


def card_html(card: Card) -> str:
    """A contact card: bold name, what they do, the number (Telegram makes it tappable), links."""
    lines = [f"<b>{_esc(card.name)}</b> – {_esc(card.what)}"]
    if card.phone:
        lines.append(f"📞 {_esc(card.phone)}")
    if card.links:
        lines.append(" · ".join(link_html(link) for link in card.links))
    if card.hours:
        lines.append(f"<i>{_esc(card.hours)}</i>")
    return "\n".join(lines)


def foot_html(foot: Foot) -> str:
    """The sources at the foot, in a quoted block that opens on a tap (smaller, out of the way)."""
    links = "\n".join(link_html(link) for link in foot.links)
    body = f"<i>{_esc(foot.heading)}</i>" + (f"\n{links}" if links else "")
    return f"<blockquote expandable>{body}</blockquote>" if links else body


def card_plain(card: Card) -> str:
    """A contact card as plain text (when Telegram cannot read our formatting)."""
    lines = [f"{card.name} – {card.what}"]
    if card.phone:
        lines.append(f"📞 {card.phone}")
    if card.links:
        lines.append(" · ".join(link.plain() for link in card.links))
    if card.hours:
        lines.append(card.hours)
    return "\n".join(lines)


def foot_plain(foot: Foot) -> str:
    return "\n".join([foot.heading, *(link.plain() for link in foot.links)])


def _render(reply: Reply) -> tuple[list[str], list[str]]:
    """The reply as HTML message texts, each under Telegram's limit (the title is short:
    SAFE_CHUNK_CHARS leaves room for it), and the same messages as plain text, chunk for chunk.
    Cards and the foot follow the text, in a message of their own when they would not fit."""
    text = split_text(reply.text)
    html_chunks = [_esc(chunk) for chunk in text]
    plain_chunks = list(text)
    if reply.title:
        html_chunks[0] = f"<b>{_esc(reply.title)}</b>\n\n{html_chunks[0]}"
        plain_chunks[0] = f"{reply.title}\n\n{plain_chunks[0]}"
    blocks = [(card_html(card), card_plain(card)) for card in reply.cards]
    if reply.foot:
        blocks.append((foot_html(reply.foot), foot_plain(reply.foot)))
    for html_block, plain_block in blocks:
        if len(html_chunks[-1]) + len(html_block) + 2 > MAX_MESSAGE_CHARS:
            html_chunks.append(html_block)
            plain_chunks.append(plain_block)
        else:
            html_chunks[-1] = f"{html_chunks[-1]}\n\n{html_block}" if html_chunks[-1] else html_block
            plain_chunks[-1] = f"{plain_chunks[-1]}\n\n{plain_block}" if plain_chunks[-1] else plain_block
    return html_chunks, plain_chunks


def render_html(reply: Reply) -> list[str]:
    return _render(reply)[0]


def render_plain(reply: Reply) -> list[str]:
    """The reply as plain message texts, chunk for chunk as `render_html` splits it: for
    when Telegram cannot read our formatting."""
    return _render(reply)[1]


def keyboard_data(reply: Reply) -> JSONDict | None:
    """The reply's buttons as the Bot API's inline keyboard, in its JSON form (None: no buttons)."""
    if not reply.buttons:
        return None
    return {"inline_keyboard": [[{"text": b.label, "callback_data": b.data} for b in row] for row in reply.buttons]}


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The same keyboard as PTB's object, for what goes through PTB's own methods (edits)."""
    data = keyboard_data(reply)
    return InlineKeyboardMarkup.de_json(data, None) if data else None


class SendingBot(KeepingBot):
    """The bot on Telegram: `KeepingBot` (each getUpdates batch kept in the inbox) with
    `send_text`, how replies are sent."""

    __slots__ = ()

    async def send_text(self, chat_id: int, text: str, markup: JSONDict | None, html: bool = True) -> int:
        """sendMessage, links not previewed; the id of the message sent. Made with PTB's `_post`,
        as each of PTB's methods is (the same rate limiter, errors, time-outs and retries), but
        without what `send_message` adds to it: a `Message` made of Telegram's answer, about a
        hundred attributes set one by one when only the id is read, and the keyboard as PTB
        objects turned back into this JSON. Those were about an eighth of the bot's CPU under
        py-spy; without them a burst takes 13 to 27% less CPU per update (docs/benchmarks.md)."""
        data: JSONDict = {
            "chat_id": chat_id,
            "text": text,
            "link_preview_options": NO_PREVIEW_DATA,
            "reply_markup": markup,  # None is left out by _post
        }
        if html:
            data["parse_mode"] = ParseMode.HTML
        sent = await self._post("sendMessage", data)
        return int(sent["message_id"])


# --- handlers -----------------------------------------------------------------------------


def _conversation(context: ContextTypes.DEFAULT_TYPE) -> Conversation:
    conversation: Conversation = context.application.bot_data[CONVERSATION_KEY]
    return conversation


def _is_parse_error(error: BadRequest) -> bool:
    return "parse" in error.message.lower() or "entit" in error.message.lower()


def _bot(context: ContextTypes.DEFAULT_TYPE) -> SendingBot:
    bot = context.bot
    if not isinstance(bot, SendingBot):
        raise TypeError("the Telegram handlers need build_application's SendingBot")
    return bot


async def _send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> int:
    """Send a reply (in several messages if long); the id of the message carrying its keyboard."""
    return await _send_chunks(context, chat_id, reply, render_html(reply), 0)


async def _send_chunks(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply, chunks: list[str], first: int
) -> int:
    """Send a reply's rendered ``chunks`` from the ``first`` on; the id of the message carrying
    its keyboard."""
    bot = _bot(context)
    message_id = 0
    for i, chunk in enumerate(chunks[first:], first):
        last = i == len(chunks) - 1
        try:
            message_id = await bot.send_text(chat_id, chunk, keyboard_data(reply) if last else None)
        except BadRequest as error:
            if not _is_parse_error(error):
                raise
            # Telegram could not read our formatting: the words matter more than the bold.
            log.warning("Telegram refused the formatting of a reply; sending it as plain text")
            rest = render_plain(reply)[i:]  # the same chunks as the HTML, from the one refused
            for j, text in enumerate(rest):
                message_id = await bot.send_text(
                    chat_id, text, keyboard_data(reply) if j == len(rest) - 1 else None, html=False
                )
            break
    if reply.document is not None:
        await context.bot.send_document(chat_id, InputFile(reply.document.content, filename=reply.document.filename))
    return message_id


async def _edit(context: ContextTypes.DEFAULT_TYPE, message: Message, reply: Reply) -> int:
    """Replace the message a button was on with the reply; a long one (an answer's detail) goes
    on in new messages, with the keyboard on the last. A new message if it cannot be edited."""
    chunks = render_html(reply)
    alone = len(chunks) == 1
    try:
        await message.edit_text(
            chunks[0],
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply) if alone else None,
            link_preview_options=NO_PREVIEW,
        )
    except BadRequest:
        log.info("could not edit a message; sending a new one instead")
        return await _send(context, message.chat_id, reply)
    return message.message_id if alone else await _send_chunks(context, message.chat_id, reply, chunks, 1)


async def _retire(context: ContextTypes.DEFAULT_TYPE, chat_id: int, message_id: int) -> None:
    """Remove a finished step's keyboard (it may be gone already: that is fine)."""
    try:
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except BadRequest:
        log.info("could not remove an old keyboard")


def _lang(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user else None


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or message.text is None:
        return
    incoming = TextIn(message.text, _lang(update))
    work = asyncio.ensure_future(_worked_out(context, update, lambda: _conversation(context).handle(chat.id, incoming)))
    # "typing..." only when the answer is slow to come (Telegram recommends the chat action
    # only for a noticeable wait; most answers take a millisecond), always before the answer
    done, _pending = await asyncio.wait({work}, timeout=TYPING_AFTER_SECONDS)
    if not done:
        await _typing(context, chat.id)
    await _send_replies(context, update, chat.id, await work, 0)


async def _typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """Show "typing..."; a failure is not worth more than a log line (the answer matters)."""
    try:
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramError as error:
        log.info("could not show typing: %s", type(error).__name__)


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice notes: we can only read text, so say so kindly."""
    chat = update.effective_chat
    if chat is None:
        return
    replies = await _worked_out(context, update, lambda: _conversation(context).not_text(chat.id))
    await _send_replies(context, update, chat.id, replies, 0)


async def on_not_private(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group or supergroup: one polite line, nothing stored (a member's /forget must not
    wipe a group, and a group's messages are not ours to keep)."""
    chat = update.effective_chat
    if chat is None:
        return
    _ = _conversation(context).i18n.translator(_lang(update)).gettext
    await context.bot.send_message(
        chat.id, _("Sorry, I only talk in private chats. Please message me directly to ask your question.")
    )


def valid_callback_data(data: str | None) -> str | None:
    """Callback data as the bot sends it (printable, within Telegram's 64 bytes), or None
    for anything forged or damaged, which is refused before it is parsed."""
    if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES or not data.isprintable():
        return None
    return data


async def _acknowledge(query: Any, text: str | None) -> None:
    """Stop the button's spinner; an acknowledgement that comes too late (the query expired)
    does not undo what the button did."""
    try:
        await query.answer(text)
    except BadRequest:
        log.info("a button press could not be acknowledged (expired)")


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    if chat.type != chat.PRIVATE:
        await _acknowledge(query, None)
        return
    data = valid_callback_data(query.data)
    try:
        replies = await _worked_out(
            context, update, lambda: _conversation(context).handle(chat.id, ButtonIn(data or "", _lang(update)))
        )
    except BaseException:
        await _acknowledge(query, None)  # the spinner stops whatever went wrong
        raise
    notices = [r for r in replies if r.kind == "notice"]
    await _acknowledge(query, notices[0].text if notices else None)
    await _send_replies(context, update, chat.id, replies, 0)


def _inbox(context: ContextTypes.DEFAULT_TYPE) -> SqliteStore:
    store = _conversation(context).store
    if not isinstance(store, SqliteStore):
        raise TypeError("Telegram needs the SQLite store")
    return store


async def _worked_out(
    context: ContextTypes.DEFAULT_TYPE, update: Update, work: Callable[[], list[Reply]]
) -> list[Reply]:
    """The replies ``work`` gives, kept with their update until sent (see outbox.py): both
    in one worker thread, so the database never blocks the event loop."""
    inbox = _inbox(context)

    def work_and_keep() -> list[Reply]:
        replies = work()
        inbox.inbox_replies(update.update_id, encode_replies(replies))
        return replies

    return await asyncio.to_thread(work_and_keep)


async def _send_replies(
    context: ContextTypes.DEFAULT_TYPE, update: Update, chat_id: int, replies: list[Reply], start: int
) -> None:
    """Send or edit ``replies`` from the ``start``-th, counting each in the inbox once sent
    (the last is counted by the update being marked handled). Notices were the button's toast."""
    query = update.callback_query
    pressed = query.message if query is not None and isinstance(query.message, Message) else None
    live: int | None = context.chat_data.get(STEP_KEY) if context.chat_data is not None else None
    for number, reply in enumerate(replies[start:], start + 1):
        if reply.kind != "notice":
            if reply.kind == "edit" and pressed is not None:
                shown = await _edit(context, pressed, reply)
            else:
                shown = await _send(context, chat_id, reply)
            # A flow keeps one live keyboard: when a new step is shown, the previous step's
            # keyboard is removed, so no dead button stays on screen (the id is kept in memory:
            # after a restart an old button gets the "older message" toast instead).
            if reply.step and context.chat_data is not None:
                if live is not None and live != shown:
                    await _retire(context, chat_id, live)
                live = context.chat_data[STEP_KEY] = shown
        if number < len(replies):
            await asyncio.to_thread(_inbox(context).inbox_sent, update.update_id, number)


def replayer(application: App) -> Replay:
    """What the intake calls for an update whose replies were worked out before a crash:
    send those not yet sent, without handling the update again."""

    async def replay(update: Update, kept: PendingUpdate) -> None:
        chat = update.effective_chat
        if chat is None or kept.replies is None:
            return
        try:
            replies = decode_replies(kept.replies)
        except ValueError:
            log.error("the replies kept for an update cannot be read; they are not sent")
            return
        context: ContextTypes.DEFAULT_TYPE = ContextTypes.DEFAULT_TYPE(application)
        await _send_replies(context, update, chat.id, replies, kept.sent)

    return replay


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure without the update's content (it holds what the parent typed). The
    network failing (a time-out, a flood limit outlasting our retries) gets no "Sorry": it
    would fail the same way, and Telegram may well have delivered the reply."""
    error = context.error
    if isinstance(error, (TimedOut, RetryAfter)) or (
        isinstance(error, NetworkError) and not isinstance(error, BadRequest)  # BadRequest is one too
    ):
        log.warning("a reply could not be confirmed by Telegram: %s", type(error).__name__)
        return
    if error is not None and is_storage_failure(error):
        log.error("the database failed while handling an update: %s", error)
        try:
            await _check_database(context)
        except StorageError as failure:  # a new one cannot be made either: the log says why
            log.error("%s", failure)
    else:
        log.error("error handling an update: %s", type(error).__name__, exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        chat_id = update.effective_chat.id
        try:
            replies = await asyncio.to_thread(_conversation(context).sorry, chat_id, _lang(update))
            for reply in replies:
                await _send(context, chat_id, reply)
        except Exception:  # the error may be the network itself
            log.warning("could not tell the user about an error")


async def _check_database(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Notice a database file deleted while running (SQLite would go on writing to the
    deleted file, and everything would be lost at the next start): the store makes a new one
    and says so in the log (store/files.LiveConnection)."""
    store = _conversation(context).store
    if isinstance(store, SqliteStore):
        await asyncio.to_thread(store.check_file)


async def send_due_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The repeating job: claim each reminder whose time has come, send it, then delete it
    (see `reminder_job`). A refusal (the parent blocked the bot, the chat is gone) would
    repeat forever, so that reminder is dropped; a flood limit releases the claim for the
    next run; a time-out keeps the claim, and the next run sends it again saying so."""
    await _check_database(context)
    conversation = _conversation(context)
    store = conversation.store
    now = context.application.bot_data[CLOCK_KEY]()
    for reminder, _reply in await asyncio.to_thread(conversation.due_reminders, now):
        if not reminder.claimed and not await asyncio.to_thread(store.claim_reminder, reminder.id):
            continue  # cancelled or taken meanwhile
        state = await asyncio.to_thread(store.load_chat, reminder.chat_id)
        text = reminder_text(reminder, now, conversation.i18n, state.lang)
        try:
            await _send(context, reminder.chat_id, Reply(text))
        except (BadRequest, Forbidden) as error:
            log.warning("dropping a reminder Telegram refused: %s", type(error).__name__)
        except RetryAfter:
            log.warning("flood control: a reminder waits for the next check")
            await asyncio.to_thread(store.release_reminder, reminder.id)
            continue
        except TelegramError as error:
            log.warning("a reminder was not confirmed (%s); trying again at the next check", type(error).__name__)
            continue
        await asyncio.to_thread(conversation.reminder_delivered, reminder)


async def purge_inactive(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The daily job: erase every chat not heard from for the retention period (a parent who
    blocked the bot included), and forget the ids of long-handled updates."""
    conversation = _conversation(context)
    store = conversation.store
    now = context.application.bot_data[CLOCK_KEY]()
    retention: timedelta = context.application.bot_data[RETENTION_KEY]
    chats = await asyncio.to_thread(store.inactive_chats, now - retention)
    for chat_id in chats:
        await asyncio.to_thread(store.forget, chat_id)
    if isinstance(store, SqliteStore):
        await asyncio.to_thread(store.inbox_prune)
    if chats:
        log.info("erased %d chat(s) inactive for %d days", len(chats), retention.days)


CASE_WATCH_FROM_HOUR = 9  # ask at a civil hour in England, never in the night
PDF_MAX_BYTES = 5 * 1024 * 1024  # a council letter is far smaller; a larger file is not fetched
CASE_HANDLER_GROUP = -1  # before the other handlers, which would call a PDF "not text"


async def send_case_watch(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The daily missed-deadline watch: the day after the council misses a date, ask the
    parent whether it happened. Each question is claimed before it is sent and marked sent
    after (`sendbot.case.watch`), so it goes once across restarts; one Telegram refused (the
    parent blocked the bot) is marked too, or it would be asked forever; any other failure
    leaves it to be asked again once its claim runs out. The terminal's cases are the
    terminal's to ask about."""
    conversation = _conversation(context)
    now = context.application.bot_data[CLOCK_KEY]()
    if now.astimezone(LONDON).hour < CASE_WATCH_FROM_HOUR:
        return
    for notice, reply in conversation.mycase.due_watch(now, lambda chat: chat != TERMINAL_CHAT_ID):
        try:
            await _send(context, notice.chat_id, reply)
        except (BadRequest, Forbidden) as error:
            log.warning("dropping a case question Telegram refused: %s", type(error).__name__)
        except TelegramError as error:
            log.warning("could not send a case question (%s); asking again later", type(error).__name__)
            continue
        conversation.mycase.watch_sent(notice, now)


async def on_pdf(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A PDF: read as a council letter (its text is not kept, nor logged)."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or message.document is None:
        return
    conversation = _conversation(context)
    if message.document.file_size and message.document.file_size > PDF_MAX_BYTES:
        replies = conversation.mycase.read_pdf(chat.id, None)
    else:
        file = await context.bot.get_file(message.document.file_id)
        replies = conversation.mycase.read_pdf(chat.id, bytes(await file.download_as_bytearray()))
    for reply in replies:
        await _send(context, chat.id, reply)
    raise ApplicationHandlerStop  # handled: not "sorry, I can only read text" as well


def add_case_handlers(application: App, interval: float) -> None:
    """The "My case" watch job, checking every ``interval`` seconds like reminders (each
    question is claimed in the database, so however often it runs it asks once), and the PDF
    handler."""
    if application.job_queue is None:
        raise RuntimeError("the case watch needs the job queue: install python-telegram-bot[job-queue]")
    application.job_queue.run_repeating(send_case_watch, interval=interval, first=0, name="case-watch")
    application.add_handler(MessageHandler(filters.Document.PDF, on_pdf), group=CASE_HANDLER_GROUP)


async def _post_init(application: App) -> None:
    """The command menu: the English one as the default, and one per language for users whose
    Telegram is set to it (setMyCommands with language_code)."""
    conversation: Conversation = application.bot_data[CONVERSATION_KEY]
    for lang in (None, *(code for code in conversation.i18n.languages if code != DEFAULT_LANG)):
        menu = conversation.command_menu(lang)
        await application.bot.set_my_commands([BotCommand(name, text) for name, text in menu], language_code=lang)
    queue = application.bot_data.get(QUEUE_KEY)
    if isinstance(queue, DurableQueue):
        await queue.resume()
    log.info(
        "SENDbot is up on Telegram as @%s: %d entries, %d deadline calculators",
        application.bot.username,
        len(conversation.kb.entries),
        len(conversation.calculator.timelines),
    )


async def _post_stop(application: App) -> None:
    queue = application.bot_data.get(QUEUE_KEY)
    if isinstance(queue, DurableQueue):
        await queue.drain(SHUTDOWN_GRACE_SECONDS)


def build_application(conversation: Conversation, settings: Settings, clock: Clock | None = None) -> App:
    """The PTB Application with every handler and the reminder job; `settings.api_base_url`
    is PTB's base_url. ``clock`` (timezone-aware; the conversation's by default) decides
    when reminders are due, so tests can move time on."""
    if not settings.token:
        raise ValueError("a Telegram token is needed")
    store = conversation.store
    if not isinstance(store, SqliteStore):
        raise ValueError("Telegram needs the SQLite store: it keeps each update until it is answered")
    queue = DurableQueue(store)
    limiter = ChatRateLimiter(
        settings.max_messages_per_chat_per_second,
        settings.chat_burst,
        overall_max_rate=settings.max_messages_per_second,
        group_max_rate=GROUP_MESSAGES_PER_MINUTE,
        max_retries=RATE_LIMIT_RETRIES,
    )
    bot = SendingBot(
        queue,
        token=settings.token,
        base_url=settings.api_base_url,
        base_file_url=settings.api_base_url.replace("/bot", "/file/bot"),
        request=AiohttpRequest(CONNECTION_POOL_SIZE, pool_timeout=POOL_TIMEOUT_SECONDS),
        updates_request=UpdatesRequest(),
        rate_limiter=limiter,
    )
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        Application.builder().bot(bot).update_queue(queue).post_init(_post_init).post_stop(_post_stop)
    )
    application = builder.build()
    queue.attach(application, replayer(application))
    application.bot_data[CONVERSATION_KEY] = conversation
    application.bot_data[CLOCK_KEY] = clock or conversation.clock
    application.bot_data[QUEUE_KEY] = queue
    application.bot_data[RETENTION_KEY] = timedelta(days=settings.retention_days)
    if application.job_queue is None:
        raise RuntimeError("reminders need the job queue: install python-telegram-bot[job-queue]")
    application.job_queue.run_repeating(
        send_due_reminders, interval=settings.reminder_interval, first=0, name="reminders"
    )
    application.job_queue.run_repeating(purge_inactive, interval=PURGE_INTERVAL, first=PURGE_FIRST, name="retention")
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(new_messages & ~filters.ChatType.PRIVATE, on_not_private))
    application.add_handler(MessageHandler(new_messages & filters.TEXT, on_text))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(new_messages & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_other))
    application.add_error_handler(on_error)
    add_case_handlers(application, settings.reminder_interval)
    return application


WEBHOOK_PATH = "telegram"


def webhook_options(settings: Settings) -> dict[str, Any]:
    """PTB's webhook arguments, shared by `run_telegram` and the tests; refuses to run a
    webhook without a secret token, since anyone could then post fake updates."""
    if not settings.webhook_secret:
        raise SystemExit(
            "SENDBOT_WEBHOOK_SECRET must be set with SENDBOT_WEBHOOK_URL, so that only Telegram can call the webhook."
        )
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": WEBHOOK_PATH,
        "webhook_url": settings.webhook_url,
        "secret_token": settings.webhook_secret,
        "allowed_updates": ALLOWED_UPDATES,
    }


def _event_loop() -> asyncio.AbstractEventLoop:
    """The loop PTB's run_polling and run_webhook use: uvloop (libuv's event loop, a drop-in
    for asyncio's) where it is installed, a tenth or more less CPU per update; asyncio's
    own elsewhere (uvloop is not on Windows, see pyproject.toml). Its worker threads are one
    (see STORE_THREADS)."""
    try:
        import uvloop
    except ImportError:
        loop = asyncio.new_event_loop()
    else:
        loop = uvloop.new_event_loop()
    loop.set_default_executor(ThreadPoolExecutor(STORE_THREADS, thread_name_prefix="sendbot-store"))
    return loop


# One worker thread for all the blocking work (asyncio.to_thread): every call in it uses the
# store, whose single connection takes one call at a time anyway, so more threads only
# fought over the interpreter's lock: with Python's default (6 threads on 2 CPUs) a burst
# took a fifth more CPU per update and was answered a sixth slower (docs/benchmarks.md).
STORE_THREADS = 1

# Container allocations between young-generation collections (Python's default is 700).
GC_YOUNG_THRESHOLD = 10_000


def _settle_heap() -> None:
    """Once everything is loaded, move what start-up built (the knowledge base, the matcher's
    index, PTB: about 120,000 objects) out of the garbage collector's sight, and collect the
    young generation every 10,000 allocations instead of 700. Each update leaves a few hundred
    short-lived objects (PTB's Update, Message and request objects): in a burst of 2,000
    updates the collector ran about 500 times, 4 of them full collections walking every object
    (0.2 s each), 1.2 to 1.4 s in all; now about 6 times, under 20 ms (docs/benchmarks.md).
    Cycles made after start-up are still collected."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def run_telegram(conversation: Conversation, settings: Settings) -> None:
    """Long polling by default; a webhook with a secret token when SENDBOT_WEBHOOK_URL is set."""
    application = build_application(conversation, settings)
    _settle_heap()
    asyncio.set_event_loop(_event_loop())
    if settings.webhook_url:
        log.info("starting SENDbot on Telegram in webhook mode, listening on port %d", settings.webhook_port)
        application.run_webhook(**webhook_options(settings))
    else:
        log.info("starting SENDbot on Telegram in long-polling mode")
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
