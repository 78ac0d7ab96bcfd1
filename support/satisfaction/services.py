"""Satisfaction: "Did this solve your problem?", the asker's 1-5 score for a solution or a case.

Rules (the business's, so the numbers on the staff dashboard mean one thing):
- A thread is rated by its asker, once, and only while a solution is accepted; the score is
  about the solution's author (`rated`). Rating your own answer means nothing, so the asker
  who accepted their own answer is not asked and cannot rate.
- A case is rated by its customer, once, once it is resolved or closed; the score is about
  the case's assignee (None when nobody was assigned). The case's thread is kept on the row
  for context; the one-per-thread constraint only covers rows without a case.
- A second rating is refused with 409, not an update: the first answer, given when the
  problem was fresh, is the one the dashboard counts.
- A rating outlives a withdrawn or changed solution: it was true when it was given.
- The asker is asked about a solution SATISFACTION_ASK_AFTER_MINUTES after accepting it,
  not at that moment: on the question's page from then on, and once by a notification
  (satisfaction_ask_later() when she accepts, satisfaction_ask_due() every minute).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from community.errors import Conflict
from community.models import Member, Thread
from support import events
from support.cases.models import Case, CaseStatus
from support.satisfaction import selectors
from support.satisfaction.models import (
    NpsPostponement,
    NpsResponse,
    Satisfaction,
    SatisfactionRequest,
)

SCORE_MIN = 1
SCORE_MAX = 5
COMMENT_MAX = 2000
RATEABLE_CASE_STATUSES = (CaseStatus.RESOLVED, CaseStatus.CLOSED)
ASK_BATCH = 500


def ask_after() -> timedelta:
    return timedelta(minutes=settings.SATISFACTION_ASK_AFTER_MINUTES)


def _clean_score(score: object) -> int:
    # bool is an int in Python: True must not pass for a 1.
    if isinstance(score, bool) or not isinstance(score, int):
        try:
            score = int(str(score).strip())
        except ValueError:
            score = None
    if not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
        raise ValidationError(
            {
                "score": _("Choose a score from %(min)d to %(max)d.")
                % {"min": SCORE_MIN, "max": SCORE_MAX}
            }
        )
    return score


def _clean_comment(comment: str | None) -> str:
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": _("Keep it to %(n)d characters.") % {"n": COMMENT_MAX}})
    return comment


def satisfaction_record(
    *,
    respondent: Member,
    score: object,
    comment: str | None = "",
    thread: Thread | None = None,
    case: Case | None = None,
) -> Satisfaction:
    """Record the asker's score for a thread's solution, or the customer's for a case.

    Exactly one of `thread` and `case`. Raises PermissionDenied (not the asker or customer),
    ValidationError (score outside 1-5, comment over 2000 characters) and Conflict (nothing
    to rate yet, or already rated). Takes the thread's or case's row lock, so the rule
    "only while a solution is accepted" cannot race a withdrawal, and two submissions at
    once meet at the unique constraint: the second gets the same 409 as a later one.
    """
    if (thread is None) == (case is None):
        raise ValueError("Rate either a thread or a case.")
    if thread is not None:
        return _rate_thread(thread=thread, respondent=respondent, score=score, comment=comment)
    assert case is not None  # noqa: S101 - narrowed by the check above
    return _rate_case(case=case, respondent=respondent, score=score, comment=comment)


def _rate_thread(
    *, thread: Thread, respondent: Member, score: object, comment: str | None
) -> Satisfaction:
    if respondent.pk != thread.author_id:
        raise PermissionDenied(_("Only the person who asked can rate the solution."))
    clean_score, clean_comment = _clean_score(score), _clean_comment(comment)
    with transaction.atomic():
        locked = (
            Thread.objects.select_for_update(of=("self",))
            .select_related("solution")
            .get(pk=thread.pk)
        )
        if locked.solution is None:
            raise Conflict(_("There is no accepted solution to rate yet."))
        if locked.solution.author_id == respondent.pk:
            raise PermissionDenied(_("You can't rate your own answer."))
        already = Satisfaction.objects.filter(
            respondent=respondent, thread=locked, case__isnull=True
        )
        if already.exists():
            raise Conflict(_("You already rated this."))
        return _create(
            respondent=respondent,
            thread_id=locked.pk,
            case_id=None,
            rated_id=locked.solution.author_id,
            score=clean_score,
            comment=clean_comment,
        )


def _rate_case(
    *, case: Case, respondent: Member, score: object, comment: str | None
) -> Satisfaction:
    if respondent.pk != case.customer_id:
        raise PermissionDenied(_("Only the customer can rate this case."))
    clean_score, clean_comment = _clean_score(score), _clean_comment(comment)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status not in RATEABLE_CASE_STATUSES:
            raise Conflict(_("You can rate the case once it is resolved."))
        if Satisfaction.objects.filter(respondent=respondent, case=locked).exists():
            raise Conflict(_("You already rated this."))
        return _create(
            respondent=respondent,
            thread_id=locked.thread_id,
            case_id=locked.pk,
            rated_id=locked.assignee_id,
            score=clean_score,
            comment=clean_comment,
        )


def _create(
    *,
    respondent: Member,
    thread_id: int | None,
    case_id: int | None,
    rated_id: int | None,
    score: int,
    comment: str,
) -> Satisfaction:
    try:
        # A savepoint, so the losing side of a race can still answer 409 in a transaction.
        with transaction.atomic():
            return Satisfaction.objects.create(
                respondent=respondent,
                thread_id=thread_id,
                case_id=case_id,
                rated_id=rated_id,
                score=score,
                comment=comment,
            )
    except IntegrityError:
        raise Conflict(_("You already rated this.")) from None


def satisfaction_ask_later(*, member_id: int, thread_id: int) -> None:
    """Ask the asker about the thread's solution a while from now; again, when she has not
    answered and a new solution is accepted (the caller checks she has not rated)."""
    SatisfactionRequest.objects.update_or_create(
        member_id=member_id,
        thread_id=thread_id,
        defaults={"due_at": timezone.now() + ask_after(), "sent_at": None},
    )


def satisfaction_ask_due(*, now: datetime | None = None) -> int:
    """Announce the questions that are due (support.events.satisfaction_requested), once each;
    returns how many. A request whose solution has since been withdrawn, hidden, or become the
    asker's own, or that she has answered on the page meanwhile, is closed without asking.
    Two schedulers at once skip each other's rows."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            SatisfactionRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(sent_at__isnull=True, due_at__lte=now)
            .select_related("thread__solution")
            .order_by("due_at")[:ASK_BATCH]
        )
        if not due:
            return 0
        rated = set(
            Satisfaction.objects.filter(
                case__isnull=True, thread_id__in=[r.thread_id for r in due]
            ).values_list("respondent_id", "thread_id")
        )
        asked = 0
        for request in due:
            solution = request.thread.solution
            if (
                solution is None
                or solution.author_id == request.member_id
                or solution.hidden_reason
                or request.thread.hidden_reason
                or (request.member_id, request.thread_id) in rated
            ):
                continue
            events.satisfaction_requested.send(
                sender=Satisfaction,
                member_id=request.member_id,
                thread_id=request.thread_id,
                case_id=None,
            )
            asked += 1
        SatisfactionRequest.objects.filter(pk__in=[r.pk for r in due]).update(sent_at=now)
    return asked


