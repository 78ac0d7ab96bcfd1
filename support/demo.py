"""Support's part of the demo community: a case in each state, the agents' canned replies,
and the trending alert.

The cases (demo_cases.toml) are opened, answered and moved through their states with the
cases' own services, then dated after the question they are about, as if agents had worked
them at the time. The last hour's burst of outage questions (community/demo_content.toml)
is announced to the staff as a trending problem, as the five-minute alert task would.
The canned replies (demo_cases.toml too) are written with their own service, once each.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from django.db.models import Max
from django.utils import timezone

from community.models import Member, Thread
from support.canned.models import CannedReply
from support.canned.services import canned_reply_create
from support.cases import services, taxonomy
from support.cases.models import Case, CaseEvent, CaseMessage
from support.insights.services import trending_alert_send

DEMO_CASES_FILE = Path(__file__).with_name("demo_cases.toml")
DEMO_AGENT = "agnes"


@dataclass(frozen=True)
class DemoCaseMessage:
    author: str
    after: int  # minutes after the question
    body: str
    internal: bool = False


@dataclass(frozen=True)
class DemoCase:
    thread: str  # the demo question's title
    reason: str
    after: int
    status: str
    status_after: int | None = None
    priority: str | None = None
    message: str = ""
    messages: tuple[DemoCaseMessage, ...] = ()


def _text(value: str) -> str:
    return " ".join(line.strip() for line in value.strip().splitlines() if line.strip())


def demo_cases_load(path: Path = DEMO_CASES_FILE) -> list[DemoCase]:
    with path.open("rb") as file:
        data = tomllib.load(file)
    return [
        DemoCase(
            thread=item["thread"],
            reason=item["reason"],
            after=item["after"],
            status=item["status"],
            status_after=item.get("status_after"),
            priority=item.get("priority"),
            message=_text(item.get("message", "")),
            messages=tuple(
                DemoCaseMessage(
                    author=message["author"],
                    after=message["after"],
                    body=_text(message["body"]),
                    internal=message.get("internal", False),
                )
                for message in item.get("messages", ())
            ),
        )
        for item in data["cases"]
    ]


DEMO_CASES = demo_cases_load()


@dataclass(frozen=True)
class DemoCannedReply:
    author: str
    title: str
    body: str
    shared: bool


def demo_canned_replies_load(path: Path = DEMO_CASES_FILE) -> list[DemoCannedReply]:
    with path.open("rb") as file:
        data = tomllib.load(file)
    return [
        DemoCannedReply(
            author=item["author"],
            title=item["title"],
            # Paragraph breaks stay: a reply reads like a message, not one long line.
            body="\n\n".join(_text(part) for part in item["body"].strip().split("\n\n")),
            shared=item["shared"],
        )
        for item in data.get("canned_replies", ())
    ]


DEMO_CANNED_REPLIES = demo_canned_replies_load()


def demo_canned_replies_ensure() -> None:
    """The demo agents' canned replies, once each (by author and title)."""
    for spec in DEMO_CANNED_REPLIES:
        author = Member.objects.get(username=spec.author)
        if not CannedReply.objects.filter(author=author, title=spec.title).exists():
            canned_reply_create(author=author, title=spec.title, body=spec.body, shared=spec.shared)


def _dated(case: Case, when: datetime, action: Callable[[], object]) -> None:
    """Run `action` on the case, then date what it wrote (timeline, messages, times) `when`."""
    last_event = case.events.aggregate(last=Max("pk"))["last"] or 0
    last_message = case.messages.aggregate(last=Max("pk"))["last"] or 0
    fields = ("first_response_at", "resolved_at")
    before = Case.objects.values_list(*fields).get(pk=case.pk)
    action()
    CaseEvent.objects.filter(case=case, pk__gt=last_event).update(created_at=when)
    CaseMessage.objects.filter(case=case, pk__gt=last_message).update(created_at=when)
    after = Case.objects.values_list(*fields).get(pk=case.pk)
    times = {
        field: when
        for field, old, new in zip(fields, before, after, strict=True)
        if old is None and new is not None
    }
    Case.objects.filter(pk=case.pk).update(updated_at=when, **times)


def demo_case_create(spec: DemoCase, *, now: datetime) -> Case | None:
    thread = Thread.objects.filter(title=spec.thread).select_related("author").first()
    if thread is None or Case.objects.filter(thread=thread, reason=spec.reason).exists():
        return None
    members = {m.username: m for m in Member.objects.all()}
    agent = members[DEMO_AGENT]

    def moment(minutes: int) -> datetime:
        # Everything about a recent question happened before now, whatever the data says.
        return min(thread.created_at + timedelta(minutes=minutes), now)

    case, _opened = services.case_open(
        customer=thread.author,
        reason=spec.reason,
        thread=thread,
        actor=thread.author if spec.message else None,
        message=spec.message,
        now=moment(spec.after),
    )
    if case.assignee_id != agent.pk or spec.priority:
        _dated(
            case,
            moment(spec.after),
            partial(
                services.case_update,
                case=case,
                actor=agent,
                assignee=agent,
                priority=spec.priority,
            ),
        )
    for message in spec.messages:
        author = members[message.author]
        _dated(
            case,
            moment(message.after),
            partial(
                services.case_message_post,
                case=case,
                author=author,
                body=message.body,
                internal=message.internal,
            ),
        )
    case.refresh_from_db()
    if spec.status != case.status:
        _dated(
            case,
            moment(spec.status_after if spec.status_after is not None else spec.after),
            partial(services.case_update, case=case, actor=agent, status=spec.status),
        )
    return case


def demo_support_ensure() -> None:
    """The demo cases (once each), the canned replies, then the trending alert for the last
    hour's burst."""
    now = timezone.now()
    for spec in DEMO_CASES:
        demo_case_create(spec, now=now)
    demo_canned_replies_ensure()
    trending_alert_send(now=now)


# The lists agents classify cases with; the demo's cases get them in turn.
DEMO_CATEGORIES = ["Billing", "Network", "Devices", "Account"]
DEMO_ROOT_CAUSES = ["Outage", "Customer error", "Product defect", "Policy", "Documentation gap"]


def demo_case_lists_ensure() -> None:
    """The demo's categories and root causes, and one of each on every case not yet
    classified (in turn through the lists), set by the demo agent."""
    agent = Member.objects.get(username=DEMO_AGENT)
    for kind, names in (("category", DEMO_CATEGORIES), ("root_cause", DEMO_ROOT_CAUSES)):
        existing = {label.name for label in taxonomy.case_labels(kind=kind)}
        for name in names:
            if name not in existing:
                taxonomy.case_label_create(actor=agent, kind=kind, name=name)
    categories = taxonomy.case_labels(kind="category", active_only=True)
    causes = taxonomy.case_labels(kind="root_cause", active_only=True)
    for n, case in enumerate(Case.objects.filter(category__isnull=True).order_by("pk")):
        services.case_update(
            case=case,
            actor=agent,
            category=categories[n % len(categories)].slug,
            root_cause=causes[n % len(causes)].slug,
        )
