"""The inbox page, opening a notification, "mark all read" and the bell's dropdown."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from community.models import Member
from notifications.models import Notification
from tests.builders import logged_in, new_member_make
from tests.notifications.inbox_factories import (
    HTMX,
    many_kudos,
    notify_answer,
    notify_badge,
    notify_kudos,
    unread_of,
)

pytestmark = pytest.mark.django_db

ROW = re.compile(r'data-notification-id="(\d+)"')


def ids_on(html: str) -> list[int]:
    return [int(found) for found in ROW.findall(html)]


# ---------------------------------------------------------------------------- who may see


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/notifications/"),
        ("get", "/notifications/?unread=1"),
        ("get", "/notifications/dropdown/"),
        ("post", "/notifications/read/"),
        ("get", "/settings/notifications/"),
        ("post", "/settings/notifications/"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, method: str, path: str) -> None:
    response = getattr(client, method)(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_opening_a_notification_asks_an_anonymous_visitor_to_sign_in_first(
    client: Client, asker: Member, helper: Member
) -> None:
    notification = notify_answer(asker, helper)

    response = client.get(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 302
    assert response["Location"] == (f"/accounts/login/?next=/notifications/{notification.pk}/open/")
    notification.refresh_from_db()
    assert notification.read_at is None


def test_an_expired_session_clicking_the_bell_is_sent_to_sign_in_by_htmx(client: Client) -> None:
    response = client.get("/notifications/dropdown/", headers=HTMX)

    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/"


# ---------------------------------------------------------------------------- the inbox


def test_the_inbox_lists_the_members_notifications_newest_first_with_unread_ones_marked(
    asker: Member, helper: Member, outsider: Member
) -> None:
    first = notify_answer(asker, helper, title="Voicemail stopped working")
    second = notify_kudos(asker, helper, title="Roaming in Spain")
    third = notify_badge(asker)
    notify_answer(outsider, helper, title="Somebody else's question")
    Notification.objects.filter(pk=second.pk).update(read_at=second.created_at)

    response = logged_in(asker).get("/notifications/")
    html = response.content.decode()

    assert response.status_code == 200
    assert ids_on(html) == [third.pk, second.pk, first.pk]
    assert "Somebody else" not in html
    assert "Hugo Helper answered your question “Voicemail stopped working”." in html
    assert f'notification-row is-unread" data-notification-id="{first.pk}"' in html
    assert f'notification-row" data-notification-id="{second.pk}"' in html
    assert f'href="/notifications/{first.pk}/open/"' in html
    assert 'data-inbox-unread="2"' in html


def test_the_unread_filter_shows_only_unread_notifications(asker: Member, helper: Member) -> None:
    read = notify_answer(asker, helper)
    unread = notify_kudos(asker, helper)
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)

    html = logged_in(asker).get("/notifications/?unread=1").content.decode()

    assert ids_on(html) == [unread.pk]
    assert '<a href="/notifications/?unread=1" aria-current="page">' in html


def test_the_inbox_pages_by_25_and_keeps_the_filter_in_its_page_links(
    asker: Member, helper: Member, outsider: Member
) -> None:
    made = many_kudos(asker, [helper, outsider], 30)
    client = logged_in(asker)

    first_page = client.get("/notifications/?unread=1").content.decode()
    second_page = client.get("/notifications/?unread=1&page=2").content.decode()

    newest_first = [n.pk for n in reversed(made)]
    assert ids_on(first_page) == newest_first[:25]
    assert ids_on(second_page) == newest_first[25:]
    assert 'href="?unread=1&amp;page=2"' in first_page


def test_a_page_number_past_the_end_shows_the_last_page(asker: Member, helper: Member) -> None:
    made = many_kudos(asker, [helper], 3)

    response = logged_in(asker).get("/notifications/?page=99")

    assert response.status_code == 200
    assert ids_on(response.content.decode()) == [n.pk for n in reversed(made)]


def test_an_empty_inbox_says_so(asker: Member) -> None:
    html = logged_in(asker).get("/notifications/").content.decode()

    assert "No notifications yet." in html
    assert "Mark all as read" not in html


# ---------------------------------------------------------------------------- opening one


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(
    asker: Member, helper: Member
) -> None:
    notification = notify_answer(asker, helper, url="/threads/7/no-signal/#post-9")
    other = notify_kudos(asker, helper)

    response = logged_in(asker).get(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 302
    assert response["Location"] == "/threads/7/no-signal/#post-9"
    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.read_at is not None
    assert other.read_at is None


def test_opening_someone_elses_notification_is_a_404_and_changes_nothing(
    asker: Member, helper: Member, outsider: Member
) -> None:
    theirs = notify_answer(asker, helper)

    response = logged_in(outsider).get(f"/notifications/{theirs.pk}/open/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_notification_that_does_not_exist_is_a_404(asker: Member) -> None:
    assert logged_in(asker).get("/notifications/999999/open/").status_code == 404


def test_opening_a_read_notification_keeps_its_first_read_time(
    asker: Member, helper: Member
) -> None:
    notification = notify_answer(asker, helper)
    client = logged_in(asker)
    client.get(f"/notifications/{notification.pk}/open/")
    notification.refresh_from_db()
    first_read = notification.read_at

    client.get(f"/notifications/{notification.pk}/open/")

    notification.refresh_from_db()
    assert notification.read_at == first_read


@pytest.mark.parametrize("url", ["", "https://evil.example.com/phish", "//evil.example.com/x"])
def test_a_notification_about_no_page_or_another_site_opens_the_inbox(
    asker: Member, helper: Member, url: str
) -> None:
    notification = notify_answer(asker, helper)
    Notification.objects.filter(pk=notification.pk).update(url=url)

    response = logged_in(asker).get(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 302
    assert response["Location"] == "/notifications/"


def test_opening_is_a_link_so_post_is_not_allowed(asker: Member, helper: Member) -> None:
    notification = notify_answer(asker, helper)

    assert logged_in(asker).post(f"/notifications/{notification.pk}/open/").status_code == 405


# ---------------------------------------------------------------------------- mark all read


def test_mark_all_read_reads_every_one_of_the_members_notifications_and_no_one_elses(
    asker: Member, helper: Member, outsider: Member
) -> None:
    many_kudos(asker, [helper], 3)
    notify_answer(outsider, helper)
    client = logged_in(asker)

    response = client.post("/notifications/read/", follow=True)

    assert response.redirect_chain == [("/notifications/", 302)]
    assert "All your notifications are marked as read." in response.content.decode()
    assert unread_of(asker) == 0
    assert unread_of(outsider) == 1


def test_mark_all_read_only_answers_post(asker: Member) -> None:
    assert logged_in(asker).get("/notifications/read/").status_code == 405


def test_mark_all_read_checks_the_csrf_token(asker: Member, helper: Member) -> None:
    notify_answer(asker, helper)
    client = Client(enforce_csrf_checks=True)
    client.force_login(asker)

    assert client.post("/notifications/read/").status_code == 403
    assert unread_of(asker) == 1


# ---------------------------------------------------------------------------- the bell


def bell_count(html: str) -> tuple[str, bool]:
    """The bell's number and whether it is hidden."""
    match = re.search(r'<span id="notification-unread-count"([^>]*)>(\d+)</span>', html)
    assert match, "no bell on the page"
    return match.group(2), " hidden" in match.group(1)


