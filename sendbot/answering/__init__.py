"""From a parent's words to a decision: normalising, ranking entries, deciding whether to
answer, suggest or fall back; plus the checks and evaluation built on the same machinery."""
