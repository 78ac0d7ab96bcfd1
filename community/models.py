from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

MODERATORS_GROUP = "moderators"
AGENTS_GROUP = "agents"

username_validator = RegexValidator(
    regex=r"^[\w.-]+\Z",
    message=_("Use only letters, digits, dots, hyphens and underscores."),
)


def avatar_upload_to(instance: Member, filename: str) -> str:
    return f"avatars/{filename}"


class Member(AbstractUser):
    """A person in the community: customer, helper, agent or moderator alike."""

    # Usernames appear in URLs and in @mentions, so they keep to a safe alphabet and are
    # unique whatever their case ("Anna" and "anna" are one member).
    username = models.CharField(
        _("username"),
        max_length=30,
        unique=True,
        validators=[username_validator],
        help_text=_("Up to 30 letters, digits, dots, hyphens and underscores."),
        error_messages={"unique": _("A member with that username already exists.")},
    )
    display_name = models.CharField(
        _("display name"),
        max_length=50,
        blank=True,
        help_text=_("How your name is shown. Leave it empty to show your username."),
    )
    bio = models.TextField(_("bio"), max_length=500, blank=True)
    avatar_small = models.ImageField(_("small avatar"), upload_to=avatar_upload_to, blank=True)
    avatar_large = models.ImageField(_("large avatar"), upload_to=avatar_upload_to, blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="member_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username

    def get_absolute_url(self) -> str:
        return reverse("member-detail", kwargs={"username": self.username})

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def initial(self) -> str:
        return self.name[:1].upper()

    @cached_property
    def group_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def is_moderator(self) -> bool:
        return self.is_superuser or MODERATORS_GROUP in self.group_names

    @property
    def is_agent(self) -> bool:
        return self.is_superuser or AGENTS_GROUP in self.group_names

    @property
    def role_label(self) -> str:
        """The staff role shown beside the name, or an empty string for customers."""
        if self.is_superuser:
            return str(_("Admin"))
        if AGENTS_GROUP in self.group_names:
            return str(_("Agent"))
        if MODERATORS_GROUP in self.group_names:
            return str(_("Moderator"))
        return ""
