"""`manage.py seed_demo` (community.demo) and the community's housekeeping task."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib import auth
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community import extensions, tasks
from community.demo import (
    DEMO_BOARDS,
    DEMO_MEMBERS,
    DEMO_PASSWORD,
    DEMO_REVIEW_ANSWER,
    DEMO_REVIEW_QUESTION,
    DEMO_TAGS,
    DEMO_THREADS,
)
from community.management.commands import seed_demo
from community.models import (
    AGENTS_GROUP,
    MODERATORS_GROUP,
    Board,
    HiddenReason,
    Kudos,
    Member,
    Post,
    Tag,
    Thread,
)
from notifications.models import Kind, Notification
from support.cases.models import Case, CaseMessage, CaseStatus
from support.demo import DEMO_CASES
from support.insights.trending import trending_problems

DEMO_USERNAMES = {
    "chiara",
    "priya",
    "tom",
    "nadia",
    "luca",
    "sofia",
    "hannah",
    "agnes",
    "marco",
    "admin",
}


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # allauth's login rate limits live in the default cache.
    cache.clear()
    yield
    cache.clear()


def seed(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_demo_specs_are_the_documented_members() -> None:
    assert {spec.username for spec in DEMO_MEMBERS} == DEMO_USERNAMES


def test_seeding_twice_leaves_exactly_the_demo_members_and_content(db: None) -> None:
    seed("--no-progress")
    counts = [
        Board.objects.count(),
        Tag.objects.count(),
        Thread.objects.count(),
        Post.objects.count(),
        Kudos.objects.count(),
    ]
    seed("--no-progress")

    assert set(Member.objects.values_list("username", flat=True)) == DEMO_USERNAMES
    assert Member.objects.count() == len(DEMO_USERNAMES)
    assert EmailAddress.objects.count() == len(DEMO_USERNAMES)
    assert [
        Board.objects.count(),
        Tag.objects.count(),
        Thread.objects.count(),
        Post.objects.count(),
        Kudos.objects.count(),
    ] == counts
    assert counts[:3] == [len(DEMO_BOARDS), len(DEMO_TAGS), len(DEMO_THREADS)]
    # Every answer of the content, and nadia's, waiting for review.
    assert counts[3] == sum(len(spec.answers) for spec in DEMO_THREADS) + 1
    assert counts[4] == sum(
        len(spec.kudos_from) + sum(len(a.kudos_from) for a in spec.answers) for spec in DEMO_THREADS
    )


def test_the_demo_content_is_consistent_with_its_counters(db: None) -> None:
    seed("--no-progress")

    assert Board.objects.count() == len(DEMO_BOARDS)
    assert Thread.objects.count() == len(DEMO_THREADS)
    for board in Board.objects.all():
        assert board.thread_count > 0, board.slug
        threads = Thread.objects.filter(board=board)
        assert board.thread_count == threads.count()
        assert board.solved_count == threads.exclude(solution=None).count()
        assert (
            board.answer_count == Post.objects.filter(thread__board=board, hidden_reason="").count()
        )
    for thread in Thread.objects.all():
        assert thread.answer_count == thread.posts.filter(hidden_reason="").count()
        assert thread.kudos_count == thread.kudos.count()
    assert Thread.objects.filter(answer_count=0).exists()  # the unanswered view has something
    assert Thread.objects.exclude(solution=None).exists()


def test_the_demo_reads_like_a_real_community(db: None) -> None:
    seed("--no-progress")
    threads = list(Thread.objects.all())

    assert len(threads) >= 40
    # Nothing the demo wrote was held for personal data or hidden; one answer, by a new
    # member, waits for review.
    assert not Thread.objects.exclude(hidden_reason="").exists()
    assert not Post.objects.exclude(hidden_reason__in=["", HiddenReason.PENDING_REVIEW]).exists()
    assert Post.objects.filter(hidden_reason=HiddenReason.PENDING_REVIEW).count() == 1
    # Every question and every answer says something of its own.
    assert len({t.title for t in threads}) == len(threads)
    assert len({t.body for t in threads}) == len(threads)
    answers = list(Post.objects.values_list("body", flat=True))
    assert len(answers) >= 35
    assert len(set(answers)) == len(answers)
    # Each board has a few questions, most solved, some still waiting for an answer.
    for board in Board.objects.all():
        assert board.thread_count >= 3, board.slug
    solved = Thread.objects.exclude(solution=None)
    assert solved.count() >= 30
    for thread in solved.select_related("solution"):
        assert thread.solution is not None and thread.solution.thread_id == thread.pk
        assert thread.solution.author_id != thread.author_id
    assert Thread.objects.filter(answer_count=0).count() >= 4
    assert Thread.objects.filter(answer_count__gt=0, solution=None).count() >= 3
    # Kudos: on most solutions, on some questions ("me too"), never to oneself.
    assert solved.filter(solution__kudos_count__gte=2).count() >= 25
    assert Thread.objects.filter(kudos_count__gt=0).count() >= 15
    assert not Kudos.objects.filter(giver=F("receiver")).exists()


def test_everything_in_the_demo_happened_before_now(db: None) -> None:
    seed("--no-progress")
    now = timezone.now()

    assert not Thread.objects.filter(created_at__gt=now).exists()
    assert not Thread.objects.filter(last_activity_at__gt=now).exists()
    assert not Thread.objects.filter(solved_at__gt=now).exists()
    assert not Post.objects.filter(created_at__gt=now).exists()
    assert not Kudos.objects.filter(created_at__gt=now).exists()
    assert not CaseMessage.objects.filter(created_at__gt=now).exists()
    for thread in Thread.objects.exclude(solution=None):
        assert thread.solved_at is not None and thread.solved_at >= thread.created_at
    for post in Post.objects.select_related("thread"):
        assert post.created_at > post.thread.created_at


def test_the_demo_has_a_new_members_first_answer_waiting_for_review(
    db: None, settings: Any
) -> None:
    seed("--no-progress")

    waiting = Post.objects.get(hidden_reason=HiddenReason.PENDING_REVIEW)
    assert waiting.author.username == "nadia"
    assert waiting.thread.title == DEMO_REVIEW_QUESTION
    assert waiting.thread.answer_count == 0  # unanswered, as everyone else sees it
    assert timezone.now() - waiting.author.date_joined < dt.timedelta(days=1)
    settings.MFA_REQUIRED_FOR_STAFF = False  # marco has not set up his second factor
    client = Client()
    client.force_login(Member.objects.get(username="marco"))
    assert DEMO_REVIEW_ANSWER[:40] in client.get("/moderation/review/").content.decode()


def test_the_demo_has_a_case_in_every_state(db: None) -> None:
    seed("--no-progress")

    cases = Case.objects.select_related("thread", "assignee")
    assert {case.status for case in cases} == set(CaseStatus.values)
    assert cases.count() == len(DEMO_CASES)
    for case in cases:
        assert case.thread is not None
        assert case.customer_id == case.thread.author_id
        assert case.assignee is not None and case.assignee.username == "agnes"
        assert case.created_at > case.thread.created_at
        # A case someone answered has its first response, and only then.
        answered = case.messages.filter(author=case.assignee, internal=False).exists()
        assert (case.first_response_at is not None) == answered, case.thread.title
        assert (case.resolved_at is not None) == (not case.is_active)
        # Only the active cases' threads show as escalated.
        assert case.thread.is_escalated == case.is_active
    waiting = cases.get(status=CaseStatus.WAITING)
    assert waiting.messages.filter(internal=True).exists()  # an agents-only note


def test_the_demo_ends_with_an_outage_the_trending_alert_sees(db: None) -> None:
    seed("--no-progress")

    trending = {(p.kind, p.slug) for p in trending_problems()}
    assert ("board", "network") in trending
    assert ("tag", "outage") in trending
    # The staff heard about it, as from the five-minute alert task.
    for username in ("agnes", "marco", "admin"):
        alerts = Notification.objects.filter(
            recipient__username=username, kind=Kind.TRENDING, read_at=None
        )
        assert alerts.exists(), username


KUDOS_RE = re.compile(r"(\d+)</strong>\s*kudos")
TITLE_RE = re.compile(r'class="thread-title" href="[^"]*">([^<]*)</a>')


def home_rows(section: str) -> list[tuple[str, int]]:
    rows = section.split('<li class="thread-row')[1:]
    found = []
    for row in rows:
        title = TITLE_RE.search(row)
        kudos = KUDOS_RE.search(row)
        assert title and kudos, row
        found.append((html.unescape(title.group(1)), int(kudos.group(1))))
    return found


def test_the_demo_home_page_shows_two_distinct_lists_with_real_kudos(
    client: Client, db: None
) -> None:
    seed("--no-progress")

    page = client.get(reverse("home")).content.decode()
    recent_html, _sep, waiting_html = page.partition("Waiting for an answer")
    recent, waiting = home_rows(recent_html), home_rows(waiting_html)

    assert len(recent) == 10
    assert len(waiting) == 5
    assert not {title for title, _k in recent} & {title for title, _k in waiting}
    for title, shown in recent + waiting:
        thread = Thread.objects.get(title=title)
        # The row's kudos are the question's own, as on the question and in the API.
        assert shown == thread.kudos_count == Kudos.objects.filter(thread=thread).count()
    for title, _kudos in waiting:
        assert Thread.objects.get(title=title).answer_count == 0
    assert sum(1 for _title, kudos in recent + waiting if kudos > 0) >= 5


def test_every_demo_member_has_a_verified_primary_email_and_the_demo_password(db: None) -> None:
    seed("--no-progress")

    assert set(Member.objects.values_list("username", flat=True)) == DEMO_USERNAMES
    for member in Member.objects.all():
        address = EmailAddress.objects.get(user=member)
        assert address.email == member.email == f"{member.username}@demo.mutua.localhost"
        assert address.verified
        assert address.primary
        assert member.check_password(DEMO_PASSWORD)
        assert member.is_active
        assert member.display_name
        assert member.bio


def test_the_demo_staff_have_their_roles(db: None) -> None:
    seed("--no-progress")
    members = {m.username: m for m in Member.objects.all()}

    assert members["agnes"].is_agent and not members["agnes"].is_moderator
    assert set(members["agnes"].groups.values_list("name", flat=True)) == {AGENTS_GROUP}
    assert members["agnes"].is_staff and not members["agnes"].is_superuser

    assert members["marco"].is_moderator and not members["marco"].is_agent
    assert set(members["marco"].groups.values_list("name", flat=True)) == {MODERATORS_GROUP}
    assert members["marco"].is_staff and not members["marco"].is_superuser

    assert members["admin"].is_superuser and members["admin"].is_staff
    assert members["admin"].role_label == "Admin"

    for customer in ("chiara", "priya", "tom", "luca", "sofia", "hannah"):
        assert not members[customer].is_staff
        assert not members[customer].is_superuser
        assert not members[customer].groups.exists()
        assert members[customer].role_label == ""


def test_seeding_twice_does_not_duplicate_group_memberships(db: None) -> None:
    seed("--no-progress")
    seed("--no-progress")

    assert Member.objects.get(username="agnes").groups.count() == 1
    assert Member.objects.get(username="marco").groups.count() == 1


def test_the_command_prints_the_demo_logins(db: None) -> None:
    out, _err = seed("--no-progress")

    assert "Demo community ready. Demo logins:" in out
    for spec in DEMO_MEMBERS:
        line = next(line for line in out.splitlines() if f" {spec.username} " in line)
        assert spec.role in line
        assert DEMO_PASSWORD in line


def test_the_progress_bar_goes_to_stderr_and_can_be_hidden(db: None) -> None:
    out, err = seed()
    assert "Loading the demo community" in err
    assert "Loading" not in out

    _out, quiet_err = seed("--no-progress")
    assert quiet_err == ""


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_off_a_terminal_the_progress_is_a_few_plain_lines(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seed_demo, "LINE_EVERY", 3600.0)
    steps = len(DEMO_MEMBERS) + 1 + len(extensions.demo_steps)

    _out, err = seed()

    assert "\r" not in err and err.endswith("\n")
    lines = err.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"Loading the demo community: 1 of {steps} steps (member ")
    assert lines[1].startswith(f"Loading the demo community: {steps} of {steps} steps (")


def test_off_a_terminal_a_slow_seeding_prints_a_line_every_few_seconds(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seed_demo, "LINE_EVERY", 0.0)
    steps = len(DEMO_MEMBERS) + 1 + len(extensions.demo_steps)

    _out, err = seed()

    lines = err.splitlines()
    assert [line.split(": ", 1)[1].split(" steps")[0] for line in lines] == [
        f"{n} of {steps}" for n in range(1, steps + 1)
    ]


def test_on_a_terminal_the_progress_is_a_bar(db: None) -> None:
    err = Terminal()
    call_command("seed_demo", stdout=StringIO(), stderr=err)

    assert "\r" in err.getvalue()  # the bar redraws itself in place
    assert "Loading the demo community" in err.getvalue()


def test_a_demo_member_who_changed_their_password_keeps_it_on_a_second_run(db: None) -> None:
    seed("--no-progress")
    chiara = Member.objects.get(username="chiara")
    chiara.set_password("chiaras-own-secret-9")
    chiara.display_name = "Chiara R."
    chiara.save()

    seed("--no-progress")

    chiara.refresh_from_db()
    assert chiara.check_password("chiaras-own-secret-9")
    assert not chiara.check_password(DEMO_PASSWORD)
    assert chiara.display_name == "Chiara R."


def test_seeding_leaves_other_members_alone(asker: Member) -> None:
    seed("--no-progress")

    assert Member.objects.count() == len(DEMO_USERNAMES) + 1
    asker.refresh_from_db()
    assert asker.display_name == "Anna Asker"


def test_a_demo_login_works_on_the_real_login_page(client: Client, db: None) -> None:
    seed("--no-progress")

    response = client.post(reverse("account_login"), {"login": "hannah", "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert auth.get_user(client).get_username() == "hannah"


# --- Housekeeping --------------------------------------------------------------------------


def test_the_hourly_task_deletes_expired_sessions_only(db: None) -> None:
    expired = SessionStore()
    expired.set_expiry(timezone.now() - dt.timedelta(minutes=1))
    expired.create()
    current = SessionStore()
    current.create()

    deleted = tasks.sessions_clear_expired.delay().get()

    assert deleted == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]
