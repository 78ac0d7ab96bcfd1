"""POST /api/v1/auth/token/: a username and password for an API token, with the web
sign-in's limits."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors, services
from community.adapters import LOCKED_OUT, lockout_seconds
from community.api.common import errors
from community.errors import RateLimited
from community.second_factor import SecondFactorMissing, code_valid, second_factor_missing
from config.throttling import AccountThrottle, AddressThrottle


class TokenRequestSerializer(serializers.Serializer[dict[str, str]]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    code = serializers.CharField(
        max_length=64,
        required=False,
        help_text="A current code from the account's authenticator app, or a recovery code: "
        "required when the account has a second factor.",
    )


class TokenCreateView(APIView):
    """Exchange a username and password for an API token.

    Wrong credentials give one and the same 400 whether or not the member exists, so the
    endpoint cannot be used to find out who has an account.

    Guessing is bounded three ways, all answering 429 with Retry-After: per client address
    and per account (the throttles, config.throttling), and by the web sign-in's lock-out:
    the password is checked through allauth's adapter, so a failure here counts toward the
    same per-account limit (ACCOUNT_RATE_LIMITS["login_failed"]) as one on the sign-in page,
    and an account locked out there is locked out here. Without Redis the checks refuse
    with 503 rather than allow.
    """

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressThrottle, AccountThrottle]
    throttle_scope = "auth_token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            **errors(400, 403, 429),
        },
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            member = get_adapter(request._request).authenticate(
                request._request,
                username=serializer.validated_data["username"],
                password=serializer.validated_data["password"],
            )
        except DjangoValidationError as error:
            if error.code != LOCKED_OUT:
                raise
            raise RateLimited(error.messages[0], retry_after=lockout_seconds()) from None
        if member is None or not member.is_active:
            return Response(
                {"detail": _("Unable to log in with the username and password given.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if not selectors.member_email_verified(member=member):
            return Response(
                {"detail": _("Confirm your email address before using the API.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if second_factor_missing(member):
            raise SecondFactorMissing
        if is_mfa_enabled(member):
            code = serializer.validated_data.get("code", "")
            if not code:
                return Response(
                    {
                        "detail": _(
                            "This account has a second factor: send a current code from "
                            'your authenticator app as "code".'
                        ),
                        "code": "mfa_code_required",
                    },
                    status=status.HTTP_400_BAD_REQUEST,
                )
            if not code_valid(member, code):
                return Response(
                    {"detail": _("That code is not valid."), "code": "mfa_code_invalid"},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        return Response({"token": services.api_token_issue(member=member)})
