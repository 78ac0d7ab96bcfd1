from __future__ import annotations

from functools import lru_cache

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from community.links import thread_path, url_for
from community.managers import MemberManager

MODERATORS_GROUP = "moderators"
AGENTS_GROUP = "agents"

# ASCII only: usernames are in URLs and @mentions, and look-alike letters from other
# scripts ("аnna" with a Cyrillic а) must not pass for someone else. Display names are free.
username_validator = RegexValidator(
    regex=r"^[A-Za-z0-9_.-]+\Z",
    message=_("Use only letters a-z, digits, dots, hyphens and underscores."),
)


def avatar_upload_to(instance: Member, filename: str) -> str:
    return f"avatars/{filename}"


class Member(AbstractUser):
    """A person in the community: customer, helper, agent or moderator alike."""

    objects = MemberManager["Member"]()  # type: ignore[misc]

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
    # The rank earned in the community, shown next to the name everywhere. Gamification
    # owns ranks and keeps these in step (community.services.member_rank_set).
    rank_name = models.CharField(_("rank"), max_length=40, blank=True, editable=False)
    rank_level = models.PositiveSmallIntegerField(_("rank level"), default=0, editable=False)
    # Set when the member deleted their account (community.services.member_delete): the row
    # stays so their content and the ledger keep an author, but everything personal is gone.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="member_username_ci_unique"),
        ]
        indexes = [
            # The few deleted members: lists leave them out with an anti-join (leaderboard).
            models.Index(
                fields=["id"], condition=models.Q(deleted_at__isnull=False), name="member_deleted"
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def get_absolute_url(self) -> str:
        # A deleted member has no profile: an empty link, which templates leave unlinked.
        if self.deleted_at is not None:
            return ""
        return url_for("member-detail", "username", self.username)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def name(self) -> str:
        if self.deleted_at is not None:
            return str(_("Deleted member"))
        return self.display_name or self.username

    @property
    def initial(self) -> str:
        return self.name[:1].upper()

    @cached_property
    def group_names(self) -> frozenset[str]:
        # .all() so a prefetch_related("groups") serves every member of a page at once.
        return frozenset(group.name for group in self.groups.all())

    @property
    def is_moderator(self) -> bool:
        return self.is_superuser or MODERATORS_GROUP in self.group_names

    @property
    def is_agent(self) -> bool:
        return self.is_superuser or AGENTS_GROUP in self.group_names

    @cached_property
    def role_label(self) -> str:
        """The staff role shown beside the name, or an empty string for customers."""
        if self.is_superuser:
            return str(_("Admin"))
        if AGENTS_GROUP in self.group_names:
            return str(_("Agent"))
        if MODERATORS_GROUP in self.group_names:
            return str(_("Moderator"))
        return ""


class Board(models.Model):
    """A category of questions, such as "Billing & Top-ups"."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    # Denormalized by community.services; `manage.py community_recount` checks them.
    thread_count = models.PositiveIntegerField(default=0, editable=False)
    answer_count = models.PositiveIntegerField(default=0, editable=False)
    solved_count = models.PositiveIntegerField(default=0, editable=False)
    last_activity_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("board")
        verbose_name_plural = _("boards")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return url_for("board-detail", "slug", self.slug)


class Tag(models.Model):
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    thread_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return url_for("tag-detail", "slug", self.slug)


# The actions under /threads/<id>/ that a title's slug must never collide with.
RESERVED_THREAD_SLUGS = frozenset(
    {
        "edit",
        "delete",
        "answer",
        "kudos",
        "solution",
        "follow",
        "lock",
        "revisions",
        "bookmark",
        "duplicate",
    }
)


@lru_cache(maxsize=4096)
def thread_slug(title: str) -> str:
    """A title's part of its thread's address, made once per title (pages link many)."""
    slug = slugify(title)[:80].strip("-") or "thread"
    # "/threads/1/edit/" is the edit page, not a title.
    return f"{slug}-thread" if slug in RESERVED_THREAD_SLUGS else slug


class HiddenReason(models.TextChoices):
    """Why a question or answer is held from public view (empty: it is public)."""

    FLAGGED = "flagged", _("Hidden after flags from trusted members")
    MODERATOR = "moderator", _("Hidden by a moderator")
    SENSITIVE = "sensitive", _("Held: it looks like it contains personal data")
    # A new member's first posts (community.services.review): not yet announced to anyone.
    PENDING_REVIEW = "pending_review", _("Waiting for a moderator's review")
    REJECTED = "rejected", _("Not approved by a moderator")


# Content a moderator has not let through yet: it was never announced (no points, no
# notifications, no live event), so only approving it (review_approve) makes it public.
REVIEW_REASONS = (HiddenReason.PENDING_REVIEW, HiddenReason.REJECTED)


class ThreadStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SOLVED = "solved", _("Solved")
    LOCKED = "locked", _("Locked")


def solution_hidden(prefix: str = "") -> models.Q:
    """The accepted answer is hidden: for the public the question is not solved.

    `prefix` reaches the thread from another model (``"thread__"`` from an answer)."""
    return models.Q(**{f"{prefix}solution__isnull": False}) & ~models.Q(
        **{f"{prefix}solution__hidden_reason": ""}
    )


def publicly_solved(prefix: str = "") -> models.Q:
    """The question has an accepted answer everybody can read."""
    return models.Q(**{f"{prefix}solution__isnull": False, f"{prefix}solution__hidden_reason": ""})


def with_public_status(threads: models.QuerySet[Thread]) -> models.QuerySet[Thread]:
    """Threads whose `status` says what the public sees (lists are public)."""
    # The annotation sets the attribute Thread.status reads (named, not a keyword, because
    # it shadows the class's default).
    hidden = models.ExpressionWrapper(solution_hidden(), output_field=models.BooleanField())
    return threads.annotate(**{"solution_hidden_from_reader": hidden})


class Thread(models.Model):
    """A question and, through `posts`, its answers."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="threads")
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("body"), max_length=20000)
    body_html = models.TextField(editable=False)
    body_text = models.TextField(editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="threads")
    solution = models.OneToOneField(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="solution_of"
    )
    answer_count = models.PositiveIntegerField(default=0, editable=False)
    kudos_count = models.PositiveIntegerField(default=0, editable=False)
    view_count = models.PositiveIntegerField(default=0, editable=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_escalated = models.BooleanField(_("escalated"), default=False)
    # Closed as a duplicate of another question: locked, with a notice pointing readers there
    # (community.services.duplicates). Deleting the original leaves a plain locked thread.
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    hidden_reason = models.CharField(
        _("hidden because"), max_length=20, choices=HiddenReason.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_activity_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_answer_at = models.DateTimeField(null=True, blank=True, editable=False)
    solved_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            models.Index(fields=["board", "-last_activity_at"], name="thread_board_activity"),
            models.Index(fields=["-last_activity_at"], name="thread_activity"),
            models.Index(fields=["board", "-created_at"], name="thread_board_created"),
            models.Index(fields=["author", "-created_at"], name="thread_author_created"),
            models.Index(fields=["answer_count", "-created_at"], name="thread_unanswered"),
            # The moderators' review queue: a handful of rows among all threads.
            models.Index(
                fields=["created_at"],
                condition=models.Q(hidden_reason="pending_review"),
                name="thread_pending_review",
            ),
        ]
        permissions = [
            ("edit_any_content", _("Can edit other members' questions and answers")),
            ("retag_thread", _("Can change the tags of other members' questions")),
            ("accept_any_solution", _("Can accept solutions in other members' questions")),
            ("lock_thread", _("Can lock and unlock threads")),
            ("delete_any_content", _("Can delete other members' questions and answers")),
            ("post_links", _("Can post links")),
            ("post_images", _("Can post images")),
            ("flag_content", _("Can flag questions and answers for moderators")),
            ("view_hidden_content", _("Can see hidden and held questions and answers")),
            ("close_duplicate", _("Can close questions as duplicates of others")),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return thread_path(self.pk, thread_slug(self.title))

    @property
    def is_hidden(self) -> bool:
        return bool(self.hidden_reason)

    # Set by a page whose reader may not see the accepted answer (hidden by a moderator), and
    # by with_public_status() for lists: for them the question is not solved, whatever the
    # stored solution (which keeps its points: hiding is not reversing).
    solution_hidden_from_reader = False

    @property
    def status(self) -> str:
        if self.is_locked:
            return ThreadStatus.LOCKED
        if self.solution_id and not self.solution_hidden_from_reader:
            return ThreadStatus.SOLVED
        return ThreadStatus.OPEN


class Post(models.Model):
    """An answer in a thread (the question itself is the thread's body)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="posts")
    body = models.TextField(_("body"), max_length=20000)
    body_html = models.TextField(editable=False)
    body_text = models.TextField(editable=False)
    kudos_count = models.PositiveIntegerField(default=0, editable=False)
    hidden_reason = models.CharField(
        _("hidden because"), max_length=20, choices=HiddenReason.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(fields=["thread", "created_at"], name="post_thread_created"),
            models.Index(fields=["author", "-created_at"], name="post_author_created"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(hidden_reason="pending_review"),
                name="post_pending_review",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        return url_for("post-detail", "pk", self.pk)

    @property
    def is_hidden(self) -> bool:
        return bool(self.hidden_reason)


class Kudos(models.Model):
    """One member's thanks for a question or an answer; withdrawing deletes it."""

    giver = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="kudos_given")
    # The author when the kudos was given, so reports need no join through the content.
    receiver = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="kudos_received")
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="kudos"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="kudos"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("kudos")
        verbose_name_plural = _("kudos")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(thread__isnull=False, post__isnull=True)
                    | models.Q(thread__isnull=True, post__isnull=False)
                ),
                name="kudos_on_thread_or_post",
            ),
            models.UniqueConstraint(
                fields=["giver", "thread"],
                condition=models.Q(thread__isnull=False),
                name="kudos_once_per_thread",
            ),
            models.UniqueConstraint(
                fields=["giver", "post"],
                condition=models.Q(post__isnull=False),
                name="kudos_once_per_post",
            ),
        ]
        indexes = [models.Index(fields=["receiver", "-created_at"], name="kudos_receiver")]

    def __str__(self) -> str:
        return f"kudos {self.pk} from {self.giver_id}"


