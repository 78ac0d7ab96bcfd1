"""Following a board, a tag or a member: the services, the API and the pages. (Who hears of
a new question is in tests/notifications/test_kinds_follows.py.)"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from community import selectors, services
from community.models import Follow, Member
from tests.builders import api_client, board_make, logged_in
from tests.community.page_factories import tag_make
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_following_twice_keeps_one_row_and_unfollowing_twice_is_harmless(
    asker: Member, helper: Member
) -> None:
    board, tag = board_make(), tag_make("esim", "eSIM")

    for place in ({"board": board}, {"tag": tag}, {"author": asker}):
        assert services.follow_create(member=helper, **place) is True
        assert services.follow_create(member=helper, **place) is False
    assert Follow.objects.filter(member=helper).count() == 3

    assert services.follow_delete(member=helper, tag=tag) is True
    assert services.follow_delete(member=helper, tag=tag) is False
    assert [f.board or f.author for f in selectors.follow_list(member=helper)] == [asker, board]


def test_nobody_follows_themselves(helper: Member) -> None:
    with pytest.raises(ValidationError):
        services.follow_create(member=helper, author=helper)


def test_deleting_an_account_removes_its_follows_and_its_followers(
    asker: Member, helper: Member
) -> None:
    services.follow_create(member=helper, board=board_make())
    services.follow_create(member=asker, author=helper)

    services.member_delete(member=helper, actor=helper, password=PASSWORD)

    assert not Follow.objects.exists()


def test_the_personal_data_export_lists_the_follows(asker: Member, helper: Member) -> None:
    services.follow_create(member=helper, board=board_make("billing", "Billing"))
    services.follow_create(member=helper, author=asker)

    follows = selectors.member_data_export(member=helper)["follows"]

    assert [(f["board"], f["member"]) for f in follows] == [("billing", None), (None, "asker")]


# --- API --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["boards", "tags", "members"])
def test_the_api_follows_with_201_then_200_and_unfollows_with_204(
    kind: str, asker: Member, helper: Member
) -> None:
    key = {"boards": board_make("network").slug, "tags": tag_make("esim").slug, "members": "asker"}
    url = f"/api/v1/{kind}/{key[kind]}/subscription/"
    client = api_client(helper)

    first, again = client.post(url), client.post(url)

    assert (first.status_code, first.json()) == (201, {"following": True})
    assert (again.status_code, again.json()) == (200, {"following": True})
    assert Follow.objects.filter(member=helper).count() == 1
    assert client.delete(url).status_code == 204
    assert client.delete(url).status_code == 204
    assert not Follow.objects.exists()
    assert api_client().post(url).status_code == 401


def test_the_api_says_404_for_what_does_not_exist_and_400_for_oneself(helper: Member) -> None:
    client = api_client(helper)

    assert client.post("/api/v1/boards/nowhere/subscription/").status_code == 404
    assert client.post("/api/v1/tags/nothing/subscription/").status_code == 404
    assert client.post("/api/v1/members/nobody/subscription/").status_code == 404
    response = client.post("/api/v1/members/helper/subscription/")
    assert response.status_code == 400
    assert "yourself" in str(response.json())


# --- pages ------------------------------------------------------------------------------------


def test_the_board_tag_and_profile_pages_offer_follow_to_members(
    asker: Member, helper: Member
) -> None:
    board, tag = board_make("network", "Network"), tag_make("esim", "eSIM")
    services.follow_create(member=helper, board=board)
    pages = {"/boards/network/": "true", "/tags/esim/": "false", "/members/asker/": "false"}

    for url, pressed in pages.items():
        assert 'name="action" value="unfollow"' not in Client().get(url).content.decode()
        html = logged_in(helper).get(url).content.decode()
        action = "unfollow" if pressed == "true" else "follow"
        assert f'name="action" value="{action}"' in html, url
        assert f'aria-pressed="{pressed}"' in html, url
    # Not on one's own profile.
    assert (
        'action="/members/helper/follow/"'
        not in logged_in(helper).get("/members/helper/").content.decode()
    )
    del tag


def test_the_follow_button_answers_htmx_with_its_new_state(asker: Member, helper: Member) -> None:
    tag_make("esim", "eSIM")
    client = logged_in(helper)

    followed = client.post("/tags/esim/follow/", {"action": "follow"}, headers=HTMX)
    assert followed.status_code == 200
    assert 'aria-pressed="true"' in followed.content.decode()
    assert Follow.objects.filter(member=helper, tag__slug="esim").exists()

    unfollowed = client.post("/tags/esim/follow/", {"action": "unfollow"}, headers=HTMX)
    assert 'aria-pressed="false"' in unfollowed.content.decode()
    assert not Follow.objects.exists()


def test_without_javascript_following_goes_back_to_the_page(helper: Member, asker: Member) -> None:
    board_make("billing", "Billing")
    client = logged_in(helper)

    assert client.post("/boards/billing/follow/")["Location"] == "/boards/billing/"
    assert client.post("/members/asker/follow/")["Location"] == "/members/asker/"
    assert client.post("/members/helper/follow/")["Location"] == "/members/helper/"  # refused
    assert Follow.objects.filter(member=helper).count() == 2


def test_the_following_page_lists_what_i_follow_with_unfollow_buttons(
    asker: Member, helper: Member, outsider: Member
) -> None:
    services.follow_create(member=helper, board=board_make("billing", "Billing & Top-ups"))
    services.follow_create(member=helper, tag=tag_make("esim", "eSIM"))
    services.follow_create(member=helper, author=asker)
    services.follow_create(member=outsider, board=board_make("network", "Network"))

    response = logged_in(helper).get("/following/")
    html = response.content.decode()

    assert response.status_code == 200
    assert 'href="/following/"' in html  # the member's menu
    for name in ("Billing &amp; Top-ups", "eSIM", "Anna Asker"):
        assert name in html
    assert "Network" not in html.split("<main", 1)[1].split("</main>")[0]
    assert html.count('name="action" value="unfollow"') == 3
    assert Client().get("/following/").status_code == 302


def test_an_empty_following_page_says_how_to_follow(helper: Member) -> None:
    assert "You don't follow any board" in logged_in(helper).get("/following/").content.decode()


def test_the_demo_members_follow_boards_tags_and_members_once(db: None) -> None:
    call_command("seed_demo", "--no-progress", stdout=None)
    count = Follow.objects.count()
    call_command("seed_demo", "--no-progress", stdout=None)

    assert Follow.objects.count() == count >= 8
    chiara = Member.objects.get(username="chiara")
    assert {str(f.board or f.tag) for f in selectors.follow_list(member=chiara)} == {
        "SIM & eSIM",
        "eSIM",
    }
    for kind in ("board", "tag", "author"):
        assert Follow.objects.filter(**{f"{kind}__isnull": False}).exists()
