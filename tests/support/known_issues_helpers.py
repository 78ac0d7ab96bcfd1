"""Builders for the known-issue tests: issues opened through the services, as staff do."""

from __future__ import annotations

from collections.abc import Sequence

from community.models import Board, Member, Tag
from support.known_issues import services
from support.known_issues.models import KnownIssue

ROAMING = "Roaming outage in Spain"


def issue_open(
    staff: Member,
    *,
    title: str = ROAMING,
    description: str = "Calls and data abroad fail since this morning.",
    boards: Sequence[Board] = (),
    tags: Sequence[Tag] = (),
) -> KnownIssue:
    return services.known_issue_create(
        actor=staff, title=title, description=description, boards=boards, tags=tags
    )


def me_too(issue: KnownIssue, *members: Member) -> None:
    for member in members:
        services.known_issue_me_too(known_issue=issue, member=member)
