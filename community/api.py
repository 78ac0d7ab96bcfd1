from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView


class TokenRequestSerializer(serializers.Serializer[dict[str, str]]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenCreateView(APIView):
    """Exchange a username and password for an API token.

    Wrong credentials give one and the same 400 whether or not the member exists, so the
    endpoint cannot be used to find out who has an account.
    """

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = authenticate(
            request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if member is None:
            return Response(
                {"detail": _("Unable to log in with the username and password given.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if not EmailAddress.objects.filter(user=member, verified=True).exists():
            return Response(
                {"detail": _("Confirm your email address before using the API.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _created = Token.objects.get_or_create(user=member)
        return Response({"token": token.key})
