"""Moderation's receivers and page sections (imported and registered by SupportConfig.ready()).

- New and edited questions and answers go through the personal-data check
  (support.moderation.sensitive) inside the transaction that writes them, so content with a
  phone number or a card number is held before anyone else can see it.
- A moderator's edit of someone else's content joins the moderation log.
- Under the question: "Flag" for members who may flag, "Moderate" for moderators, and for
  the author of a held question what happens next.
- On a profile, moderators get a link to the member's sanctions.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from community import events as community_events
from community import extensions
from community.models import HiddenReason, Member, Thread
from community.permissions import Viewer
from support.cases.models import ACTIVE_CASE_STATUSES, Case, CaseReason
from support.moderation import sensitive
from support.moderation import services as moderation
from support.moderation.models import ModerationAction, Sanction
from support.moderation.selectors import sanctions_in_force

SECTION_TEMPLATE = "support/moderation_section.html"
PROFILE_TEMPLATE = "support/moderation_profile_section.html"


@receiver(community_events.thread_updated, dispatch_uid="support.moderation.thread_updated")
def on_thread_updated(
    *, thread_id: int, actor_id: int | None, revision_id: int | None = None, **kwargs: Any
) -> None:
    if revision_id is None:  # a lock or a move: the text did not change
        return
    moderation.edit_record(
        actor_id=actor_id, thread_id=thread_id, post_id=None, revision_id=revision_id
    )


@receiver(community_events.post_updated, dispatch_uid="support.moderation.post_updated")
def on_post_updated(
    *,
    post_id: int,
    thread_id: int,
    actor_id: int | None,
    revision_id: int | None = None,
    **kwargs: Any,
) -> None:
    if revision_id is None:
        return
    moderation.edit_record(
        actor_id=actor_id, thread_id=thread_id, post_id=post_id, revision_id=revision_id
    )


def posting_refusal(member: Member) -> str | None:
    """Why `member` may not post now (a silence in force), or None.

    The community's posting check, registered in SupportConfig.ready().
    """
    sanction = sanctions_in_force(member_id=member.pk).filter(kind=Sanction.Kind.SILENCE).last()
    if sanction is None:
        return None
    return _("You can't post until %(until)s: a moderator silenced you (%(reason)s).") % {
        "until": date_format(timezone.localtime(sanction.until), "DATETIME_FORMAT"),
        "reason": sanction.reason,
    }


def _url(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # that part of support is not routed (yet)
        return None


def thread_section(thread: Thread, viewer: Viewer) -> extensions.Section | None:
    """Flag and moderation links under the question; nothing for visitors.

    No query of its own for most viewers: the groups and permissions it checks are cached
    on the viewer for the page; the asker's groups are not needed; only the author of a
    held question costs two (what was found, their case).
    """
    if not isinstance(viewer, Member) or not viewer.is_active:
        return None
    context: dict[str, Any] = {"thread": thread}
    if viewer.pk != thread.author_id:
        # The groups and permissions are loaded for the page's other checks already.
        if moderation.is_moderator(viewer):
            context["moderate_url"] = reverse("moderation-thread", args=[thread.pk])
        elif viewer.has_perm("community.flag_content"):
            context["flag_url"] = reverse("flag-thread", args=[thread.pk])
    elif thread.hidden_reason == HiddenReason.SENSITIVE:
        case = Case.objects.filter(
            customer=viewer,
            thread=thread,
            reason=CaseReason.SENSITIVE,
            status__in=ACTIVE_CASE_STATUSES,
        ).first()
        hold = (
            ModerationAction.objects.filter(
                kind=ModerationAction.Kind.HOLD, thread=thread, post_id__isnull=True
            )
            .values_list("data", flat=True)
            .first()
        )
        found = hold.get("found", []) if isinstance(hold, dict) else []
        context["held_message"] = sensitive.hold_message(found)
        context["case_url"] = _url("case-detail", case.pk) if case else None
        context["explains_hidden"] = True  # the page's own "held" notice gives way to it
    if len(context) == 1:
        return None
    return extensions.Section(template=SECTION_TEMPLATE, context=context)


def profile_section(member: Member, viewer: Viewer) -> extensions.Section | None:
    """For moderators on someone else's profile: sanctions in force and a link to act."""
    if not isinstance(viewer, Member) or not moderation.is_moderator(viewer):
        return None
    if viewer.pk == member.pk:
        return None
    return extensions.Section(
        template=PROFILE_TEMPLATE,
        context={
            "member": member,
            "sanctions": list(sanctions_in_force(member_id=member.pk)),
            "url": reverse("moderation-member", args=[member.username]),
        },
    )
