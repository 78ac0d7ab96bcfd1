"""A small community for the security suite: one of every role and one of every object.

Every object that has an owner belongs to `owner` (a customer): their question, their case,
their notification, their payback statement, the sanction on them... `other` is a customer
with no part in any of it, `helper` a ranked member who answered, `agent`, `moderator` and
`admin` are staff. Content is written through the services, as the product writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone
from rest_framework.authtoken.models import Token

from community import services
from community.announcements.models import Announcement
from community.announcements.services import announcement_create
from community.drafts.services import draft_save
from community.models import AGENTS_GROUP, MODERATORS_GROUP, Board, Member, Post, Tag, Thread
from gamification.badges import REGISTRY as BADGES
from gamification.models import RewardPeriod, Statement
from notifications.emails import unsubscribe_token
from notifications.models import Notification
from notifications.services import notify
from notifications.webhooks.models import WebhookDelivery, WebhookEndpoint
from notifications.webhooks.services import webhook_endpoint_create, webhook_event_record
from support.canned.models import CannedReply
from support.canned.services import canned_reply_create
from support.cases.models import Case
from support.cases.services import case_escalate, case_message_post
from support.deflection.models import Deflection
from support.experts.models import ExpertRequest
from support.known_issues.models import KnownIssue
from support.known_issues.services import known_issue_create, known_issue_thread_link
from support.moderation.models import Flag, Sanction
from support.moderation.sanctions import sanction_create
from support.moderation.services import flag_create
from tests.factories import MemberFactory
from tests.support.moderation_factories import EXPERT, HELPER, MEMBER, rank

ROLES = ("anonymous", "other", "helper", "agent", "moderator", "admin", "owner")


@dataclass
class World:
    members: dict[str, Member]
    tokens: dict[str, str]
    board: Board
    tag: Tag
    thread: Thread
    decoy: Thread
    answer: Post
    own_answer: Post
    case: Case
    notification: Notification
    statement: Statement
    sanction: Sanction
    flag: Flag
    badge: str
    unsubscribe: str
    webhook: WebhookEndpoint
    delivery: WebhookDelivery
    canned_reply: CannedReply
    deflection: Deflection
    expert_request: ExpertRequest
    announcement: Announcement
    known_issue: KnownIssue

    def member(self, role: str) -> Member | None:
        return None if role == "anonymous" else self.members[role]


def build_world() -> World:
    members = {
        "owner": MemberFactory.create(username="owner", display_name="Olive Owner"),
        "other": MemberFactory.create(username="other", display_name="Otto Other"),
        "helper": MemberFactory.create(username="helper", display_name="Hugo Helper"),
        "agent": MemberFactory.create(username="agent", is_staff=True, groups=[AGENTS_GROUP]),
        "moderator": MemberFactory.create(
            username="moderator", is_staff=True, groups=[MODERATORS_GROUP]
        ),
        "admin": MemberFactory.create(username="admin", is_staff=True, is_superuser=True),
    }
    troll = MemberFactory.create(username="troll", display_name="Tim Troll")
    # Old accounts with ranks: nobody is a day-old newcomer whose posts wait or pay nothing.
    long_ago = timezone.now() - timedelta(days=400)
    Member.objects.filter(pk__in=[m.pk for m in members.values()]).update(date_joined=long_ago)
    members["helper"] = rank(members["helper"], EXPERT)
    members["owner"] = rank(members["owner"], HELPER)
    members["other"] = rank(members["other"], MEMBER)
    for role in ("agent", "moderator", "admin"):
        members[role] = Member.objects.get(pk=members[role].pk)

    board = Board.objects.create(slug="billing", name="Billing")
    tag = Tag.objects.create(slug="esim", name="eSIM")
    # `other` has a question, a case and a notification of their own first, so that the
    # owner's objects have different ids from theirs (an id mix-up cannot pass unnoticed).
    decoy = services.thread_create(
        author=members["other"],
        board=board,
        title="Roaming in Switzerland costs more than the website says",
        body="I was charged for data although I had the travel add-on.",
        check_limits=False,
    )
    case_escalate(thread=decoy, actor=members["other"], message="Please check.")
    decoy_answer = services.post_create(
        author=members["helper"], thread=decoy, body="Ask for a refund.", check_limits=False
    )
    notify(recipient_id=members["other"].pk, kind="answer", actor_id=members["helper"].pk)
    thread = services.thread_create(
        author=members["owner"],
        board=board,
        title="My top-up did not arrive after paying by card",
        body="I paid an hour ago and the balance is the same.",
        tags=[tag.slug],
        check_limits=False,
    )
    answer = services.post_create(
        author=members["helper"],
        thread=thread,
        body="Check the payments page; it can take ten minutes.",
        check_limits=False,
    )
    own_answer = services.post_create(
        author=members["owner"],
        thread=thread,
        body="Thanks, I will wait and look again later today.",
        check_limits=False,
    )
    case, _ = case_escalate(thread=thread, actor=members["owner"], message="Still nothing.")
    case_message_post(case=case, author=members["agent"], body="Looking into it now.")
    notification = notify(
        recipient_id=members["owner"].pk,
        kind="answer",
        actor_id=members["helper"].pk,
        url=thread.get_absolute_url(),
    )
    assert notification is not None
    today = timezone.localdate()
    period = RewardPeriod.objects.create(
        start=today - timedelta(days=40), end=today - timedelta(days=10)
    )
    statement = Statement.objects.create(
        member=members["owner"], period=period, points=120, amount=Decimal("6.00"), currency="EUR"
    )
    flag = flag_create(flagger=members["owner"], kind="spam", post=decoy_answer, note="Off.")
    sanction = sanction_create(
        actor=members["moderator"], member=troll, kind="silence", days=1, reason="Heated."
    )
    # Everything happened yesterday: today's posting gaps and caps start from zero.
    day = timedelta(days=1)
    Thread.objects.update(created_at=F("created_at") - day, last_activity_at=F("created_at") - day)
    Post.objects.update(created_at=F("created_at") - day)
    tokens = {role: Token.objects.create(user=m).key for role, m in members.items()}
    webhook = webhook_endpoint_create(
        actor=members["admin"], url="http://127.0.0.1:9/hooks", events=["case.created"]
    )
    [delivery] = webhook_event_record(
        event="case.created", data={"case": {"id": case.pk}}, endpoint_ids=[webhook.pk]
    )
    # The agent's reply, shared: every agent (admins too) may use it, nobody else sees it.
    canned_reply = canned_reply_create(
        author=members["agent"],
        title="Top-up delays",
        body="Hello {customer_name}, top-ups can take ten minutes to show.",
        shared=True,
    )
    # The owner found an answer on the ask form (the row alone: the rules are about who may
    # rate it, not about what may be recorded).
    deflection = Deflection.objects.create(
        member=members["owner"], thread=thread, query="top-up missing", day=today
    )
    # The other member's question was offered to the owner as a proven helper.
    expert_request = ExpertRequest.objects.create(thread=decoy, helper=members["owner"], day=today)
    draft_save(member=members["owner"], key="ask", body="Half a question about top-ups")
    announcement = announcement_create(
        actor=members["agent"], title="Top-ups are delayed", body="Card top-ups take an hour today."
    )
    # A known issue the agent opened, with the owner's question linked to it.
    known_issue = known_issue_create(actor=members["agent"], title="Card top-ups delayed")
    known_issue_thread_link(known_issue=known_issue, thread=thread, actor=members["agent"])
    return World(
        members=members,
        tokens=tokens,
        board=board,
        tag=tag,
        thread=Thread.objects.get(pk=thread.pk),
        decoy=decoy,
        answer=answer,
        own_answer=own_answer,
        case=case,
        notification=notification,
        statement=statement,
        sanction=sanction,
        flag=flag,
        badge=next(iter(BADGES)),
        unsubscribe=unsubscribe_token(members["owner"].pk),
        webhook=webhook,
        delivery=delivery,
        canned_reply=canned_reply,
        deflection=deflection,
        expert_request=expert_request,
        announcement=announcement,
        known_issue=known_issue,
    )
