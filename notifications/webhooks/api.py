"""API v1, webhooks (docs/api.md, "Webhooks"): admins only.

Choices left open by docs/api.md, made here:
- Anonymous clients get 401, signed-in members who are not admins 403, on every route.
- POST /webhooks/ answers 201 with the secret (generated when not given); it is never
  shown again. A bad URL (not https, or an address webhooks may not reach), an unknown
  event, no events or a secret shorter than 16 characters is a 400 on that field.
- GET /webhooks/{id}/ and DELETE (204); POST /webhooks/{id}/enable/ switches a disabled
  endpoint back on and sends what it owes.
- GET /webhooks/{id}/deliveries/ lists the newest 100 first, each with its attempts;
  POST /webhooks/{id}/deliveries/{delivery_id}/resend/ sends one again (202), a 400 when the
  endpoint is switched off.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api.common import errors
from community.http import request_member
from notifications.webhooks import selectors, services
from notifications.webhooks.models import WebhookEndpoint
from notifications.webhooks.serializers import (
    WebhookCreatedSerializer,
    WebhookCreateSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
)

TAGS = ["webhooks"]


class IsAdmin(BasePermission):
    message = gettext_lazy("Only administrators manage webhooks.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user.is_authenticated and request.user.is_superuser)


PERMISSIONS = [IsAuthenticated, IsAdmin]


class WebhookListView(GenericAPIView[WebhookEndpoint]):
    permission_classes = PERMISSIONS
    serializer_class = WebhookSerializer
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        summary="The webhook endpoints.",
        responses={200: WebhookSerializer(many=True), **errors(401, 403)},
    )
    def get(self, request: Request) -> Response:
        return Response(WebhookSerializer(selectors.webhook_endpoint_list(), many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Register an endpoint; the answer shows its signing secret, once.",
        request=WebhookCreateSerializer,
        responses={201: WebhookCreatedSerializer, **errors(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        body = WebhookCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_create(
            actor=request_member(request),
            url=body.validated_data["url"],
            events=body.validated_data["events"],
            secret=body.validated_data.get("secret", ""),
        )
        return Response(WebhookCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(
        tags=TAGS,
        summary="One endpoint.",
        responses={200: WebhookSerializer, **errors(401, 403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(WebhookSerializer(selectors.webhook_endpoint_get(endpoint_id=pk)).data)

    @extend_schema(
        tags=TAGS,
        summary="Delete an endpoint and its delivery log.",
        responses={204: None, **errors(401, 403, 404)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        endpoint = selectors.webhook_endpoint_get(endpoint_id=pk)
        services.webhook_endpoint_delete(actor=request_member(request), endpoint=endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookEnableView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(
        tags=TAGS,
        summary="Switch an endpoint back on; what it still owes is sent.",
        request=None,
        responses={200: WebhookSerializer, **errors(401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        endpoint = selectors.webhook_endpoint_get(endpoint_id=pk)
        endpoint = services.webhook_endpoint_enable(
            actor=request_member(request), endpoint=endpoint
        )
        return Response(WebhookSerializer(endpoint).data)


class WebhookDeliveryListView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(
        tags=TAGS,
        summary="An endpoint's delivery log: the newest 100, each with its attempts.",
        responses={200: WebhookDeliverySerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        endpoint = selectors.webhook_endpoint_get(endpoint_id=pk)
        deliveries = selectors.webhook_delivery_list(endpoint=endpoint)[
            : selectors.DELIVERIES_SHOWN
        ]
        return Response(WebhookDeliverySerializer(deliveries, many=True).data)


class WebhookResendView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(
        tags=TAGS,
        summary="Send a delivery again (same event id and data).",
        request=None,
        responses={202: WebhookDeliverySerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request: Request, pk: int, delivery_id: int) -> Response:
        endpoint = selectors.webhook_endpoint_get(endpoint_id=pk)
        delivery = selectors.webhook_delivery_get(endpoint=endpoint, delivery_id=delivery_id)
        delivery = services.webhook_delivery_resend(
            actor=request_member(request), delivery=delivery
        )
        delivery = selectors.webhook_delivery_list(endpoint=endpoint).get(pk=delivery.pk)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
