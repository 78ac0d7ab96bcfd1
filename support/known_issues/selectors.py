"""Reads for known issues: lists, the matching on the ask page, banners, who to tell, counts.

Every function runs a fixed number of queries whatever the number of issues, updates,
me-toos or linked questions; the pages' and the API's budgets are pinned by tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    Exists,
    Expression,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from community import pagecache
from community.models import Board, Member, Tag, Thread
from community.permissions import Viewer
from support.known_issues.matching import match_score
from support.known_issues.models import (
    OPEN_STATUSES,
    KnownIssue,
    KnownIssueMeToo,
    KnownIssueSavedEscalation,
    KnownIssueStatus,
    KnownIssueThread,
    KnownIssueUpdate,
    TrendingAlert,
)

MATCHING_LIMIT = 3
ALERT_FRESH = timedelta(hours=2)


def viewer_is_known_issue_staff(viewer: Viewer) -> bool:
    """Who opens, edits and links known issues: active agents and moderators (and admins)."""
    return (
        isinstance(viewer, Member) and viewer.is_active and (viewer.is_agent or viewer.is_moderator)
    )


def _with_everything(issues: QuerySet[KnownIssue]) -> QuerySet[KnownIssue]:
    """What a list or a page shows of each issue: four queries whatever the number."""
    return issues.annotate(
        linked_thread_count=Count("thread_links", distinct=True),
    ).prefetch_related(
        "boards",
        "tags",
        Prefetch("updates", queryset=KnownIssueUpdate.objects.order_by("-created_at", "-pk")),
    )


def known_issue_list(*, status: str | None = None) -> QuerySet[KnownIssue]:
    """Known issues, newest first; `status` "open" or "resolved" narrows them."""
    issues = KnownIssue.objects.all()
    if status == "open":
        issues = issues.filter(status__in=OPEN_STATUSES)
    elif status == "resolved":
        issues = issues.filter(status=KnownIssueStatus.RESOLVED)
    return _with_everything(issues).order_by("-created_at", "-pk")


def known_issue_get(*, known_issue_id: int) -> KnownIssue:
    """The known issue with its boards, tags, updates and counts, or 404. Issues are public."""
    issue = _with_everything(KnownIssue.objects.filter(pk=known_issue_id)).first()
    if issue is None:
        raise Http404(_("No such known issue."))
    return issue


def known_issue_get_for_write(*, known_issue_id: int) -> KnownIssue:
    issue = KnownIssue.objects.filter(pk=known_issue_id).first()
    if issue is None:
        raise Http404(_("No such known issue."))
    return issue


def trending_alert_get_for_input(*, alert_id: int) -> TrendingAlert:
    alert = TrendingAlert.objects.select_related("board", "tag").filter(pk=alert_id).first()
    if alert is None:
        raise ValidationError({"from_alert": [_("There is no such trending alert.")]})
    return alert


def boards_get_for_input(*, slugs: list[str]) -> list[Board]:
    found = {b.slug: b for b in Board.objects.filter(slug__in=slugs)}
    missing = [s for s in slugs if s not in found]
    if missing:
        raise ValidationError(
            {"boards": [_("There is no board called “%(slug)s”.") % {"slug": missing[0]}]}
        )
    return [found[s] for s in dict.fromkeys(slugs)]


def tags_get_for_input(*, slugs: list[str]) -> list[Tag]:
    found = {t.slug: t for t in Tag.objects.filter(slug__in=slugs)}
    missing = [s for s in slugs if s not in found]
    if missing:
        raise ValidationError(
            {"tags": [_("There is no tag called “%(slug)s”.") % {"slug": missing[0]}]}
        )
    return [found[s] for s in dict.fromkeys(slugs)]


def thread_get_for_link(*, thread_id: int) -> Thread:
    thread = Thread.objects.filter(pk=thread_id).first()
    if thread is None:
        raise ValidationError({"thread": [_("There is no such question.")]})
    return thread


# ---------------------------------------------------------------------------- matching


def known_issues_open(*, with_scope: bool = True) -> list[KnownIssue]:
    """The open known issues, newest first; `with_scope` loads their boards and tags too
    (three queries instead of one)."""
    issues = KnownIssue.objects.filter(status__in=OPEN_STATUSES).order_by("-created_at", "-pk")
    if with_scope:
        issues = issues.prefetch_related("boards", "tags")
    return list(issues)


@dataclass(frozen=True)
class Match:
    known_issue: KnownIssue
    score: float


def known_issues_matching(
    *, title: str, limit: int = MATCHING_LIMIT, issues: list[KnownIssue] | None = None
) -> list[Match]:
    """Open known issues whose titles match a question's title, best first."""
    if issues is None:
        issues = known_issues_open()
    found = [
        Match(known_issue=issue, score=score)
        for issue in issues
        if issue.is_open and (score := match_score(issue_title=issue.title, title=title)) > 0
    ]
    found.sort(key=lambda m: (-m.score, -m.known_issue.pk))
    return found[:limit]


