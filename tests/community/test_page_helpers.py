"""The shortcuts the thread page takes must give what the slow way gives."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from community import links, permissions
from community.models import Member, Thread
from tests.factories import MemberFactory

PERMS = [
    "community.edit_any_content",
    "community.delete_any_content",
    "community.view_hidden_content",
    "community.lock_thread",
    "community.accept_any_solution",
    "community.retag_thread",
]


@pytest.mark.parametrize(
    ("name", "kwarg", "value"),
    [
        ("member-detail", "username", "anna"),
        ("member-detail", "username", "bob.smith-2_x"),
        ("post-detail", "pk", 1),
        ("post-edit", "pk", 9081726354),
        ("post-kudos", "pk", 42),
        ("thread-revisions", "pk", 7),
        ("board-detail", "slug", "network-coverage"),
        ("tag-detail", "slug", "esim"),
        ("flag-post", "pk", 3),
    ],
)
def test_a_url_built_from_its_prefix_is_the_one_reverse_gives(
    name: str, kwarg: str, value: int | str
) -> None:
    assert links.url_for(name, kwarg, value) == reverse(name, kwargs={kwarg: value})


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("How do I top up my plan?", "how-do-i-top-up-my-plan"),
        ("Edit", "edit-thread"),  # a thread action's name is not a slug
        ("???", "thread"),
        ("Roaming ñ ünïcode", "roaming-n-unicode"),
        ("x " * 60, ("x-" * 40).strip("-")),
    ],
)
def test_a_threads_address_is_the_one_reverse_gives_made_once(title: str, slug: str) -> None:
    thread = Thread(pk=7, title=title)
    expected = reverse("thread-detail", kwargs={"pk": 7, "slug": slug})
    assert thread.get_absolute_url() == expected
    assert Thread(pk=7, title=title).get_absolute_url() == expected  # kept: the same again
    set_script_prefix("/mutua/")
    try:
        assert thread.get_absolute_url() == f"/mutua{expected}"
    finally:
        set_script_prefix("/")


def test_a_route_that_does_not_exist_gives_none() -> None:
    assert links.url_for_or_none("no-such-route", "pk", 1) is None


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["asker", "moderator", "agent"])
def test_priming_a_viewer_answers_every_permission_as_django_would_without_a_query(
    request: pytest.FixtureRequest, persona: str
) -> None:
    member: Member = request.getfixturevalue(persona)
    member.user_permissions.add(Permission.objects.get(codename="retag_thread"))
    expected = {perm: Member.objects.get(pk=member.pk).has_perm(perm) for perm in PERMS}
    groups = frozenset(g.name for g in Member.objects.get(pk=member.pk).groups.all())
    primed = Member.objects.get(pk=member.pk)

    with CaptureQueriesContext(connection) as primed_queries:
        permissions.viewer_prime(primed)
    with CaptureQueriesContext(connection) as later:
        answers = {perm: primed.has_perm(perm) for perm in PERMS if perm.startswith("community")}
        role = primed.role_label

    assert len(primed_queries.captured_queries) == 1
    assert primed.group_names == groups
    assert primed.get_all_permissions() >= {p for p, granted in expected.items() if granted}
    assert answers == {perm: expected[perm] for perm in answers}
    assert role == Member.objects.get(pk=member.pk).role_label
    # Only the rank privileges backend may still ask (once) for its own permissions.
    assert len(later.captured_queries) <= 2


@pytest.mark.django_db
def test_priming_an_inactive_member_grants_nothing() -> None:
    member = MemberFactory.create(is_active=False)
    permissions.viewer_prime(member)
    assert not any(member.has_perm(perm) for perm in PERMS)
