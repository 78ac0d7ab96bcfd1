"""The bell's unread count, on every page a member sees.

Lazy: the COUNT runs only when a template shows it (base.html does, for members only), so
anonymous pages, emails and fragments without the bell cost nothing, and a page that shows
it twice counts once.
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
        return services.unread_count(member_id=user.pk)

    return {"notifications_unread": SimpleLazyObject(count)}
