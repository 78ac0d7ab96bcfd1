"""Reads of canned replies: what an agent may use, and each filled in for a case.

An agent sees their own replies and every shared one; a personal reply is 404 to anyone but
its author, so its id tells another agent nothing. Non-agents have no canned replies at all:
the API answers them 403 and the pages 404 before asking here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404
from django.utils.translation import gettext as _

from community.models import Member
from support.canned.models import CannedReply
from support.canned.placeholders import placeholder_values, placeholders_fill
from support.canned.services import canned_reply_can_edit
from support.cases.models import Case


def canned_replies_for_agent(*, agent: Member) -> QuerySet[CannedReply]:
    """The agent's own replies and the shared ones, by title."""
    return (
        CannedReply.objects.filter(Q(author=agent) | Q(shared=True))
        .select_related("author")
        .order_by(Lower("title"), "pk")
    )


def canned_reply_get_for_viewer(*, reply_id: int, viewer: Member) -> CannedReply:
    """The reply if the agent may use it: their own, or a shared one. Http404 otherwise."""
    reply = canned_replies_for_agent(agent=viewer).filter(pk=reply_id).first()
    if reply is None:
        raise Http404(_("No such canned reply."))
    return reply


@dataclass(frozen=True)
class CannedReplyForCase:
    reply: CannedReply
    text: str  # the body with the case's values in place of its placeholders
    can_edit: bool


def canned_replies_for_case(*, agent: Member, case: Case) -> list[CannedReplyForCase]:
    """Every reply the agent may use, filled in for the case (one query: the case's people
    and question are loaded with it by support.cases.selectors)."""
    values = placeholder_values(case)
    return [
        CannedReplyForCase(
            reply=reply,
            text=placeholders_fill(reply.body, values),
            can_edit=canned_reply_can_edit(reply=reply, member=agent),
        )
        for reply in canned_replies_for_agent(agent=agent)
    ]
