"""Deflection: "This solved it" on the ask form, and whether the answer was enough.

Rules (so the dashboard's deflection rate means one thing):
- Only a question with an accepted solution everybody can read deflects: the member read
  that solution on the ask form.
- One deflection per member, question and local day (the query window): clicking again,
  or typing the title again and clicking the same day, returns the first one (idempotent);
  the same problem coming back another day counts again. A unique constraint holds it.
- At most DEFLECTIONS_A_DAY different questions per member and local day, counted under the
  member's row lock, so a script cannot inflate the rate: past it, 429 until midnight.
- A deflection ends the question the member was writing: their ask form's draft goes with
  it, in the same transaction (a question they go on to write is saved afresh).
- The member may then say whether the answer was enough (`helpful`: yes or no), and change
  their mind; only their own deflections.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.drafts.services import ASK_DRAFT_KEY, draft_discard
from community.errors import Conflict, RateLimited
from community.models import Member, Thread, publicly_solved
from support.deflection.models import Deflection

QUERY_MAX = 150
DEFLECTIONS_A_DAY = 20


def _clean_query(query: object) -> str:
    text = " ".join(str(query or "").split())
    if not text:
        raise ValidationError({"query": [_("Say what you were about to ask.")]})
    if len(text) > QUERY_MAX:
        raise ValidationError({"query": [_("Keep it to %(n)d characters.") % {"n": QUERY_MAX}]})
    return text


def _seconds_to_midnight(now: datetime) -> int:
    local = timezone.localtime(now)
    midnight = timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), time.min))
    return int((midnight - now).total_seconds()) + 1


def deflection_record(
    *, member: Member, thread: Thread, query: object, now: datetime | None = None
) -> tuple[Deflection, bool]:
    """Record that `thread`'s solution answered what `member` was about to ask.

    Returns (deflection, created): the day's earlier deflection for the same question, if
    any, with created False. Raises ValidationError (blank or long query), Conflict (the
    question has no public solution) and RateLimited (the member's daily cap). The member's
    row lock serializes their requests, so the cap holds when they arrive together.
    """
    clean_query = _clean_query(query)
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    solved = Thread.objects.filter(publicly_solved(), pk=thread.pk, hidden_reason="").exists()
    if not solved:
        raise Conflict(_("This question has no accepted solution yet."))
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).first()
        today = Deflection.objects.filter(member=member, day=day)
        existing = today.filter(thread_id=thread.pk).first()
        if existing is not None:
            draft_discard(member_id=member.pk, key=ASK_DRAFT_KEY)
            return existing, False
        if today.count() >= DEFLECTIONS_A_DAY:
            raise RateLimited(
                _("That's a lot of answers found for one day. Thank you! Try again tomorrow."),
                retry_after=_seconds_to_midnight(now),
            )
        try:
            with transaction.atomic():
                deflection = Deflection.objects.create(
                    member=member, thread_id=thread.pk, query=clean_query, day=day, created_at=now
                )
        except IntegrityError:  # pragma: no cover - the row lock above serializes the member
            return Deflection.objects.get(member=member, thread_id=thread.pk, day=day), False
        draft_discard(member_id=member.pk, key=ASK_DRAFT_KEY)
    return deflection, True


def deflection_rate(*, deflection: Deflection, member: Member, helpful: object) -> Deflection:
    """The member says whether the solution was enough (True) or not quite (False).

    Only the member who recorded it (anyone else: ValueError; callers fetch the deflection
    through deflection_get_for_member, which gives them 404 first).
    """
    if deflection.member_id != member.pk:
        raise ValueError("Only the member who found the answer rates it.")
    if not isinstance(helpful, bool):
        raise ValidationError({"helpful": [_("Must be true or false.")]})
    Deflection.objects.filter(pk=deflection.pk).update(helpful=helpful)
    deflection.helpful = helpful
    return deflection
