"""What the community app announces. Receivers in other apps listen (see docs/architecture.md).

Every signal is sent inside the writing transaction, with keyword arguments that are ids and
`actor_id` (the member who acted), nothing else. Receivers that write must be quick,
database-only and idempotent; anything outside the database goes through on_commit.
"""

from django.dispatch import Signal

thread_created = Signal()  # thread_id, board_id, actor_id
thread_updated = Signal()  # thread_id, actor_id, revision_id
thread_deleted = Signal()  # thread_id, board_id, author_id, actor_id
post_created = Signal()  # post_id, thread_id, actor_id
post_updated = Signal()  # post_id, thread_id, actor_id, revision_id
post_deleted = Signal()  # post_id, thread_id, author_id, actor_id
kudos_given = Signal()  # kudos_id, thread_id, post_id, receiver_id, actor_id
kudos_withdrawn = Signal()  # kudos_id, thread_id, post_id, receiver_id, actor_id
solution_accepted = Signal()  # thread_id, post_id, actor_id
solution_withdrawn = Signal()  # thread_id, post_id, actor_id
member_mentioned = Signal()  # mention_id, member_id, thread_id, post_id, actor_id
content_hidden = Signal()  # thread_id, post_id (None for the question), reason, actor_id
content_restored = Signal()  # thread_id, post_id, actor_id
announcement_changed = Signal()  # announcement_id, board_id, actor_id (posted, edited,
# unpinned or deleted: open pages fetch their banner again)
thread_marked_duplicate = Signal()  # thread_id, original_id, author_id, actor_id
thread_viewed = Signal()  # thread_id, view_count (sent after commit: no actor, no write)
