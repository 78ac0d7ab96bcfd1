"""The canned replies page and the replies on a case's page: agents write, change and remove
them; on a case each is one click away, filled in for that case. Anyone else gets a 404."""

from __future__ import annotations

import html as html_lib
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from community.models import Member
from support.canned.models import CannedReply
from support.canned.services import canned_reply_create
from support.cases.models import Case
from tests.builders import agent_make, ask, logged_in
from tests.support.cases_helpers import escalate

pytestmark = pytest.mark.django_db

MaxQueries = Callable[[int], AbstractContextManager[object]]
LIST = "/support/canned-replies/"
GREETING = "Hello {customer_name}, about “{thread_title}”:"


def page(response: object) -> str:
    return html_lib.unescape(response.content.decode())  # type: ignore[attr-defined]


@pytest.fixture
def case(asker: Member) -> Case:
    return escalate(ask(asker, title="No signal since Monday"), message="Please help.")


def test_an_agent_writes_a_reply_on_the_page_and_finds_it_listed(agent: Member) -> None:
    client = logged_in(agent)

    response = client.post(LIST, {"title": "Greeting", "body": GREETING, "shared": "on"})

    assert response.status_code == 302
    reply = CannedReply.objects.get()
    assert (reply.title, reply.body, reply.shared, reply.author) == (
        "Greeting",
        GREETING,
        True,
        agent,
    )
    listed = page(client.get(LIST))
    assert "Greeting" in listed and GREETING in listed and "Shared" in listed


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"title": "", "body": "Hi"}, "This field is required."),
        ({"title": "Hi", "body": "Dear {foo},"}, "Unknown placeholder {foo}"),
    ],
)
def test_bad_input_comes_back_with_the_error_and_a_400(
    agent: Member, form: dict[str, str], message: str
) -> None:
    response = logged_in(agent).post(LIST, form)

    assert response.status_code == 400
    assert message in page(response)
    assert not CannedReply.objects.exists()


def test_the_page_lists_my_replies_and_the_shared_ones_only(agent: Member) -> None:
    bruno = agent_make("bruno", display_name="Bruno B")
    canned_reply_create(author=agent, title="My own", body="Mine", shared=False)
    canned_reply_create(author=bruno, title="Our shared", body="Ours", shared=True)
    canned_reply_create(author=bruno, title="His secret", body="His", shared=False)

    listed = page(logged_in(agent).get(LIST))

    assert "My own" in listed and "Our shared" in listed and "by Bruno B" in listed
    assert "His secret" not in listed


def test_an_agent_edits_and_removes_their_reply(agent: Member) -> None:
    reply = canned_reply_create(author=agent, title="Hi", body="Hello", shared=False)
    client = logged_in(agent)
    edit = f"{LIST}{reply.pk}/edit/"

    assert 'value="Hi"' in page(client.get(edit))
    bad = client.post(edit, {"title": "Hi", "body": "Hello {nome}"})
    good = client.post(edit, {"title": "Hello", "body": "Hello {customer_name}", "shared": "on"})

    assert bad.status_code == 400 and "{nome}" in page(bad)
    assert good.status_code == 302
    reply.refresh_from_db()
    assert (reply.title, reply.body, reply.shared) == ("Hello", "Hello {customer_name}", True)

    assert client.post(f"{LIST}{reply.pk}/delete/").status_code == 302
    assert not CannedReply.objects.exists()


def test_another_agents_shared_reply_can_be_used_but_not_changed(agent: Member) -> None:
    shared = canned_reply_create(author=agent_make("bruno"), title="Ours", body="Ours", shared=True)
    client = logged_in(agent)

    assert f"{LIST}{shared.pk}/edit/" not in page(client.get(LIST))
    assert client.get(f"{LIST}{shared.pk}/edit/").status_code == 403
    assert client.post(f"{LIST}{shared.pk}/delete/").status_code == 403
    assert CannedReply.objects.filter(pk=shared.pk).exists()


@pytest.mark.parametrize("who", ["asker", "moderator"])
def test_everyone_but_agents_gets_a_404(
    request: pytest.FixtureRequest, agent: Member, who: str
) -> None:
    reply = canned_reply_create(author=agent, title="Ours", body="Ours", shared=True)
    client = logged_in(request.getfixturevalue(who))

    assert client.get(LIST).status_code == 404
    assert client.post(LIST, {"title": "Hi", "body": "Hi"}).status_code == 404
    assert client.get(f"{LIST}{reply.pk}/edit/").status_code == 404
    assert client.post(f"{LIST}{reply.pk}/delete/").status_code == 404
    assert CannedReply.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(LIST)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---------------------------------------------------------------------------- on a case


def test_the_case_page_offers_each_reply_filled_in_for_the_case(agent: Member, case: Case) -> None:
    reply = canned_reply_create(author=agent, title="Greeting", body=GREETING, shared=False)

    html = page(logged_in(agent).get(case.get_absolute_url()))

    filled = "Hello Anna Asker, about “No signal since Monday”:"
    assert f'name="canned" value="{reply.pk}"' in html
    assert f'data-insert-text="{filled}"' in html
    assert 'data-insert-into="#case-message-form textarea[name=body]"' in html


def test_without_javascript_the_button_brings_the_reply_into_the_form(
    agent: Member, case: Case
) -> None:
    reply = canned_reply_create(author=agent, title="Greeting", body=GREETING, shared=False)
    client = logged_in(agent)

    html = page(client.get(case.get_absolute_url(), {"canned": reply.pk}))
    form = html[html.index('id="case-message-form"') :]

    assert "Hello Anna Asker, about “No signal since Monday”:</textarea>" in form
    # Someone else's personal reply, or nonsense, leaves the form empty.
    other = canned_reply_create(author=agent_make(), title="His", body="His words", shared=False)
    for value in (other.pk, "x"):
        html = page(client.get(case.get_absolute_url(), {"canned": value}))
        assert "His words" not in html
        assert "Hello Anna Asker" not in html[html.index('id="case-message-form"') :]


def test_the_customer_never_sees_canned_replies(agent: Member, asker: Member, case: Case) -> None:
    canned_reply_create(author=agent, title="Greeting", body=GREETING, shared=True)

    html = page(logged_in(asker).get(case.get_absolute_url()))

    assert "Greeting" not in html and "data-insert-text" not in html


# ---------------------------------------------------------------------------- query budgets

# Measured when written: the list page costs 6 (session, member, second factor, groups, the
# replies with their authors, the unread count); a case page one more than without replies.
LIST_MAX = 8


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def add_replies(authors: list[Member], count: int) -> None:
    for i in range(count):
        author = authors[i % len(authors)]
        canned_reply_create(author=author, title=f"Reply {i}", body=GREETING, shared=i % 2 == 0)


def test_the_list_and_a_case_cost_the_same_for_2_or_20_replies(
    django_assert_max_num_queries: MaxQueries, agent: Member, case: Case
) -> None:
    authors = [agent, agent_make(), agent_make()]
    client = logged_in(agent)
    add_replies(authors, 2)
    with django_assert_max_num_queries(LIST_MAX):
        small_list = queries_for(client, LIST)
    small_case = queries_for(client, case.get_absolute_url())

    add_replies(authors, 18)
    with django_assert_max_num_queries(LIST_MAX):
        big_list = queries_for(client, LIST)
    big_case = queries_for(client, case.get_absolute_url())

    assert (small_list, small_case) == (big_list, big_case)
