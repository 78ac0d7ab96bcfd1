"""Known issues on the community's pages and in its events (registered in SupportConfig.ready()).

- a new question whose title matches an open known issue in its scope is linked to it;
- banners: on a board's page (its open issues), on a question's page (the issue it is
  linked to, or an open one its title matches; a resolved link shows the resolution), on
  the ask page (the open issues, and under the title the ones matching what is typed);
  each is fetched again by an open page when the issue changes (live.js, over the
  announcements socket: notifications.known_issues);
- the thread's JSON gains `known_issue`: the id of the issue it is linked to, or null.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community import events as community_events
from community.extensions import Section, ThreadApiField
from community.models import Board, Thread
from community.permissions import Viewer
from support.known_issues import selectors, services


@receiver(community_events.thread_created, dispatch_uid="support.known_issues.thread_created")
def thread_created(*, thread_id: int, **kwargs: Any) -> None:
    services.known_issue_auto_link(thread_id=thread_id)


def board_section(board: Board, viewer: Viewer) -> Section | None:
    issues = selectors.known_issues_for_board(board=board)
    if not issues:
        return None
    return Section(
        template="support/known_issues/_banners.html",
        context={"issues": issues, "board": board.slug},
    )


def thread_section(thread: Thread, viewer: Viewer) -> Section | None:
    issue = selectors.known_issue_of_thread(thread=thread)
    if issue is None:
        return None
    linked = selectors.known_issue_id_of_thread(thread) == issue.pk
    return Section(
        template="support/known_issues/_thread_banner.html",
        context=selectors.known_issue_banner(known_issue=issue, viewer=viewer, linked=linked),
    )


def ask_banner_section(viewer: Viewer) -> Section | None:
    issues = selectors.known_issues_open()
    if not issues:
        return None
    return Section(
        template="support/known_issues/_banners.html",
        context={"issues": issues, "board": None},
        place="top",
    )


def ask_matching_section(viewer: Viewer) -> Section | None:
    return Section(template="support/known_issues/_ask_matching.html", context={}, place="title")


@extend_schema_field(
    serializers.IntegerField(
        allow_null=True, help_text="The known issue the question is linked to, or null."
    )
)
class KnownIssueField(serializers.Field):  # type: ignore[type-arg]
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Thread) -> int | None:
        return selectors.known_issue_id_of_thread(value)


THREAD_FIELD = ThreadApiField(
    name="known_issue", field=KnownIssueField, select_related=("known_issue_link",)
)
