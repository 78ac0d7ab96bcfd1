"""Writing through the pages: asking, answering, kudos, following, solutions, edits, deletes,
locks, the Markdown preview, similar questions and image uploads.

Each action is tried the way a browser without JavaScript does it (a form post and a
redirect) and, where the page uses HTMX, with the HX-Request header (a fragment).
"""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from community.models import Attachment, Kudos, Member, Post, Revision, Subscription, Thread
from tests import builders
from tests.builders import ask, board_make, logged_in
from tests.community.images import image_bytes, media_files, upload
from tests.community.page_factories import HTMX, QUESTION_BODY, tag_make

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/?next="


def text(response: Response) -> str:
    """The page as a reader sees its words: entities such as &#x27; turned back."""
    return html.unescape(response.content.decode())


def answer_ids(response: Response) -> list[int]:
    """The answers a thread page shows, in order."""
    return [
        int(pk) for pk in re.findall(r'<article class="post[^"]*" id="post-(\d+)"', text(response))
    ]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Thread views are counted once an hour per viewer in the cache, which Redis keeps
    # between runs.
    cache.clear()


@pytest.fixture
def forum(asker: Member, helper: Member, agent: Member) -> SimpleNamespace:
    """A question by the asker with one answer by the helper, and a question with none."""
    board = board_make("network", "Network & Coverage")
    tag_make("esim", "eSIM")
    thread = ask(author=asker, board=board, title="My eSIM will not activate at all")
    answer = builders.answer(
        author=helper, thread=thread, body="Restart the phone, then scan again."
    )
    bare = ask(author=asker, board=board, title="Nobody has answered this yet")
    return SimpleNamespace(board=board, thread=thread, answer=answer, bare=bare)


# --- Asking --------------------------------------------------------------------------------


def test_asking_a_valid_question_creates_it_and_redirects_to_it(
    outsider: Member, forum: SimpleNamespace
) -> None:
    client = logged_in(outsider)

    response = client.post(
        "/ask/",
        {
            "board": "network",
            "title": "Roaming data stopped in Spain",
            "body": "Since I landed in Madrid my data does not work at all.",
            "tags": ["esim"],
        },
    )

    thread = Thread.objects.get(title="Roaming data stopped in Spain")
    assert response.status_code == 302
    assert response["Location"] == thread.get_absolute_url()
    assert thread.author == outsider
    assert thread.board == forum.board
    assert [t.slug for t in thread.tags.all()] == ["esim"]
    page = client.get(response["Location"])
    assert "Your question is posted." in text(page)


@pytest.mark.parametrize(
    ("title", "body", "error"),
    [
        ("Too short", QUESTION_BODY, "Make the title at least 10 characters."),
        ("A perfectly fine title", "Too short.", "Write at least 20 characters."),
        ("", QUESTION_BODY, "This field is required."),
        ("A perfectly fine title", "", "This field is required."),
        ("x" * 151, QUESTION_BODY, "Ensure this value has at most 150 characters"),
    ],
)
def test_asking_with_a_bad_title_or_body_shows_the_errors_and_creates_nothing(
    outsider: Member, forum: SimpleNamespace, title: str, body: str, error: str
) -> None:
    before = Thread.objects.count()

    response = logged_in(outsider).post("/ask/", {"board": "network", "title": title, "body": body})

    assert response.status_code == 400
    assert error in text(response)
    assert 'class="errorlist' in text(response)
    assert Thread.objects.count() == before


def test_asking_in_a_board_that_does_not_exist_is_a_form_error(
    outsider: Member, forum: SimpleNamespace
) -> None:
    before = Thread.objects.count()

    response = logged_in(outsider).post(
        "/ask/", {"board": "nowhere", "title": "Roaming data stopped", "body": QUESTION_BODY}
    )

    assert response.status_code == 400
    assert "Select a valid choice. nowhere is not one of the available choices." in text(response)
    assert Thread.objects.count() == before


def test_asking_with_a_tag_that_does_not_exist_is_a_form_error(
    outsider: Member, forum: SimpleNamespace
) -> None:
    response = logged_in(outsider).post(
        "/ask/",
        {"board": "network", "title": "Roaming stopped", "body": QUESTION_BODY, "tags": ["x"]},
    )

    assert response.status_code == 400
    assert "Select a valid choice. x is not one of the available choices." in text(response)


