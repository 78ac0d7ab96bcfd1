"""Moderation: members' flags, the review queue's decisions and moderators' actions.

Every decision writes a ModerationAction (who, what, when, why) and announces
`support.events.moderation_action_taken` in the same transaction, so the notifications app
can tell the member affected. Sanctions (suspend, silence) are in support.moderation.sanctions.

Flags. A member whose rank grants `community.flag_content` (Member and up; staff always)
flags a question or an answer once. Each flag carries a weight, fixed when it is made:

    weight = (1 + level / 2) * accuracy
    accuracy = 2 * (upheld + 1) / (upheld + rejected + 2)

`level` is the flagger's rank level (Member.rank_level, which gamification keeps; staff
count as at least Helper, level 3). `accuracy` is the flagger's record of upheld and
rejected flags with a uniform prior (Laplace's rule of succession), scaled so a newcomer
with no record weighs 1.0: it tends to 2 for someone always right and to 0 for someone
always wrong. A Member (level 2) weighs 2.0 at first, a Helper 2.5, an Expert 3.0.

When the weights of the open flags from trusted members (rank level 3, Helper, and up, or
staff) on one item reach AUTO_HIDE_THRESHOLD (3), the item is hidden (reason FLAGGED) until
a moderator decides, and a case opens so an agent can talk to its author. Two trusted
newcomers' flags hide; so does one Expert with a clean record; an Expert whose flags were
mostly rejected cannot hide anything alone. A flag of kind "sensitive" (personal data)
opens a SENSITIVE case at once.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community_services
from community.errors import Conflict
from community.models import (
    AGENTS_GROUP,
    MODERATORS_GROUP,
    REVIEW_REASONS,
    Board,
    HiddenReason,
    Member,
    Post,
    Thread,
)
from community.services import moderation_ops
from support import events
from support.cases.models import Case, CaseReason
from support.cases.services import case_open
from support.moderation.models import Flag, FlagKind, FlagStatus, ModerationAction
from support.moderation.selectors import flagger_record, member_is_silenced, open_flags

AUTO_HIDE_THRESHOLD = 3.0
TRUSTED_RANK_LEVEL = 3  # Helper
STAFF_RANK_FLOOR = 3
NOTE_MAX = 500
REASON_MAX = 500
FLAGS_REASON = "flags"  # the reason code of an automatic hide (selectors render it)

Target = Thread | Post


# --------------------------------------------------------------------------- helpers


def is_staff_member(member: Member) -> bool:
    return member.is_superuser or member.is_moderator or member.is_agent


def is_moderator(member: Member) -> bool:
    return member.is_active and member.is_moderator


def require_moderator(actor: Member) -> None:
    if not is_moderator(actor):
        raise PermissionDenied(_("Only moderators can do this."))


def _one(thread: Thread | None, post: Post | None) -> tuple[Target, Thread]:
    if post is not None and thread is None:
        return post, post.thread
    if thread is not None and post is None:
        return thread, thread
    raise ValueError("Give exactly one of thread or post.")


def clean_reason(reason: str, *, required: bool = False) -> str:
    reason = " ".join(reason.split())
    if required and not reason:
        raise ValidationError({"reason": _("Say why: the member will be told.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("Keep it to %(n)d characters at most.") % {"n": REASON_MAX}}
        )
    return reason


def action_record(
    *,
    kind: str,
    actor: Member | None,
    member_id: int | None,
    thread: Thread | None = None,
    post_id: int | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> ModerationAction:
    """Write one entry of the audit log and announce it. Call inside the action's transaction."""
    action = ModerationAction.objects.create(
        kind=kind,
        actor=actor,
        member_id=member_id,
        thread=thread,
        post_id=post_id,
        reason=reason[:REASON_MAX],
        data=data or {},
    )
    events.moderation_action_taken.send(
        sender=ModerationAction,
        action_id=action.pk,
        member_id=member_id,
        actor_id=actor.pk if actor else None,
    )
    return action


