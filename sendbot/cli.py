"""Command line: `sendbot` (chat or Telegram), `chat`, `telegram`, `ask`, `check`, `eval`, `deadline`."""