def covers(issue: KnownIssue, *, board_id: int, tag_ids: set[int]) -> bool:
    """Whether a question on `board_id` with `tag_ids` is in the issue's scope: any board and
    tag when the issue names none, else one of its boards or one of its tags."""
    boards = {b.pk for b in issue.boards.all()}
    tags = {t.pk for t in issue.tags.all()}
    if not boards and not tags:
        return True
    return board_id in boards or bool(tag_ids & tags)


def known_issue_for_new_thread(*, thread: Thread) -> KnownIssue | None:
    """The open known issue a new question is about: the best title match in scope."""
    tag_ids = {t.pk for t in thread.tags.all()}
    for match in known_issues_matching(title=thread.title, limit=50):
        if covers(match.known_issue, board_id=thread.board_id, tag_ids=tag_ids):
            return match.known_issue
    return None


OPEN_TITLES_SECONDS = 3600


def known_issues_open_titles() -> list[tuple[int, str]]:
    """The open known issues' ids and titles, newest first, from the cache.

    Kept under the version of the pages' banners (pagecache.ANNOUNCEMENTS), which every
    change to a known issue replaces (services._pages_changed): a thread page matches its
    title against these without a query.
    """
    version = pagecache.scope_version(pagecache.ANNOUNCEMENTS)
    return pagecache.shared(
        pagecache.cache_key("known-issues-open", version),
        OPEN_TITLES_SECONDS,
        lambda: list(
            KnownIssue.objects.filter(status__in=OPEN_STATUSES)
            .order_by("-created_at", "-pk")
            .values_list("pk", "title")
        ),
    )


def known_issue_of_thread(*, thread: Thread) -> KnownIssue | None:
    """The known issue the question is linked to, or an open one whose title it matches
    (the best match, the newest among equals, as known_issues_matching ranks them)."""
    linked_id = known_issue_id_of_thread(thread)
    if linked_id is not None:
        return KnownIssue.objects.filter(pk=linked_id).first()
    if thread.is_hidden:
        return None
    scored = [
        (score, pk)
        for pk, title in known_issues_open_titles()
        if (score := match_score(issue_title=title, title=thread.title)) > 0
    ]
    if not scored:
        return None
    best = max(scored)[1]
    return KnownIssue.objects.filter(pk=best, status__in=OPEN_STATUSES).first()


def known_issue_id_of_thread(thread: Thread) -> int | None:
    """For the thread's JSON: reads the link the thread selectors select_related."""
    try:
        link = thread.known_issue_link
    except KnownIssueThread.DoesNotExist:
        return None
    return int(link.known_issue_id)


def known_issues_for_board(*, board: Board) -> list[KnownIssue]:
    """Open known issues about the board: naming it, or naming no board nor tag at all."""
    return [
        issue for issue in known_issues_open() if covers(issue, board_id=board.pk, tag_ids=set())
    ]


def known_issue_banner(*, known_issue: KnownIssue, viewer: Viewer, linked: bool) -> dict[str, Any]:
    """What a question page's banner of the issue shows this viewer (as `section`)."""
    return {
        "issue": known_issue,
        "linked": linked,
        "latest": known_issue.updates.order_by("-created_at", "-pk").first(),
        "given": me_too_given(known_issue=known_issue, viewer=viewer),
        "can_me_too": isinstance(viewer, Member) and known_issue.is_open,
    }


def known_issues_banner_list(*, board_slug: str | None) -> dict[str, Any]:
    """What a board's banner (its open issues) or the ask page's (every open issue) shows
    (as `section`); 404 for a board that does not exist."""
    if not board_slug:
        return {"issues": known_issues_open(), "board": None}
    board = Board.objects.filter(slug=board_slug).first()
    if board is None:
        raise Http404(_("No such board."))
    return {"issues": known_issues_for_board(board=board), "board": board.slug}


def me_too_given(*, known_issue: KnownIssue, viewer: Viewer) -> bool:
    if not isinstance(viewer, Member):
        return False
    return KnownIssueMeToo.objects.filter(known_issue=known_issue, member=viewer).exists()


def me_too_given_ids(*, viewer: Viewer, issue_ids: list[int]) -> set[int]:
    if not isinstance(viewer, Member) or not issue_ids:
        return set()
    return set(
        KnownIssueMeToo.objects.filter(member=viewer, known_issue_id__in=issue_ids).values_list(
            "known_issue_id", flat=True
        )
    )


def known_issue_linked_threads(*, known_issue: KnownIssue, limit: int = 20) -> list[Thread]:
    """The newest public questions linked to the issue, for its page."""
    return list(
        Thread.objects.filter(known_issue_link__known_issue=known_issue, hidden_reason="")
        .select_related("board")
        .order_by("-created_at")[:limit]
    )


# ---------------------------------------------------------------------------- who to tell


def known_issue_subscriber_ids(*, known_issue_id: int) -> QuerySet[Member, Any]:
    """Active members who said "I have this too" (a subquery, evaluated by the caller)."""
    return Member.objects.filter(
        is_active=True, known_issue_me_toos__known_issue_id=known_issue_id
    ).values("pk")


