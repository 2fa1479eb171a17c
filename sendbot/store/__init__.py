"""What the bot keeps between messages: chat settings, reminders and feedback counts."""
