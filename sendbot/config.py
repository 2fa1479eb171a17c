"""Settings from the environment, read in one place so every name is documented here. Every
command gets its paths from one `Settings` (so `sendbot deadline` honours SENDBOT_KNOWLEDGE too).

| variable | meaning | default |
|---|---|---|
| TELEGRAM_BOT_TOKEN | the bot's token; without it `sendbot` starts the terminal chat | none |
| TELEGRAM_API_BASE_URL | python-telegram-bot's `base_url` (a self-hosted Bot API server) | Telegram's own |
| SENDBOT_DB | path of the SQLite database | per-user data dir |
| SENDBOT_KNOWLEDGE | folder of the knowledge base | `knowledge/` beside the package |
| SENDBOT_LOCALES | folder of the translations | `locales/` beside the package |
| SENDBOT_WEBHOOK_URL | public HTTPS URL: run a webhook instead of long polling | none |
| SENDBOT_WEBHOOK_SECRET | secret token Telegram must send with each webhook call | none |
| SENDBOT_WEBHOOK_LISTEN / SENDBOT_WEBHOOK_PORT | where the webhook server listens | 127.0.0.1 / 8443 |
| SENDBOT_REMINDER_INTERVAL | seconds between checks for reminders that are due and for missed case dates | 60 |
| SENDBOT_RETENTION_DAYS | a chat not heard from for this many days is erased (daily) | 365 |
| SENDBOT_MAX_MESSAGES_PER_SECOND | messages per second to Telegram, all chats together | 30 (Telegram's cap) |
| SENDBOT_MAX_MESSAGES_PER_CHAT_PER_SECOND | messages a second to one private chat, after a burst | 1 (Telegram FAQ) |
| SENDBOT_CHAT_BURST | messages one private chat may be sent at once, before that rate applies | 3 (a whole answer) |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_RETENTION_DAYS = 365  # 12 months of silence: the family has most likely moved on
TELEGRAM_MESSAGES_PER_SECOND = 30.0  # Telegram's documented cap for one bot, all chats together
CHAT_MESSAGES_PER_SECOND = 1.0  # Telegram's bot FAQ: about one message a second in one chat
CHAT_BURST = 3  # "short bursts are allowed": an answer of two or three messages is not held back


def default_db_path() -> Path:
    """Per-user data directory, so two users of one machine never share a database."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sendbot" / "sendbot.db"


@dataclass(frozen=True)
class Settings:
    token: str | None
    api_base_url: str
    db_path: Path
    knowledge_dir: Path
    locales_dir: Path
    webhook_url: str | None
    webhook_secret: str | None
    webhook_listen: str
    webhook_port: int
    reminder_interval: float = 60.0
    retention_days: int = DEFAULT_RETENTION_DAYS
    max_messages_per_second: float = TELEGRAM_MESSAGES_PER_SECOND
    max_messages_per_chat_per_second: float = CHAT_MESSAGES_PER_SECOND
    chat_burst: int = CHAT_BURST

    @property
    def timelines_dir(self) -> Path:
        """The deadline calculators' data: ``timelines/`` in the knowledge base."""
        return self.knowledge_dir / "timelines"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            token=env.get("TELEGRAM_BOT_TOKEN") or None,
            api_base_url=env.get("TELEGRAM_API_BASE_URL") or TELEGRAM_BASE_URL,
            db_path=Path(env.get("SENDBOT_DB") or default_db_path()),
            knowledge_dir=Path(env.get("SENDBOT_KNOWLEDGE") or PROJECT_ROOT / "knowledge"),
            locales_dir=Path(env.get("SENDBOT_LOCALES") or PROJECT_ROOT / "locales"),
            webhook_url=env.get("SENDBOT_WEBHOOK_URL") or None,
            webhook_secret=env.get("SENDBOT_WEBHOOK_SECRET") or None,
            webhook_listen=env.get("SENDBOT_WEBHOOK_LISTEN") or "127.0.0.1",
            webhook_port=int(env.get("SENDBOT_WEBHOOK_PORT") or 8443),
            reminder_interval=float(env.get("SENDBOT_REMINDER_INTERVAL") or 60),
            retention_days=int(env.get("SENDBOT_RETENTION_DAYS") or DEFAULT_RETENTION_DAYS),
            max_messages_per_second=float(env.get("SENDBOT_MAX_MESSAGES_PER_SECOND") or TELEGRAM_MESSAGES_PER_SECOND),
            max_messages_per_chat_per_second=float(
                env.get("SENDBOT_MAX_MESSAGES_PER_CHAT_PER_SECOND") or CHAT_MESSAGES_PER_SECOND
            ),
            chat_burst=int(env.get("SENDBOT_CHAT_BURST") or CHAT_BURST),
        )
