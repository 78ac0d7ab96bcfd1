"""The bell's unread count, on every page a member sees.

The session's member read brings it along (notifications.services.UNREAD_BROUGHT), so a
member's page runs no query for it. Lazy all the same: a member loaded another way is counted
only when a template shows the bell (base.html does, for members only), once a page.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications import services


def unread_notifications(request: HttpRequest) -> dict[str, object]:
    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return services.member_unread_count(user)

    return {"notifications_unread": SimpleLazyObject(count)}
