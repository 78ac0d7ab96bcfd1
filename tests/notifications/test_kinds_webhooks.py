"""Who hears that a webhook was switched off: the active admins, nobody else."""

from __future__ import annotations

import pytest

from community.models import Member
from notifications.models import Kind
from notifications.webhooks import services
from tests.factories import MemberFactory
from tests.notifications.kinds_helpers import recipients
from tests.notifications.webhook_helpers import receiver_server


@pytest.mark.django_db
def test_a_switched_off_webhook_is_told_to_every_active_admin(
    agent: Member, moderator: Member
) -> None:
    admin = MemberFactory.create(username="root", is_staff=True, is_superuser=True)
    MemberFactory.create(username="second", is_staff=True, is_superuser=True)
    MemberFactory.create(username="gone", is_superuser=True, is_active=False)
    with receiver_server(codes=[500]) as receiver:
        endpoint = services.webhook_endpoint_create(
            actor=admin, url=receiver.url, events=["case.created"]
        )
        for _ in range(services.DISABLE_AFTER):
            [delivery] = services.webhook_event_record(
                event="case.created", data={}, endpoint_ids=[endpoint.pk]
            )
            services.webhook_deliver(delivery_id=delivery.pk)
    assert recipients(Kind.WEBHOOK_DISABLED) == {"root", "second"}
