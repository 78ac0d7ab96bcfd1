"""Awarding badges. Runs after commit (a Celery task), never inside the community's write."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from gamification import events
from gamification.badges import REGISTRY
from gamification.models import BadgeAward


def badges_evaluate(*, member_id: int) -> list[BadgeAward]:
    """Award every badge the member now qualifies for and doesn't hold. Safe to repeat."""
    held = set(BadgeAward.objects.filter(member_id=member_id).values_list("badge", flat=True))
    awarded = []
    for slug, badge in REGISTRY.items():
        if slug in held or not badge.earned(member_id):
            continue
        try:
            with transaction.atomic():
                award = BadgeAward.objects.create(member_id=member_id, badge=slug)
                events.badge_awarded.send(
                    sender=BadgeAward, award_id=award.pk, member_id=member_id, badge=slug
                )
        except IntegrityError:  # a concurrent evaluation awarded it first
            continue
        awarded.append(award)
    return awarded
