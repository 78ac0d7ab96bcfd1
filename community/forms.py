from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm
from django import forms
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from community import services
from community.images import avatar_thumbnails
from community.models import Member

AVATAR_HELP = _("JPEG, PNG or WebP, up to 5 MB and 25 megapixels. We crop it to a square.")


class AvatarField(forms.FileField):
    """A file field whose cleaned value is the avatar's thumbnails, made while validating.

    Making the thumbnails in clean() means a bad image is a form error before anything is
    written, never a half-created member.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Avatar"))
        kwargs.setdefault("help_text", AVATAR_HELP)
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None
        return avatar_thumbnails(upload)


class MemberSignupForm(SignupForm):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=50,
        required=False,
        help_text=_("Optional: how your name is shown. Your username is used otherwise."),
    )
    avatar = AvatarField()

    def save(self, request: HttpRequest) -> Member:
        # The member, the profile and the email address are one record: all or nothing.
        with transaction.atomic():
            member: Member = super().save(request)
        return member

    def signup(self, request: HttpRequest, user: Member) -> None:
        """Called by allauth after the member row exists, inside save()'s transaction."""
        services.member_profile_update(
            member=user,
            display_name=self.cleaned_data.get("display_name", ""),
            bio="",
            avatar=self.cleaned_data.get("avatar"),
        )


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=50, required=False)
    bio = forms.CharField(
        label=_("About you"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Up to 500 characters, shown on your profile."),
    )
    avatar = AvatarField(
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
    )
    remove_avatar = forms.BooleanField(label=_("Remove my avatar"), required=False)
