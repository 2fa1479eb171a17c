"""The dialogue: commands, buttons, the deadline calculator and the wording of replies.
Transport-free: it returns `Reply` objects that each channel renders."""
