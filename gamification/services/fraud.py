"""Finding serial voting and correcting the points it paid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Kudos
from gamification.models import KUDOS_RULES, LedgerEntry, Reason
from gamification.services.ledger import points_reverse

WINDOW = timedelta(days=30)
MIN_KUDOS = 5
MIN_SHARE = 0.5


@dataclass(frozen=True)
class SerialVoting:
    giver_id: int
    receiver_id: int
    kudos: int
    share: float


def serial_voting_find(*, now: datetime | None = None) -> list[SerialVoting]:
    """Pairs where one member gave another at least 5 kudos in 30 days, and half or more of
    all the kudos the receiver got in that window (Stack Exchange's "targeted votes")."""
    since = (now or timezone.now()) - WINDOW
    recent = Kudos.objects.filter(created_at__gte=since)
    received = dict(
        recent.values("receiver_id").annotate(n=Count("pk")).values_list("receiver_id", "n")
    )
    pairs = (
        recent.values("giver_id", "receiver_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=MIN_KUDOS)
        .values_list("giver_id", "receiver_id", "n")
    )
    return [
        SerialVoting(giver, receiver, n, n / received[receiver])
        for giver, receiver, n in pairs
        if n / received[receiver] >= MIN_SHARE
    ]


def serial_voting_correct(*, now: datetime | None = None) -> int:
    """Reverse the points paid for serial votes with "voting corrected" rows. Safe to repeat."""
    corrected = 0
    since = (now or timezone.now()) - WINDOW
    for pair in serial_voting_find(now=now):
        kudos_ids = Kudos.objects.filter(
            giver_id=pair.giver_id, receiver_id=pair.receiver_id, created_at__gte=since
        ).values_list("pk", flat=True)
        with transaction.atomic():
            for award in LedgerEntry.objects.filter(
                member_id=pair.receiver_id,
                reason__in=KUDOS_RULES,
                source__in=[f"kudos:{pk}" for pk in kudos_ids],
                reversed_by__isnull=True,
            ):
                if points_reverse(
                    award=award,
                    reason=Reason.VOTING_CORRECTED,
                    note=_("Many kudos from one member in a short time."),
                ):
                    corrected += 1
    return corrected
