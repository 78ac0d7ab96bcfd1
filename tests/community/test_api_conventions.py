"""API v1 conventions on the community endpoints: auth, CSRF, and the error bodies (docs/api.md)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from rest_framework.test import APIClient

from community.errors import Conflict, RateLimited
from community.models import Member, Subscription, Thread
from config.api import exception_handler
from tests.builders import AN_HOUR, answer, api_client, ask

pytestmark = pytest.mark.django_db

WRITES = [
    ("post", "/api/v1/threads/"),
    ("patch", "/api/v1/threads/{id}/"),
    ("delete", "/api/v1/threads/{id}/"),
    ("post", "/api/v1/threads/{id}/posts/"),
    ("post", "/api/v1/threads/{id}/kudos/"),
    ("delete", "/api/v1/threads/{id}/kudos/"),
    ("post", "/api/v1/threads/{id}/solution/"),
    ("delete", "/api/v1/threads/{id}/solution/"),
    ("post", "/api/v1/threads/{id}/subscription/"),
    ("delete", "/api/v1/threads/{id}/subscription/"),
    ("post", "/api/v1/threads/{id}/lock/"),
    ("delete", "/api/v1/threads/{id}/lock/"),
]


@pytest.fixture
def thread(asker: Member) -> Thread:
    return ask(author=asker, ago=AN_HOUR)


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_every_write_needs_a_login_and_says_so_with_401(
    thread: Thread, method: str, path: str
) -> None:
    response = getattr(api_client(), method)(path.format(id=thread.pk), {}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_a_forged_token_is_refused_even_on_reads(thread: Thread) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert client.get("/api/v1/threads/").status_code == 401


def test_a_session_write_without_a_csrf_token_is_refused(thread: Thread, helper: Member) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(helper)

    response = client.post(f"/api/v1/threads/{thread.pk}/subscription/")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Subscription.objects.filter(member=helper).exists()


def test_a_session_write_with_the_csrf_token_goes_through(thread: Thread, helper: Member) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(helper)
    secret = "k" * 32
    client.cookies[settings.CSRF_COOKIE_NAME] = secret

    response = client.post(f"/api/v1/threads/{thread.pk}/subscription/", HTTP_X_CSRFTOKEN=secret)

    assert response.status_code == 201
    assert Subscription.objects.filter(member=helper, thread=thread).exists()


def test_session_reads_need_no_csrf_token(thread: Thread, helper: Member) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(helper)

    response = client.get(f"/api/v1/threads/{thread.pk}/")

    assert response.status_code == 200
    assert response.json()["viewer"]["can_edit"] is False


def test_token_writes_need_no_csrf_token(thread: Thread, helper: Member) -> None:
    client = api_client(helper)
    client.handler.enforce_csrf_checks = True

    assert client.post(f"/api/v1/threads/{thread.pk}/subscription/").status_code == 201


def test_a_deactivated_members_token_stops_working(thread: Thread, helper: Member) -> None:
    client = api_client(helper)
    Member.objects.filter(pk=helper.pk).update(is_active=False)

    assert client.post(f"/api/v1/threads/{thread.pk}/subscription/").status_code == 401


def test_a_body_that_is_not_json_is_a_415_not_a_500(thread: Thread, helper: Member) -> None:
    response = api_client(helper).post(
        f"/api/v1/threads/{thread.pk}/posts/", b"\x00\xff", content_type="application/xml"
    )

    assert response.status_code == 415
    assert "detail" in response.json()


def test_a_form_encoded_answer_works_too(thread: Thread, helper: Member) -> None:
    response = api_client(helper).post(
        f"/api/v1/threads/{thread.pk}/posts/", {"body": "Restart the phone and try again."}
    )

    assert response.status_code == 201


# ---------------------------------------------------------------------------- the handler


def handled(exc: Exception) -> Any:
    response = exception_handler(exc, {})
    assert response is not None
    return response


def test_a_field_validation_error_becomes_400_with_lists_per_field() -> None:
    response = handled(ValidationError({"title": "Too short.", "body": ["Empty.", "Really."]}))

    assert response.status_code == 400
    assert response.data == {"title": ["Too short."], "body": ["Empty.", "Really."]}


def test_a_general_validation_error_becomes_400_with_a_detail() -> None:
    response = handled(ValidationError(["One thing.", "Another."]))

    assert response.status_code == 400
    assert response.data == {"detail": "One thing. Another."}


def test_a_validation_errors_non_field_part_becomes_the_detail() -> None:
    response = handled(ValidationError({NON_FIELD_ERRORS: ["Whole thing."], "title": ["Bad."]}))

    assert response.data == {"title": ["Bad."], "detail": "Whole thing."}


def test_validation_error_parameters_are_filled_in() -> None:
    response = handled(ValidationError("At least %(n)d.", params={"n": 20}))

    assert response.data == {"detail": "At least 20."}


def test_permission_denied_becomes_403_with_its_message() -> None:
    response = handled(PermissionDenied("You can't edit this answer."))

    assert response.status_code == 403
    assert response.data == {"detail": "You can't edit this answer."}


def test_a_conflict_becomes_409_with_its_message() -> None:
    response = handled(Conflict("This thread is locked: it takes no new answers."))

    assert response.status_code == 409
    assert response.data == {"detail": "This thread is locked: it takes no new answers."}


def test_rate_limited_becomes_429_with_retry_after_and_the_services_sentence() -> None:
    response = handled(RateLimited("Please wait 4 seconds and try again.", retry_after=4))

    assert response.status_code == 429
    assert response["Retry-After"] == "4"
    assert response.data == {"detail": "Please wait 4 seconds and try again."}


def test_http404_becomes_404() -> None:
    response = handled(Http404("No such thread."))

    assert response.status_code == 404
    assert response.data == {"detail": "No such thread."}


def test_an_unexpected_error_is_left_to_be_a_500() -> None:
    assert exception_handler(RuntimeError("a bug"), {}) is None


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/boards/",
        "/api/v1/threads/",
        "/api/v1/threads/?status=nonsense",
        "/api/v1/threads/{id}/",
        "/api/v1/threads/{id}/posts/",
        "/api/v1/threads/424242/posts/",
        "/api/v1/posts/{post}/",
        "/api/v1/threads/similar/?title=top+up",
        "/api/v1/search/?q=top",
        "/api/v1/search/",
    ],
)
def test_a_browser_asking_for_html_gets_the_browsable_api_not_a_500(
    thread: Thread, helper: Member, moderator: Member, path: str
) -> None:
    post = answer(thread=thread, author=helper, ago=AN_HOUR)
    client = APIClient()
    client.force_login(moderator)

    response = client.get(path.format(id=thread.pk, post=post.pk), HTTP_ACCEPT="text/html")

    assert response.status_code in {200, 400, 404}
    assert response["Content-Type"].startswith("text/html")