def case_for_content(*, target: Target, reason: str, actor: Member | None = None) -> Case:
    """The private case with the author of held or hidden content.

    A case about a thread belongs to the asker (one active case per thread, and it marks
    the question as escalated). An answer by someone else gets a case of its own, without
    the thread, so the asker's question is not taken from the community.
    """
    thread = target if isinstance(target, Thread) else target.thread
    author = Member.objects.get(pk=target.author_id)
    about = thread if target.author_id == thread.author_id else None
    answer = target if about is None and isinstance(target, Post) else None
    case, _opened = case_open(
        customer=author, reason=reason, thread=about, post=answer, actor=actor
    )
    return case


# --------------------------------------------------------------------------- flags


def flag_weight(*, flagger: Member) -> float:
    """How much the flagger's word counts now (the module's docstring has the formula)."""
    level = flagger.rank_level
    if is_staff_member(flagger):
        level = max(level, STAFF_RANK_FLOOR)
    upheld, rejected = flagger_record(member_id=flagger.pk)
    accuracy = 2 * (upheld + 1) / (upheld + rejected + 2)
    return round((1 + level / 2) * accuracy, 3)


def _trusted() -> Q:
    staff = Member.groups.through.objects.filter(
        member_id=OuterRef("flagger_id"), group__name__in=[MODERATORS_GROUP, AGENTS_GROUP]
    )
    return (
        Q(flagger__rank_level__gte=TRUSTED_RANK_LEVEL)
        | Q(flagger__is_superuser=True)
        | Q(Exists(staff))
    )


def trusted_score(*, thread_id: int, post_id: int | None) -> float:
    """The sum of the weights of the open flags from trusted members on one item."""
    total = (
        open_flags(thread_id=thread_id, post_id=post_id)
        .filter(_trusted())
        .aggregate(total=Sum("weight"))["total"]
    )
    return float(total or 0)


def flag_create(
    *,
    flagger: Member,
    kind: str,
    thread: Thread | None = None,
    post: Post | None = None,
    note: str = "",
) -> Flag:
    """A member flags a question or an answer for the moderators.

    Raises PermissionDenied (no privilege, own content, silenced), ValidationError (kind,
    note) or Conflict (already flagged). May hide the item (see the module's docstring).
    """
    target, about = _one(thread, post)
    if not flagger.is_active or not flagger.has_perm("community.flag_content"):
        raise PermissionDenied(_("Flagging unlocks at the Member rank."))
    if target.author_id == flagger.pk:
        raise PermissionDenied(_("You can't flag your own post."))
    if member_is_silenced(member_id=flagger.pk):
        raise PermissionDenied(_("You can't flag while you are silenced."))
    if kind not in FlagKind.values:
        raise ValidationError(
            {"kind": _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(FlagKind.values)}}
        )
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("Keep it to %(n)d characters at most.") % {"n": NOTE_MAX}})
    post_id = post.pk if post is not None else None
    if _already_flagged(flagger, about.pk, post_id):
        raise Conflict(_("You already flagged this."))
    weight = flag_weight(flagger=flagger)
    try:
        with transaction.atomic():
            # The item's row lock orders concurrent flags, so exactly one of them sees the
            # score reach the threshold and hides the item.
            type(target).objects.select_for_update().filter(pk=target.pk).first()
            flag = Flag.objects.create(
                flagger=flagger, thread=about, post=post, kind=kind, note=note, weight=weight
            )
            if kind == FlagKind.SENSITIVE:
                case_for_content(target=target, reason=CaseReason.SENSITIVE, actor=flagger)
            _hide_if_flagged_enough(target, about, post_id)
            events.flag_created.send(
                sender=Flag,
                flag_id=flag.pk,
                thread_id=about.pk,
                post_id=post_id,
                actor_id=flagger.pk,
            )
    except IntegrityError:
        raise Conflict(_("You already flagged this.")) from None
    return flag


def _already_flagged(flagger: Member, thread_id: int, post_id: int | None) -> bool:
    flags = Flag.objects.filter(flagger=flagger)
    if post_id is None:
        return flags.filter(thread_id=thread_id, post__isnull=True).exists()
    return flags.filter(post_id=post_id).exists()


