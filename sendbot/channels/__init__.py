"""The edges: Telegram, the terminal chat and the command line. They carry messages in and
replies out, and decide nothing a parent is told."""
