"""The account pages (django-allauth's) speak in sentence case, like the rest of Mutua.

allauth writes "Sign In", "Email Addresses", "Remember Me"; locale/en overrides those English
strings only, so Italian still comes from allauth's own catalog.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from community.models import Member
from tests.builders import logged_in

pytestmark = pytest.mark.django_db

# Two or more capitalised words in a row inside an element's text: Title Case.
TITLE_CASE = re.compile(r">\s*([A-Z][a-z]+(?:[ -][A-Z][a-z]+)+)\s*<")
# Names that are capitalised in any case.
PROPER = {"Mutua", "Mutua Admin"}


def title_case_phrases(html: str) -> set[str]:
    return {phrase for phrase in TITLE_CASE.findall(html) if phrase not in PROPER}


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_the_signed_out_account_pages_use_sentence_case(client: Client, path: str) -> None:
    html = client.get(path).content.decode()

    assert title_case_phrases(html) == set()


@pytest.mark.parametrize("path", ["/accounts/email/", "/accounts/password/change/"])
def test_the_signed_in_account_pages_use_sentence_case(asker: Member, path: str) -> None:
    html = logged_in(asker).get(path).content.decode()

    assert title_case_phrases(html) - {asker.name} == set()


def test_sign_in_reads_naturally_in_english_and_still_in_italian(client: Client) -> None:
    english = client.get("/accounts/login/").content.decode()
    assert "Sign in" in english and "Remember me" in english and "Sign In" not in english

    italian = client.get("/accounts/login/", headers={"accept-language": "it"}).content.decode()
    assert "Accedi" in italian and "Ricordami" in italian
