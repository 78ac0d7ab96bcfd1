"""GET /api/v1/badges/ and GET /api/v1/ranks/."""

from __future__ import annotations

import pytest

from gamification.badges import REGISTRY
from gamification.models import BadgeAward, Rank
from tests.builders import api_client, member_make

pytestmark = pytest.mark.django_db


def test_every_badge_is_listed_with_its_tier_icon_and_holder_count() -> None:
    for i in range(2):
        BadgeAward.objects.create(member=member_make(f"fan{i}"), badge="kudos-10")

    response = api_client().get("/api/v1/badges/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert {b["slug"] for b in results} == set(REGISTRY)
    by_slug = {b["slug"]: b for b in results}
    kudos = by_slug["kudos-10"]
    assert set(kudos) >= {"slug", "name", "description", "tier", "awarded_count", "icon_url"}
    assert kudos == {
        "slug": "kudos-10",
        "name": "Appreciated",
        "description": "Received 10 kudos.",
        "tier": "bronze",
        "awarded_count": 2,
        "icon_url": "/badges/kudos-10/icon.svg",
        "url": "/badges/kudos-10/",
    }
    assert by_slug["solutions-150"]["awarded_count"] == 0
    assert [b["tier"] for b in results] == sorted(
        (b["tier"] for b in results), key=["gold", "silver", "bronze"].index
    )


def test_badges_come_in_the_callers_language() -> None:
    response = api_client().get("/api/v1/badges/", HTTP_ACCEPT_LANGUAGE="it")

    names = {b["slug"]: b["name"] for b in response.json()["results"]}
    assert names["first-question"] != "Curious"  # translated


def test_counted_badge_descriptions_come_in_the_callers_language() -> None:
    response = api_client().get("/api/v1/badges/", HTTP_ACCEPT_LANGUAGE="it")

    descriptions = {b["slug"]: b["description"] for b in response.json()["results"]}
    assert descriptions["first-question"] != "Asked a first question."  # a plain lazy string
    assert descriptions["kudos-10"] != "Received 10 kudos."


def test_every_rank_is_listed_with_threshold_and_privileges() -> None:
    response = api_client().get("/api/v1/ranks/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["name"] for r in results] == list(
        Rank.objects.order_by("min_points").values_list("name", flat=True)
    )
    expert = next(r for r in results if r["name"] == "Expert")
    assert expert["level"] == 4
    assert expert["min_points"] == 1000
    assert expert["privileges"] == [
        "post_links",
        "post_images",
        "flag",
        "retag",
        "edit_others",
        "close_duplicates",
    ]
    assert "Edit other members' posts" in expert["privilege_labels"]
    assert expert["url"] == "/ranks/#rank-4"
    assert results[0]["privileges"] == []


def test_unknown_privileges_in_a_rank_are_left_out() -> None:
    Rank.objects.filter(level=1).update(privileges=["fly", "flag"])

    newcomer = api_client().get("/api/v1/ranks/").json()["results"][0]

    assert newcomer["privileges"] == ["flag"]


def test_each_rank_has_a_label_in_the_language_of_the_request() -> None:
    english = api_client().get("/api/v1/ranks/").json()["results"]
    italiano = api_client().get("/api/v1/ranks/", headers={"accept-language": "it"}).json()

    assert [r["label"] for r in english] == [r["name"] for r in english]
    assert [r["name"] for r in italiano["results"]] == [r["name"] for r in english]
    assert [r["label"] for r in italiano["results"]] == [
        "Nuovo arrivato",
        "Membro",
        "Aiutante",
        "Esperto",
        "Guru",
        "Leggenda",
    ]
