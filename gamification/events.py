"""What the gamification app announces (sent inside the writing transaction; ids only)."""

from django.dispatch import Signal

points_changed = Signal()  # entry_id, member_id, points, reason
rank_changed = Signal()  # member_id, old_rank_id, new_rank_id
badge_awarded = Signal()  # award_id, member_id, badge
statement_ready = Signal()  # statement_id, member_id
