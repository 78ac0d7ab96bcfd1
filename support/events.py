"""What the support app announces (inside the writing transaction; ids only)."""

from django.dispatch import Signal

case_opened = Signal()  # case_id, actor_id (None for the scheduler)
case_updated = Signal()  # case_id, actor_id, changes (list of field names)
case_message_posted = Signal()  # case_id, message_id, internal, actor_id
case_sla_breached = Signal()  # case_id
flag_created = Signal()  # flag_id, thread_id, post_id (None for the question), actor_id
moderation_action_taken = Signal()  # action_id, member_id, actor_id
satisfaction_requested = Signal()  # member_id, thread_id, case_id
# board_id|None, tag_id|None, ratio (None: no baseline), alert_id (the kept TrendingAlert)
trending_problem_detected = Signal()
expert_requested = Signal()  # request_id, thread_id, helper_id
# known_issue_id, actor_id (None: automatic), changes (field names: "created", "status",
# "title", "description", "boards", "tags", "update", "threads", "me_too"), update_id|None
known_issue_changed = Signal()
