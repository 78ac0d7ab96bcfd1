"""Every community page renders for visitors and members, and odd input never makes a 500.

Writing through the pages is in test_pages_writing.py, caching in test_pages_caching.py and
query budgets in test_pages_queries.py.
"""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from community import services
from community.models import Member, Thread
from community.views import common as views
from tests.builders import answer, ask, board_make
from tests.community.page_factories import answers_make, members_make, tag_make

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

TITLE_RE = re.compile(r'class="thread-title" href="[^"]*">([^<]*)</a>')
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def titles(response: Response) -> list[str]:
    """The thread titles a list page shows, in order."""
    return TITLE_RE.findall(response.content.decode())


def current_links(response: Response) -> list[str]:
    """The addresses of the chips marked as the current filter, sort or tab."""
    html = response.content.decode()
    return re.findall(r'<a href="([^"]*)" aria-current="page">', html)


@pytest.fixture(params=["anonymous", "member"])
def visitor(request: pytest.FixtureRequest, client: Client) -> Client:
    """Each page is checked twice: for a visitor who is not signed in and for a member."""
    if request.param == "member":
        client.force_login(request.getfixturevalue("outsider"))
    return client


@pytest.fixture
def community(asker: Member, helper: Member) -> SimpleNamespace:
    """One board with an unanswered, an answered and a solved question.

    Times are set apart explicitly so that "newest", "activity" and "most kudos" each put
    a different question first.
    """
    board = board_make("network", "Network & Coverage")
    tag_make("esim", "eSIM")
    unanswered = ask(
        author=asker, board=board, title="Unanswered: my eSIM will not activate", tags=["esim"]
    )
    answered = ask(author=asker, board=board, title="Answered: roaming data stopped")
    solved = ask(author=helper, board=board, title="Solved: voicemail calls me back")
    fix = answer(
        author=asker, thread=solved, body="Turn off the voicemail callback in the settings."
    )
    services.solution_accept(thread=solved, post=fix, actor=helper)
    answer(author=helper, thread=answered)
    services.kudos_give(giver=helper, thread=unanswered)

    now = timezone.now()
    for thread, created, active in (
        (unanswered, 30, 30),  # oldest and least active, but the only one with kudos
        (answered, 20, 1),  # the most recent activity
        (solved, 10, 5),  # the newest question
    ):
        Thread.objects.filter(pk=thread.pk).update(
            created_at=now - timedelta(minutes=created),
            last_activity_at=now - timedelta(minutes=active),
        )
    return SimpleNamespace(
        board=board, unanswered=unanswered, answered=answered, solved=solved, fix=fix
    )


# --- Lists ---------------------------------------------------------------------------------


def test_the_home_page_shows_recent_and_waiting_questions_and_the_boards(
    visitor: Client, community: SimpleNamespace
) -> None:
    response = visitor.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Recent questions" in html
    assert community.answered.title in html
    assert "Waiting for an answer" in html
    assert "Network &amp; Coverage" in html


def test_the_home_page_never_shows_a_question_in_both_of_its_lists(
    visitor: Client, community: SimpleNamespace
) -> None:
    html = visitor.get("/").content.decode()
    recent, _sep, waiting = html.partition("Waiting for an answer")

    assert TITLE_RE.findall(waiting) == [community.unanswered.title]
    assert TITLE_RE.findall(recent) == [community.answered.title, community.solved.title]


def test_the_home_page_with_only_unanswered_questions_lists_them_once(
    visitor: Client, asker: Member
) -> None:
    board = board_make("network", "Network & Coverage")
    asked = [ask(author=asker, board=board, title=f"Question number {n}") for n in range(7)]

    html = visitor.get("/").content.decode()
    recent, _sep, waiting = html.partition("Waiting for an answer")

    # The five newest wait for an answer; the two older ones are the recent list.
    assert TITLE_RE.findall(waiting) == [t.title for t in reversed(asked[2:])]
    assert TITLE_RE.findall(recent) == [t.title for t in reversed(asked[:2])]
    assert "No questions yet" not in html


