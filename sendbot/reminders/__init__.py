"""Reminders of statutory dates: when to send them (7 days and 1 day before, 09:00 in
England) and what they hold. The store keeps them; the channels deliver them."""
