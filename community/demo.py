"""The demo community loaded by `manage.py seed_demo`. Every step is idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from community.models import AGENTS_GROUP, MODERATORS_GROUP, Member

DEMO_PASSWORD = "mutua-demo"  # noqa: S105 - published on purpose: demo logins only


@dataclass(frozen=True)
class DemoMember:
    username: str
    display_name: str
    role: str
    bio: str
    group: str | None = None
    superuser: bool = False


DEMO_MEMBERS = [
    DemoMember("chiara", "Chiara Rossi", "customer", "New here, usually on the Gold plan."),
    DemoMember("hannah", "Hannah Okafor", "helper", "Phones, eSIMs and roaming. Happy to help!"),
    DemoMember("agnes", "Agnes Moreau", "agent", "Support agent.", group=AGENTS_GROUP),
    DemoMember(
        "marco", "Marco Bianchi", "moderator", "Community moderator.", group=MODERATORS_GROUP
    ),
    DemoMember("admin", "Mutua Admin", "admin", "Runs the place.", superuser=True),
]


def demo_member_ensure(spec: DemoMember) -> Member:
    """Create the demo member once, with a confirmed email address; later runs change nothing."""
    with transaction.atomic():
        member, created = Member.objects.get_or_create(
            username=spec.username,
            defaults={
                "display_name": spec.display_name,
                "bio": spec.bio,
                "email": f"{spec.username}@demo.mutua.localhost",
                "is_staff": spec.superuser or spec.group is not None,
                "is_superuser": spec.superuser,
            },
        )
        if created:
            member.set_password(DEMO_PASSWORD)
            member.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=member,
            email=member.email,
            defaults={"verified": True, "primary": True},
        )
        if spec.group:
            member.groups.add(Group.objects.get(name=spec.group))
    return member