def test_the_home_page_with_a_few_unanswered_questions_is_not_empty(
    visitor: Client, asker: Member
) -> None:
    board = board_make("network", "Network & Coverage")
    thread = ask(author=asker, board=board, title="The only question so far")

    html = visitor.get("/").content.decode()

    assert TITLE_RE.findall(html) == [thread.title]
    assert "No questions yet" not in html
    assert "Recent questions" not in html


def test_the_home_page_renders_with_no_content_at_all(visitor: Client) -> None:
    response = visitor.get("/")

    assert response.status_code == 200
    assert "No questions yet: be the first to ask." in response.content.decode()


def test_the_board_list_shows_each_board_with_its_counts(
    visitor: Client, community: SimpleNamespace
) -> None:
    response = visitor.get("/boards/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/boards/{community.board.slug}/"' in html
    assert "3 questions" in html
    assert "1 solved" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["answered", "solved", "unanswered"]),
        ("?filter=all", ["answered", "solved", "unanswered"]),
        ("?filter=unanswered", ["unanswered"]),
        ("?filter=solved", ["solved"]),
        ("?sort=activity", ["answered", "solved", "unanswered"]),
        ("?sort=newest", ["solved", "answered", "unanswered"]),
        ("?sort=kudos", ["unanswered", "answered", "solved"]),
        ("?filter=unanswered&sort=kudos", ["unanswered"]),
    ],
)
def test_the_board_page_filters_and_sorts_its_questions(
    visitor: Client, community: SimpleNamespace, query: str, expected: list[str]
) -> None:
    response = visitor.get(f"/boards/{community.board.slug}/{query}")

    assert response.status_code == 200
    assert titles(response) == [getattr(community, key).title for key in expected]


@pytest.mark.parametrize(
    "query",
    [
        "?filter=nonsense",
        "?sort=nonsense",
        "?filter=&sort=",
        "?filter=<script>&sort=%3Cb%3E",  # a NUL is a 400: tests/config/test_bad_input.py
        "?page=abc",
        "?page=-1",
        "?page=0",
        "?page=99999999999999999999999999",
        "?filter=solved&filter=all&sort=kudos&sort=x",
    ],
)
def test_the_board_page_falls_back_on_odd_filters_sorts_and_pages(
    visitor: Client, community: SimpleNamespace, query: str
) -> None:
    response = visitor.get(f"/boards/{community.board.slug}/{query}")

    assert response.status_code == 200
    assert len(titles(response)) >= 1


def test_an_unknown_filter_or_sort_shows_all_questions_by_activity(
    visitor: Client, community: SimpleNamespace
) -> None:
    response = visitor.get(f"/boards/{community.board.slug}/?filter=bogus&sort=bogus")

    assert titles(response) == [
        community.answered.title,
        community.solved.title,
        community.unanswered.title,
    ]
    # The "All" filter chip and the "Activity" sort chip are the current ones.
    assert current_links(response) == ["?filter=all&amp;sort=activity"] * 2


def test_the_board_page_pages_through_its_questions_twenty_at_a_time(
    visitor: Client, asker: Member
) -> None:
    board = board_make("billing", "Billing")
    for i in range(views.THREADS_PER_PAGE + 5):
        ask(author=asker, board=board, title=f"Billing question number {i:02d}")

    first = visitor.get("/boards/billing/")
    second = visitor.get("/boards/billing/?filter=all&sort=newest&page=2")
    not_a_number = visitor.get("/boards/billing/?page=abc")
    past_the_end = visitor.get("/boards/billing/?page=999")

    assert len(titles(first)) == 20
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?filter=all&amp;sort=activity&amp;page=2"' in first.content.decode()
    assert len(titles(second)) == 5
    assert titles(second)[-1] == "Billing question number 00"
    assert titles(not_a_number) == titles(first)
    assert titles(past_the_end) == titles(visitor.get("/boards/billing/?page=2"))


def test_an_unknown_board_is_not_found(visitor: Client, community: SimpleNamespace) -> None:
    assert visitor.get("/boards/no-such-board/").status_code == 404