def _hide_if_flagged_enough(target: Target, thread: Thread, post_id: int | None) -> None:
    target.refresh_from_db(fields=["hidden_reason"])
    if target.hidden_reason:
        return
    score = trusted_score(thread_id=thread.pk, post_id=post_id)
    if score + 1e-9 < AUTO_HIDE_THRESHOLD:
        return
    if not _hide(target, HiddenReason.FLAGGED, actor=None):
        return
    case = case_for_content(target=target, reason=CaseReason.FLAGGED)
    action_record(
        kind=ModerationAction.Kind.HIDE,
        actor=None,
        member_id=target.author_id,
        thread=thread,
        post_id=post_id,
        reason=FLAGS_REASON,
        data={"score": round(score, 3), "threshold": AUTO_HIDE_THRESHOLD, "case": case.pk},
    )


def _hide(target: Target, reason: str, *, actor: Member | None) -> bool:
    actor_id = actor.pk if actor else None
    if isinstance(target, Thread):
        return community_services.content_hide(thread=target, reason=reason, actor_id=actor_id)
    return community_services.content_hide(post=target, reason=reason, actor_id=actor_id)


def _restore(target: Target, *, actor: Member) -> bool:
    if isinstance(target, Thread):
        return community_services.content_restore(thread=target, actor_id=actor.pk)
    return community_services.content_restore(post=target, actor_id=actor.pk)


def _post_id(target: Target) -> int | None:
    return target.pk if isinstance(target, Post) else None


def flags_uphold(
    *, actor: Member, thread: Thread | None = None, post: Post | None = None, reason: str = ""
) -> ModerationAction:
    """The flags were right: the item is hidden by the moderator and the flags upheld
    (which raises their flaggers' accuracy)."""
    return _review(actor, thread, post, reason, upheld=True)


def flags_reject(
    *, actor: Member, thread: Thread | None = None, post: Post | None = None, reason: str = ""
) -> ModerationAction:
    """The flags were wrong: rejected (lowering their flaggers' accuracy), and the item is
    public again if the flags had hidden it."""
    return _review(actor, thread, post, reason, upheld=False)


def _review(
    actor: Member, thread: Thread | None, post: Post | None, reason: str, *, upheld: bool
) -> ModerationAction:
    require_moderator(actor)
    target, about = _one(thread, post)
    reason = clean_reason(reason)
    now = timezone.now()
    with transaction.atomic():
        type(target).objects.select_for_update().filter(pk=target.pk).first()
        target.refresh_from_db(fields=["hidden_reason"])
        flags = open_flags(thread_id=about.pk, post_id=_post_id(target))
        flag_ids = list(flags.values_list("pk", flat=True))
        if not flag_ids:
            raise Conflict(_("There are no open flags on this."))
        Flag.objects.filter(pk__in=flag_ids).update(
            status=FlagStatus.UPHELD if upheld else FlagStatus.REJECTED,
            reviewed_by=actor,
            reviewed_at=now,
        )
        if upheld:
            # Now the moderator's decision: a later rejection of new flags won't undo it.
            changed = _hide(target, HiddenReason.MODERATOR, actor=actor)
        elif target.hidden_reason == HiddenReason.FLAGGED:
            changed = _restore(target, actor=actor)
        else:
            changed = False
        return action_record(
            kind=ModerationAction.Kind.FLAG_UPHELD
            if upheld
            else ModerationAction.Kind.FLAG_REJECTED,
            actor=actor,
            member_id=target.author_id,
            thread=about,
            post_id=_post_id(target),
            reason=reason,
            data={"flags": flag_ids, "hidden" if upheld else "restored": changed},
        )


# --------------------------------------------------------------------------- content


def moderation_content_hide(
    *, actor: Member, thread: Thread | None = None, post: Post | None = None, reason: str = ""
) -> ModerationAction:
    """A moderator hides a question or an answer (from anyone but its author and staff)."""
    require_moderator(actor)
    target, about = _one(thread, post)
    reason = clean_reason(reason)
    _not_in_review(target)
    with transaction.atomic():
        if not _hide(target, HiddenReason.MODERATOR, actor=actor):
            raise Conflict(_("A moderator has already hidden this."))
        return action_record(
            kind=ModerationAction.Kind.HIDE,
            actor=actor,
            member_id=target.author_id,
            thread=about,
            post_id=_post_id(target),
            reason=reason,
        )