class Revision(models.Model):
    """The state of a question or answer before and after one edit."""

    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    editor = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    title_before = models.CharField(max_length=150, blank=True)
    title_after = models.CharField(max_length=150, blank=True)
    body_before = models.TextField(blank=True)
    body_after = models.TextField(blank=True)
    tags_before = models.CharField(max_length=300, blank=True)
    tags_after = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(thread__isnull=False, post__isnull=True)
                    | models.Q(thread__isnull=True, post__isnull=False)
                ),
                name="revision_of_thread_or_post",
            ),
        ]

    def __str__(self) -> str:
        return f"revision {self.pk} by {self.editor_id}"


class Mention(models.Model):
    """An @username in a question or an answer, recorded once per member and place."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="mentions")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="mentions")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "thread"],
                condition=models.Q(post__isnull=True),
                name="mention_once_per_question",
            ),
            models.UniqueConstraint(
                fields=["member", "post"],
                condition=models.Q(post__isnull=False),
                name="mention_once_per_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.member_id} in {self.thread_id}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    return f"attachments/{timezone.now():%Y/%m}/{filename}"


class Attachment(models.Model):
    """An image a member uploaded to show in a question or answer."""

    uploader = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attachments")
    image = models.ImageField(
        upload_to=attachment_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.image.name or f"attachment {self.pk}"


# Models that live beside this module (500 lines each at most), imported here so they are
# community's models like the rest: bookmarks and follows, and announcements and drafts
# (packages of their own; one app label and one set of migrations).
from community.announcements import models as announcement_models  # noqa: E402, F401
from community.drafts import models as draft_models  # noqa: E402, F401
from community.follow_models import Bookmark, Follow, Subscription  # noqa: E402, F401
