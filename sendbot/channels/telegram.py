"""The Telegram shell around the core, with python-telegram-bot v22.

It only translates: updates into `TextIn`/`ButtonIn`, replies into HTML messages, inline
keyboards, edits, toasts and documents. Every piece of text is HTML-escaped here, long
replies are split under Telegram's 4096-character limit, and errors get a kind answer.
Nothing a parent typed is ever logged.

Reminders are delivered by a repeating JobQueue job that asks the core for those due by the
clock and deletes each once sent. The database is their only record, so a restart loses
none: the new process's job finds them there."""

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
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sendbot.clock import Clock
from sendbot.config import Settings
from sendbot.conversation.dialogue import Conversation
from sendbot.conversation.replies import ButtonIn, Card, Foot, Incoming, Link, Reply, TextIn

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4096
SAFE_CHUNK_CHARS = 3500  # leaves room for escaping and the bold title
CONVERSATION_KEY = "conversation"
CLOCK_KEY = "clock"
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


def render_html(reply: Reply) -> list[str]:
    """The reply as HTML message texts, each under Telegram's limit (the title is short:
    SAFE_CHUNK_CHARS leaves room for it); cards and the foot follow the text, in a message
    of their own when they would not fit."""
    chunks = [_esc(chunk) for chunk in split_text(reply.text)]
    if reply.title:
        chunks[0] = f"<b>{_esc(reply.title)}</b>\n\n{chunks[0]}"
    extra = [card_html(card) for card in reply.cards] + ([foot_html(reply.foot)] if reply.foot else [])
    for block in extra:
        if len(chunks[-1]) + len(block) + 2 > MAX_MESSAGE_CHARS:
            chunks.append(block)
        else:
            chunks[-1] = f"{chunks[-1]}\n\n{block}" if chunks[-1] else block
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


async def _send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> int:
    """Send a reply (in several messages if long); the id of the message carrying its keyboard."""
    chunks = render_html(reply)
    message_id = 0
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        sent = await context.bot.send_message(
            chat_id,
            chunk,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply) if last else None,
            disable_web_page_preview=True,
        )
        message_id = sent.message_id
    if reply.document is not None:
        await context.bot.send_document(chat_id, InputFile(reply.document.content, filename=reply.document.filename))
    return message_id


async def _edit(context: ContextTypes.DEFAULT_TYPE, message: Message, reply: Reply) -> int:
    """Replace the message a button was on; fall back to a new message if it cannot be edited."""
    chunks = render_html(reply)
    if len(chunks) == 1:
        try:
            await message.edit_text(
                chunks[0], parse_mode=ParseMode.HTML, reply_markup=keyboard(reply), disable_web_page_preview=True
            )
            return message.message_id
        except BadRequest:
            log.info("could not edit a message; sending a new one instead")
    return await _send(context, message.chat_id, reply)


async def _show(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, replies: list[Reply], pressed: Message | None = None
) -> None:
    """Send or edit each reply (notices are the callback's toast). A flow keeps one live
    keyboard: when a new step is sent, the previous step's keyboard is removed, so no dead
    button stays on screen (the id is kept in memory: after a restart an old button gets the
    "older message" toast instead)."""
    live: int | None = context.chat_data.get(STEP_KEY) if context.chat_data is not None else None
    for reply in replies:
        if reply.kind == "notice":
            continue
        if reply.kind == "edit" and pressed is not None:
            shown = await _edit(context, pressed, reply)
        else:
            shown = await _send(context, chat_id, reply)
        if reply.step and context.chat_data is not None:
            if live is not None and live != shown:
                await _retire(context, chat_id, live)
            live = context.chat_data[STEP_KEY] = shown


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
    await context.bot.send_chat_action(chat.id, ChatAction.TYPING)  # "typing..." while the answer is found
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
    await _show(context, chat.id, replies, message)


async def _deliver(context: ContextTypes.DEFAULT_TYPE, chat_id: int, incoming: Incoming) -> None:
    await _show(context, chat_id, _conversation(context).handle(chat_id, incoming))


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


async def _post_init(application: App) -> None:
    conversation: Conversation = application.bot_data[CONVERSATION_KEY]
    menu = conversation.command_menu(None)
    await application.bot.set_my_commands([BotCommand(name, text) for name, text in menu])
    log.info(
        "SENDbot is up on Telegram as @%s: %d entries, %d deadline calculators",
        application.bot.username,
        len(conversation.kb.entries),
        len(conversation.calculator.timelines),
    )


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
        log.info("starting SENDbot on Telegram in webhook mode, listening on port %d", settings.webhook_port)
        application.run_webhook(**webhook_options(settings))
    else:
        log.info("starting SENDbot on Telegram in long-polling mode")
        application.run_polling(allowed_updates=Update.ALL_TYPES)
