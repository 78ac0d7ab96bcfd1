"""The members' manager: Django's user manager, with the one read every signed-in request
makes compiled once (config/prepared.py), bringing along what every member's page shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps as installed_apps
from django.contrib.auth.models import AbstractUser, UserManager
from django.db.models import Model
from django.db.models.expressions import BaseExpression

from config.prepared import Prepared

M = TypeVar("M", bound=AbstractUser)

# The session's member, read on every signed-in request (MemberManager.get), per model.
_ROWS: dict[type[Model], Prepared] = {}
# What that read brings along, by attribute name: an expression on the member's row.
_BROUGHT: dict[str, Callable[[], BaseExpression]] = {}


def bring_along(name: str, expression: Callable[[], BaseExpression]) -> None:
    """Have the member's read (`get(pk=...)`) bring `expression()` along as the attribute
    `name`: a value every page shows (the bell's count) costs no round trip of its own.

    Another app registers it from its AppConfig.ready() (the community imports no other app);
    the value is as fresh as the member's row, read at the start of the request. Code that
    reads it falls back to its own query when the member came from elsewhere (`getattr`)."""
    _BROUGHT[name] = expression
    _ROWS.clear()  # compiled again, with it


def _row(model: type[Model]) -> Prepared:
    found = _ROWS.get(model)
    if found is None:
        found = _ROWS[model] = Prepared(
            lambda pk: model._default_manager.filter(pk=pk).annotate(
                **{name: expression() for name, expression in _BROUGHT.items()}
            )
        )
    return found


class MemberManager(UserManager[M]):
    """Django's user manager, with the one read every signed-in request makes compiled once.

    Django's and allauth's authentication backends load the session's member with
    `get(pk=...)` on every request: that statement is compiled by Django once per process
    and, on PostgreSQL behind the pool, prepared once per connection (config/prepared.py),
    as the other reads every member's page makes; it brings along what other apps asked for
    (`bring_along`). Any other `get()`, and a migration's, is the queryset's.
    """

    def get(self, *args: Any, **kwargs: Any) -> M:
        # A migration's model (apps.get_model) reads the row as the queryset does: what other
        # apps bring along may not exist yet at that point of the migrations.
        if args or list(kwargs) != ["pk"] or self.model._meta.apps is not installed_apps:
            return super().get(*args, **kwargs)
        # Checked as the queryset checks it: ValueError for "abc", TypeError for a list.
        pk = self.model._meta.pk.get_prep_value(kwargs["pk"])
        found = _row(self.model).instances(self.model, pk, using=self.db) if pk is not None else []
        if not found:
            raise self.model.DoesNotExist(
                f"{self.model._meta.object_name} matching query does not exist."
            )
        member: M = found[0]
        return member
