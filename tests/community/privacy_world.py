"""A member with something of every kind the community holds about people, for the personal
data tests (tests/*/test_personal_data*.py): questions, answers, kudos both ways, a solution,
points, a badge, a payback statement, a case with an agent's reply and an internal note,
notifications, preferences, an avatar, a token and a subscription."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.authtoken.models import Token

from community import services
from community.models import Member, Post, Thread
from gamification.models import BadgeAward, RewardPeriod, Statement
from notifications.models import EmailSettings, Preference
from support.cases.models import Case
from support.cases.services import case_escalate, case_message_post
from support.moderation.models import Flag, Sanction
from support.satisfaction.models import Satisfaction
from tests.builders import agent_make, answer, ask, board_make, member_make

INTERNAL_NOTE = "Internal: customer sounds like a reseller, check the account"
SATISFACTION_COMMENT = "Hugo fixed it, I'm in Rome until Friday."
CUSTOMER_MESSAGE = "My number is 07700 900123 and the top-up is still missing."
AGENT_REPLY = "We are looking at your top-up now."


@dataclass
class PrivacyWorld:
    member: Member
    helper: Member
    agent: Member
    answered: Thread  # the member's question, answered by the helper (solution accepted)
    unanswered: Thread  # the member's question nobody answered
    helpers_thread: Thread
    own_answer: Post  # the member's answer in the helper's thread, with the helper's kudos
    case: Case
    statement: Statement


def privacy_world() -> PrivacyWorld:
    member = member_make("olive", display_name="Olive Owner", bio="Loves eSIMs.")
    member.first_name, member.last_name = "Olive", "Owner"
    member.save(update_fields=["first_name", "last_name"])
    member.avatar_small.save("olive-small.png", ContentFile(b"small"), save=False)
    member.avatar_large.save("olive-large.png", ContentFile(b"large"), save=True)
    helper = member_make("hugo", display_name="Hugo Helper")
    agent = agent_make("agnes")
    board = board_make()
    answered = ask(member, board, title="My top-up did not arrive", ago=timedelta(hours=3))
    solution = answer(helper, answered)
    services.solution_accept(thread=answered, post=solution, actor=member)
    services.kudos_give(giver=member, post=solution)
    unanswered = ask(member, board, title="Can I keep my number abroad?")
    helpers_thread = ask(helper, board, title="Which plan for a tablet?")
    own_answer = answer(member, helpers_thread, body="The data-only plan works well for me.")
    services.kudos_give(giver=helper, post=own_answer)
    services.subscription_create(thread=helpers_thread, member=member)
    case, _opened = case_escalate(thread=answered, actor=member, message=CUSTOMER_MESSAGE)
    case_message_post(case=case, author=agent, body=AGENT_REPLY)
    case_message_post(case=case, author=agent, body=INTERNAL_NOTE, internal=True)
    today = timezone.localdate()
    period = RewardPeriod.objects.create(
        start=today - timedelta(days=40), end=today - timedelta(days=10), status="closed"
    )
    statement = Statement.objects.create(
        member=member, period=period, points=120, amount=Decimal("6.00"), currency="EUR"
    )
    BadgeAward.objects.get_or_create(member=member, badge="first-question")
    Preference.objects.create(member=member, kind="kudos", channel="both")
    EmailSettings.objects.create(member=member, digest=False)
    Token.objects.create(user=member)
    Satisfaction.objects.create(
        respondent=member, thread=answered, rated=helper, score=5, comment=SATISFACTION_COMMENT
    )
    Flag.objects.create(
        flagger=member, thread=helpers_thread, kind="spam", note="Looks like an ad."
    )
    Sanction.objects.create(
        member=member, kind="silence", until=timezone.now() - timedelta(days=1), reason="Heated."
    )
    member.refresh_from_db()
    return PrivacyWorld(
        member=member,
        helper=helper,
        agent=agent,
        answered=answered,
        unanswered=unanswered,
        helpers_thread=helpers_thread,
        own_answer=own_answer,
        case=case,
        statement=statement,
    )
