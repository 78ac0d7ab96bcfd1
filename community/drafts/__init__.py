"""Drafts: what a member typed in the ask form or an answer form, saved as they type and
restored when they come back, one per member and form (`key`: "ask", "thread-12").

Posting the question or the answer deletes the draft in the same transaction
(community/drafts/receivers.py), so a draft never outlives what it became.
"""
