"""The moderation pages: who may open them, the queue, the actions, the log, flag forms."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from community.models import HiddenReason, Member, Post, Thread
from support.moderation import sanctions
from support.moderation import services as moderation
from support.moderation.models import Flag, FlagStatus, ModerationAction, Sanction
from tests.builders import answer, ask, board_make, logged_in
from tests.support.moderation_factories import HELPER, MEMBER, NEWCOMER, rank, ranked

pytestmark = pytest.mark.django_db

MaxQueries = Callable[[int], AbstractContextManager[object]]


@pytest.fixture
def world(asker: Member, helper: Member) -> SimpleNamespace:
    board = board_make(name="Billing", slug="billing")
    other = board_make(name="Network", slug="network")
    thread = ask(asker, board, title="Roaming charges in Norway")
    post = answer(helper, thread, body="Buy cheap followers at our shop, best prices!")
    return SimpleNamespace(board=board, other=other, thread=thread, post=post)


def moderator_pages(world: SimpleNamespace) -> list[str]:
    return [
        "/moderation/",
        "/moderation/log/",
        f"/moderation/threads/{world.thread.pk}/",
        f"/moderation/members/{world.post.author.username}/",
    ]


def moderator_actions(world: SimpleNamespace) -> list[str]:
    return [
        f"/moderation/threads/{world.thread.pk}/hide/",
        f"/moderation/threads/{world.thread.pk}/lock/",
        f"/moderation/threads/{world.thread.pk}/move/",
        f"/moderation/threads/{world.thread.pk}/merge/",
        f"/moderation/posts/{world.post.pk}/hide/",
        f"/moderation/posts/{world.post.pk}/uphold/",
        f"/moderation/members/{world.post.author.username}/",
    ]


# --- who may open them ---------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in(world: SimpleNamespace, client: Client) -> None:
    for url in moderator_pages(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    for url in moderator_actions(world):
        assert client.post(url).status_code == 302, url


@pytest.mark.parametrize("persona", ["helper", "agent", "outsider", "expert"])
def test_the_moderation_pages_do_not_exist_for_anyone_but_moderators(
    world: SimpleNamespace, request: pytest.FixtureRequest, persona: str
) -> None:
    member = ranked(4) if persona == "expert" else request.getfixturevalue(persona)
    client = logged_in(member)

    for url in moderator_pages(world):
        assert client.get(url).status_code == 404, url
    for url in moderator_actions(world):
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    assert not ModerationAction.objects.exclude(actor=None).exists()


def test_moderators_open_every_page(world: SimpleNamespace, moderator: Member) -> None:
    client = logged_in(moderator)

    for url in moderator_pages(world):
        assert client.get(url).status_code == 200, url


def test_an_unknown_action_is_404(world: SimpleNamespace, moderator: Member) -> None:
    client = logged_in(moderator)

    assert client.post(f"/moderation/threads/{world.thread.pk}/explode/").status_code == 404
    assert client.post(f"/moderation/posts/{world.post.pk}/lock/").status_code == 404
    assert client.get(f"/moderation/threads/{world.thread.pk}/hide/").status_code == 405


# --- the queue -----------------------------------------------------------------------------


def test_the_queue_lists_flagged_items_by_score_with_their_flags(
    world: SimpleNamespace, moderator: Member
) -> None:
    member, helper_rank = ranked(MEMBER, display_name="Mia Member"), ranked(HELPER)
    moderation.flag_create(flagger=member, thread=world.thread, kind="off_topic")
    moderation.flag_create(flagger=member, post=world.post, kind="spam", note="Shop link")
    moderation.flag_create(flagger=helper_rank, post=world.post, kind="spam")

    html = logged_in(moderator).get("/moderation/").content.decode()

    assert html.index(f'id="post-{world.post.pk}"') < html.index(f'id="thread-{world.thread.pk}"')
    assert "score 4.5" in html
    assert "Mia Member" in html
    assert "Shop link" in html
    assert "Buy cheap followers" in html


def test_reviewed_items_leave_the_queue(world: SimpleNamespace, moderator: Member) -> None:
    moderation.flag_create(flagger=ranked(MEMBER), post=world.post, kind="spam")
    client = logged_in(moderator)

    response = client.post(
        f"/moderation/posts/{world.post.pk}/uphold/", {"reason": "Spam", "next": "/moderation/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/moderation/"
    assert Flag.objects.get().status == FlagStatus.UPHELD
    world.post.refresh_from_db()
    assert world.post.hidden_reason == HiddenReason.MODERATOR
    assert "Nothing to review" in client.get("/moderation/").content.decode()


def test_an_htmx_review_swaps_the_item_for_a_note(
    world: SimpleNamespace, moderator: Member
) -> None:
    moderation.flag_create(flagger=ranked(MEMBER), post=world.post, kind="spam")

    response = logged_in(moderator).post(
        f"/moderation/posts/{world.post.pk}/reject/", HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "Flags rejected." in response.content.decode()
    assert Flag.objects.get().status == FlagStatus.REJECTED


def test_an_off_site_next_is_ignored(world: SimpleNamespace, moderator: Member) -> None:
    response = logged_in(moderator).post(
        f"/moderation/threads/{world.thread.pk}/lock/", {"next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/moderation/threads/{world.thread.pk}/"


def test_the_queue_costs_the_same_queries_for_2_or_12_items(
    world: SimpleNamespace, moderator: Member, asker: Member, helper: Member
) -> None:
    flaggers = [ranked(MEMBER), ranked(HELPER)]
    client = logged_in(moderator)

    def flag_new_answers(count: int) -> int:
        for _ in range(count):
            post = answer(helper, world.thread)
            for flagger in flaggers:
                moderation.flag_create(flagger=flagger, post=post, kind="spam")
        with CaptureQueriesContext(connection) as context:
            assert client.get("/moderation/").status_code == 200
        return len(context.captured_queries)

    small = flag_new_answers(2)
    large = flag_new_answers(10)

    assert small == large
    assert small <= 14


def test_the_thread_and_log_pages_cost_the_same_queries_at_two_sizes(
    world: SimpleNamespace, moderator: Member, outsider: Member
) -> None:
    client = logged_in(moderator)
    urls = [f"/moderation/threads/{world.thread.pk}/", "/moderation/log/"]

    def grow_and_measure(count: int) -> list[int]:
        for _ in range(count):
            post = answer(ranked(NEWCOMER), world.thread)
            moderation.moderation_content_hide(actor=moderator, post=post, reason="Noise")
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as context:
                assert client.get(url).status_code == 200
            counts.append(len(context.captured_queries))
        return counts

    assert grow_and_measure(2) == grow_and_measure(10)


# --- actions on a thread -------------------------------------------------------------------


def test_a_moderator_locks_moves_and_merges_from_the_thread_page(
    world: SimpleNamespace, moderator: Member, asker: Member
) -> None:
    client = logged_in(moderator)
    base = f"/moderation/threads/{world.thread.pk}"
    target = ask(asker, world.other, title="Roaming in Oslo was charged twice")

    assert client.post(f"{base}/lock/", {"reason": "Heated"}).status_code == 302
    assert client.post(f"{base}/move/", {"board": "network"}).status_code == 302
    merged = client.post(f"{base}/merge/", {"target": target.get_absolute_url()})

    assert merged.status_code == 302
    world.thread.refresh_from_db()
    assert world.thread.is_locked
    assert world.thread.board == world.other
    assert Post.objects.get(pk=world.post.pk).thread == target
    kinds = list(ModerationAction.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["lock", "move", "merge"]


@pytest.mark.parametrize(
    ("action", "data", "status"),
    [
        ("move", {"board": "nowhere"}, 400),
        ("move", {"board": "billing"}, 409),  # already there
        ("merge", {"target": "not a thread"}, 400),
        ("merge", {"target": "999999"}, 400),
        ("unlock", {}, 409),  # not locked
        ("restore", {}, 409),  # not hidden
        ("hide", {"reason": "x" * 501}, 400),
    ],
)
def test_refused_actions_show_why_with_a_fitting_status(
    world: SimpleNamespace, moderator: Member, action: str, data: dict[str, str], status: int
) -> None:
    response = logged_in(moderator).post(f"/moderation/threads/{world.thread.pk}/{action}/", data)

    assert response.status_code == status
    assert 'class="message message-error"' in response.content.decode()
    assert not ModerationAction.objects.exists()


def test_merging_a_thread_into_itself_is_refused(world: SimpleNamespace, moderator: Member) -> None:
    response = logged_in(moderator).post(
        f"/moderation/threads/{world.thread.pk}/merge/", {"target": str(world.thread.pk)}
    )

    assert response.status_code == 400


# --- sanctions -----------------------------------------------------------------------------


def test_a_moderator_silences_a_member_from_their_page_and_lifts_it(
    world: SimpleNamespace, moderator: Member, helper: Member
) -> None:
    client = logged_in(moderator)
    url = f"/moderation/members/{helper.username}/"

    response = client.post(url, {"kind": "silence", "days": "3", "reason": "Spamming links"})

    assert response.status_code == 302
    sanction = Sanction.objects.get()
    assert (sanction.member, sanction.kind, sanction.by) == (helper, "silence", moderator)
    assert "Spamming links" in client.get(url).content.decode()

    lifted = client.post(f"/moderation/sanctions/{sanction.pk}/lift/", {"reason": "Sorry"})

    assert lifted.status_code == 302
    sanction.refresh_from_db()
    assert sanction.lifted_at is not None


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"kind": "silence", "days": "0", "reason": "x"}, 400),
        ({"kind": "silence", "days": "3", "reason": ""}, 400),
        ({"kind": "exile", "days": "3", "reason": "x"}, 400),
    ],
)
def test_bad_sanction_forms_are_400(
    world: SimpleNamespace, moderator: Member, helper: Member, data: dict[str, str], status: int
) -> None:
    response = logged_in(moderator).post(f"/moderation/members/{helper.username}/", data)

    assert response.status_code == status
    assert not Sanction.objects.exists()


def test_sanctioning_staff_from_the_page_is_403(moderator: Member, agent: Member) -> None:
    response = logged_in(moderator).post(
        f"/moderation/members/{agent.username}/", {"kind": "suspend", "days": "1", "reason": "x"}
    )

    assert response.status_code == 403
    assert not Sanction.objects.exists()


def test_an_unknown_member_is_404(moderator: Member) -> None:
    assert logged_in(moderator).get("/moderation/members/nobody-here/").status_code == 404


# --- the log -------------------------------------------------------------------------------


def test_the_log_lists_actions_and_filters_them(
    world: SimpleNamespace, moderator: Member, helper: Member, asker: Member
) -> None:
    moderation.moderation_thread_lock(
        actor=moderator, thread=world.thread, locked=True, reason="Calm down"
    )
    moderation.moderation_content_hide(actor=moderator, post=world.post, reason="Spam shop")
    ask(asker, world.board, title="Call me please", body="My number is 07700 900123, thanks!")
    client = logged_in(moderator)

    everything = client.get("/moderation/log/").content.decode()
    hides = client.get("/moderation/log/", {"kind": "hide"}).content.decode()
    about_helper = client.get("/moderation/log/", {"member": helper.username}).content.decode()
    automatic = client.get("/moderation/log/", {"system": "on"}).content.decode()

    assert "Calm down" in everything and "Spam shop" in everything
    assert "Spam shop" in hides and "Calm down" not in hides
    assert "Spam shop" in about_helper and "Calm down" not in about_helper
    assert "It looks like it contains personal data." in automatic
    assert "Calm down" not in automatic


@pytest.mark.parametrize(
    "query", [{"kind": "explode"}, {"actor": "nobody-here"}, {"thread": "abc"}]
)
def test_bad_log_filters_are_400(moderator: Member, query: dict[str, str]) -> None:
    assert logged_in(moderator).get("/moderation/log/", query).status_code == 400


# --- flagging from the pages ---------------------------------------------------------------


def test_members_flag_from_a_form(world: SimpleNamespace) -> None:
    client = logged_in(ranked(MEMBER))
    url = f"/flags/posts/{world.post.pk}/"

    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "spam", "note": "A shop"})

    assert response.status_code == 302
    assert Flag.objects.get().note == "A shop"
    again = client.post(url, {"kind": "spam"})
    assert again.status_code == 409
    assert "You already flagged this." in again.content.decode()


def test_flag_forms_refuse_who_may_not_flag(
    world: SimpleNamespace, client: Client, helper: Member
) -> None:
    post_url = f"/flags/posts/{world.post.pk}/"
    thread_url = f"/flags/threads/{world.thread.pk}/"

    assert client.get(post_url).status_code == 302  # to sign in
    newcomer = logged_in(ranked(NEWCOMER))
    refused = newcomer.get(thread_url)
    assert refused.status_code == 403
    assert "Flagging unlocks at the Member rank." in refused.content.decode()
    assert newcomer.post(post_url, {"kind": "spam"}).status_code == 403
    own = logged_in(rank(helper, HELPER))
    assert own.post(post_url, {"kind": "spam"}).status_code == 403
    assert logged_in(ranked(MEMBER)).post(thread_url, {"kind": "rude"}).status_code == 400
    assert not Flag.objects.exists()


def test_the_thread_page_offers_flagging_and_moderation_to_the_right_people(
    world: SimpleNamespace, client: Client, moderator: Member, asker: Member
) -> None:
    url = world.thread.get_absolute_url()
    flag_link = f"/flags/threads/{world.thread.pk}/"
    moderate_link = f"/moderation/threads/{world.thread.pk}/"

    anonymous = client.get(url).content.decode()
    newcomer = logged_in(ranked(NEWCOMER)).get(url).content.decode()
    member = logged_in(ranked(MEMBER)).get(url).content.decode()
    staff = logged_in(moderator).get(url).content.decode()
    author = logged_in(rank(asker, HELPER)).get(url).content.decode()

    assert flag_link not in anonymous and moderate_link not in anonymous
    assert flag_link not in newcomer
    assert flag_link in member and moderate_link not in member
    assert moderate_link in staff
    assert flag_link not in author


def test_moderators_see_a_link_to_a_members_sanctions_on_their_profile(
    helper: Member, moderator: Member, outsider: Member
) -> None:
    link = f"/moderation/members/{helper.username}/"

    assert link in logged_in(moderator).get(f"/members/{helper.username}/").content.decode()
    assert link not in logged_in(outsider).get(f"/members/{helper.username}/").content.decode()


def test_a_held_question_tells_its_author_what_happens_next(asker: Member) -> None:
    held = ask(asker, board_make(), title="Please call me", body="Call me on 07700 900123 today!")
    assert Thread.objects.get(pk=held.pk).hidden_reason == HiddenReason.SENSITIVE

    html = logged_in(asker).get(held.get_absolute_url()).content.decode()

    assert "it looks like it contains a phone number" in html
    assert "An agent will help you in a private case" in html


def test_the_admin_shows_flags_actions_and_sanctions_read_only(
    world: SimpleNamespace, moderator: Member
) -> None:
    admin = ranked(NEWCOMER, is_staff=True, is_superuser=True)
    moderation.flag_create(flagger=ranked(MEMBER), post=world.post, kind="spam")
    sanctions.sanction_create(
        actor=moderator, member=world.post.author, kind="silence", days=1, reason="Spam"
    )
    client = logged_in(admin)

    for model in ("flag", "moderationaction", "sanction"):
        assert client.get(f"/admin/support/{model}/").status_code == 200, model
        assert client.get(f"/admin/support/{model}/add/").status_code == 403, model
