"""Every write of the community app, one module per noun; callers use `services.<name>`.

See docs/architecture.md, "Where code goes".
"""

from community.services.attachments import attachment_create
from community.services.bookmarks import bookmark_create, bookmark_delete
from community.services.duplicates import thread_close_duplicate, thread_reopen_duplicate
from community.services.follows import follow_create, follow_delete
from community.services.kudos import kudos_give, kudos_withdraw
from community.services.members import (
    api_token_issue,
    is_staff_account,
    member_delete,
    member_profile_update,
    sessions_clear_expired,
)
from community.services.posts import post_create, post_delete, post_update
from community.services.review import content_approve, content_reject, review_required
from community.services.solutions import solution_accept, solution_withdraw
from community.services.standing import member_rank_set, member_ranks_set_many, members_lock
from community.services.threads import (
    subscription_create,
    subscription_delete,
    thread_create,
    thread_delete,
    thread_lock,
    thread_mark_escalated,
    thread_update,
    thread_view_record,
)
from community.services.visibility import content_hide, content_restore

__all__ = [
    "api_token_issue",
    "attachment_create",
    "bookmark_create",
    "bookmark_delete",
    "content_approve",
    "content_hide",
    "follow_create",
    "follow_delete",
    "content_reject",
    "content_restore",
    "kudos_give",
    "kudos_withdraw",
    "is_staff_account",
    "member_delete",
    "member_profile_update",
    "member_rank_set",
    "member_ranks_set_many",
    "members_lock",
    "post_create",
    "post_delete",
    "post_update",
    "review_required",
    "sessions_clear_expired",
    "solution_accept",
    "solution_withdraw",
    "subscription_create",
    "subscription_delete",
    "thread_create",
    "thread_delete",
    "thread_close_duplicate",
    "thread_lock",
    "thread_mark_escalated",
    "thread_reopen_duplicate",
    "thread_update",
    "thread_view_record",
]
