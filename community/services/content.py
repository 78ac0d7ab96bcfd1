"""Shared steps of writing questions and answers: rendering, validation, mentions, tags."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from community import events
from community.markdown import Rendered, mentioned_usernames, render_markdown
from community.models import Member, Mention, Post, Tag, Thread

TITLE_MIN, TITLE_MAX = 10, 150
QUESTION_MIN, ANSWER_MIN, BODY_MAX = 20, 10, 20000
MAX_TAGS = 5


def render(body: str, *, author: Member | AnonymousUser) -> Rendered:
    """Markdown to safe HTML, with @mentions of members who exist linked (one query).

    Links and images stay inert unless the author's rank (or staff role) grants them.
    """
    candidates = mentioned_usernames(body)
    known: dict[str, str] = {}
    if candidates:
        known = {
            lower: username
            for lower, username in Member.objects.annotate(lower=Lower("username"))
            .filter(lower__in=candidates, is_active=True)
            .values_list("lower", "username")
        }
    return render_markdown(
        body,
        known_usernames=known,
        member_url=lambda username: f"/members/{username}/",
        upload_prefix=f"{settings.MEDIA_URL}attachments/",
        allow_links=author.has_perm("community.post_links"),
        allow_images=author.has_perm("community.post_images"),
    )


def clean_title(title: str) -> str:
    title = " ".join(title.split())
    if len(title) < TITLE_MIN:
        raise ValidationError(
            {"title": _("Make the title at least %(n)d characters.") % {"n": TITLE_MIN}}
        )
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {"title": _("Keep the title to %(n)d characters at most.") % {"n": TITLE_MAX}}
        )
    return title


def clean_body(body: str, *, minimum: int) -> str:
    body = body.strip()
    if len(body) < minimum:
        raise ValidationError({"body": _("Write at least %(n)d characters.") % {"n": minimum}})
    if len(body) > BODY_MAX:
        raise ValidationError({"body": _("Keep it to %(n)d characters at most.") % {"n": BODY_MAX}})
    return body


def resolve_tags(slugs: Sequence[str]) -> list[Tag]:
    """Existing tags by slug, at most five; unknown slugs are an error, not silently dropped."""
    wanted = list(dict.fromkeys(s.strip().lower() for s in slugs if s and s.strip()))
    if len(wanted) > MAX_TAGS:
        raise ValidationError({"tags": _("Choose at most %(n)d tags.") % {"n": MAX_TAGS}})
    tags = list(Tag.objects.filter(slug__in=wanted))
    unknown = sorted(set(wanted) - {t.slug for t in tags})
    if unknown:
        raise ValidationError({"tags": _("Unknown tags: %(tags)s.") % {"tags": ", ".join(unknown)}})
    return tags


def mentions_record(
    *, rendered: Rendered, thread: Thread, post: Post | None, actor: Member
) -> list[Mention]:
    """Record new @mentions (not of oneself) and announce each once.

    Call inside the transaction that writes the content.
    """
    if not rendered.mentions:
        return []
    members = Member.objects.filter(username__in=rendered.mentions, is_active=True).exclude(
        pk=actor.pk
    )
    created = []
    for member in members:
        mention, is_new = Mention.objects.get_or_create(member=member, thread=thread, post=post)
        if is_new:
            created.append(mention)
            events.member_mentioned.send(
                sender=Mention,
                mention_id=mention.pk,
                member_id=member.pk,
                thread_id=thread.pk,
                post_id=post.pk if post else None,
                actor_id=actor.pk,
            )
    return created
