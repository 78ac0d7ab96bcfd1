"""Staff need a second factor (community/second_factor.py, allauth's mfa app).

A staff member without one is sent to /accounts/2fa/ from every page and gets
403 {"code": "mfa_required"} from the API, by session or token; accounts with one must send a
current code to get an API token.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from community.models import AGENTS_GROUP, MODERATORS_GROUP, Member
from community.second_factor import second_factor_missing
from tests.builders import logged_in
from tests.factories import PASSWORD, TOTP_SECRET, MemberFactory, totp_code

TOKEN_URL = "/api/v1/auth/token/"
SETUP_URL = "/accounts/2fa/"
MFA_REQUIRED = "mfa_required"


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # Throttles and used TOTP codes live in the default cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bare_agent(db: None) -> Member:
    return MemberFactory.create(
        username="bareagent", is_staff=True, groups=[AGENTS_GROUP], second_factor=False
    )


@pytest.fixture
def bare_moderator(db: None) -> Member:
    return MemberFactory.create(
        username="baremod", is_staff=False, groups=[MODERATORS_GROUP], second_factor=False
    )


def signed_in(member: Member) -> Client:
    """Signed in through the sign-in form, as a person is (allauth records when)."""
    client = Client()
    response = client.post("/accounts/login/", {"login": member.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def token_for(member: Member) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member).key}")
    return client


# --------------------------------------------------------------------------- pages


@pytest.mark.parametrize(
    "path", ["/", "/support/cases/", "/moderation/", "/support/dashboard/", "/admin/"]
)
def test_staff_without_a_second_factor_are_sent_to_set_one_up(
    bare_agent: Member, path: str
) -> None:
    response = logged_in(bare_agent).get(path)

    assert response.status_code == 302
    assert response["Location"] == SETUP_URL


def test_a_moderator_by_group_alone_is_staff_too(bare_moderator: Member) -> None:
    response = logged_in(bare_moderator).get("/moderation/")

    assert response.status_code == 302
    assert response["Location"] == SETUP_URL


def test_the_setup_page_says_why(bare_agent: Member) -> None:
    client = signed_in(bare_agent)

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0] == SETUP_URL
    page = response.content.decode()
    assert "Staff accounts need a second factor" in page
    assert "/accounts/2fa/totp/activate/" in page


def test_htmx_requests_are_redirected_the_htmx_way(bare_agent: Member) -> None:
    response = logged_in(bare_agent).get("/", HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"] == SETUP_URL


@pytest.mark.parametrize("path", [SETUP_URL, "/accounts/reauthenticate/", "/accounts/email/"])
def test_account_pages_stay_open(bare_agent: Member, path: str) -> None:
    assert signed_in(bare_agent).get(path).status_code == 200


def test_signing_out_stays_open(bare_agent: Member) -> None:
    client = logged_in(bare_agent)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_setting_up_an_authenticator_app_opens_the_staff_pages(bare_agent: Member) -> None:
    client = signed_in(bare_agent)
    # Adding a factor asks for the password again, as allauth does for every account change.
    asked = client.get("/accounts/2fa/totp/activate/")
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.get("/accounts/2fa/totp/activate/")  # the page draws the secret into the session
    secret = client.session["mfa.totp.secret"]

    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=bare_agent, type="totp").exists()
    assert client.get("/support/cases/").status_code == 200


def test_recovery_codes_alone_are_not_a_second_factor(bare_agent: Member) -> None:
    RecoveryCodes.activate(bare_agent)

    assert logged_in(bare_agent).get("/support/cases/").status_code == 302


def test_customers_need_no_second_factor(asker: Member) -> None:
    assert logged_in(asker).get("/").status_code == 200


def test_staff_with_a_second_factor_work_as_before(agent: Member) -> None:
    assert logged_in(agent).get("/support/cases/").status_code == 200


@override_settings(MFA_REQUIRED_FOR_STAFF=False)
def test_the_rule_can_be_lifted_outside_production(bare_agent: Member) -> None:
    assert logged_in(bare_agent).get("/support/cases/").status_code == 200


def test_signing_in_with_a_second_factor_asks_for_the_code(agent: Member) -> None:
    client = Client()

    response = client.post("/accounts/login/", {"login": "agent", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    right = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(agent.pk)


@pytest.mark.parametrize("action", ["edit", "remove"])
def test_nobody_reaches_another_members_security_key(agent: Member, action: str) -> None:
    key = Authenticator.objects.create(
        user=agent, type=Authenticator.Type.WEBAUTHN, data={"name": "Agent's key"}
    )
    client = signed_in(MemberFactory.create(username="other2"))
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})

    response = client.get(f"/accounts/2fa/webauthn/keys/{key.pk}/{action}/")
    removal = client.post(f"/accounts/2fa/webauthn/keys/{key.pk}/{action}/")

    assert response.status_code == 404
    assert removal.status_code == 404
    assert Authenticator.objects.filter(pk=key.pk).exists()


def test_joining_the_agents_or_moderators_makes_a_member_staff(db: None) -> None:
    by_member = MemberFactory.create(username="joiner", second_factor=False)
    by_group = MemberFactory.create(username="joined", second_factor=False)

    by_member.groups.add(Group.objects.get(name=AGENTS_GROUP))
    Group.objects.get(name=MODERATORS_GROUP).user_set.add(by_group)

    assert by_member.is_staff
    assert Member.objects.get(pk=by_member.pk).is_staff
    assert Member.objects.get(pk=by_group.pk).is_staff
    assert second_factor_missing(Member.objects.get(pk=by_group.pk))


def test_a_customer_costs_no_query_for_the_rule(
    asker: Member, django_assert_num_queries: Any
) -> None:
    member = Member.objects.get(pk=asker.pk)

    with django_assert_num_queries(0):
        assert not second_factor_missing(member)


# --------------------------------------------------------------------------- API


def test_staff_api_calls_by_token_need_a_second_factor(bare_agent: Member) -> None:
    response = token_for(bare_agent).get("/api/v1/cases/")

    assert response.status_code == 403
    assert response.json()["code"] == MFA_REQUIRED
    assert response.json()["detail"]


def test_staff_api_calls_by_session_need_a_second_factor(bare_agent: Member) -> None:
    client = APIClient()
    client.force_login(bare_agent)

    response = client.get("/api/v1/cases/")

    assert response.status_code == 403
    assert response.json()["code"] == MFA_REQUIRED


def test_staff_api_calls_with_a_second_factor_work(agent: Member) -> None:
    assert token_for(agent).get("/api/v1/cases/").status_code == 200


def test_customers_api_calls_need_no_second_factor(asker: Member) -> None:
    assert token_for(asker).get("/api/v1/members/asker/points/").status_code == 200


def test_staff_without_a_second_factor_get_no_token(bare_agent: Member) -> None:
    response = APIClient().post(
        TOKEN_URL, {"username": "bareagent", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == MFA_REQUIRED
    assert not Token.objects.filter(user=bare_agent).exists()


def test_a_token_for_an_account_with_a_second_factor_needs_the_code(agent: Member) -> None:
    api = APIClient()

    missing = api.post(TOKEN_URL, {"username": "agent", "password": PASSWORD}, format="json")
    wrong = api.post(
        TOKEN_URL, {"username": "agent", "password": PASSWORD, "code": "123456"}, format="json"
    )
    right = api.post(
        TOKEN_URL, {"username": "agent", "password": PASSWORD, "code": totp_code()}, format="json"
    )

    assert missing.status_code == 400
    assert missing.json()["code"] == "mfa_code_required"
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "mfa_code_invalid"
    assert right.status_code == 200
    assert right.json()["token"] == Token.objects.get(user=agent).key


def test_a_code_is_good_once(agent: Member) -> None:
    api = APIClient()
    body = {"username": "agent", "password": PASSWORD, "code": totp_code(TOTP_SECRET)}

    assert api.post(TOKEN_URL, body, format="json").status_code == 200
    again = api.post(TOKEN_URL, body, format="json")

    assert again.status_code == 400
    assert again.json()["code"] == "mfa_code_invalid"


def test_a_recovery_code_gets_a_token_once(agent: Member) -> None:
    code = RecoveryCodes.activate(agent).get_unused_codes()[0]
    api = APIClient()
    body = {"username": "agent", "password": PASSWORD, "code": code}

    assert api.post(TOKEN_URL, body, format="json").status_code == 200
    assert api.post(TOKEN_URL, body, format="json").json()["code"] == "mfa_code_invalid"


def test_a_wrong_password_says_nothing_about_the_second_factor(agent: Member) -> None:
    response = APIClient().post(
        TOKEN_URL, {"username": "agent", "password": "wrong"}, format="json"
    )

    assert response.status_code == 400
    assert "code" not in response.json()


def test_customers_with_a_second_factor_need_the_code_too(db: None) -> None:
    MemberFactory.create(username="careful", second_factor=True)

    response = APIClient().post(
        TOKEN_URL, {"username": "careful", "password": PASSWORD}, format="json"
    )

    assert response.json()["code"] == "mfa_code_required"


def test_customers_without_a_second_factor_get_a_token_as_before(asker: Member) -> None:
    response = APIClient().post(
        TOKEN_URL, {"username": "asker", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
