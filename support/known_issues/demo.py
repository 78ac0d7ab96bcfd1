"""The demo's known issues: one open (eSIM activation on new iPhones) and one resolved (the
midnight data outage), each with the demo questions about it linked, members who have it and
dated updates, written through the services as staff would. Idempotent: an issue whose title
exists is left as it is.

The linked questions waited for an answer while their issue was open, and the SLA scan held
them back as the issue's (known_issue_holding_thread, the scan's own rule): they are recorded
as the escalations each issue saved, once each, as the scan records them."""

from __future__ import annotations

from dataclasses import dataclass

from community.models import Board, Member, Thread
from support.cases.models import CaseReason
from support.known_issues import services
from support.known_issues.models import KnownIssue, KnownIssueStatus
from support.known_issues.selectors import known_issue_holding_thread

DEMO_AGENT = "agnes"


@dataclass(frozen=True)
class DemoKnownIssue:
    title: str
    description: str
    board: str
    threads: tuple[str, ...]
    updates: tuple[str, ...]
    status: str
    me_toos: int


DEMO_KNOWN_ISSUES = (
    DemoKnownIssue(
        title="Mobile data drops after midnight",
        description="Some customers lose mobile data between midnight and 2am while "
        "nightly maintenance runs on the network.",
        board="network",
        threads=(
            "Mobile data stops working after midnight",
            "No signal at all after a software update",
        ),
        updates=(
            "We found the cause: a maintenance job restarting the data gateways.",
            "The maintenance job now runs one gateway at a time. Data stays up all night.",
        ),
        status=KnownIssueStatus.RESOLVED,
        me_toos=3,
    ),
    DemoKnownIssue(
        title="eSIM activation failing on new iPhones",
        description="New iPhones can stay on **No Service** after scanning the eSIM QR "
        "code. Your number is safe; a restart does not help yet.",
        board="sim-esim",
        threads=(
            "My eSIM won't activate on a new iPhone",
            "New iPhone eSIM stuck on No Service after scanning the QR code",
        ),
        updates=("Our eSIM provider has reproduced the fault and is working on a fix.",),
        status=KnownIssueStatus.IDENTIFIED,
        me_toos=4,
    ),
)


def demo_known_issues_ensure() -> None:
    agent = Member.objects.filter(username=DEMO_AGENT).first()
    if agent is None:
        return
    members = list(
        Member.objects.filter(is_active=True, is_staff=False, is_superuser=False).order_by("pk")
    )
    for n, spec in enumerate(DEMO_KNOWN_ISSUES):
        if not KnownIssue.objects.filter(title=spec.title).exists():
            _demo_known_issue_create(spec, agent=agent, members=members[n : n + spec.me_toos])
    _demo_escalations_saved()


def _demo_known_issue_create(spec: DemoKnownIssue, *, agent: Member, members: list[Member]) -> None:
    issue = services.known_issue_create(
        actor=agent,
        title=spec.title,
        description=spec.description,
        boards=list(Board.objects.filter(slug=spec.board)),
    )
    for thread in Thread.objects.filter(title__in=spec.threads):
        services.known_issue_thread_link(known_issue=issue, thread=thread, actor=agent)
    for member in members:
        services.known_issue_me_too(known_issue=issue, member=member)
    for body in spec.updates[:-1]:
        services.known_issue_update_post(known_issue=issue, actor=agent, body=body)
    if spec.status != KnownIssueStatus.INVESTIGATING:
        services.known_issue_edit(known_issue=issue, actor=agent, status=spec.status)
    services.known_issue_update_post(known_issue=issue, actor=agent, body=spec.updates[-1])


def _demo_escalations_saved() -> None:
    """The hold the SLA scan applied to the demo issues' linked questions while they waited
    for their first answer."""
    held = (
        Thread.objects.filter(
            known_issue_link__known_issue__title__in=[spec.title for spec in DEMO_KNOWN_ISSUES]
        )
        .annotate(held_by=known_issue_holding_thread())
        .filter(held_by__isnull=False)
        .order_by("pk")
        .values_list("pk", "held_by")
    )
    services.known_issue_escalations_saved_record(held=list(held), reason=CaseReason.SLA_UNANSWERED)
