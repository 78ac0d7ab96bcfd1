from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from community.models import Member

PASSWORD = "correct-horse-battery-staple"


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
