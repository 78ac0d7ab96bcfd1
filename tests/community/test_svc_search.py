"""community.selectors.search and thread_similar, on SQLite and on PostgreSQL alike.

The same tests run on both backends (PostgreSQL: stored tsvector columns from migration 0004;
SQLite: the word-matching fallback). A few more check what only PostgreSQL promises.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community import selectors, services
from community.models import Board, HiddenReason, Member, Thread
from community.selectors import SearchHit
from tests.builders import answer, ask, board_make
from tests.community.svc_factories import on_postgresql

pytestmark = pytest.mark.django_db
# The module, not the function community.selectors re-exports under the same name.
search_module = importlib.import_module("community.selectors.search")

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="tsvector columns, GIN indexes and stemming exist only on PostgreSQL",
)


@pytest.fixture
def board() -> Board:
    return board_make()


def found(hits: list[SearchHit]) -> list[tuple[str, int]]:
    return [(hit.type, hit.id) for hit in hits]


def by_id(hits: list[SearchHit], type_: str, id_: int) -> SearchHit:
    return next(hit for hit in hits if (hit.type, hit.id) == (type_, id_))


# --- finding --------------------------------------------------------------------------------


def test_search_finds_words_in_titles_bodies_and_answers(
    asker: Member, helper: Member, board: Board
) -> None:
    in_title = ask(asker, board, title="Phone not charging overnight", body="x" * 30)
    in_body = ask(
        asker,
        board,
        title="Battery question about my phone",
        body="Since Tuesday it stopped charging at night.",
    )
    elsewhere = ask(asker, board, title="Cable question for the shop", body="y" * 30)
    reply = answer(helper, elsewhere, body="Charging works again with a brand new cable.")
    ask(asker, board, title="Roaming in Spain does not work", body="z" * 30)

    hits = selectors.search(query="charging")

    assert set(found(hits)) == {
        ("thread", in_title.pk),
        ("thread", in_body.pk),
        ("post", reply.pk),
    }
    post_hit = by_id(hits, "post", reply.pk)
    assert post_hit.thread_id == elsewhere.pk
    assert post_hit.title == "Cable question for the shop"
    assert post_hit.url == reply.get_absolute_url()
    assert post_hit.status == "open"
    thread_hit = by_id(hits, "thread", in_body.pk)
    assert (thread_hit.thread_id, thread_hit.url) == (in_body.pk, in_body.get_absolute_url())


def test_every_word_of_the_query_must_match_on_the_fallback_and_the_database(
    asker: Member, board: Board
) -> None:
    both = ask(asker, board, title="Voicemail password forgotten", body="x" * 30)
    ask(asker, board, title="Voicemail greeting is silent", body="y" * 30)
    assert found(selectors.search(query="voicemail password")) == [("thread", both.pk)]


def test_title_hits_rank_above_body_only_hits(asker: Member, board: Board) -> None:
    # The body-only hit is newer, so the newest-first tie-break can't explain the order.
    in_title = ask(asker, board, title="Voicemail keeps calling back", body="x" * 30)
    in_body = ask(
        asker,
        board,
        title="Strange calls at night",
        body="My voicemail keeps calling back at 3am, why?",
    )
    hits = selectors.search(query="voicemail")
    assert found(hits) == [("thread", in_title.pk), ("thread", in_body.pk)]
    assert hits[0].score > hits[1].score


def test_solved_threads_rank_above_otherwise_equal_unsolved_ones(
    asker: Member, helper: Member, board: Board
) -> None:
    solved = ask(asker, board, title="Roaming data stopped working abroad", body="x" * 30)
    unsolved = ask(asker, board, title="Roaming data stopped working abroad", body="x" * 30)
    services.solution_accept(thread=solved, post=answer(helper, solved), actor=asker)

    hits = [hit for hit in selectors.search(query="roaming abroad") if hit.type == "thread"]

    # Equal texts; the unsolved one is newer and would win the tie-break without the boost.
    assert found(hits) == [("thread", solved.pk), ("thread", unsolved.pk)]
    assert hits[0].score > hits[1].score
    assert (hits[0].status, hits[1].status) == ("solved", "open")


def test_the_accepted_answer_ranks_above_an_equal_plain_answer(
    asker: Member, helper: Member, outsider: Member, board: Board
) -> None:
    thread = ask(asker, board)
    accepted = answer(helper, thread, body="Reinstall the carrier profile from settings.")
    plain = answer(outsider, thread, body="Reinstall the carrier profile from settings!")
    services.solution_accept(thread=thread, post=accepted, actor=asker)
    hits = selectors.search(query="carrier profile")
    assert found(hits) == [("post", accepted.pk), ("post", plain.pk)]


# --- snippets -------------------------------------------------------------------------------


def test_snippets_mark_the_hits(asker: Member, board: Board) -> None:
    ask(
        asker,
        board,
        title="Battery question about my phone",
        body="Since Tuesday it stopped charging at night.",
    )
    (hit,) = selectors.search(query="charging")
    assert "<mark>charging</mark>" in hit.snippet
    assert "Since Tuesday it stopped" in hit.snippet


def test_snippets_are_html_escaped_around_the_marks(asker: Member, board: Board) -> None:
    thread = ask(
        asker, board, title="Odd text in my question", body="<script>alert(1)</script> charging"
    )
    thread.refresh_from_db()
    assert "<script>" in thread.body_text  # the plain text keeps what the member typed

    (hit,) = selectors.search(query="charging")

    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>charging</mark>" in hit.snippet
    assert "<script" not in hit.snippet
    assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_a_search_word_inside_an_escaped_character_does_not_break_the_escaping(
    asker: Member, board: Board
) -> None:
    ask(asker, board, title="Which charger for my phone", body="A 2 amp charger & the cable")
    (hit,) = selectors.search(query="amp")
    assert "<mark>amp</mark> charger &amp; the cable" in hit.snippet


# --- queries that find nothing, paging ------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "the and of", "How do I?", "!!! ???"])
def test_an_empty_or_stopword_only_query_finds_nothing(
    asker: Member, board: Board, query: str
) -> None:
    ask(asker, board, title="How do I top up the card", body="The and of how do I? " * 3)
    assert selectors.search(query=query) == []


def test_search_pages_with_limit_and_offset(asker: Member, board: Board) -> None:
    threads = [
        ask(asker, board, title=f"Voicemail question number {n}", body="x" * 30) for n in range(5)
    ]
    everything = selectors.search(query="voicemail", limit=10)
    assert sorted(found(everything)) == sorted(("thread", t.pk) for t in threads)

    pages = [selectors.search(query="voicemail", limit=2, offset=offset) for offset in (0, 2, 4)]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [hit for page in pages for hit in page] == everything
    assert selectors.search(query="voicemail", limit=2, offset=10) == []


# --- thread_similar -------------------------------------------------------------------------


def test_similar_questions_share_title_words_best_first(asker: Member, board: Board) -> None:
    two_words = ask(asker, board, title="Voicemail password reset fails", body="x" * 30)
    one_word = ask(asker, board, title="Voicemail greeting is silent now", body="y" * 30)
    ask(asker, board, title="Roaming in Spain does not work", body="z" * 30)

    similar = selectors.thread_similar(title="How to reset my voicemail password?")

    assert [s.id for s in similar] == [two_words.pk, one_word.pk]
    assert similar[0].score > similar[1].score
    assert similar[0].title == "Voicemail password reset fails"
    assert similar[0].url == two_words.get_absolute_url()
    assert similar[0].status == "open"


def test_similar_questions_boost_solved_ones(asker: Member, helper: Member, board: Board) -> None:
    solved = ask(asker, board, title="Voicemail greeting is silent", body="x" * 30)
    unsolved = ask(asker, board, title="Voicemail greeting is silent", body="x" * 30)
    services.solution_accept(thread=solved, post=answer(helper, solved), actor=asker)

    similar = selectors.thread_similar(title="Silent voicemail greeting")

    assert [s.id for s in similar] == [solved.pk, unsolved.pk]
    assert similar[0].status == "solved"


def test_similar_questions_are_matched_on_titles_not_bodies(asker: Member, board: Board) -> None:
    in_title = ask(asker, board, title="Voicemail greeting is silent", body="x" * 30)
    ask(asker, board, title="Strange calls at night", body="My voicemail keeps calling back.")
    assert [s.id for s in selectors.thread_similar(title="voicemail")] == [in_title.pk]


def test_similar_questions_respect_the_limit(asker: Member, board: Board) -> None:
    for n in range(4):
        ask(asker, board, title=f"Voicemail question number {n}", body="x" * 30)
    assert len(selectors.thread_similar(title="voicemail", limit=3)) == 3


@pytest.mark.parametrize("title", ["", "How do I?", "it is an ok", "a b c d e f"])
def test_a_title_with_no_usable_words_has_no_similar_questions(
    asker: Member, board: Board, title: str
) -> None:
    ask(asker, board, title="How do I do it? Is it ok?", body="x" * 30)
    assert selectors.thread_similar(title=title) == []


# --- PostgreSQL only ------------------------------------------------------------------------


@postgresql_only
def test_the_search_columns_have_gin_indexes() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE indexname IN ('community_thread_search', 'community_post_search')"
        )
        rows = {name: (table, definition) for table, name, definition in cursor.fetchall()}
    assert set(rows) == {"community_thread_search", "community_post_search"}
    for name, table in (
        ("community_thread_search", "community_thread"),
        ("community_post_search", "community_post"),
    ):
        assert rows[name][0] == table
        assert "USING gin (search_vector)" in rows[name][1]


@postgresql_only
def test_search_stems_words_on_postgresql(asker: Member, helper: Member, board: Board) -> None:
    assert on_postgresql()
    thread = ask(asker, board, title="The phone will not charge", body="x" * 30)
    cold = ask(asker, board, title="Cold weather and my battery", body="y" * 30)
    reply = answer(helper, cold, body="Your charger charges slowly in the cold.")
    assert set(found(selectors.search(query="charging"))) == {
        ("thread", thread.pk),
        ("post", reply.pk),
    }
    assert [s.id for s in selectors.thread_similar(title="Charging problems")] == [thread.pk]


@postgresql_only
def test_the_search_vector_follows_edits(asker: Member, board: Board) -> None:
    thread = ask(asker, board, title="Question about my phone bill", body="x" * 30)
    assert selectors.search(query="voicemail") == []
    services.thread_update(thread=thread, editor=asker, body="Actually it is about voicemail.")
    assert found(selectors.search(query="voicemail")) == [("thread", thread.pk)]
    assert Thread.objects.count() == 1


@postgresql_only
def test_a_common_word_is_ranked_among_its_newest_matches_only(
    asker: Member, helper: Member, board: Board, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """Past SEARCH_CANDIDATES matches of a kind, the oldest are not ranked: a word in a
    hundred thousand answers is answered in milliseconds, from the newest of them. Hidden
    rows take no place among the candidates."""
    settings.COMMUNITY_SEARCH_CACHE_SECONDS = 0
    monkeypatch.setattr(search_module, "SEARCH_CANDIDATES", 2)
    threads = [ask(asker, board, title=f"Roaming question {n}", body="x" * 30) for n in range(3)]
    hidden = ask(asker, board, title="Roaming question, held", body="x" * 30)
    services.content_hide(thread=hidden, reason=HiddenReason.MODERATOR, actor_id=None)
    oldest, *newest = threads
    replies = [
        answer(helper, oldest, body=f"Turn roaming on, then restart ({n}).") for n in range(3)
    ]

    hits = found(selectors.search(query="roaming"))

    assert sorted(hits) == sorted(
        [("thread", t.pk) for t in newest] + [("post", r.pk) for r in replies[1:]]
    )
    monkeypatch.setattr(search_module, "SEARCH_CANDIDATES", 1000)
    assert len(selectors.search(query="roaming")) == 6


def test_similar_questions_match_other_forms_of_a_word(asker: Member, board: Board) -> None:
    # PostgreSQL stems; the SQLite fallback strips the common endings: the same result.
    activate = ask(author=asker, board=board, title="My eSIM won't activate on a new iPhone")
    ask(author=asker, board=board, title="Will my eSIM work in the USA?")
    ask(author=asker, board=board, title="Charging case for my watch")

    similar = selectors.thread_similar(title="eSIM not activating after the QR code")

    assert similar[0].id == activate.pk
    assert similar[0].score > similar[1].score


# --- a crowd searching for the same thing ---------------------------------------------------


def test_the_same_search_again_is_answered_from_the_cache(
    asker: Member, helper: Member, board: Board, django_assert_num_queries: Any
) -> None:
    thread = ask(asker, board, title="Voicemail greeting lost after the update", body="x" * 30)
    first = selectors.search(query="voicemail greeting")

    with django_assert_num_queries(0):
        again = selectors.search(query="  Voicemail Greeting ")

    assert found(again) == found(first) == [("thread", thread.pk)]


def test_what_changes_is_found_at_once_and_what_goes_is_never_found_again(
    asker: Member, helper: Member, moderator: Member, board: Board
) -> None:
    thread = ask(asker, board, title="Voicemail greeting lost after the update", body="x" * 30)
    assert found(selectors.search(query="voicemail")) == [("thread", thread.pk)]

    reply = answer(helper, thread, body="Voicemail greetings come back after a restart.")
    assert ("post", reply.pk) in found(selectors.search(query="voicemail"))

    services.content_hide(post=reply, reason=HiddenReason.MODERATOR, actor_id=moderator.pk)
    assert found(selectors.search(query="voicemail")) == [("thread", thread.pk)]

    services.thread_update(thread=thread, editor=asker, title="Lost my greeting", body="y" * 30)
    assert found(selectors.search(query="voicemail")) == []


def test_the_search_cache_can_be_turned_off(asker: Member, board: Board, settings: Any) -> None:
    settings.COMMUNITY_SEARCH_CACHE_SECONDS = 0
    ask(asker, board, title="Voicemail greeting lost after the update", body="x" * 30)
    selectors.search(query="voicemail")

    with CaptureQueriesContext(connection) as captured:
        selectors.search(query="voicemail")

    assert len(captured) > 0
