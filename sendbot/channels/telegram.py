"""The Telegram shell around the core, with python-telegram-bot v22.

It only translates: updates into `TextIn`/`ButtonIn`, replies into HTML messages, inline
keyboards, edits, toasts and documents. Every piece of text is HTML-escaped here, long
replies are split under Telegram's 4096-character limit, and errors get a kind answer.
Nothing a parent typed is ever logged.

Reminders are delivered by a repeating JobQueue job that asks the core for those due by the
clock and deletes each once sent. The database is their only record, so a restart loses
none: the new process's job finds them there. The "My case" watch is a job of its own
(`send_case_watch`), and a PDF goes to the case's letter reader (`on_pdf`): both are added by
`add_case_handlers`."""

from __future__ import annotations

import html
import logging
from typing import Any

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sendbot.channels.terminal import TERMINAL_CHAT_ID
from sendbot.clock import LONDON, Clock
from sendbot.config import Settings
from sendbot.conversation.dialogue import Conversation
from sendbot.conversation.replies import ButtonIn, Incoming, Reply, TextIn
from sendbot.knowledge.model import DEFAULT_LANG

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4096
SAFE_CHUNK_CHARS = 3500  # leaves room for escaping and the bold title
CONVERSATION_KEY = "conversation"
CLOCK_KEY = "clock"

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


def render_html(reply: Reply) -> list[str]:
    """The reply as escaped HTML message texts, each under Telegram's limit (the title is
    short: SAFE_CHUNK_CHARS leaves room for it)."""
    chunks = [html.escape(chunk, quote=False) for chunk in split_text(reply.text)]
    if reply.title:
        chunks[0] = f"<b>{html.escape(reply.title, quote=False)}</b>\n\n{chunks[0]}"
    return chunks


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in reply.buttons]
    )


# --- handlers -----------------------------------------------------------------------------


def _conversation(context: ContextTypes.DEFAULT_TYPE) -> Conversation:
    conversation: Conversation = context.application.bot_data[CONVERSATION_KEY]
    return conversation


async def _send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> None:
    chunks = render_html(reply)
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        await context.bot.send_message(
            chat_id,
            chunk,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply) if last else None,
            disable_web_page_preview=True,
        )
    if reply.document is not None:
        await context.bot.send_document(chat_id, InputFile(reply.document.content, filename=reply.document.filename))


async def _edit(context: ContextTypes.DEFAULT_TYPE, message: Message, reply: Reply) -> None:
    """Replace the message a button was on; fall back to a new message if it cannot be edited."""
    chunks = render_html(reply)
    if len(chunks) == 1:
        try:
            await message.edit_text(
                chunks[0], parse_mode=ParseMode.HTML, reply_markup=keyboard(reply), disable_web_page_preview=True
            )
            return
        except BadRequest:
            log.info("could not edit a message; sending a new one instead")
    await _send(context, message.chat_id, reply)


def _lang(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user else None


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or message.text is None:
        return
    await _deliver(context, chat.id, TextIn(message.text, _lang(update)))


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice notes: we can only read text, so say so kindly."""
    chat = update.effective_chat
    if chat is None:
        return
    for reply in _conversation(context).not_text(chat.id):
        await _send(context, chat.id, reply)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    replies = _conversation(context).handle(chat.id, ButtonIn(query.data or "", _lang(update)))
    notices = [r for r in replies if r.kind == "notice"]
    await query.answer(notices[0].text if notices else None)
    message = query.message if isinstance(query.message, Message) else None
    for reply in replies:
        if reply.kind == "edit" and message is not None:
            await _edit(context, message, reply)
        elif reply.kind != "notice":
            await _send(context, chat.id, reply)


async def _deliver(context: ContextTypes.DEFAULT_TYPE, chat_id: int, incoming: Incoming) -> None:
    for reply in _conversation(context).handle(chat_id, incoming):
        await _send(context, chat_id, reply)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure without the update's content (it holds what the parent typed)."""
    error = context.error
    log.error("error handling an update: %s", type(error).__name__, exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        chat_id = update.effective_chat.id
        try:
            for reply in _conversation(context).sorry(chat_id):
                await _send(context, chat_id, reply)
        except Exception:  # the error may be the network or the database itself
            log.warning("could not tell the user about an error")


async def send_due_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The repeating job: send every reminder whose time has come, then delete it. A refusal
    (the parent blocked the bot, the chat is gone) would repeat forever, so that reminder is
    dropped; any other failure (network, flood control) leaves it for the next run."""
    conversation = _conversation(context)
    now = context.application.bot_data[CLOCK_KEY]()
    for reminder, reply in conversation.due_reminders(now):
        try:
            await _send(context, reminder.chat_id, reply)
        except (BadRequest, Forbidden) as error:
            log.warning("dropping a reminder Telegram refused: %s", type(error).__name__)
        except TelegramError as error:
            log.warning("could not send a reminder (%s); trying again at the next check", type(error).__name__)
            continue
        conversation.reminder_delivered(reminder)


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
    conversation = application.bot_data[CONVERSATION_KEY]
    for lang in (None, *(code for code in conversation.i18n.languages if code != DEFAULT_LANG)):
        menu = conversation.command_menu(lang)
        await application.bot.set_my_commands([BotCommand(name, text) for name, text in menu], language_code=lang)


def build_application(conversation: Conversation, settings: Settings, clock: Clock | None = None) -> App:
    """The PTB Application with every handler and the reminder job; `settings.api_base_url`
    is PTB's base_url. ``clock`` (timezone-aware; the conversation's by default) decides
    when reminders are due, so tests can move time on."""
    if not settings.token:
        raise ValueError("a Telegram token is needed")
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        Application.builder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_base_url.replace("/bot", "/file/bot"))
        .post_init(_post_init)
    )
    application = builder.build()
    application.bot_data[CONVERSATION_KEY] = conversation
    application.bot_data[CLOCK_KEY] = clock or conversation.clock
    if application.job_queue is None:
        raise RuntimeError("reminders need the job queue: install python-telegram-bot[job-queue]")
    application.job_queue.run_repeating(
        send_due_reminders, interval=settings.reminder_interval, first=0, name="reminders"
    )
    application.add_handler(MessageHandler(filters.TEXT, on_text))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL, on_other))
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
        "allowed_updates": Update.ALL_TYPES,
    }


def run_telegram(conversation: Conversation, settings: Settings) -> None:
    """Long polling by default; a webhook with a secret token when SENDBOT_WEBHOOK_URL is set."""
    application = build_application(conversation, settings)
    if settings.webhook_url:
        application.run_webhook(**webhook_options(settings))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
