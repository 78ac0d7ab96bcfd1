"""The badge gallery, a badge's page and the generated SVG icons."""

from __future__ import annotations

import re
from xml.etree import ElementTree  # our own response, not untrusted input

import pytest
from django.test import Client

from community.models import Member
from gamification.badges import REGISTRY
from gamification.models import BadgeAward
from tests.builders import member_make

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def holders() -> list[Member]:
    """Three members with "Curious", one of them also "Helping hand"."""
    members = [member_make(f"holder{i}") for i in range(3)]
    for member in members:
        BadgeAward.objects.create(member=member, badge="first-question")
    BadgeAward.objects.create(member=members[0], badge="first-answer")
    return members


def test_the_gallery_shows_every_badge_grouped_by_tier_gold_first(client: Client) -> None:
    response = client.get("/badges/")

    html = response.content.decode()
    assert response.status_code == 200
    for slug, badge in REGISTRY.items():
        assert f'href="/badges/{slug}/"' in html
        assert f'src="/badges/{slug}/icon.svg"' in html
        assert str(badge.description).replace("'", "&#x27;") in html
    headings = re.findall(r'<h2 id="tier-(\w+)">', html)
    assert headings == ["gold", "silver", "bronze"]
    gold = html[html.index('id="tier-gold"') : html.index('id="tier-silver"')]
    assert "Oracle" in gold
    assert "Curious" not in gold


def test_the_gallery_counts_the_holders_of_each_badge(
    client: Client, holders: list[Member]
) -> None:
    html = client.get("/badges/").content.decode()

    curious = html[html.index('href="/badges/first-question/"') :]
    assert "Held by 3 members" in curious[: curious.index("</li>")]
    helping = html[html.index('href="/badges/first-answer/"') :]
    assert "Held by 1 member<" in helping[: helping.index("</li>")]
    oracle = html[html.index('href="/badges/solutions-150/"') :]
    assert "Held by 0 members" in oracle[: oracle.index("</li>")]


def test_a_badge_page_lists_its_latest_holders(client: Client, holders: list[Member]) -> None:
    response = client.get("/badges/first-question/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Curious" in html
    assert "Held by 3 members" in html
    for member in holders:
        assert f'href="/members/{member.username}/"' in html
    assert html.index("holder2") < html.index("holder0")  # latest first


def test_a_badge_nobody_holds_says_so(client: Client) -> None:
    assert "Nobody holds this badge yet." in client.get("/badges/kudos-1000/").content.decode()


def test_an_unknown_badge_is_a_404(client: Client) -> None:
    assert client.get("/badges/no-such-badge/").status_code == 404
    assert client.get("/badges/no-such-badge/icon.svg").status_code == 404


def test_the_icon_is_an_svg_medal_in_the_tier_colours_cached_for_long(client: Client) -> None:
    gold = client.get("/badges/solutions-150/icon.svg")
    bronze = client.get("/badges/first-question/icon.svg")

    assert gold.status_code == 200
    assert gold["Content-Type"].startswith("image/svg+xml")
    cache = {part.strip() for part in gold["Cache-Control"].split(",")}
    assert "public" in cache
    assert any(p.startswith("max-age=") and int(p.split("=")[1]) >= 86400 for p in cache)
    assert "default-src 'none'" in gold["Content-Security-Policy"]
    root = ElementTree.fromstring(gold.content)  # noqa: S314
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}text").text == "150"  # type: ignore[union-attr]
    assert "#facc15" in gold.content.decode()
    assert "#facc15" not in bronze.content.decode()
    bronze_root = ElementTree.fromstring(bronze.content)  # noqa: S314
    assert bronze_root.find(f"{SVG}text").text == "?"  # type: ignore[union-attr]


def test_the_icon_escapes_the_glyph_and_the_name(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    badge = REGISTRY["first-question"]
    monkeypatch.setattr(badge, "glyph", '<script>alert("x")</script>&')
    monkeypatch.setattr(badge, "name", "Tom & <Jerry>")

    response = client.get("/badges/first-question/icon.svg")

    body = response.content.decode()
    assert "<script>" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in body
    root = ElementTree.fromstring(response.content)  # noqa: S314 - still well-formed XML
    assert root.find(f"{SVG}text").text == '<script>alert("x")</script>&'  # type: ignore[union-attr]
    assert root.find(f"{SVG}title").text == "Tom & <Jerry>"  # type: ignore[union-attr]


def test_the_gallery_is_publicly_cacheable_for_anonymous_visitors(client: Client) -> None:
    response = client.get("/badges/")

    assert "public" in response["Cache-Control"]
    assert "csrftoken" not in response.cookies


@pytest.mark.parametrize("slug", sorted(REGISTRY))
def test_every_icon_draws_what_no_font_may_have(client: Client, slug: str) -> None:
    """A symbol outside plain ASCII (an emoji, a bolt) would be an empty box on a machine
    without an emoji font: such glyphs are drawn as paths, only plain letters stay text."""
    root = ElementTree.fromstring(client.get(f"/badges/{slug}/icon.svg").content)  # noqa: S314
    for text in root.iter(f"{SVG}text"):
        assert text.text is not None and text.text.isascii(), (slug, text.text)


def test_the_popular_question_medal_shows_a_drawn_eye(client: Client) -> None:
    root = ElementTree.fromstring(client.get("/badges/popular-question/icon.svg").content)  # noqa: S314

    assert root.find(f"{SVG}text") is None
    assert len(root.findall(f"{SVG}circle")) == 4  # rim, face, iris, pupil
