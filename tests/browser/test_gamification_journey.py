"""Gamification in a real browser: what a helper earns when his answer solves a question.

One member asks, a customer answers, two others thank him with kudos and the asker accepts his
answer. Celery runs eager in the server, so the points, the new rank and the badge are there
on the very next page tom opens: no worker to wait for.

The demo community (seed_demo) gives tom a few points (the Newcomer rank, 50 short of Member)
and no solution yet. Each person has their own browser context, as on their own device.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from tests.browser.harness import log_in

THREAD_URL = re.compile(r"/threads/\d+/[\w-]+/$")
FIRST_SOLUTION_BADGE = "Problem solver"
# Waits longer than an action's: a request earning points also runs the (eager) tasks.
SLOW_MS = 15_000


def number(text: str) -> int:
    """A figure as the pages show it (humanize's intcomma: "1,234")."""
    digits = re.sub(r"[^\d-]", "", text)
    assert digits, f"no number in {text!r}"
    return int(digits)


def kudos_button(scope: Locator) -> Locator:
    # The button's accessible name is "♥ <count> kudos" (the word is visually hidden).
    return scope.get_by_role("button", name=re.compile(r"kudos$"))


def profile_points(page: Page, username: str) -> int:
    page.goto(f"/members/{username}/")
    points = page.locator(".standing [data-points]")
    expect(points).to_have_text(re.compile(r"\d"))
    return number(points.inner_text())


def leaderboard_row(page: Page, name: str) -> Locator:
    return page.locator("ol.leaderboard li.leaderboard-row").filter(
        has=page.locator(".byline-name", has_text=name)
    )


def give_kudos(page: Page, thread_url: str, answer_text: str, *, count_after: int) -> None:
    page.goto(thread_url)
    answer = page.locator("#answers article.post", has_text=answer_text)
    kudos = kudos_button(answer)
    expect(kudos).to_have_attribute("aria-pressed", "false")
    expect(kudos.locator("[data-kudos-count]")).to_have_text(str(count_after - 1))
    kudos.click()
    expect(kudos).to_have_attribute("aria-pressed", "true", timeout=SLOW_MS)
    expect(kudos.locator("[data-kudos-count]")).to_have_text(str(count_after))


def test_an_accepted_answer_gives_the_helper_points_a_new_rank_and_a_badge(
    new_page: Callable[[], Page],
) -> None:
    marco, tom, chiara, hannah = new_page(), new_page(), new_page(), new_page()
    for page, username in ((marco, "marco"), (tom, "tom"), (chiara, "chiara"), (hannah, "hannah")):
        log_in(page, username)

    # Where tom starts: a Newcomer without the first-solution badge.
    points_before = profile_points(tom, "tom")
    standing = tom.locator("section.standing")
    expect(standing.locator(".standing-rank .rank-badge")).to_have_text("Newcomer")
    expect(standing.locator(".badge-list")).not_to_contain_text(FIRST_SOLUTION_BADGE)
    assert points_before < 50, f"tom starts with {points_before} points, already a Member"
    tom.goto("/leaderboard/?period=week")
    tom_row = leaderboard_row(tom, "Tom Baker")
    week_before = (
        number(tom_row.locator(".leaderboard-points strong").inner_text())
        if (tom_row.count())
        else 0
    )

    # marco asks.
    title = "Voicemail PIN reset not working after porting"
    marco.goto("/ask/")
    form = marco.get_by_role("main").locator("form")
    form.get_by_label("Board").select_option(index=1)
    form.get_by_label("Title").fill(title)
    form.get_by_label("Details").fill(
        "Since I ported my number the voicemail PIN reset SMS never arrives. What now?"
    )
    form.get_by_role("button", name="Post your question").click()
    expect(marco).to_have_url(THREAD_URL)
    expect(marco.get_by_role("heading", level=1)).to_have_text(title)
    thread_url = marco.url

    # tom answers.
    answer_text = "Dial 121, choose voicemail settings and reset the PIN from there instead."
    tom.goto(thread_url)
    answer_form = tom.locator("#answer-form-wrap form")
    answer_form.get_by_label("Your answer").fill(answer_text)
    answer_form.get_by_role("button", name="Post your answer").click()
    expect(tom.locator("#answers article.post", has_text=answer_text)).to_be_visible(
        timeout=SLOW_MS
    )

    # chiara and hannah thank him.
    give_kudos(chiara, thread_url, answer_text, count_after=1)
    give_kudos(hannah, thread_url, answer_text, count_after=2)

    # marco accepts his answer.
    marco.reload()
    toms_answer = marco.locator("#answers article.post", has_text=answer_text)
    expect(toms_answer).to_contain_text("Tom Baker")
    expect(kudos_button(toms_answer).locator("[data-kudos-count]")).to_have_text("2")
    toms_answer.get_by_role("button", name="Accept as solution").click()
    expect(marco.get_by_role("status")).to_contain_text("Marked as the solution", timeout=SLOW_MS)
    expect(marco.locator("article.question .question-status")).to_contain_text("Solved")
    expect(marco.locator("#answers > article.post").first.locator(".solution-badge")).to_have_text(
        "✓ Accepted solution"
    )

    # tom's profile: more points, the Member rank and the first-solution badge.
    points_after = profile_points(tom, "tom")
    assert points_after > points_before, f"tom's points went {points_before} -> {points_after}"
    assert points_after >= 50, f"tom has {points_after} points, short of the Member rank"
    expect(standing.locator(".standing-rank .rank-badge")).to_have_text("Member")
    expect(tom.locator(".profile-header .rank-badge")).to_have_text("Member")
    expect(standing.locator(".badge-list")).to_contain_text(FIRST_SOLUTION_BADGE)
    expect(standing.get_by_role("link", name=FIRST_SOLUTION_BADGE)).to_be_visible()
    # His byline on the thread carries the new rank too.
    tom.goto(thread_url)
    toms_post = tom.locator("#answers article.post", has_text=answer_text)
    expect(toms_post.locator(".byline .rank-badge")).to_have_text("Member")

    # The week's leaderboard (the default tab) lists him, with what he earned this week.
    gained = points_after - points_before
    tom.goto("/leaderboard/")
    expect(tom.locator("nav.chips a[aria-current=page]")).to_have_text(re.compile("week", re.I))
    tom_row = leaderboard_row(tom, "Tom Baker")
    expect(tom_row).to_have_count(1)
    expect(tom_row).to_have_attribute("aria-current", "true")
    expect(tom_row.locator(".rank-badge")).to_have_text("Member")
    week_after = number(tom_row.locator(".leaderboard-points strong").inner_text())
    assert week_after == week_before + gained, (
        f"tom's week points went {week_before} -> {week_after}, his total by {gained}"
    )
    expect(tom.locator(".leaderboard-me")).to_contain_text(f"{week_after:,} points")