def test_the_bell_shows_the_unread_count_on_every_page(asker: Member, helper: Member) -> None:
    many_kudos(asker, [helper], 3)
    client = logged_in(asker)

    for path in ("/", "/boards/", "/leaderboard/", "/notifications/"):
        assert bell_count(client.get(path).content.decode()) == ("3", False), path


def test_the_bell_is_quiet_when_everything_is_read(asker: Member) -> None:
    assert bell_count(logged_in(asker).get("/").content.decode()) == ("0", True)


def test_the_bell_links_to_the_inbox_and_opens_the_dropdown_with_htmx(asker: Member) -> None:
    html = logged_in(asker).get("/").content.decode()

    assert re.search(
        r'<a class="bell" href="/notifications/"[^>]*hx-get="/notifications/dropdown/"'
        r'[^>]*hx-target="#notification-dropdown"',
        html,
    )
    assert '<div id="notification-dropdown"' in html


def test_anonymous_visitors_have_no_bell(client: Client) -> None:
    response = client.get("/")
    html = response.content.decode()

    assert response.status_code == 200
    assert 'href="/accounts/login/' in html  # the header is there, with a sign-in link
    assert "notification-unread-count" not in html
    assert "/notifications/" not in html


# ---------------------------------------------------------------------------- the dropdown


def test_the_dropdown_shows_the_latest_eight_and_refreshes_the_bell(
    asker: Member, helper: Member
) -> None:
    made = many_kudos(asker, [helper], 10)

    response = logged_in(asker).get("/notifications/dropdown/", headers=HTMX)
    html = response.content.decode()

    assert response.status_code == 200
    assert "<html" not in html
    links = [int(pk) for pk in re.findall(r'href="/notifications/(\d+)/open/"', html)]
    assert links == [n.pk for n in reversed(made)][:8]
    assert 'href="/notifications/">See all</a>' in html
    assert re.search(r'id="notification-unread-count"[^>]*hx-swap-oob="true"[^>]*>10<', html)
    assert "no-store" in response["Cache-Control"]


def test_without_javascript_the_dropdown_address_leads_to_the_inbox(asker: Member) -> None:
    response = logged_in(asker).get("/notifications/dropdown/")

    assert response.status_code == 302
    assert response["Location"] == "/notifications/"


def test_mark_all_read_from_the_dropdown_answers_with_the_dropdown_and_a_quiet_bell(
    asker: Member, helper: Member
) -> None:
    many_kudos(asker, [helper], 2)

    response = logged_in(asker).post("/notifications/read/", headers=HTMX)
    html = response.content.decode()

    assert response.status_code == 200
    assert "notification-panel" in html
    assert re.search(r'id="notification-unread-count"[^>]*hidden>0<', html)
    assert unread_of(asker) == 0


def test_the_dropdown_is_for_its_owner_only(asker: Member, helper: Member) -> None:
    notify_answer(asker, helper, title="Private billing question")
    other = new_member_make()

    html = logged_in(other).get("/notifications/dropdown/", headers=HTMX).content.decode()

    assert "Private billing question" not in html
    assert "No notifications yet." in html