def test_the_unanswered_page_lists_only_questions_without_answers(
    visitor: Client, community: SimpleNamespace
) -> None:
    response = visitor.get("/unanswered/")

    assert response.status_code == 200
    assert titles(response) == [community.unanswered.title]
    assert visitor.get("/unanswered/?page=zz&sort=zz").status_code == 200


def test_the_tag_page_lists_the_questions_with_that_tag(
    visitor: Client, community: SimpleNamespace
) -> None:
    response = visitor.get("/tags/esim/")

    assert response.status_code == 200
    assert "Questions tagged “eSIM”" in response.content.decode()
    assert titles(response) == [community.unanswered.title]
    assert visitor.get("/tags/esim/?filter=solved").status_code == 200
    assert visitor.get("/tags/no-such-tag/").status_code == 404


# --- Search --------------------------------------------------------------------------------


def test_search_marks_the_words_it_found(visitor: Client, community: SimpleNamespace) -> None:
    response = visitor.get("/search/?q=voicemail")

    assert response.status_code == 200
    html = response.content.decode()
    assert community.solved.title in html
    assert re.search(r"<mark>voicemail</mark>", html, re.IGNORECASE)
    assert "Nothing matches" not in html


def test_search_with_an_empty_query_shows_just_the_form(
    visitor: Client, community: SimpleNamespace
) -> None:
    for url in ("/search/", "/search/?q=", "/search/?q=%20%20"):
        response = visitor.get(url)

        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="search-q"' in html
        assert "search-results" not in html
        assert "Nothing matches" not in html


def test_search_without_results_offers_to_ask_the_community(
    visitor: Client, community: SimpleNamespace
) -> None:
    response = visitor.get("/search/?q=zebra+crossing")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing matches “zebra crossing”." in html
    assert f'href="/ask/?title={quote("zebra crossing")}">Ask the community</a>' in html


@pytest.mark.parametrize("page", ["abc", "-4", "0", "99999999999999999999999", "9" * 5000])
def test_search_survives_any_page_number(
    visitor: Client, community: SimpleNamespace, page: str
) -> None:
    assert visitor.get(f"/search/?q=voicemail&page={page}").status_code == 200


def test_search_escapes_what_was_searched_for(visitor: Client, community: SimpleNamespace) -> None:
    html = visitor.get("/search/?q=<script>alert(1)</script>").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Asking --------------------------------------------------------------------------------


