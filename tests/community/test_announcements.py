"""Announcements: staff pin a notice site-wide or to a board; it shows at the top of the home
and board pages until its time passes or it is unpinned; a member may dismiss it for
themselves; each has its own page; staff manage them on their own page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from community import events
from community.announcements import selectors, services
from community.announcements.models import Announcement, AnnouncementDismissal
from community.models import Board, Member
from tests.builders import ask, board_make, logged_in

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
OUTAGE = "Mobile data is down in the North West"
OUTAGE_BODY = "Engineers are on it. **No need to restart** your phone; we post updates here."
OnCommit = Callable[..., Any]


def post(actor: Member, board: Board | None = None, **kwargs: Any) -> Announcement:
    kwargs.setdefault("title", OUTAGE)
    kwargs.setdefault("body", OUTAGE_BODY)
    return services.announcement_create(actor=actor, board=board, **kwargs)


def shown(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="announcements"')
    # What follows the banner: the home page's welcome, a board's header.
    ends = [html.find(mark, start) for mark in ('<section class="hero"', '<header class="page')]
    return html[start : min(end for end in ends if end != -1)]


# ---------------------------------------------------------------------------- services


def test_a_site_wide_announcement_shows_on_the_home_page_and_every_board(
    moderator: Member, helper: Member
) -> None:
    billing, roaming = board_make(), board_make()
    announcement = post(moderator)

    for url in ("/", billing.get_absolute_url(), roaming.get_absolute_url()):
        for client in (Client(), logged_in(helper)):
            assert OUTAGE in shown(client, url), url
    assert announcement.get_absolute_url() in shown(Client(), "/")


def test_a_boards_announcement_shows_on_its_page_only(agent: Member) -> None:
    billing, roaming = board_make(), board_make()
    post(agent, billing, title="Card payments are slow today")

    assert "Card payments are slow today" in shown(Client(), billing.get_absolute_url())
    assert "Card payments are slow today" not in shown(Client(), roaming.get_absolute_url())
    assert "Card payments are slow today" not in shown(Client(), "/")


def test_the_body_is_markdown_rendered_and_sanitized(moderator: Member) -> None:
    announcement = post(
        moderator, body='**Down** since 9am. <script>alert("x")</script> [status](javascript:x)'
    )

    assert "<strong>Down</strong>" in announcement.body_html
    assert "<script>" not in announcement.body_html
    assert 'href="javascript' not in announcement.body_html


def test_an_announcement_comes_down_when_its_time_passes(moderator: Member, helper: Member) -> None:
    billing = board_make()
    with time_machine.travel(NOON, tick=False):
        post(moderator, pinned_until=NOON + timedelta(hours=2))
    # A member's pages are never cached: they follow the clock to the second. (A visitor's
    # home page may be up to a minute old, as for everything else on it; open pages take the
    # announcement down at its time by themselves, static/js/live.js.)
    client = logged_in(helper)
    with time_machine.travel(NOON + timedelta(hours=2) - timedelta(seconds=1), tick=False):
        assert [a.title for a in selectors.announcements_pinned()] == [OUTAGE]
        assert OUTAGE in shown(client, "/")
        assert OUTAGE in shown(Client(), billing.get_absolute_url())
    with time_machine.travel(NOON + timedelta(hours=2), tick=False):
        assert selectors.announcements_pinned() == []
        assert OUTAGE not in shown(client, "/")
        assert OUTAGE not in shown(Client(), billing.get_absolute_url())


def test_a_time_already_passed_is_refused_when_posting(moderator: Member) -> None:
    with time_machine.travel(NOON, tick=False), pytest.raises(ValidationError) as error:
        post(moderator, pinned_until=NOON)
    assert "pinned_until" in error.value.message_dict
    assert not Announcement.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("title", "Hi"), ("title", "x" * 151), ("body", "Short"), ("body", "")]
)
def test_titles_and_bodies_have_limits(moderator: Member, field: str, value: str) -> None:
    changed: dict[str, Any] = {field: value}
    with pytest.raises(ValidationError) as error:
        post(moderator, **changed)
    assert field in error.value.message_dict


def test_only_staff_post_and_change_announcements(
    helper: Member, moderator: Member, agent: Member
) -> None:
    with pytest.raises(PermissionDenied):
        post(helper)
    announcement = post(agent)
    with pytest.raises(PermissionDenied):
        services.announcement_unpin(actor=helper, announcement=announcement)
    with pytest.raises(PermissionDenied):
        services.announcement_delete(actor=helper, announcement=announcement)
    services.announcement_unpin(actor=moderator, announcement=announcement)


def test_unpinning_takes_it_down_and_its_own_page_stays(moderator: Member) -> None:
    announcement = post(moderator)
    with time_machine.travel(NOON, tick=False):
        services.announcement_unpin(actor=moderator, announcement=announcement)
        assert OUTAGE not in shown(Client(), "/")
        page = Client().get(announcement.get_absolute_url())
    assert page.status_code == 200
    assert "No longer pinned" in page.content.decode()
    announcement.refresh_from_db()
    assert announcement.pinned_until == NOON


def test_editing_moves_it_between_boards_and_tells_both(moderator: Member) -> None:
    billing, roaming = board_make(), board_make()
    announcement = post(moderator, billing)
    heard: list[int] = []
    events.announcement_changed.connect(
        lambda **kw: heard.append(kw["board_id"] or 0), dispatch_uid="test-heard", weak=False
    )
    try:
        services.announcement_update(
            actor=moderator, announcement=announcement, board=roaming, title="Roaming is slow"
        )
    finally:
        events.announcement_changed.disconnect(dispatch_uid="test-heard")

    assert sorted(heard) == sorted([roaming.pk, billing.pk])
    assert "Roaming is slow" in shown(Client(), roaming.get_absolute_url())
    assert "Roaming is slow" not in shown(Client(), billing.get_absolute_url())


def test_the_newest_come_first_and_a_page_shows_a_handful(moderator: Member) -> None:
    for n in range(selectors.SHOWN_AT_MOST + 2):
        with time_machine.travel(NOON + timedelta(minutes=n), tick=False):
            post(moderator, title=f"Notice number {n}")
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        titles = [a.title for a in selectors.announcements_pinned()]
    assert titles == [f"Notice number {n}" for n in range(6, 1, -1)]


# ---------------------------------------------------------------------------- dismissing


def test_a_member_who_dismisses_it_no_longer_sees_it_and_others_still_do(
    moderator: Member, helper: Member, asker: Member
) -> None:
    announcement = post(moderator)
    client = logged_in(helper)

    response = client.post(f"/announcements/{announcement.pk}/dismiss/", {"next": "/"})

    assert response.status_code == 302 and response["Location"] == "/"
    assert OUTAGE not in shown(client, "/")
    assert OUTAGE in shown(logged_in(asker), "/")
    assert OUTAGE in shown(Client(), "/")
    # Remembered, not a cookie: the next sign-in doesn't bring it back.
    assert OUTAGE not in shown(logged_in(helper), "/")


def test_a_member_who_never_dismissed_one_reads_no_dismissals_until_they_do(
    moderator: Member, helper: Member, asker: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    announcement = post(moderator)
    question = ask(asker, board_make()).get_absolute_url()
    read_for: list[int] = []
    real = selectors._dismissed

    def dismissed(member_id: int, pinned: list[Announcement]) -> set[int]:
        read_for.append(member_id)
        return real(member_id, pinned)

    monkeypatch.setattr(selectors, "_dismissed", dismissed)
    client = logged_in(helper)

    # A question's page shows the announcements from the cache, less the reader's dismissals.
    assert OUTAGE in client.get(question).content.decode()
    assert read_for == []  # their read brought along that they never dismissed one
    client.post(f"/announcements/{announcement.pk}/dismiss/", {"next": "/"})
    assert OUTAGE not in client.get(question).content.decode()
    assert read_for == [helper.pk]


def test_dismissing_twice_is_one_dismissal(moderator: Member, helper: Member) -> None:
    announcement = post(moderator)

    assert services.announcement_dismiss(member=helper, announcement=announcement) is True
    assert services.announcement_dismiss(member=helper, announcement=announcement) is False
    assert AnnouncementDismissal.objects.filter(member=helper).count() == 1


def test_dismissing_with_htmx_swaps_it_for_nothing(moderator: Member, helper: Member) -> None:
    announcement = post(moderator)

    response = logged_in(helper).post(
        f"/announcements/{announcement.pk}/dismiss/", HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200 and response.content == b""


def test_dismissing_goes_back_to_our_own_pages_only(moderator: Member, helper: Member) -> None:
    announcement = post(moderator)

    response = logged_in(helper).post(
        f"/announcements/{announcement.pk}/dismiss/", {"next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_visitors_have_no_dismiss_button_and_members_do(moderator: Member, helper: Member) -> None:
    post(moderator)

    assert "Dismiss" not in shown(Client(), "/")
    assert "Dismiss" in shown(logged_in(helper), "/")


def test_visitors_are_sent_to_sign_in_to_dismiss(moderator: Member) -> None:
    announcement = post(moderator)

    response = Client().post(f"/announcements/{announcement.pk}/dismiss/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not AnnouncementDismissal.objects.exists()


# ---------------------------------------------------------------------------- pages


def test_the_banner_is_what_open_pages_fetch_again(moderator: Member, helper: Member) -> None:
    billing = board_make()
    post(moderator, billing, title="Card payments are slow today")
    post(moderator)

    on_board = Client().get("/announcements/banner/", {"board": billing.slug}).content.decode()
    on_home = Client().get("/announcements/banner/").content.decode()

    assert "Card payments are slow today" in on_board and OUTAGE in on_board
    assert "Card payments are slow today" not in on_home and OUTAGE in on_home
    assert Client().get("/announcements/banner/", {"board": "nope"}).status_code == 404


def test_a_new_announcement_drops_the_visitors_cached_home_page(
    moderator: Member, django_capture_on_commit_callbacks: OnCommit
) -> None:
    visitor = Client()
    visitor.get("/")
    assert visitor.get("/").get("X-Page-Cache") == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        post(moderator)

    home = visitor.get("/")
    assert home.get("X-Page-Cache") != "hit"
    assert OUTAGE in home.content.decode()


def test_its_own_page_shows_the_rendered_body_to_anyone(moderator: Member) -> None:
    announcement = post(moderator, pinned_until=None)

    page = Client().get(announcement.get_absolute_url())

    assert page.status_code == 200
    html = page.content.decode()
    assert "<strong>No need to restart</strong>" in html and "Pinned" in html
    assert Client().get("/announcements/999999/").status_code == 404


def test_staff_post_from_their_page_and_see_every_announcement(moderator: Member) -> None:
    client = logged_in(moderator)
    board = board_make()

    response = client.post(
        "/announcements/manage/",
        {"title": OUTAGE, "body": OUTAGE_BODY, "board": board.slug, "pinned_until": ""},
    )

    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert announcement.board == board and announcement.pinned_until is None
    assert announcement.author == moderator
    page = client.get("/announcements/manage/").content.decode()
    assert OUTAGE in page and "Unpin" in page


def test_staff_see_what_is_wrong_with_their_form(moderator: Member) -> None:
    response = logged_in(moderator).post(
        "/announcements/manage/", {"title": "Hi", "body": OUTAGE_BODY}
    )

    assert response.status_code == 400
    assert "Make the title at least 5 characters." in response.content.decode()


def test_staff_edit_unpin_and_delete_from_their_page(moderator: Member) -> None:
    client = logged_in(moderator)
    announcement = post(moderator)

    edit = client.get(f"/announcements/{announcement.pk}/edit/")
    assert edit.status_code == 200 and OUTAGE in edit.content.decode()
    saved = client.post(
        f"/announcements/{announcement.pk}/edit/",
        {"title": "Mobile data is back", "body": "All fixed, thank you for waiting."},
    )
    assert saved.status_code == 302
    announcement.refresh_from_db()
    assert announcement.title == "Mobile data is back"

    assert client.post(f"/announcements/{announcement.pk}/unpin/").status_code == 302
    assert "Mobile data is back" not in shown(Client(), "/")
    assert client.post(f"/announcements/{announcement.pk}/delete/").status_code == 302
    assert not Announcement.objects.exists()


def test_the_staff_pages_are_not_found_for_members_and_ask_visitors_to_sign_in(
    moderator: Member, helper: Member
) -> None:
    announcement = post(moderator)
    for path in ("/announcements/manage/", f"/announcements/{announcement.pk}/edit/"):
        assert logged_in(helper).get(path).status_code == 404
        assert "/accounts/login/" in Client().get(path)["Location"]
    assert logged_in(helper).post(f"/announcements/{announcement.pk}/unpin/").status_code == 404
    assert logged_in(helper).post(f"/announcements/{announcement.pk}/delete/").status_code == 404
    assert Announcement.objects.get().is_pinned()


def test_a_page_reads_its_announcements_in_one_query_however_many(
    moderator: Member, helper: Member, django_assert_num_queries: Callable[..., Any]
) -> None:
    board = board_make()
    for n in range(3):
        post(moderator, board if n % 2 else None, title=f"Notice number {n}")
    services.announcement_dismiss(member=helper, announcement=Announcement.objects.all()[0])

    with django_assert_num_queries(1):
        shown_to_helper = selectors.announcements_pinned(board=board, viewer=helper)
        [a.board.name if a.board else "" for a in shown_to_helper]

    assert len(shown_to_helper) == 2


def test_the_demo_pins_its_announcements_once(moderator: Member) -> None:
    from community.announcements.demo import DEMO_ANNOUNCEMENTS, demo_announcements_ensure

    Member.objects.filter(pk=moderator.pk).update(username="marco")
    board_make(slug="roaming")

    demo_announcements_ensure()
    demo_announcements_ensure()

    assert Announcement.objects.count() == len(DEMO_ANNOUNCEMENTS)
    assert Announcement.objects.filter(board__slug="roaming").get().pinned_until is not None
    assert len(selectors.announcements_pinned()) == 1
