"""Query budgets: a page costs the same number of SQL queries whatever the amount of content.

Each page is measured at a small and a large size and the counts must be equal, so an N+1
(a template reaching for thread.tags, an author's groups or a kudos per row) fails here;
a ceiling on top catches a constant that quietly grows.

Measured when written, the same on SQLite and PostgreSQL (with Redis, which keeps a member's
session and the ranks, a member's pages cost up to two less): the thread page costs 5 queries
for a visitor (the thread, its tags, a page of answers with their total, everyone's groups,
the open known issues) and 8 for a member (plus the session and the member, whose read brings
the bell's count along, whether they have a group or a permission of their own and their
points and rank, and the ranks, which give both their rank's privileges and what the next
ranks unlock (none with Redis, where each process keeps them); staff
their permissions and groups in one query and the second-factor check instead of the
ladder; the asker also the satisfaction question), plus one on a viewer's first visit, which
counts the view; the home page 7, a board 5, a profile 8-10, each plus 3 for a member.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from community import services
from community.announcements.selectors import announcements_shown
from community.models import Board, Member, Post, Thread
from support.known_issues.selectors import known_issues_open_titles
from tests.builders import ask, board_make, logged_in
from tests.community.page_factories import answers_make, members_make, tag_make

pytestmark = pytest.mark.django_db

MaxQueries = Callable[[int], AbstractContextManager[object]]

# Ceilings: what the thread page costs, exactly (at most 10 is the goal). A member
# costs more than a visitor: the session (none with Redis, which keeps it), the member (whose
# read brings the bell's unread count along, whether they have a group or a permission of
# their own, and their points and rank), permission checks (one query for staff's groups, one
# for the ranks, which also say what the next ranks unlock: none with Redis, which keeps
# them), the second-factor check for staff, and the sections
# other apps add (support's satisfaction question on the asker's
# own question). Equality between the two sizes is what catches an N+1. Support's known
# issues cost nothing here: the open issues' titles the question may match come from the
# cache (one query for the first reader after an issue changes).
THREAD_PAGE_MAX = {"anonymous": 4, "member": 7, "moderator": 8, "asker": 8}
# The session (none with Redis), the member (with the bell's count, whether they have a
# group or a permission of their own, their points and rank), the ranks (none with Redis);
# staff their permissions too.
MEMBER_EXTRA = {"anonymous": 0, "helper": 3, "moderator": 4}
VIEWERS = ["anonymous", "helper", "moderator", "asker"]


@pytest.fixture(autouse=True)
def _no_page_cache(settings: object) -> None:
    # What rendering the pages costs; a cached visitor's page costs none
    # (tests/community/test_pages_visitor_cache.py).
    settings.COMMUNITY_PAGE_CACHE_SECONDS = 0  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # The first visit of a viewer counts a view (one UPDATE); Redis would otherwise remember
    # visits from an earlier run and make the counts depend on it.
    cache.clear()
    # The pinned announcements the thread page shows are one list in the cache for everyone,
    # read again only after an announcement changes (one query then, for the first reader
    # of any page: tests/community/test_pages_announcements.py); warm, as on a live site.
    announcements_shown()
    known_issues_open_titles()


def viewer_client(request: pytest.FixtureRequest, viewer: str) -> Client:
    if viewer == "anonymous":
        return Client()
    return logged_in(request.getfixturevalue(viewer))


def kept_by_redis(viewer: str, *, ranks: bool) -> int:
    """The queries a member's page saves with Redis: the session, and the ranks (a page that
    reads them), which each process keeps (gamification/ladder.py). None for a visitor."""
    if viewer == "anonymous":
        return 0
    session = settings.SESSION_ENGINE.endswith("cached_db")
    kept = ranks and bool(getattr(settings, "COMMUNITY_SHARED_ROWS", False))
    return int(session) + int(kept)


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


# --- The thread page -----------------------------------------------------------------------


@pytest.fixture
def threads(asker: Member, helper: Member, agent: Member, moderator: Member) -> SimpleNamespace:
    """The asker's question with 20 answers and another with 200, by many authors (staff
    among them, for the role badges), a third of them with kudos from the helper, who also
    answers and thanks the question; the big one has an accepted solution."""
    board = board_make("network", "Network & Coverage")
    for slug in ("esim", "roaming", "billing"):
        tag_make(slug, slug.title())
    crowd = [*members_make(30), agent, moderator]
    small = ask(author=asker, board=board, tags=["esim", "roaming"])
    big = ask(author=asker, board=board, tags=["esim", "roaming", "billing"])
    answers_make(thread=small, authors=crowd[:20], count=20, kudos_from=helper)
    posts = answers_make(thread=big, authors=[*crowd, helper], count=200, kudos_from=helper)
    services.solution_accept(thread=big, post=posts[150], actor=asker)
    for thread in (small, big):
        services.kudos_give(giver=helper, thread=thread)
    big.refresh_from_db()
    return SimpleNamespace(small=small, big=big)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_thread_page_costs_the_same_queries_for_20_or_200_answers(
    request: pytest.FixtureRequest,
    django_assert_max_num_queries: MaxQueries,
    threads: SimpleNamespace,
    viewer: str,
) -> None:
    client = viewer_client(request, viewer)
    ceiling = THREAD_PAGE_MAX.get(viewer, THREAD_PAGE_MAX["member"])
    # Staff hold every permission the page asks through their group: they read no ranks.
    ceiling -= kept_by_redis(viewer, ranks=viewer != "moderator")
    assert Post.objects.filter(thread=threads.big).count() == 200
    for thread in (threads.small, threads.big):
        # The first visit also counts the view (one UPDATE); the budget is for every visit after.
        with django_assert_max_num_queries(ceiling + 1):
            client.get(thread.get_absolute_url())

    with django_assert_max_num_queries(ceiling):
        small = queries_for(client, threads.small.get_absolute_url())
    with django_assert_max_num_queries(ceiling):
        big = queries_for(client, threads.big.get_absolute_url())

    assert small == big


@pytest.mark.parametrize("viewer", ["anonymous", "helper"])
def test_every_page_of_a_long_thread_costs_the_same(
    request: pytest.FixtureRequest, threads: SimpleNamespace, viewer: str
) -> None:
    client = viewer_client(request, viewer)
    url = threads.big.get_absolute_url()
    client.get(url)  # the first visit also counts the view

    counts = {queries_for(client, f"{url}?page={page}") for page in (1, 2, 5, 7)}

    assert len(counts) == 1


# --- List pages ----------------------------------------------------------------------------


def threads_make(
    *, board: Board, count: int, authors: list[Member], helper: Member, moderator: Member
) -> list[Thread]:
    """Questions by different authors with one to three tags; some answered, some solved,
    some with kudos, so every kind of row is on the page."""
    tags = ["esim", "roaming", "billing"]
    made = []
    for i in range(count):
        author = authors[i % len(authors)]
        thread = ask(author=author, board=board, tags=tags[: 1 + i % 3])
        if i % 2 == 0:
            post = answers_make(thread=thread, authors=[helper], count=1)[0]
            if i % 4 == 0:
                services.solution_accept(thread=thread, post=post, actor=moderator)
        if i % 3 == 0:
            services.kudos_give(giver=helper, thread=thread)
        made.append(thread)
    return made


@pytest.fixture
def lists(helper: Member, agent: Member, moderator: Member) -> Callable[[int], SimpleNamespace]:
    """Grows one board to the number of questions asked for, by ever new authors."""
    board = board_make("network", "Network & Coverage")
    for slug in ("esim", "roaming", "billing"):
        tag_make(slug, slug.title())
    board_make("billing", "Billing")  # a second board for the board cards
    made: list[Thread] = []

    def grow(total: int) -> SimpleNamespace:
        more = total - len(made)
        authors = [*members_make(more - 2), agent, moderator]
        made.extend(
            threads_make(
                board=board, count=more, authors=authors, helper=helper, moderator=moderator
            )
        )
        assert Thread.objects.count() == total
        return SimpleNamespace(board=board, threads=made)

    return grow


# Each list page and its ceiling for an anonymous visitor.
LIST_PAGES = {
    "/": 8,  # boards, recent and waiting questions with their tags and authors' groups
    "/boards/": 2,
    # A board's page also asks support for the open known issues about it (one query).
    "/boards/network/": 7,
    "/boards/network/?filter=solved&sort=kudos": 7,
    "/boards/network/?filter=unanswered&sort=newest": 7,
    "/unanswered/": 5,
    "/tags/esim/": 6,
    # The member, their groups, four counts, and gamification's section (score, ranks,
    # badges) first.
    "/members/helper/?tab=answers": 12,
    "/members/helper/?tab=solutions": 14,
    "/members/moderator/?tab=questions": 14,
}


@pytest.mark.parametrize("viewer", ["anonymous", "helper", "moderator"])
def test_list_pages_cost_the_same_queries_for_5_or_60_questions(
    request: pytest.FixtureRequest,
    django_assert_max_num_queries: MaxQueries,
    lists: Callable[[int], SimpleNamespace],
    viewer: str,
) -> None:
    client = viewer_client(request, viewer)
    extra = MEMBER_EXTRA[viewer] - kept_by_redis(viewer, ranks=False)

    lists(5)
    small = {}
    for url, ceiling in LIST_PAGES.items():
        with django_assert_max_num_queries(ceiling + extra):
            small[url] = queries_for(client, url)
    lists(60)
    big = {}
    for url, ceiling in LIST_PAGES.items():
        with django_assert_max_num_queries(ceiling + extra):
            big[url] = queries_for(client, url)

    assert small == big


def test_the_home_and_board_pages_show_many_authors_and_tags_at_the_large_size(
    client: Client, lists: Callable[[int], SimpleNamespace]
) -> None:
    """The budget above is only worth something if the big pages really are full."""
    lists(60)

    home = client.get("/").content.decode()
    board = client.get("/boards/network/").content.decode()

    assert home.count('class="thread-row') == 15  # ten recent, five waiting
    assert board.count('class="thread-row') == 20
    assert board.count('class="tag"') >= 30
    assert len(set(re.findall(r"asked by ([^<]+)</span>", board))) >= 18
