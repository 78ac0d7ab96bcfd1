from __future__ import annotations

import time
from typing import Any

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.models import Group

from community.models import AGENTS_GROUP, MODERATORS_GROUP, Member

PASSWORD = "correct-horse-battery-staple"
# The authenticator-app secret of every staff member the factory builds (totp_code() below).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
STAFF_GROUPS = (AGENTS_GROUP, MODERATORS_GROUP)


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The authenticator app's current code for the secret."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


class MemberFactory(factory.django.DjangoModelFactory[Member]):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda m: f"{m.username}@example.com")
    display_name = factory.Faker("name")

    @factory.post_generation
    def password(obj: Member, create: bool, extracted: str | None, **kwargs: Any) -> None:  # noqa: N805
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified(obj: Member, create: bool, extracted: bool | None, **kwargs: Any) -> None:  # noqa: N805
        """A confirmed primary address, unless built with verified=False."""
        if create:
            EmailAddress.objects.create(
                user=obj, email=obj.email, primary=True, verified=extracted is not False
            )

    @factory.post_generation
    def groups(obj: Member, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:  # noqa: N805
        if create and extracted:
            obj.groups.add(*Group.objects.filter(name__in=extracted))

    @factory.post_generation
    def second_factor(obj: Member, create: bool, extracted: bool | None, **kwargs: Any) -> None:  # noqa: N805
        """Staff come with an authenticator app (TOTP_SECRET), as the product requires;
        second_factor=False builds one without, second_factor=True gives anyone one."""
        if not create or extracted is False:
            return
        staff = (
            obj.is_staff or obj.is_superuser or obj.groups.filter(name__in=STAFF_GROUPS).exists()
        )
        if extracted or staff:
            TOTP.activate(obj, TOTP_SECRET)
