"""Canned replies: agents' ready-made answers, shared or personal, filled in for a case."""
