from __future__ import annotations

import re
from typing import Any, cast

from allauth.account.forms import SignupForm
from django import forms
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from community import services
from community.images import ImagesBusy, avatar_thumbnails
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
        try:
            return avatar_thumbnails(upload)
        except ImagesBusy as busy:
            raise forms.ValidationError(busy.message, code="busy") from None


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


class PlainLabelForm(forms.Form):
    """Labels without Django's trailing colon, as the rest of the site writes them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ProfileForm(PlainLabelForm):
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


BODY_HELP = _(
    "Markdown works: **bold**, _italic_, lists, `code`, tables and links. "
    "Mention someone with @username."
)


class ThreadForm(PlainLabelForm):
    """Ask a question or edit one; the services validate lengths, limits and tags."""

    board = forms.ChoiceField(label=_("Board"))
    title = forms.CharField(
        label=_("Title"),
        max_length=150,
        help_text=_("Say what's wrong in one sentence, as you'd search for it."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    body = forms.CharField(
        label=_("Details"),
        max_length=20000,
        help_text=BODY_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    tags = forms.MultipleChoiceField(
        label=_("Tags"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        boards: list[tuple[str, str]],
        tags: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        board_field = self.fields["board"]
        tags_field = self.fields["tags"]
        assert isinstance(board_field, forms.ChoiceField)  # noqa: S101 - narrows the type
        assert isinstance(tags_field, forms.MultipleChoiceField)  # noqa: S101
        board_field.choices = boards
        tags_field.choices = tags


class AnswerForm(PlainLabelForm):
    body = forms.CharField(
        label=_("Your answer"),
        max_length=20000,
        help_text=BODY_HELP,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


REMOVE_CONTENT_HELP = _(
    "Your questions that nobody has answered yet and your answers that aren't an accepted "
    "solution are deleted. Questions others have answered, and accepted solutions, stay "
    "(shown as by a deleted member): other people's answers and points depend on them."
)


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm that it's you."),
    )
    remove_content = forms.BooleanField(
        label=_("Also remove my questions and answers where possible"),
        required=False,
        help_text=REMOVE_CONTENT_HELP,
    )


class StaffAccountDeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("The member's request"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How and when the member asked, for the audit log."),
    )
    remove_content = forms.BooleanField(
        label=_("Also remove their questions and answers where possible"),
        required=False,
        help_text=REMOVE_CONTENT_HELP,
    )
    confirm = forms.BooleanField(
        label=_("I understand this can't be undone"),
        required=True,
        error_messages={"required": _("Tick the box to confirm.")},
    )


_THREAD_REFERENCE = re.compile(r"^(?:.*/threads/)?#?(\d{1,18})(?:[/?#].*)?$")


class DuplicateForm(forms.Form):
    """ "Close as duplicate": one of the similar questions, or any question's number or link."""

    of = forms.TypedChoiceField(
        label=_("Similar questions"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
    )
    of_other = forms.CharField(
        label=_("Or the original's number or link"),
        required=False,
        max_length=300,
        help_text=_("For example 42, or the address of the question's page."),
    )

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["of"]).choices = candidates

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        other = (data.get("of_other") or "").strip()
        if other:
            match = _THREAD_REFERENCE.match(other)
            if match is None:
                raise forms.ValidationError(
                    {"of_other": _("Give the question's number or the address of its page.")}
                )
            data["original_id"] = int(match.group(1))
        elif data.get("of"):
            data["original_id"] = data["of"]
        else:
            raise forms.ValidationError(_("Choose the original question."))
        return data
