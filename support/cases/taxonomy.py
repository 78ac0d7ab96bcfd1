"""The lists staff maintain to classify cases: categories (what a case was about) and root
causes (why it happened). Agents pick one of each on the case page or with
`PATCH /cases/{id}/ {category, root_cause}` (slugs); the insights read cases by them.

Reads and writes of the lists themselves live here; setting them on a case is
support.cases.services.case_update's. Retiring an entry (active=False) keeps it on the cases
that have it, for the history, and stops offering it.
"""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community.models import Member
from support.cases.models import CaseCategory, CaseLabel, CaseRootCause

Kind = Literal["category", "root_cause"]
MODELS: dict[str, type[CaseCategory] | type[CaseRootCause]] = {
    "category": CaseCategory,
    "root_cause": CaseRootCause,
}
NAME_MAX = 80


def _model(kind: str) -> type[CaseCategory] | type[CaseRootCause]:
    if kind not in MODELS:
        raise ValidationError({"kind": _("Unknown list.")})
    return MODELS[kind]


def _require_staff(actor: Member) -> None:
    if not (actor.is_agent or actor.is_moderator):
        raise PermissionDenied(_("Only staff can change these lists."))


# ---------------------------------------------------------------------------- reads


def case_labels(*, kind: str, active_only: bool = False) -> list[CaseLabel]:
    """One list, in its order; only what is offered to agents with `active_only`. One query."""
    labels = _model(kind).objects.all()
    if active_only:
        labels = labels.filter(active=True)
    return list(labels.order_by("position", "name"))


def case_label_for_input(*, kind: str, slug: str) -> CaseLabel:
    """The active entry an agent chose, by slug; ValidationError on the field otherwise."""
    label = _model(kind).objects.filter(slug=slug, active=True).first()
    if label is None:
        raise ValidationError({kind: _("Unknown or retired choice “%(s)s”.") % {"s": slug}})
    return label


# ---------------------------------------------------------------------------- writes


def case_label_create(*, actor: Member, kind: str, name: str) -> CaseLabel:
    """Add an entry at the end of a list; its slug comes from the name. ValidationError for
    a blank or long name, or one whose slug is taken."""
    _require_staff(actor)
    model = _model(kind)
    name = " ".join((name or "").split())
    slug = slugify(name)[:60]
    if not name or len(name) > NAME_MAX or not slug:
        raise ValidationError({"name": _("Give it a name of up to 80 characters.")})
    try:
        with transaction.atomic():
            last = model.objects.order_by("-position").values_list("position", flat=True).first()
            return model.objects.create(slug=slug, name=name, position=(last or 0) + 1)
    except IntegrityError:
        raise ValidationError({"name": _("That name is already in the list.")}) from None


def case_label_update(
    *, actor: Member, kind: str, slug: str, name: str | None = None, active: bool | None = None
) -> CaseLabel:
    """Rename an entry (its slug stays: exports and scripts keep working) or retire it
    (active=False) and bring it back."""
    _require_staff(actor)
    model = _model(kind)
    with transaction.atomic():
        label = model.objects.select_for_update().filter(slug=slug).first()
        if label is None:
            raise ValidationError({"slug": _("No such entry.")})
        if name is not None:
            name = " ".join(name.split())
            if not name or len(name) > NAME_MAX:
                raise ValidationError({"name": _("Give it a name of up to 80 characters.")})
            label.name = name
        if active is not None:
            label.active = active
        label.save()
    return label
