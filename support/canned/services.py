"""Canned replies: agents write, change and remove their ready-made answers.

Rules:
- Only agents (and admins, who are agents too) have canned replies.
- A personal reply is its author's alone: nobody else sees it, so nobody else changes it.
- A shared reply is every agent's to use; its author and admins may change or remove it.
- The title is required; the text is required and may name only the placeholders of
  support.canned.placeholders (a mistyped `{customr_name}` is refused when saved rather than
  sent to a customer as it stands).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Member
from support.canned.models import BODY_MAX, TITLE_MAX, CannedReply
from support.canned.placeholders import PLACEHOLDERS, placeholders_unknown


def canned_reply_can_edit(*, reply: CannedReply, member: Member) -> bool:
    """The author always; an admin a shared reply (a personal one they cannot even see)."""
    if not (member.is_active and member.is_agent):
        return False
    return reply.author_id == member.pk or (reply.shared and member.is_superuser)


def _clean(*, title: str, body: str) -> tuple[str, str]:
    title, body = title.strip(), body.strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Give the reply a title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Keep the title to %(n)d characters.") % {"n": TITLE_MAX}]
    if not body:
        errors["body"] = [_("Write the reply's text.")]
    elif len(body) > BODY_MAX:
        errors["body"] = [_("Keep the text to %(n)d characters.") % {"n": BODY_MAX}]
    elif unknown := placeholders_unknown(body):
        errors["body"] = [
            _("Unknown placeholder %(unknown)s: use %(known)s.")
            % {
                "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            }
        ]
    if errors:
        raise ValidationError(errors)
    return title, body


def canned_reply_create(*, author: Member, title: str, body: str, shared: bool) -> CannedReply:
    """A new canned reply of the agent's. Raises PermissionDenied for anyone but an agent and
    ValidationError for a missing title or text, or an unknown placeholder."""
    if not (author.is_active and author.is_agent):
        raise PermissionDenied(_("Only agents have canned replies."))
    title, body = _clean(title=title, body=body)
    return CannedReply.objects.create(author=author, title=title, body=body, shared=bool(shared))


def canned_reply_update(
    *,
    reply: CannedReply,
    actor: Member,
    title: str | None = None,
    body: str | None = None,
    shared: bool | None = None,
) -> CannedReply:
    """Change what is given of the reply's title, text and sharing (None: unchanged).

    Raises PermissionDenied unless canned_reply_can_edit() and ValidationError as
    canned_reply_create(). The row is locked, so two editors' changes apply one after the
    other and each is checked against what the other left.
    """
    if not canned_reply_can_edit(reply=reply, member=actor):
        raise PermissionDenied(_("Only its author or an admin can change this reply."))
    with transaction.atomic():
        locked = CannedReply.objects.select_for_update().get(pk=reply.pk)
        title, body = _clean(
            title=locked.title if title is None else title,
            body=locked.body if body is None else body,
        )
        locked.title, locked.body = title, body
        if shared is not None:
            locked.shared = bool(shared)
        locked.updated_at = timezone.now()
        locked.save(update_fields=["title", "body", "shared", "updated_at"])
    return locked


def canned_reply_delete(*, reply: CannedReply, actor: Member) -> None:
    """Remove the reply. Raises PermissionDenied unless canned_reply_can_edit()."""
    if not canned_reply_can_edit(reply=reply, member=actor):
        raise PermissionDenied(_("Only its author or an admin can remove this reply."))
    CannedReply.objects.filter(pk=reply.pk).delete()
