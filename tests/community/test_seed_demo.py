"""`manage.py seed_demo` (community.demo) and the community's housekeeping task."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib import auth
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community import tasks
from community.demo import (
    DEMO_BOARDS,
    DEMO_MEMBERS,
    DEMO_PASSWORD,
    DEMO_TAGS,
    DEMO_THREADS,
)
from community.models import AGENTS_GROUP, MODERATORS_GROUP, Board, Kudos, Member, Post, Tag, Thread

DEMO_USERNAMES = {"chiara", "priya", "tom", "luca", "sofia", "hannah", "agnes", "marco", "admin"}


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
    assert counts[3] == sum(len(spec.answers) for spec in DEMO_THREADS)
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
        assert board.answer_count == Post.objects.filter(thread__board=board).count()
    for thread in Thread.objects.all():
        assert thread.answer_count == thread.posts.count()
        assert thread.kudos_count == thread.kudos.count()
    assert Thread.objects.filter(answer_count=0).exists()  # the unanswered view has something
    assert Thread.objects.exclude(solution=None).exists()


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