def test_the_ask_page_sends_visitors_to_sign_in_first(client: Client) -> None:
    response = client.get("/ask/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/ask/"


def test_the_ask_page_offers_the_form_prefilled_from_the_link(
    client: Client, outsider: Member, community: SimpleNamespace
) -> None:
    client.force_login(outsider)

    response = client.get("/ask/?board=network&title=Roaming+in+Spain")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="network" selected>' in html
    assert 'value="Roaming in Spain"' in html
    assert 'name="tags" value="esim"' in html


# --- A thread ------------------------------------------------------------------------------


def test_the_thread_page_shows_the_question_its_answers_and_the_answer_box(
    visitor: Client, community: SimpleNamespace, request: pytest.FixtureRequest
) -> None:
    response = visitor.get(community.solved.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{community.solved.title}</h1>" in html
    assert f'id="post-{community.fix.pk}"' in html
    assert "Accepted solution" in html
    assert "1 answer" in html
    # A member gets the form, a visitor an invitation to sign in.
    if request.node.callspec.params["visitor"] == "member":
        assert 'name="body"' in html
        assert "to answer this question." not in html
    else:
        assert "to answer this question." in html
        assert 'name="body"' not in html


def test_a_short_thread_link_redirects_permanently_to_the_canonical_one(
    visitor: Client, community: SimpleNamespace
) -> None:
    canonical = community.answered.get_absolute_url()

    response = visitor.get(f"/threads/{community.answered.pk}/")

    assert response.status_code == 301
    assert response["Location"] == canonical


def test_a_wrong_slug_redirects_permanently_to_the_canonical_one(
    visitor: Client, community: SimpleNamespace
) -> None:
    canonical = community.answered.get_absolute_url()

    response = visitor.get(f"/threads/{community.answered.pk}/an-old-title/")

    assert response.status_code == 301
    assert response["Location"] == canonical


def test_canonical_redirects_keep_the_page_number(
    visitor: Client, community: SimpleNamespace
) -> None:
    canonical = community.answered.get_absolute_url()

    wrong_slug = visitor.get(f"/threads/{community.answered.pk}/an-old-title/?page=2")
    short = visitor.get(f"/threads/{community.answered.pk}/?page=2")

    assert wrong_slug.status_code == short.status_code == 301
    assert wrong_slug["Location"] == f"{canonical}?page=2"
    assert short["Location"] == f"{canonical}?page=2"


def test_an_unknown_thread_is_not_found(visitor: Client, community: SimpleNamespace) -> None:
    assert visitor.get("/threads/999999/").status_code == 404
    assert visitor.get("/threads/999999/some-title/").status_code == 404


def test_the_thread_page_survives_odd_page_numbers(
    visitor: Client, community: SimpleNamespace
) -> None:
    url = community.answered.get_absolute_url()
    for page in ("abc", "-1", "0", "999", "99999999999999999999999"):
        assert visitor.get(f"{url}?page={page}").status_code == 200


def test_the_thread_action_addresses_are_not_taken_for_slugs(
    visitor: Client, community: SimpleNamespace
) -> None:
    """threads/<pk>/<slug>/ once came first and answered /threads/1/revisions/ with a 301."""
    pk = community.answered.pk

    assert visitor.get(f"/threads/{pk}/revisions/").status_code == 200
    for action in ("edit", "delete", "answer", "kudos", "solution", "follow", "lock"):
        response = visitor.get(f"/threads/{pk}/{action}/")
        assert response.status_code != 301, action


def test_the_revisions_page_renders_before_any_edit(
    visitor: Client, community: SimpleNamespace
) -> None:
    response = visitor.get(f"/threads/{community.answered.pk}/revisions/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Edit history" in html
    assert "No edits yet." in html


def test_the_revisions_page_shows_edits_of_the_question_and_its_answers(
    visitor: Client, community: SimpleNamespace, asker: Member
) -> None:
    services.thread_update(
        thread=community.answered, editor=asker, title="Answered: roaming data stopped in Spain"
    )
    services.post_update(
        post=community.fix, editor=asker, body="Turn off the voicemail callback, then restart."
    )

    html = visitor.get(f"/threads/{community.answered.pk}/revisions/").content.decode()
    solved_html = visitor.get(f"/threads/{community.solved.pk}/revisions/").content.decode()

    assert "Answered: roaming data stopped<ins> in Spain</ins>" in html
    assert f"answer #{community.fix.pk}" in solved_html
    assert "then restart." in solved_html


# --- Answers' addresses --------------------------------------------------------------------


def test_an_answer_link_leads_to_the_page_and_anchor_that_show_it(
    visitor: Client, asker: Member
) -> None:
    board = board_make("network", "Network & Coverage")
    thread = ask(author=asker, board=board, title="Many people answered this one")
    posts = answers_make(thread=thread, authors=members_make(4), count=views.ANSWERS_PER_PAGE + 2)
    canonical = thread.get_absolute_url()
    first, last_on_page_one, first_on_page_two = posts[0], posts[29], posts[30]

    assert visitor.get(f"/posts/{first.pk}/")["Location"] == f"{canonical}#post-{first.pk}"
    assert (
        visitor.get(f"/posts/{last_on_page_one.pk}/")["Location"]
        == f"{canonical}#post-{last_on_page_one.pk}"
    )
    response = visitor.get(f"/posts/{first_on_page_two.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"{canonical}?page=2#post-{first_on_page_two.pk}"

    page_two = visitor.get(f"{canonical}?page=2").content.decode()
    assert f'id="post-{first_on_page_two.pk}"' in page_two
    assert f'id="post-{first.pk}"' not in page_two
    assert "Page 2 of 2" in page_two


def test_an_accepted_answer_is_found_on_the_first_page_wherever_it_was_written(
    visitor: Client, asker: Member
) -> None:
    board = board_make("network", "Network & Coverage")
    thread = ask(author=asker, board=board, title="The solution came late here")
    posts = answers_make(thread=thread, authors=members_make(3), count=views.ANSWERS_PER_PAGE + 5)
    late = posts[-1]
    services.solution_accept(thread=thread, post=late, actor=asker)

    response = visitor.get(f"/posts/{late.pk}/")

    assert response["Location"] == f"{thread.get_absolute_url()}#post-{late.pk}"


def test_an_unknown_answer_is_not_found(visitor: Client) -> None:
    assert visitor.get("/posts/999999/").status_code == 404


# --- Profiles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tab", "shown", "hidden"),
    [
        ("questions", ["unanswered", "answered"], ["solved"]),
        ("answers", ["solved"], ["unanswered", "answered"]),
        ("solutions", ["solved"], ["unanswered", "answered"]),
    ],
)
def test_a_members_profile_tabs_show_their_questions_answers_and_solutions(
    visitor: Client, community: SimpleNamespace, tab: str, shown: list[str], hidden: list[str]
) -> None:
    response = visitor.get(f"/members/asker/?tab={tab}")

    assert response.status_code == 200
    html = response.content.decode()
    assert current_links(response) == [f"?tab={tab}"]
    for key in shown:
        assert getattr(community, key).title in html
    for key in hidden:
        assert getattr(community, key).title not in html


@pytest.mark.parametrize("query", ["?tab=bogus", "?tab=", "?tab=answers&page=zz", "?page=-3"])
def test_a_profile_falls_back_on_odd_tabs_and_pages(
    visitor: Client, community: SimpleNamespace, query: str
) -> None:
    response = visitor.get(f"/members/asker/{query}")

    assert response.status_code == 200
    expected = "answers" if "answers" in query else "questions"
    assert current_links(response) == [f"?tab={expected}"]


def test_a_profile_address_in_another_case_redirects_to_the_real_one(
    visitor: Client, community: SimpleNamespace
) -> None:
    response = visitor.get("/members/ASKER/")

    assert response.status_code == 301
    assert response["Location"] == "/members/asker/"
    assert visitor.get("/members/nobody-here/").status_code == 404


# --- Small screens and Italian -------------------------------------------------------------


def test_the_thread_and_ask_pages_are_laid_out_for_phones(
    client: Client, community: SimpleNamespace, outsider: Member
) -> None:
    assert VIEWPORT in client.get(community.answered.get_absolute_url()).content.decode()
    client.force_login(outsider)
    assert VIEWPORT in client.get("/ask/").content.decode()


def test_with_the_italian_cookie_the_home_page_speaks_italian(
    visitor: Client, community: SimpleNamespace
) -> None:
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"

    response = visitor.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="it">' in html
    assert "Fai una domanda" in html
    assert "Ask a question" not in html


def test_with_the_italian_cookie_a_thread_page_speaks_italian(
    visitor: Client, community: SimpleNamespace
) -> None:
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"

    html = visitor.get(community.solved.get_absolute_url()).content.decode()

    assert "Soluzione accettata" in html
    assert "Accepted solution" not in html


def test_an_answer_card_renders_for_live_pages_and_hides_what_the_viewer_may_not_see(
    client: Client, asker: Member, helper: Member
) -> None:
    from community import services
    from community.models import Board, HiddenReason

    board = Board.objects.create(slug="cards", name="Cards")
    thread = services.thread_create(
        author=asker, board=board, title="Card fragment question", body="x" * 30, check_limits=False
    )
    post = services.post_create(
        author=helper, thread=thread, body="A helpful answer here.", check_limits=False
    )

    response = client.get(f"/posts/{post.pk}/card/")
    assert response.status_code == 200
    assert f'id="post-{post.pk}"' in response.content.decode()

    services.content_hide(post=post, reason=HiddenReason.MODERATOR, actor_id=None)
    assert client.get(f"/posts/{post.pk}/card/").status_code == 404