def test_asking_twice_in_a_row_is_refused_for_a_while_with_retry_after(
    outsider: Member, forum: SimpleNamespace
) -> None:
    client = logged_in(outsider)
    first = client.post(
        "/ask/", {"board": "network", "title": "Roaming data stopped", "body": QUESTION_BODY}
    )
    assert first.status_code == 302

    second = client.post(
        "/ask/",
        {"board": "network", "title": "Voicemail calls me back", "body": QUESTION_BODY + " Again."},
    )

    assert second.status_code == 429
    assert 1 <= int(second["Retry-After"]) <= 30
    assert "You're posting too quickly. Please wait" in text(second)
    assert 'value="Voicemail calls me back"' in text(second)  # nothing typed is lost
    assert not Thread.objects.filter(title="Voicemail calls me back").exists()


def test_asking_is_only_for_members(client: Client, forum: SimpleNamespace) -> None:
    response = client.post(
        "/ask/", {"board": "network", "title": "Roaming data stopped", "body": QUESTION_BODY}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}/ask/"
    assert not Thread.objects.filter(title="Roaming data stopped").exists()


# --- Answering -----------------------------------------------------------------------------


def test_answering_without_javascript_redirects_to_the_new_answer(
    outsider: Member, forum: SimpleNamespace
) -> None:
    response = logged_in(outsider).post(
        f"/threads/{forum.bare.pk}/answer/", {"body": "Check the APN settings first."}
    )

    post = Post.objects.get(thread=forum.bare)
    assert response.status_code == 302
    assert response["Location"] == f"/posts/{post.pk}/"
    assert post.author == outsider
    forum.bare.refresh_from_db()
    assert forum.bare.answer_count == 1


