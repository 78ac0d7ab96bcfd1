"""API v1, Community: GET /search/ (docs/api.md). Runs on SQLite's fallback and PostgreSQL's FTS."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from community import services
from community.models import Member, Thread
from tests import builders
from tests.builders import AN_HOUR, api_client, ask

pytestmark = pytest.mark.django_db

HIT_FIELDS = {"type", "id", "thread_id", "title", "snippet", "status", "url", "score"}


def search(**params: Any) -> Any:
    return api_client().get("/api/v1/search/", params)


@pytest.fixture
def roaming(asker: Member, helper: Member) -> Thread:
    thread = ask(
        author=asker,
        title="Roaming data stopped working in Spain",
        body="Since Monday my roaming data shows no signal at all.",
        ago=AN_HOUR,
    )
    builders.answer(
        thread=thread,
        author=helper,
        body="Switch data roaming off and on again in the settings.",
        ago=AN_HOUR,
    )
    return thread


def test_anyone_finds_questions_and_answers_with_the_contract_fields(roaming: Thread) -> None:
    response = search(q="roaming")

    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None and body["previous"] is None
    by_type = {hit["type"]: hit for hit in body["results"]}
    assert set(by_type) == {"thread", "post"}
    for hit in body["results"]:
        assert set(hit) == HIT_FIELDS
        assert hit["thread_id"] == roaming.pk
        assert hit["title"] == "Roaming data stopped working in Spain"
        assert hit["status"] == "open"
        assert "<mark>" in hit["snippet"].lower()
    assert by_type["thread"]["id"] == roaming.pk
    assert by_type["thread"]["url"] == roaming.get_absolute_url()
    assert by_type["post"]["url"] == f"/posts/{by_type['post']['id']}/"


def test_solved_questions_rank_higher(asker: Member, helper: Member) -> None:
    title = "Voicemail greeting cannot be changed"
    body = "Every time I record a voicemail greeting the old one comes back."
    unsolved = ask(author=asker, title=title, body=body, ago=AN_HOUR)
    solved = ask(author=asker, title=title, body=body, ago=AN_HOUR)
    answer = builders.answer(
        thread=solved, author=helper, body="Dial 121 and choose option 3.", ago=AN_HOUR
    )
    services.solution_accept(thread=solved, post=answer, actor=asker)

    results = search(q="voicemail greeting").json()["results"]

    assert [(hit["id"], hit["status"]) for hit in results] == [
        (solved.pk, "solved"),
        (unsolved.pk, "open"),
    ]


def test_results_come_in_pages_with_next_and_previous_links(asker: Member) -> None:
    for n in range(5):
        ask(
            author=asker,
            title=f"Porting my number, attempt {n}",
            body="The porting code was refused by the other network.",
            ago=AN_HOUR,
        )

    first = search(q="porting", page_size=2).json()
    assert len(first["results"]) == 2
    assert first["previous"] is None
    second = api_client().get(first["next"]).json()
    assert len(second["results"]) == 2
    previous = urlsplit(second["previous"])
    assert previous.path == "/api/v1/search/"
    assert parse_qs(previous.query) == {"q": ["porting"], "page_size": ["2"]}
    third = api_client().get(second["next"]).json()
    assert len(third["results"]) == 1
    assert third["next"] is None
    seen = [hit["id"] for page in (first, second, third) for hit in page["results"]]
    assert len(set(seen)) == 5


def test_a_page_holds_twenty_results_by_default(asker: Member) -> None:
    for n in range(21):
        ask(
            author=asker,
            title=f"Invoice question number {n}",
            body="A question about my invoices.",
            ago=AN_HOUR,
        )

    body = search(q="invoice").json()

    assert len(body["results"]) == 20
    assert body["next"] is not None


def test_a_query_of_only_common_words_finds_nothing(roaming: Thread) -> None:
    response = search(q="how do I")

    assert response.status_code == 200
    assert response.json() == {"next": None, "previous": None, "results": []}


def test_the_snippet_escapes_what_the_members_wrote(asker: Member) -> None:
    ask(
        author=asker,
        title="Billing address with ampersand",
        body="My street is Smith & Sons <b>billing</b> lane, and billing fails.",
        ago=AN_HOUR,
    )

    [hit] = search(q="billing").json()["results"]

    assert "<b>" not in hit["snippet"]
    assert "<mark>" in hit["snippet"].lower()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "roaming\x00"}, "q"),
        ({"q": "roaming", "page": 0}, "page"),
        ({"q": "roaming", "page": 101}, "page"),
        ({"q": "roaming", "page": "two"}, "page"),
        ({"q": "roaming", "page_size": 51}, "page_size"),
        ({"q": "roaming", "page_size": 0}, "page_size"),
    ],
)
def test_bad_search_parameters_are_a_400_naming_the_parameter(
    db: None, params: dict[str, Any], field: str
) -> None:
    response = search(**params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_search_is_read_only(asker: Member) -> None:
    assert api_client().post("/api/v1/search/", {"q": "x"}).status_code == 401
    assert api_client(asker).post("/api/v1/search/", {"q": "x"}).status_code == 405