# ---------------------------------------------------------------------------- NPS
# "How likely are you to recommend <brand> to a friend?" (docs/api.md, "Satisfaction and the
# voice of the customer"). Who is asked and when: support.satisfaction.selectors.nps_due.

NPS_MIN = 0
NPS_MAX = 10


def _clean_nps_score(score: object) -> int:
    if isinstance(score, bool) or not isinstance(score, int):
        try:
            score = int(str(score).strip())
        except ValueError:
            score = None
    if not isinstance(score, int) or not NPS_MIN <= score <= NPS_MAX:
        raise ValidationError(
            {
                "score": _("Choose a score from %(min)d to %(max)d.")
                % {"min": NPS_MIN, "max": NPS_MAX}
            }
        )
    return score


def nps_record(*, respondent: Member, score: object, comment: str | None = "") -> NpsResponse:
    """Record a member's 0-10 answer and optional comment.

    Raises PermissionDenied for staff (their answer would be about their employer, not the
    product), ValidationError (score outside 0-10, comment over 2000 characters) and
    Conflict when the member answered in the last NPS_INTERVAL (90 days). The check runs
    under the member's row lock, so two answers sent at once (two tabs, a double tap) are
    serialized: the second finds the first and gets the same 409 as a later one would.
    Answering clears a postponement.
    """
    if selectors.is_staff_member(respondent):
        raise PermissionDenied(_("Staff are not asked this question."))
    clean_score, clean_comment = _clean_nps_score(score), _clean_comment(comment)
    with transaction.atomic():
        list(Member.objects.select_for_update().filter(pk=respondent.pk).values_list("pk"))
        now = timezone.now()
        last = selectors.nps_last_answer(
            member_id=respondent.pk, since=now - selectors.NPS_INTERVAL
        )
        if last is not None:
            raise Conflict(
                _("You already answered on %(date)s: we will ask again in a few months.")
                % {"date": formats.date_format(timezone.localtime(last), "DATE_FORMAT")}
            )
        segments = selectors.nps_segments(member_id=respondent.pk)
        response = NpsResponse.objects.create(
            respondent=respondent,
            score=clean_score,
            comment=clean_comment,
            was_helper=segments.helper,
            was_asker=segments.asker,
            had_case=segments.case,
            created_at=now,
        )
        NpsPostponement.objects.filter(member_id=respondent.pk).delete()
    return response


def nps_postpone(*, member: Member) -> datetime:
    """The member dismissed the question: not asked again for NPS_POSTPONE (14 days).
    Returns when the question may come back. Dismissing twice just moves the date."""
    until = timezone.now() + selectors.NPS_POSTPONE
    NpsPostponement.objects.update_or_create(member_id=member.pk, defaults={"until": until})
    return until
