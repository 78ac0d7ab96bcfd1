"""The words of a notification, written when it is read, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.formatting import money, rank_label
from notifications.models import Kind, Notification


def _kudos(n: Notification, d: dict[str, Any]) -> str:
    if n.count <= 1:
        return _("%(actor)s gave kudos to your post in “%(title)s”.") % d
    return ngettext(
        "%(actor)s and %(others)d other gave kudos to your post in “%(title)s”.",
        "%(actor)s and %(others)d others gave kudos to your post in “%(title)s”.",
        n.count - 1,
    ) % {**d, "others": n.count - 1}


MESSAGES: dict[str, Callable[[Notification, dict[str, Any]], str]] = {
    Kind.ANSWER: lambda n, d: _("%(actor)s answered your question “%(title)s”.") % d,
    Kind.REPLY: lambda n, d: _("%(actor)s replied in “%(title)s”.") % d,
    Kind.MENTION: lambda n, d: _("%(actor)s mentioned you in “%(title)s”.") % d,
    Kind.KUDOS: _kudos,
    Kind.SOLUTION: lambda n, d: _("%(actor)s accepted your answer in “%(title)s”.") % d,
    Kind.BADGE: lambda n, d: _("You earned the “%(badge)s” badge.") % d,
    Kind.RANK: lambda n, d: _("You reached the rank %(rank)s.") % d,
    Kind.POINTS_REVERSED: lambda n, d: _("%(points)s points were reversed: %(reason)s.") % d,
    Kind.STATEMENT: lambda n, d: (
        _("Your payback statement is ready: %(amount)s for %(points)s points.") % d
    ),
    Kind.CASE_OPENED: lambda n, d: _("Case #%(case)s is open: an agent will answer you there.") % d,
    Kind.CASE_ASSIGNED: lambda n, d: _("Case #%(case)s is assigned to you.") % d,
    Kind.CASE_REPLY: lambda n, d: _("%(actor)s replied on case #%(case)s.") % d,
    Kind.CASE_RESOLVED: lambda n, d: _("Case #%(case)s is resolved.") % d,
    Kind.CASE_SLA: lambda n, d: _("Case #%(case)s is past its first-response time.") % d,
    Kind.MODERATION: lambda n, d: _("A moderator acted on your content: %(action)s.") % d,
    Kind.SATISFACTION: lambda n, d: _("Did the solution to “%(title)s” solve your problem?") % d,
    Kind.TRENDING: lambda n, d: _("Trending problem: %(what)s.") % d,
    Kind.EXPERT_REQUEST: lambda n, d: (
        _("“%(title)s” is still waiting for an answer: you could help.") % d
    ),
    Kind.DUPLICATE: lambda n, d: (
        _("%(actor)s closed your question “%(title)s” as a duplicate of “%(original)s”.") % d
    ),
    Kind.KNOWN_ISSUE_UPDATE: lambda n, d: _("News on the known issue “%(title)s”.") % d,
    Kind.KNOWN_ISSUE_RESOLVED: lambda n, d: _("The known issue “%(title)s” is resolved.") % d,
    Kind.NEW_THREAD: lambda n, d: _("%(actor)s asked “%(title)s” in %(board)s.") % d,
    Kind.WEBHOOK_DISABLED: lambda n, d: (
        _("The webhook to %(url)s was switched off after %(failures)s failed deliveries in a row.")
        % d
    ),
}


def _labels(notification: Notification) -> dict[str, Any]:
    """Names stored as codes, looked up now so they read in the reader's language."""
    from gamification.badges import REGISTRY
    from gamification.models import Reason
    from support.moderation.models import ModerationAction
    from support.moderation.selectors import SYSTEM_REASONS

    data = notification.data
    if notification.kind == Kind.STATEMENT and "amount" in data:
        points = data.get("points")
        return {
            "amount": money(data["amount"], data.get("currency")),
            "points": formats.number_format(points, force_grouping=True)
            if isinstance(points, int)
            else points,
        }
    if "rank" in data:
        return {"rank": rank_label(data["rank"])}
    if "badge_slug" in data:
        badge = REGISTRY.get(data["badge_slug"])
        return {"badge": badge.name if badge else data["badge_slug"]}
    if "reason_code" in data and data["reason_code"] in Reason.values:
        return {"reason": Reason(data["reason_code"]).label}
    if "action_code" in data and data["action_code"] in ModerationAction.Kind.values:
        label = str(ModerationAction.Kind(data["action_code"]).label)
        # The system writes codes ("personal_data", "flags"), a moderator plain words.
        reason = data.get("reason") or ""
        system = SYSTEM_REASONS.get(reason)
        reason = (system() if system else reason).rstrip(".")
        return {"action": f"{label} ({reason})" if reason else label}
    return {}


def message_for(notification: Notification) -> str:
    data = {"actor": _("Someone"), "title": "", **notification.data, **_labels(notification)}
    if notification.actor_id and "actor" not in notification.data:
        data["actor"] = notification.actor.name if notification.actor else _("Someone")
    render = MESSAGES.get(notification.kind)
    if render is None:
        return notification.get_kind_display()
    try:
        return render(notification, data)
    except (KeyError, TypeError, ValueError):
        # Old rows whose data predates a message change still say something sensible.
        return notification.get_kind_display()