def moderation_content_restore(
    *, actor: Member, thread: Thread | None = None, post: Post | None = None, reason: str = ""
) -> ModerationAction:
    """Make hidden or held content public again: moderators; agents may release content
    held for personal data once its author has taken the data out."""
    target, about = _one(thread, post)
    target.refresh_from_db(fields=["hidden_reason"])
    agent_release = (
        actor.is_active and actor.is_agent and target.hidden_reason == HiddenReason.SENSITIVE
    )
    if not agent_release:
        require_moderator(actor)
    reason = clean_reason(reason)
    _not_in_review(target)
    with transaction.atomic():
        was = target.hidden_reason
        if not _restore(target, actor=actor):
            raise Conflict(_("This isn't hidden."))
        return action_record(
            kind=ModerationAction.Kind.RESTORE,
            actor=actor,
            member_id=target.author_id,
            thread=about,
            post_id=_post_id(target),
            reason=reason,
            data={"was": was},
        )


def _not_in_review(target: Target) -> None:
    """New members' posts waiting for review are decided in the review queue (review.py)."""
    target.refresh_from_db(fields=["hidden_reason"])
    if target.hidden_reason in REVIEW_REASONS:
        raise Conflict(_("Decide on this in the review queue."))


def moderation_thread_lock(
    *, actor: Member, thread: Thread, locked: bool, reason: str = ""
) -> ModerationAction:
    """Lock a thread (no new answers) or unlock it."""
    require_moderator(actor)
    reason = clean_reason(reason)
    with transaction.atomic():
        current = Thread.objects.select_for_update().get(pk=thread.pk)
        if current.is_locked == locked:
            raise Conflict(
                _("The thread is already locked.") if locked else _("The thread isn't locked.")
            )
        community_services.thread_lock(thread=thread, actor=actor, locked=locked)
        return action_record(
            kind=ModerationAction.Kind.LOCK if locked else ModerationAction.Kind.UNLOCK,
            actor=actor,
            member_id=thread.author_id,
            thread=thread,
            reason=reason,
        )


def moderation_thread_move(
    *, actor: Member, thread: Thread, board: Board, reason: str = ""
) -> ModerationAction:
    """Move a question to another board."""
    require_moderator(actor)
    reason = clean_reason(reason)
    before = thread.board_id
    with transaction.atomic():
        moderation_ops.thread_move(thread=thread, board=board, actor=actor)
        return action_record(
            kind=ModerationAction.Kind.MOVE,
            actor=actor,
            member_id=thread.author_id,
            thread=thread,
            reason=reason,
            data={"from": before, "to": board.pk},
        )


def moderation_thread_merge(
    *, actor: Member, duplicate: Thread, target: Thread, reason: str = ""
) -> ModerationAction:
    """Merge a duplicate question into another: its answers move, it is locked with a link."""
    require_moderator(actor)
    reason = clean_reason(reason)
    note = _("This question was merged into [%(title)s](%(url)s): its answers are there now.") % {
        "title": target.title.replace("[", "(").replace("]", ")"),
        "url": target.get_absolute_url(),
    }
    with transaction.atomic():
        moved = moderation_ops.thread_merge(
            duplicate=duplicate, target=target, actor=actor, note=note
        )
        # The flags on the moved answers follow them.
        Flag.objects.filter(post_id__in=moved).update(thread=target)
        return action_record(
            kind=ModerationAction.Kind.MERGE,
            actor=actor,
            member_id=duplicate.author_id,
            thread=duplicate,
            reason=reason,
            data={"into": target.pk, "answers": moved},
        )


def edit_record(
    *, actor_id: int | None, thread_id: int, post_id: int | None, revision_id: int | None
) -> ModerationAction | None:
    """Log a moderator's edit of someone else's content (the community keeps the revision).

    Called by support.moderation.receivers when a question or an answer is edited.
    """
    if actor_id is None or revision_id is None:
        return None
    actor = Member.objects.filter(pk=actor_id).first()
    if actor is None or not is_moderator(actor):
        return None
    author_id = (
        Post.objects.filter(pk=post_id).values_list("author_id", flat=True).first()
        if post_id is not None
        else Thread.objects.filter(pk=thread_id).values_list("author_id", flat=True).first()
    )
    if author_id is None or author_id == actor_id:
        return None
    return action_record(
        kind=ModerationAction.Kind.EDIT,
        actor=actor,
        member_id=author_id,
        thread=Thread.objects.filter(pk=thread_id).first(),
        post_id=post_id,
        data={"revision": revision_id},
    )
