"""The email sent at once for the kinds that need the member now (IMMEDIATE_EMAIL_KINDS)."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils import translation

from community.models import Member
from notifications import emails, services, tasks
from notifications.models import Channel, Kind, Notification, Preference
from tests.builders import answer, ask, board_make, new_member_make
from tests.notifications.inbox_factories import notify_answer, notify_kudos

pytestmark = pytest.mark.django_db

OnCommit = Callable[..., AbstractContextManager[Any]]


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


def html_of(message: EmailMessage) -> str:
    assert isinstance(message, EmailMultiAlternatives)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(html)


def test_an_answer_to_a_question_emails_the_asker_once_the_answer_commits(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    thread = ask(asker, board_make())

    with django_capture_on_commit_callbacks(execute=True):
        post = answer(helper, thread)
        assert mail.outbox == []  # nothing before the commit

    [message] = mail.outbox
    notification = Notification.objects.get(recipient=asker, kind=Kind.ANSWER)
    assert message.to == ["asker@example.com"]
    assert message.from_email == "Mutua <community@mutua.localhost>"
    assert message.subject == f"[Mutua] Hugo Helper answered your question “{thread.title}”."
    assert f"Hugo Helper answered your question “{thread.title}”." in message.body
    assert "Hello Anna Asker," in message.body
    open_url = f"http://127.0.0.1:8000/notifications/{notification.pk}/open/"
    assert open_url in message.body
    assert f'href="{open_url}"' in html_of(message)
    assert post.get_absolute_url()  # the open link leads there (test_inbox_pages)
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_the_email_has_a_plain_text_and_an_html_version(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_answer(asker, helper, title="Tom & Jerry <script>")

    [message] = mail.outbox
    html = html_of(message)
    assert message.content_subtype == "plain"
    assert "<html" not in message.body
    assert "“Tom & Jerry <script>”" in message.body  # plain text is not escaped
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert "Tom &amp; Jerry &lt;script&gt;" in html
    assert "<script>" not in html


def test_every_email_carries_one_click_unsubscribe_headers_and_links(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_answer(asker, helper)

    [message] = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header.startswith("<http://127.0.0.1:8000/notifications/unsubscribe/")
    assert header.endswith("/>")
    url = header[1:-1]
    assert url in links_in(str(message.body))
    assert url in links_in(html_of(message))
    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert emails.member_id_for_unsubscribe_token(token) == asker.pk
    # The headers survive into the message a mail server receives.
    raw = message.message().as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw


def test_links_start_with_the_site_url_setting(
    django_capture_on_commit_callbacks: OnCommit, settings: Any, asker: Member, helper: Member
) -> None:
    settings.SITE_URL = "https://community.example.com"

    with django_capture_on_commit_callbacks(execute=True):
        notify_answer(asker, helper)

    [message] = mail.outbox
    links = links_in(str(message.body)) + links_in(html_of(message))
    assert links
    assert all(link.startswith("https://community.example.com/") for link in links), links
    # The open link, the settings, the unsubscribe link and the mail client's header alike.
    assert (
        f"https://community.example.com/notifications/{Notification.objects.get().pk}/open/"
        in links
    )
    assert "https://community.example.com/settings/notifications/" in links
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<https://community.example.com/notifications/unsubscribe/")
    # No address of the development server anywhere (the MIME boundary is random digits, so
    # the check looks for a port, not for the digits alone).
    assert ":8000" not in message.message().as_string()


def test_a_title_with_line_breaks_still_makes_a_one_line_subject(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_answer(
            asker, helper, title="Line one\nBcc: victim@example.com\r\nthree " + "x" * 300
        )

    [message] = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert len(message.subject) <= len("[Mutua] ") + emails.SUBJECT_MAX
    assert message.message()["Bcc"] is None


def test_emails_are_written_in_the_sites_language_whatever_is_active(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    # Members store no language; the worker writes in settings.LANGUAGE_CODE (emails.py).
    with translation.override("it"), django_capture_on_commit_callbacks(execute=True):
        notify_answer(asker, helper, title="Roaming")

    [message] = mail.outbox
    assert message.subject == "[Mutua] Hugo Helper answered your question “Roaming”."
    assert 'lang="en-gb"' in html_of(message)


# ---------------------------------------------------------------------------- once only


def test_running_the_task_twice_sends_one_email(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify_answer(asker, helper)
    notification.refresh_from_db()
    first_sent = notification.emailed_at

    again = tasks.notification_email.delay(notification.pk).get()

    assert again is False
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at == first_sent


def test_a_notification_gone_before_the_task_runs_sends_nothing(
    asker: Member, helper: Member
) -> None:
    notification = notify_answer(asker, helper)
    Notification.objects.filter(pk=notification.pk).delete()

    assert tasks.notification_email.delay(notification.pk).get() is False
    assert mail.outbox == []


def test_a_mail_server_failure_is_retried_and_the_email_goes_out_once(
    asker: Member, helper: Member
) -> None:
    notification = notify_answer(asker, helper)
    real_send = EmailMultiAlternatives.send
    calls = []

    def flaky_send(self: EmailMultiAlternatives, fail_silently: bool = False) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionRefusedError("mail server down")
        return real_send(self, fail_silently)

    with mock.patch.object(EmailMultiAlternatives, "send", flaky_send):
        # throw=False: as a worker does, treat Retry as "run again" rather than an error.
        tasks.notification_email.apply(args=(notification.pk,), throw=False)

    assert len(calls) == 2
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_the_task_is_named_and_retries_explicitly() -> None:
    assert tasks.notification_email.name == "notifications.notification_email"
    assert tasks.notification_email.max_retries == 5
    assert tasks.digest.name == "notifications.digest"


# ---------------------------------------------------------------------------- who gets none


def test_a_member_who_unsubscribed_gets_no_email_but_keeps_the_notification(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    services.email_settings_update(member_id=asker.pk, unsubscribed=True)

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify_answer(asker, helper)

    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert notification.read_at is None


def test_a_member_without_a_confirmed_address_gets_no_email(
    django_capture_on_commit_callbacks: OnCommit, helper: Member
) -> None:
    unconfirmed = new_member_make(verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify_answer(unconfirmed, helper)

    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_only_the_confirmed_primary_address_is_written_to(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    EmailAddress.objects.filter(user=asker).update(primary=False)
    EmailAddress.objects.create(
        user=asker, email="unconfirmed@example.com", primary=True, verified=False
    )

    with django_capture_on_commit_callbacks(execute=True):
        notify_answer(asker, helper)

    assert mail.outbox == []


def test_kinds_set_to_site_are_not_emailed(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    services.preference_set(member_id=asker.pk, kind=Kind.ANSWER, channel=Channel.SITE)

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify_answer(asker, helper)

    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.read_at is None  # on the site, waiting


def test_kinds_set_to_none_make_no_notification_at_all(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    services.preference_set(member_id=asker.pk, kind=Kind.ANSWER, channel=Channel.NONE)
    thread = ask(asker, board_make())

    with django_capture_on_commit_callbacks(execute=True):
        answer(helper, thread)

    assert mail.outbox == []
    assert not Notification.objects.filter(recipient=asker, kind=Kind.ANSWER).exists()


def test_kinds_set_to_email_are_emailed_and_not_left_waiting_on_the_site(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    services.preference_set(member_id=asker.pk, kind=Kind.ANSWER, channel=Channel.EMAIL)

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify_answer(asker, helper)

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert notification.emailed_at is not None


def test_a_change_of_mind_before_the_task_runs_is_respected(asker: Member, helper: Member) -> None:
    notification = notify_answer(asker, helper)  # queued only at commit, which never comes
    Preference.objects.create(member=asker, kind=Kind.ANSWER, channel=Channel.SITE)

    assert tasks.notification_email.delay(notification.pk).get() is False
    assert mail.outbox == []


def test_kinds_not_emailed_at_once_wait_for_the_digest(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    services.preference_set(member_id=asker.pk, kind=Kind.KUDOS, channel=Channel.BOTH)

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify_kudos(asker, helper)

    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_nobody_is_emailed_about_their_own_action(
    django_capture_on_commit_callbacks: OnCommit, asker: Member
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify(recipient_id=asker.pk, kind=Kind.ANSWER, actor_id=asker.pk) is None

    assert mail.outbox == []