def known_issue_affected_ids(*, known_issue_id: int) -> QuerySet[Member, Any]:
    """Subscribers and the askers of linked questions, each once (a subquery)."""
    askers = Thread.objects.filter(known_issue_link__known_issue_id=known_issue_id).values(
        "author_id"
    )
    return (
        Member.objects.filter(is_active=True)
        .filter(Q(known_issue_me_toos__known_issue_id=known_issue_id) | Q(pk__in=askers))
        .values("pk")
        .distinct()
    )


# ---------------------------------------------------------------------------- the SLA scan


def known_issue_holding_thread() -> Expression:
    """For a Thread queryset: the known issue that stands for the question, else null.

    A question linked to a known issue (open or resolved) is that issue's; a question by a
    member who said "I have this too" on an open issue whose scope covers it is too (the
    rule of `covers`: any board and tag when the issue names none, else one of its boards or
    one of its tags). Either way staff answer everyone at once through the issue, not case
    by case.
    """
    linked = KnownIssueThread.objects.filter(thread_id=OuterRef("pk")).values("known_issue_id")
    issue_boards = KnownIssue.boards.through.objects.filter(
        knownissue_id=OuterRef("known_issue_id")
    )
    issue_tags = KnownIssue.tags.through.objects.filter(knownissue_id=OuterRef("known_issue_id"))
    names_the_board = Exists(issue_boards.filter(board_id=OuterRef(OuterRef("board_id"))))
    shares_a_tag = Exists(
        Thread.tags.through.objects.filter(
            thread_id=OuterRef(OuterRef("pk")), tag__known_issues=OuterRef("known_issue_id")
        )
    )
    site_wide = ~Exists(issue_boards) & ~Exists(issue_tags)
    followed = (
        KnownIssueMeToo.objects.filter(
            member_id=OuterRef("author_id"), known_issue__status__in=OPEN_STATUSES
        )
        .filter(site_wide | names_the_board | shares_a_tag)
        .order_by("-known_issue_id")
        .values("known_issue_id")[:1]
    )
    return Coalesce(Subquery(linked), Subquery(followed))


# ---------------------------------------------------------------------------- counts


@dataclass(frozen=True)
class KnownIssueImpact:
    """What a known issue did for the support team."""

    known_issue: KnownIssue
    absorbed_threads: int
    escalations_saved: int


def _count_of(rows: QuerySet[Any]) -> Expression:
    """A correlated COUNT(*) of `rows` (filtered on OuterRef), 0 when there are none."""
    counted = rows.order_by().values("known_issue_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted), 0)


def known_issue_impact(*, limit: int = 10) -> list[KnownIssueImpact]:
    """The newest known issues with the questions they absorbed (linked questions) and the
    escalations they saved (questions the SLA scan held back). One query."""
    issues = KnownIssue.objects.annotate(
        absorbed=_count_of(KnownIssueThread.objects.filter(known_issue_id=OuterRef("pk"))),
        saved=_count_of(KnownIssueSavedEscalation.objects.filter(known_issue_id=OuterRef("pk"))),
    ).order_by("-created_at", "-pk")[:limit]
    return [
        KnownIssueImpact(
            known_issue=issue,
            absorbed_threads=issue.absorbed,
            escalations_saved=issue.saved,
        )
        for issue in issues
    ]


def known_issue_summary(*, since: datetime, until: datetime) -> list[dict[str, int]]:
    """For the insights summary: `[{id, absorbed_threads, me_too_count}]`, one per known
    issue open at some time in [since, until], newest first. `absorbed_threads` counts the
    questions linked to it in the period; `me_too_count` the members who have it now. One
    query."""
    links_in_period = Q(thread_links__created_at__gte=since, thread_links__created_at__lte=until)
    issues = (
        KnownIssue.objects.filter(created_at__lte=until)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=since))
        .annotate(absorbed=Count("thread_links", filter=links_in_period, distinct=True))
        .order_by("-created_at", "-pk")
        .values_list("pk", "absorbed", "me_too_count")
    )
    return [
        {"id": pk, "absorbed_threads": absorbed, "me_too_count": me_too}
        for pk, absorbed, me_too in issues
    ]


def known_issue_has_thread(*, known_issue: KnownIssue, thread_id: int) -> bool:
    return KnownIssueThread.objects.filter(known_issue=known_issue, thread_id=thread_id).exists()


def trending_alert_latest(*, kind: str, slug: str) -> TrendingAlert | None:
    """The newest alert about the board or tag in the last two hours, if staff got one."""
    since = timezone.now() - ALERT_FRESH
    place = Q(board__slug=slug) if kind == "board" else Q(tag__slug=slug)
    return TrendingAlert.objects.filter(place, created_at__gte=since).order_by("-pk").first()


def board_choices() -> list[tuple[str, str]]:
    return list(Board.objects.order_by("position", "name").values_list("slug", "name"))


def tag_choices() -> list[tuple[str, str]]:
    return list(Tag.objects.order_by("name").values_list("slug", "name"))
