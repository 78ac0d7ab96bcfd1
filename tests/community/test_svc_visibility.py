"""Hidden and held content: out of every public view, visible to its author and to staff."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import Client

from community import selectors, services
from community.models import HiddenReason, Member, Thread
from tests.builders import answer, ask, board_make


@pytest.fixture
def thread(asker: Member) -> Thread:
    return ask(asker, board_make(), title="Roaming charges in Norway")


def test_a_hidden_question_leaves_lists_search_and_its_page_for_the_public(
    thread: Thread, outsider: Member, client: Client
) -> None:
    assert services.content_hide(thread=thread, reason=HiddenReason.MODERATOR, actor_id=None)

    assert not selectors.thread_list().exists()
    assert selectors.search(query="Norway") == []
    assert selectors.thread_similar(title="Roaming charges Norway") == []
    with pytest.raises(Http404):
        selectors.thread_get_for_viewer(thread_id=thread.pk, viewer=outsider)
    assert client.get(thread.get_absolute_url()).status_code == 404


def test_the_author_and_staff_still_see_a_hidden_question_with_the_reason(
    thread: Thread, asker: Member, moderator: Member, agent: Member, client: Client
) -> None:
    services.content_hide(thread=thread, reason=HiddenReason.SENSITIVE, actor_id=None)

    for viewer in (asker, moderator, agent):
        assert selectors.thread_get_for_viewer(thread_id=thread.pk, viewer=viewer)
    client.force_login(asker)
    page = client.get(thread.get_absolute_url()).content.decode()
    # One notice (support's, for a personal-data hold: what was found and the private case).
    assert "Only you and the staff can see" in page
    assert page.count("notice-hidden") == 1


def test_a_hidden_answer_is_left_out_of_the_thread_for_others_only(
    thread: Thread, asker: Member, helper: Member, outsider: Member, moderator: Member
) -> None:
    post = answer(helper, thread)
    services.content_hide(post=post, reason=HiddenReason.FLAGGED, actor_id=None)

    assert not selectors.thread_answers(thread=thread, viewer=outsider).exists()
    assert not selectors.thread_answers(thread=thread).exists()
    assert selectors.thread_answers(thread=thread, viewer=helper).get() == post
    assert selectors.thread_answers(thread=thread, viewer=moderator).get() == post
    with pytest.raises(Http404):
        selectors.post_get_for_viewer(post_id=post.pk, viewer=outsider)


def test_restoring_makes_it_public_again_and_repeats_are_no_ops(thread: Thread) -> None:
    assert services.content_hide(thread=thread, reason=HiddenReason.MODERATOR, actor_id=None)
    assert not services.content_hide(thread=thread, reason=HiddenReason.MODERATOR, actor_id=None)
    assert services.content_restore(thread=thread, actor_id=None)
    assert not services.content_restore(thread=thread, actor_id=None)
    assert selectors.thread_list().get() == thread


def test_edits_of_a_hidden_answer_stay_out_of_the_public_edit_history(
    thread: Thread, helper: Member, outsider: Member, moderator: Member
) -> None:
    post = answer(helper, thread)
    services.post_update(post=post, editor=helper, body="Call me on 07700 900123 for help.")
    services.content_hide(post=post, reason=HiddenReason.SENSITIVE, actor_id=None)

    assert not selectors.thread_revisions(thread=thread).exists()
    assert not selectors.thread_revisions(thread=thread, viewer=outsider).exists()
    assert selectors.thread_revisions(thread=thread, viewer=helper).count() == 1
    assert selectors.thread_revisions(thread=thread, viewer=moderator).count() == 1


def test_a_registered_posting_check_refuses_posts_with_its_reason(
    thread: Thread, helper: Member
) -> None:
    from django.core.exceptions import PermissionDenied

    from community import extensions

    def silenced(member: Member) -> str | None:
        return "You are silenced until Friday." if member.pk == helper.pk else None

    extensions.posting_checks.append(silenced)
    try:
        with pytest.raises(PermissionDenied, match="silenced until Friday"):
            services.post_create(author=helper, thread=thread, body="An answer that waits.")
    finally:
        extensions.posting_checks.remove(silenced)