def test_answering_with_htmx_returns_the_new_answer_out_of_band_and_a_fresh_form(
    outsider: Member, forum: SimpleNamespace
) -> None:
    response = logged_in(outsider).post(
        f"/threads/{forum.bare.pk}/answer/", {"body": "Check the APN settings first."}, headers=HTMX
    )

    post = Post.objects.get(thread=forum.bare)
    page = text(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert '<div hx-swap-oob="beforeend:#answers">' in page
    assert f'id="post-{post.pk}"' in page
    assert "Check the APN settings first." in page
    assert 'id="answer-form-wrap"' in page
    assert re.search(r'<textarea name="body"[^>]*>\s*</textarea>', page)  # empty again
    assert '<h2 id="answers-heading" hx-swap-oob="true">1 answer</h2>' in page
    assert '<p id="no-answers" hx-swap-oob="delete"></p>' in page


def test_the_asker_answering_with_htmx_can_accept_the_new_answer_at_once(
    asker: Member, helper: Member, forum: SimpleNamespace
) -> None:
    # The asker wrote the fixture's questions a moment ago; this is a day later.
    Thread.objects.filter(author=asker).update(created_at=timezone.now() - timedelta(days=1))

    response = logged_in(asker).post(
        f"/threads/{forum.thread.pk}/answer/",
        {"body": "Update: restarting did not help me."},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "Accept as solution" in text(response)
    assert "2 answers" in text(response)
    assert "no-answers" not in text(response)


def test_answering_a_locked_thread_is_a_conflict_with_a_clear_message(
    outsider: Member, moderator: Member, forum: SimpleNamespace
) -> None:
    logged_in(moderator).post(f"/threads/{forum.bare.pk}/lock/", {"action": "lock"})
    client = logged_in(outsider)

    plain = client.post(f"/threads/{forum.bare.pk}/answer/", {"body": "Check the APN first."})
    htmx = client.post(
        f"/threads/{forum.bare.pk}/answer/", {"body": "Check the APN first."}, headers=HTMX
    )

    for response in (plain, htmx):
        assert response.status_code == 409
        assert "This thread is locked: it takes no new answers." in text(response)
    assert "<html" in text(plain)
    assert "<html" not in text(htmx)
    assert not Post.objects.filter(thread=forum.bare).exists()


def test_a_too_short_answer_comes_back_with_the_error_and_the_text(
    outsider: Member, forum: SimpleNamespace
) -> None:
    client = logged_in(outsider)

    htmx = client.post(f"/threads/{forum.bare.pk}/answer/", {"body": "Reboot."}, headers=HTMX)
    plain = client.post(f"/threads/{forum.bare.pk}/answer/", {"body": "Reboot."})
    empty = client.post(f"/threads/{forum.bare.pk}/answer/", {"body": ""}, headers=HTMX)

    assert htmx.status_code == plain.status_code == empty.status_code == 400
    assert "Write at least 10 characters." in text(htmx)
    assert "<html" not in text(htmx)
    assert re.search(r"<textarea[^>]*>Reboot.</textarea>", text(htmx))
    assert "Write at least 10 characters." in text(plain)
    assert "This field is required." in text(empty)
    assert not Post.objects.filter(thread=forum.bare).exists()


def test_answering_twice_in_a_row_is_rate_limited_with_retry_after(
    outsider: Member, forum: SimpleNamespace
) -> None:
    client = logged_in(outsider)
    assert (
        client.post(f"/threads/{forum.bare.pk}/answer/", {"body": "Check the APN first."})
    ).status_code == 302

    htmx = client.post(
        f"/threads/{forum.thread.pk}/answer/", {"body": "Also try a new SIM."}, headers=HTMX
    )
    plain = client.post(f"/threads/{forum.thread.pk}/answer/", {"body": "Also try a new SIM."})

    for response in (htmx, plain):
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 30
        assert "You're posting too quickly." in text(response)
    assert not Post.objects.filter(thread=forum.thread, author=outsider).exists()


def test_answering_is_only_for_members(client: Client, forum: SimpleNamespace) -> None:
    response = client.post(f"/threads/{forum.bare.pk}/answer/", {"body": "Check the APN first."})

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not Post.objects.filter(thread=forum.bare).exists()


# --- Kudos ---------------------------------------------------------------------------------


def test_kudos_on_an_answer_with_htmx_returns_the_pressed_button_with_the_new_count(
    outsider: Member, forum: SimpleNamespace
) -> None:
    client = logged_in(outsider)

    given = client.post(f"/posts/{forum.answer.pk}/kudos/", {"action": "give"}, headers=HTMX)

    assert given.status_code == 200
    assert 'aria-pressed="true"' in text(given)
    assert "<span data-kudos-count>1</span>" in text(given)
    assert 'name="action" value="withdraw"' in text(given)
    assert Kudos.objects.filter(giver=outsider, post=forum.answer).exists()

    withdrawn = client.post(
        f"/posts/{forum.answer.pk}/kudos/", {"action": "withdraw"}, headers=HTMX
    )

    assert withdrawn.status_code == 200
    assert 'aria-pressed="false"' in text(withdrawn)
    assert "<span data-kudos-count>0</span>" in text(withdrawn)
    assert 'name="action" value="give"' in text(withdrawn)
    assert not Kudos.objects.filter(giver=outsider, post=forum.answer).exists()


def test_kudos_on_a_question_with_htmx_counts_every_member_once(
    outsider: Member, helper: Member, forum: SimpleNamespace
) -> None:
    logged_in(helper).post(f"/threads/{forum.thread.pk}/kudos/", headers=HTMX)
    client = logged_in(outsider)
    client.post(f"/threads/{forum.thread.pk}/kudos/", {"action": "give"}, headers=HTMX)

    again = client.post(f"/threads/{forum.thread.pk}/kudos/", {"action": "give"}, headers=HTMX)

    assert again.status_code == 200
    assert 'aria-pressed="true"' in text(again)
    assert "<span data-kudos-count>2</span>" in text(again)
    assert f'hx-post="/threads/{forum.thread.pk}/kudos/"' in text(again)


def test_kudos_without_javascript_redirects_back_to_the_content(
    outsider: Member, forum: SimpleNamespace
) -> None:
    client = logged_in(outsider)

    on_answer = client.post(f"/posts/{forum.answer.pk}/kudos/")
    on_question = client.post(f"/threads/{forum.thread.pk}/kudos/")

    assert on_answer.status_code == on_question.status_code == 302
    assert on_answer["Location"] == f"/posts/{forum.answer.pk}/"
    assert on_question["Location"] == forum.thread.get_absolute_url()
    page = client.get(forum.thread.get_absolute_url())
    assert text(page).count('aria-pressed="true"') == 2


def test_kudos_on_ones_own_question_or_answer_is_forbidden(
    asker: Member, helper: Member, forum: SimpleNamespace
) -> None:
    own_question = logged_in(asker).post(f"/threads/{forum.thread.pk}/kudos/", headers=HTMX)
    own_answer = logged_in(helper).post(f"/posts/{forum.answer.pk}/kudos/", headers=HTMX)

    assert own_question.status_code == own_answer.status_code == 403
    assert "You cannot give kudos to your own question." in text(own_question)
    assert "You cannot give kudos to your own post." in text(own_answer)
    assert not Kudos.objects.exists()


def test_kudos_asks_visitors_to_sign_in(client: Client, forum: SimpleNamespace) -> None:
    for url in (f"/posts/{forum.answer.pk}/kudos/", f"/threads/{forum.thread.pk}/kudos/"):
        response = client.post(url, headers=HTMX)
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}{url}"
    assert not Kudos.objects.exists()


# --- Following -----------------------------------------------------------------------------


def test_following_and_unfollowing_a_thread_toggles_the_button(
    outsider: Member, forum: SimpleNamespace
) -> None:
    client = logged_in(outsider)
    url = f"/threads/{forum.thread.pk}/follow/"

    follow = client.post(url, {"action": "follow"}, headers=HTMX)

    assert follow.status_code == 200
    assert 'aria-pressed="true">Following</button>' in text(follow)
    assert Subscription.objects.filter(member=outsider, thread=forum.thread).exists()

    unfollow = client.post(url, {"action": "unfollow"}, headers=HTMX)

    assert 'aria-pressed="false">Follow</button>' in text(unfollow)
    assert not Subscription.objects.filter(member=outsider, thread=forum.thread).exists()

    plain = client.post(url, {"action": "follow"})
    assert plain.status_code == 302
    assert plain["Location"] == forum.thread.get_absolute_url()
    assert 'aria-pressed="true">Following' in text(client.get(plain["Location"]))


def test_following_asks_visitors_to_sign_in(client: Client, forum: SimpleNamespace) -> None:
    response = client.post(f"/threads/{forum.thread.pk}/follow/", headers=HTMX)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- Solutions -----------------------------------------------------------------------------


@pytest.fixture
def two_answers(forum: SimpleNamespace, outsider: Member) -> list[Post]:
    """The helper's answer, then a later one by the outsider."""
    return [forum.answer, builders.answer(author=outsider, thread=forum.thread)]


@pytest.mark.parametrize("who", ["asker", "moderator", "agent"])
def test_the_asker_or_staff_accept_a_solution_which_then_comes_first(
    request: pytest.FixtureRequest,
    forum: SimpleNamespace,
    two_answers: list[Post],
    who: str,
) -> None:
    client = logged_in(request.getfixturevalue(who))
    later = two_answers[1]
    assert answer_ids(client.get(forum.thread.get_absolute_url())) == [p.pk for p in two_answers]

    response = client.post(f"/threads/{forum.thread.pk}/solution/", {"post": later.pk})

    assert response.status_code == 302
    assert response["Location"] == forum.thread.get_absolute_url()
    forum.thread.refresh_from_db()
    assert forum.thread.solution_id == later.pk
    page = client.get(response["Location"])
    assert answer_ids(page) == [later.pk, forum.answer.pk]
    solution = text(page).split(f'id="post-{later.pk}"')[1].split("</article>")[0]
    assert "✓ Accepted solution" in solution
    assert "Marked as the solution. Thank you for closing the loop!" in text(page)


def test_someone_else_cannot_accept_a_solution(
    outsider: Member, forum: SimpleNamespace, two_answers: list[Post]
) -> None:
    response = logged_in(outsider).post(
        f"/threads/{forum.thread.pk}/solution/", {"post": forum.answer.pk}
    )

    assert response.status_code == 403
    assert "Only the person who asked, a moderator or an agent can choose" in text(response)
    forum.thread.refresh_from_db()
    assert forum.thread.solution_id is None


def test_the_asker_can_withdraw_a_solution_and_others_cannot(
    asker: Member, outsider: Member, forum: SimpleNamespace, two_answers: list[Post]
) -> None:
    client = logged_in(asker)
    client.post(f"/threads/{forum.thread.pk}/solution/", {"post": forum.answer.pk})

    refused = logged_in(outsider).post(
        f"/threads/{forum.thread.pk}/solution/", {"action": "withdraw"}
    )
    assert refused.status_code == 403

    response = client.post(f"/threads/{forum.thread.pk}/solution/", {"action": "withdraw"})

    assert response.status_code == 302
    forum.thread.refresh_from_db()
    assert forum.thread.solution_id is None
    page = client.get(response["Location"])
    assert "The solution mark is withdrawn; the question is open." in text(page)
    assert "Accepted solution" not in text(page)


def test_accepting_nothing_or_an_answer_from_elsewhere_explains_itself(
    asker: Member, forum: SimpleNamespace, outsider: Member
) -> None:
    client = logged_in(asker)
    elsewhere = builders.answer(author=outsider, thread=forum.bare)

    nothing = client.post(f"/threads/{forum.thread.pk}/solution/", {"post": ""}, follow=True)
    foreign = client.post(
        f"/threads/{forum.thread.pk}/solution/", {"post": elsewhere.pk}, follow=True
    )

    assert "Choose the answer that solved it." in text(nothing)
    assert "That answer belongs to another question." in text(foreign)
    forum.thread.refresh_from_db()
    assert forum.thread.solution_id is None


# --- Editing -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["asker", "moderator"])
def test_the_author_or_a_moderator_edits_a_question_and_the_revision_is_shown(
    request: pytest.FixtureRequest, forum: SimpleNamespace, who: str
) -> None:
    client = logged_in(request.getfixturevalue(who))
    url = f"/threads/{forum.thread.pk}/edit/"

    form = client.get(url)
    assert form.status_code == 200
    assert 'value="My eSIM will not activate at all"' in text(form)

    response = client.post(
        url,
        {
            "title": "My eSIM will not activate on a new phone",
            "body": QUESTION_BODY + " It is an iPhone 15.",
            "tags": ["esim"],
        },
    )

    forum.thread.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == forum.thread.get_absolute_url()
    assert forum.thread.title == "My eSIM will not activate on a new phone"
    assert [t.slug for t in forum.thread.tags.all()] == ["esim"]
    revision = Revision.objects.get(thread=forum.thread)
    assert revision.editor == request.getfixturevalue(who)
    history = text(client.get(f"/threads/{forum.thread.pk}/revisions/"))
    assert "My eSIM will not activate <del>at all</del><ins>on a new phone</ins>" in history
    assert "It is an iPhone 15." in history
    assert "<ins>esim</ins>" in history


def test_someone_else_cannot_edit_a_question(
    outsider: Member, helper: Member, forum: SimpleNamespace
) -> None:
    for member in (outsider, helper):
        client = logged_in(member)
        url = f"/threads/{forum.thread.pk}/edit/"
        assert client.get(url).status_code == 403
        response = client.post(url, {"title": "Hijacked title here", "body": QUESTION_BODY})
        assert response.status_code == 403
    forum.thread.refresh_from_db()
    assert forum.thread.title == "My eSIM will not activate at all"
    assert not Revision.objects.exists()


def test_an_invalid_question_edit_shows_the_errors_and_changes_nothing(
    asker: Member, forum: SimpleNamespace
) -> None:
    response = logged_in(asker).post(
        f"/threads/{forum.thread.pk}/edit/", {"title": "Short", "body": QUESTION_BODY}
    )

    assert response.status_code == 400
    assert "Make the title at least 10 characters." in text(response)
    assert not Revision.objects.exists()


@pytest.mark.parametrize("who", ["helper", "moderator"])
def test_the_author_or_a_moderator_edits_an_answer_and_the_revision_is_shown(
    request: pytest.FixtureRequest, forum: SimpleNamespace, who: str
) -> None:
    client = logged_in(request.getfixturevalue(who))
    url = f"/posts/{forum.answer.pk}/edit/"

    form = client.get(url)
    assert form.status_code == 200
    assert "Restart the phone, then scan again." in text(form)

    response = client.post(url, {"body": "Restart the phone, then scan the QR code again."})

    assert response.status_code == 302
    assert response["Location"] == f"/posts/{forum.answer.pk}/"
    forum.answer.refresh_from_db()
    assert forum.answer.body == "Restart the phone, then scan the QR code again."
    history = text(client.get(f"/threads/{forum.thread.pk}/revisions/"))
    assert f"answer #{forum.answer.pk}" in history
    assert "Restart the phone, then scan <ins>the QR code </ins>again." in history
    thread_page = text(client.get(forum.thread.get_absolute_url()))
    assert "edited" in thread_page


def test_someone_else_cannot_edit_an_answer(
    outsider: Member, asker: Member, forum: SimpleNamespace
) -> None:
    for member in (outsider, asker):
        client = logged_in(member)
        url = f"/posts/{forum.answer.pk}/edit/"
        assert client.get(url).status_code == 403
        assert client.post(url, {"body": "Something else entirely."}).status_code == 403
    forum.answer.refresh_from_db()
    assert forum.answer.body == "Restart the phone, then scan again."


def test_editing_asks_visitors_to_sign_in(client: Client, forum: SimpleNamespace) -> None:
    for url in (f"/threads/{forum.thread.pk}/edit/", f"/posts/{forum.answer.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}{url}"


# --- Deleting ------------------------------------------------------------------------------


def test_the_author_deletes_a_question_without_answers(
    asker: Member, forum: SimpleNamespace
) -> None:
    response = logged_in(asker).post(f"/threads/{forum.bare.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == forum.board.get_absolute_url()
    assert not Thread.objects.filter(pk=forum.bare.pk).exists()


def test_the_author_cannot_delete_a_question_that_has_answers_and_is_told_why(
    asker: Member, forum: SimpleNamespace
) -> None:
    page = logged_in(asker).get(forum.thread.get_absolute_url())
    assert f'action="/threads/{forum.thread.pk}/delete/"' not in text(page)

    response = logged_in(asker).post(f"/threads/{forum.thread.pk}/delete/")

    assert response.status_code == 403
    assert "This question has answers, so it can't be deleted. Edit it instead." in text(response)
    assert Thread.objects.filter(pk=forum.thread.pk).exists()


def test_someone_else_cannot_delete_a_question(outsider: Member, forum: SimpleNamespace) -> None:
    response = logged_in(outsider).post(f"/threads/{forum.bare.pk}/delete/")

    assert response.status_code == 403
    assert "You can't delete this question." in text(response)
    assert Thread.objects.filter(pk=forum.bare.pk).exists()


def test_a_moderator_deletes_a_question_with_its_answers(
    moderator: Member, forum: SimpleNamespace
) -> None:
    response = logged_in(moderator).post(f"/threads/{forum.thread.pk}/delete/")

    assert response.status_code == 302
    assert not Thread.objects.filter(pk=forum.thread.pk).exists()
    assert not Post.objects.filter(pk=forum.answer.pk).exists()


@pytest.mark.parametrize("who", ["helper", "moderator"])
def test_the_author_or_a_moderator_deletes_an_answer(
    request: pytest.FixtureRequest, forum: SimpleNamespace, who: str
) -> None:
    response = logged_in(request.getfixturevalue(who)).post(f"/posts/{forum.answer.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == forum.thread.get_absolute_url()
    assert not Post.objects.filter(pk=forum.answer.pk).exists()
    forum.thread.refresh_from_db()
    assert forum.thread.answer_count == 0


def test_someone_else_cannot_delete_an_answer(
    asker: Member, outsider: Member, forum: SimpleNamespace
) -> None:
    for member in (asker, outsider):
        response = logged_in(member).post(f"/posts/{forum.answer.pk}/delete/")
        assert response.status_code == 403
        assert "You can't delete this answer." in text(response)
    assert Post.objects.filter(pk=forum.answer.pk).exists()


# --- Locking -------------------------------------------------------------------------------


def test_a_moderator_locks_and_unlocks_a_thread(moderator: Member, forum: SimpleNamespace) -> None:
    client = logged_in(moderator)
    url = f"/threads/{forum.thread.pk}/lock/"

    locked = client.post(url, {"action": "lock"}, follow=True)

    forum.thread.refresh_from_db()
    assert forum.thread.is_locked
    assert "The thread is locked." in text(locked)
    assert '<span class="status status-locked">Locked</span>' in text(locked)
    assert 'name="action" value="unlock"' in text(locked)

    unlocked = client.post(url, {"action": "unlock"}, follow=True)

    forum.thread.refresh_from_db()
    assert not forum.thread.is_locked
    assert "The thread is open." in text(unlocked)


@pytest.mark.parametrize("who", ["asker", "helper", "outsider", "agent"])
def test_only_moderators_lock_threads(
    request: pytest.FixtureRequest, forum: SimpleNamespace, who: str
) -> None:
    client = logged_in(request.getfixturevalue(who))

    response = client.post(f"/threads/{forum.thread.pk}/lock/", {"action": "lock"})

    assert response.status_code == 403
    assert "Only moderators can lock or unlock threads." in text(response)
    forum.thread.refresh_from_db()
    assert not forum.thread.is_locked
    assert f'action="/threads/{forum.thread.pk}/lock/"' not in text(
        client.get(forum.thread.get_absolute_url())
    )


# --- Preview, similar questions and uploads ------------------------------------------------


def test_the_preview_renders_markdown_and_strips_scripts(
    outsider: Member, forum: SimpleNamespace
) -> None:
    response = logged_in(outsider).post(
        "/preview/",
        {
            "body": "**Bold** and _soft_.\n\n<script>alert(1)</script>\n\n"
            '[click](javascript:alert(2)) <img src=x onerror="alert(3)">'
        },
        headers=HTMX,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>Bold</strong>" in page
    assert "<em>soft</em>" in page
    assert "<script" not in page
    assert "<img" not in page
    assert 'href="javascript:' not in page


def test_an_empty_preview_shows_the_placeholder(outsider: Member, forum: SimpleNamespace) -> None:
    response = logged_in(outsider).post("/preview/", {"body": ""}, headers=HTMX)

    assert "Your formatted text appears here as you type." in text(response)


def test_the_preview_is_only_for_members(client: Client) -> None:
    response = client.post("/preview/", {"body": "**Bold**"}, headers=HTMX)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}/preview/"


def test_similar_questions_are_found_by_the_words_of_a_title(
    client: Client, forum: SimpleNamespace
) -> None:
    response = client.get("/ask/similar/", {"title": "eSIM activate"})

    assert response.status_code == 200
    page = text(response)
    assert "Maybe one of these already answers it:" in page
    assert forum.thread.title in page
    assert forum.bare.title not in page


def test_similar_questions_are_empty_for_short_or_unknown_titles(
    client: Client, forum: SimpleNamespace
) -> None:
    for title in ("", "a", "zebra crossing"):
        response = client.get("/ask/similar/", {"title": title})
        assert response.status_code == 200
        assert response.content.decode().strip() == ""


def test_uploading_a_real_png_returns_its_address_and_markdown(moderator: Member) -> None:
    # Staff may post images from the start; members from the rank that unlocks them
    # (tests/gamification/test_privilege_notes.py).
    response = logged_in(moderator).post(
        "/attachments/", {"image": upload(image_bytes((40, 30)), "router lights.png")}
    )

    assert response.status_code == 201
    data = json.loads(response.content)
    assert set(data) == {"url", "markdown"}
    assert data["url"].startswith("/media/attachments/")
    assert data["markdown"] == f"![router lights]({data['url']})"
    attachment = Attachment.objects.get(uploader=moderator)
    assert (attachment.width, attachment.height) == (40, 30)
    assert len(media_files(settings.MEDIA_ROOT)) == 1


def test_uploading_a_fake_image_is_refused_with_a_reason(moderator: Member) -> None:
    response = logged_in(moderator).post(
        "/attachments/", {"image": upload(b"<?php echo 'hi'; ?>", "shell.png")}
    )

    assert response.status_code == 400
    assert json.loads(response.content) == {
        "detail": "This file is not an image we can read. Upload a JPEG, PNG or WebP image."
    }
    assert not Attachment.objects.exists()
    assert media_files(settings.MEDIA_ROOT) == []


def test_uploading_without_a_file_asks_for_one(moderator: Member) -> None:
    response = logged_in(moderator).post("/attachments/", {})

    assert response.status_code == 400
    assert json.loads(response.content) == {"detail": "Choose an image to upload."}


def test_uploading_is_only_for_members(client: Client) -> None:
    response = client.post("/attachments/", {"image": upload(image_bytes((40, 30)))})

    # The editors upload with fetch(): a JSON answer, not a redirect to the login page.
    assert response.status_code == 401
    assert json.loads(response.content) == {"detail": "Sign in to upload images."}
    assert not Attachment.objects.exists()
