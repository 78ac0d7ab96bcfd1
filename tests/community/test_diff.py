"""The edit history's word-level difference, computed on the server."""

from __future__ import annotations

import pytest
from django.test import Client

from community.diff import word_diff
from community.models import Member
from community.services import thread_update
from tests.builders import ask


def test_only_the_changed_words_are_marked() -> None:
    assert str(word_diff("My phone has no signal", "My phone has weak signal")) == (
        "My phone has <del>no</del><ins>weak</ins> signal"
    )


def test_a_phrase_replaced_is_one_change() -> None:
    assert str(word_diff("It will not activate at all", "It will not activate on a new phone")) == (
        "It will not activate <del>at all</del><ins>on a new phone</ins>"
    )


def test_added_and_removed_text_and_line_breaks_are_kept() -> None:
    assert str(word_diff("one\ntwo", "one\ntwo three")) == "one\ntwo<ins> three</ins>"
    assert str(word_diff("a b c", "a c")) == "a <del>b </del>c"
    assert str(word_diff("same", "same")) == "same"
    assert str(word_diff("", "new")) == "<ins>new</ins>"


def test_markup_in_either_version_is_escaped() -> None:
    html = str(word_diff("<b>x</b> & y", "<script>alert(1)</script> & y"))

    assert "<script>" not in html and "<b>" not in html
    assert "<del>&lt;b&gt;x&lt;/b&gt;</del><ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in html
    assert html.endswith(" &amp; y")


@pytest.mark.django_db
def test_the_history_page_shows_the_difference_not_two_copies(asker: Member) -> None:
    thread = ask(asker, title="Roaming in Spain", body="Will my data work in Madrid?")
    thread_update(
        thread=thread,
        editor=asker,
        title="Roaming in Spain and France",
        body="Will my data work in Barcelona?",
    )

    html = Client().get(f"/threads/{thread.pk}/revisions/").content.decode()

    assert "Will my data work in <del>Madrid?</del><ins>Barcelona?</ins>" in html
    assert "Roaming in Spain<ins> and France</ins>" in html
