"""The community's JSON shapes for API v1 (docs/api.md, "Community").

Output serializers only read what the selectors have already loaded (`tags.all()`, the
authors' prefetched groups), so a page of fifty costs what a page of five does. Input
serializers check types and sizes, nothing more: every rule about content (lengths of titles
and bodies, how many tags, who may do what) lives in community.services, which raise the
errors the API returns.

Help texts document the schema for developers and stay in English; what members read (the
error messages) comes translated from DRF and the services.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community import extensions
from community.models import Board, HiddenReason, Member, Post, Thread, ThreadStatus
from community.selectors import THREAD_ORDERINGS, THREAD_STATUSES
from config.formatting import rank_label

# Big enough for any real slug or username, small enough that an error message echoing the
# value stays short.
NAME_MAX = 100
# The largest id the database can hold; a bigger number is a 400, never a database error.
ID_MAX = 2**63 - 1


class StrictCharField(serializers.CharField):
    """A CharField that takes only JSON strings: `{"body": 12345}` is a 400, not "12345".

    Its message is DRF's own "Not a valid string.", which DRF translates.
    """

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# ---------------------------------------------------------------------------- members


class RankSerializer(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField()
    # DRF takes declared fields out of the class, so this never shadows Field.label.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The rank's name in the language of the request (Accept-Language)."
    )
    level = serializers.IntegerField()


class MemberSummarySerializer(serializers.ModelSerializer[Member]):
    """A person wherever one appears."""

    display_name = serializers.CharField(
        source="name",
        read_only=True,
        help_text="The name to show: the display name, or the username if there is none.",
    )
    avatar_url = serializers.SerializerMethodField(
        help_text="Absolute path of the large avatar, or null if the member has none."
    )
    rank = serializers.SerializerMethodField(
        help_text="The member's rank; null for a member who has earned none yet."
    )
    is_staff = serializers.SerializerMethodField(
        help_text="True for agents, moderators and administrators."
    )
    url = serializers.CharField(
        source="get_absolute_url",
        read_only=True,
        help_text="The member's profile page; empty for a deleted member, who has none.",
    )
    is_deleted = serializers.BooleanField(
        read_only=True,
        help_text="True for a member who deleted their account (display_name reads "
        "“Deleted member”).",
    )

    class Meta:
        model = Member
        fields = ["username", "display_name", "avatar_url", "rank", "is_staff", "url", "is_deleted"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_avatar_url(self, member: Member) -> str | None:
        return member.avatar_large.url if member.avatar_large else None

    @extend_schema_field(RankSerializer(allow_null=True))
    def get_rank(self, member: Member) -> dict[str, Any] | None:
        # Gamification keeps the rank on the member (community may not import it).
        if not member.rank_name:
            return None
        return {
            "name": member.rank_name,
            "label": rank_label(member.rank_name),
            "level": member.rank_level,
        }

    @extend_schema_field(serializers.BooleanField())
    def get_is_staff(self, member: Member) -> bool:
        # is_moderator and is_agent read the prefetched groups: no query per member.
        return member.is_staff or member.is_moderator or member.is_agent


# ---------------------------------------------------------------------------- boards


class BoardSerializer(serializers.ModelSerializer[Board]):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Board
        fields = ["id", "slug", "name", "description", "thread_count", "url"]
        read_only_fields = fields


# ---------------------------------------------------------------------------- threads


class ThreadSerializer(serializers.ModelSerializer[Thread]):
    board = serializers.CharField(source="board.slug", read_only=True)
    author = MemberSummarySerializer(read_only=True)
    tags = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=ThreadStatus.choices, read_only=True)
    solution = serializers.IntegerField(
        source="solution_id",
        allow_null=True,
        read_only=True,
        help_text="The id of the accepted answer, or null.",
    )
    escalated = serializers.BooleanField(source="is_escalated", read_only=True)
    pending_review = serializers.SerializerMethodField(
        help_text="A new member's question waiting for a moderator: only its author and "
        "moderators see it."
    )
    duplicate_of = serializers.IntegerField(
        source="duplicate_of_id",
        allow_null=True,
        read_only=True,
        help_text="Closed as a duplicate of this question (its id), or null.",
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Thread
        fields = [
            "id",
            "board",
            "title",
            "body",
            "body_html",
            "author",
            "tags",
            "status",
            "answer_count",
            "kudos_count",
            "view_count",
            "solution",
            "escalated",
            "pending_review",
            "duplicate_of",
            "created_at",
            "last_activity_at",
            "edited_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_pending_review(self, thread: Thread) -> bool:
        return thread.hidden_reason == HiddenReason.PENDING_REVIEW

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        # What other apps add (support's `known_issue`), through community.extensions.
        for extra in extensions.thread_api_fields:
            fields[extra.name] = extra.field()
        return fields

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_tags(self, thread: Thread) -> list[str]:
        # .all() so the selectors' prefetch serves every thread of a page.
        return [tag.slug for tag in thread.tags.all()]


class ThreadViewerSerializer(serializers.Serializer[dict[str, bool]]):
    """What the member asking may do with the thread; all false for anonymous visitors."""

    kudos_given = serializers.BooleanField()
    following = serializers.BooleanField()
    can_edit = serializers.BooleanField()
    can_retag = serializers.BooleanField()
    can_delete = serializers.BooleanField()
    can_accept_solution = serializers.BooleanField()
    can_lock = serializers.BooleanField(help_text="Lock and unlock; also reopen a duplicate.")
    can_close_duplicate = serializers.BooleanField()


class ThreadDetailSerializer(ThreadSerializer):
    """One thread, with the viewer's state; the view puts `viewer` in the context."""

    viewer = serializers.SerializerMethodField()

    class Meta(ThreadSerializer.Meta):
        fields = [*ThreadSerializer.Meta.fields, "viewer"]
        read_only_fields = fields

    @extend_schema_field(ThreadViewerSerializer())
    def get_viewer(self, thread: Thread) -> dict[str, bool]:
        return dict(self.context["viewer"])


class ThreadFilterSerializer(serializers.Serializer[dict[str, Any]]):
    """The query string of GET /threads/. An empty value means "no filter"."""

    board = serializers.CharField(
        required=False, allow_blank=True, max_length=NAME_MAX, help_text="A board's slug."
    )
    status = serializers.ChoiceField(
        choices=THREAD_STATUSES,
        required=False,
        allow_blank=True,
        help_text="open, solved, unanswered (no answers yet) or locked.",
    )
    tag = serializers.CharField(
        required=False, allow_blank=True, max_length=NAME_MAX, help_text="A tag's slug."
    )
    author = serializers.CharField(
        required=False, allow_blank=True, max_length=NAME_MAX, help_text="A username."
    )
    ordering = serializers.ChoiceField(
        choices=list(THREAD_ORDERINGS),
        required=False,
        allow_blank=True,
        help_text="Newest activity first unless told otherwise.",
    )


class ThreadCreateSerializer(serializers.Serializer[dict[str, Any]]):
    board = StrictCharField(max_length=NAME_MAX, help_text="The board's slug.")
    title = StrictCharField(allow_blank=True, trim_whitespace=False)
    body = StrictCharField(allow_blank=True, trim_whitespace=False, help_text="Markdown source.")
    tags = serializers.ListField(
        child=StrictCharField(max_length=NAME_MAX),
        required=False,
        help_text="Tag slugs, at most five.",
    )


class ThreadUpdateSerializer(serializers.Serializer[dict[str, Any]]):
    title = StrictCharField(required=False, allow_blank=True, trim_whitespace=False)
    body = StrictCharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="Markdown source."
    )
    tags = serializers.ListField(
        child=StrictCharField(max_length=NAME_MAX),
        required=False,
        help_text="Tag slugs, at most five; replaces the thread's tags.",
    )


class SolutionSerializer(serializers.Serializer[dict[str, int]]):
    post = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, help_text="The id of the answer that solved it."
    )


class KudosStateSerializer(serializers.Serializer[dict[str, Any]]):
    given = serializers.BooleanField()
    kudos_count = serializers.IntegerField()


class SubscriptionStateSerializer(serializers.Serializer[dict[str, bool]]):
    following = serializers.BooleanField()


class BookmarkStateSerializer(serializers.Serializer[dict[str, bool]]):
    bookmarked = serializers.BooleanField()


class BookmarkedThreadSerializer(ThreadSerializer):
    """A thread in the member's bookmarks, with when they saved it."""

    bookmarked_at = serializers.DateTimeField(read_only=True)

    class Meta(ThreadSerializer.Meta):
        fields = [*ThreadSerializer.Meta.fields, "bookmarked_at"]
        read_only_fields = fields


# ---------------------------------------------------------------------------- posts


class PostViewerSerializer(serializers.Serializer[dict[str, bool]]):
    """What the member asking may do with the answer; all false for anonymous visitors."""

    kudos_given = serializers.BooleanField()
    can_edit = serializers.BooleanField()
    can_delete = serializers.BooleanField()


class PostSerializer(serializers.ModelSerializer[Post]):
    """An answer. The view puts `solution_id` (the thread's) and `viewer` (by post id) in
    the context, so a page of answers needs no query per answer."""

    thread = serializers.IntegerField(source="thread_id", read_only=True)
    author = MemberSummarySerializer(read_only=True)
    is_solution = serializers.SerializerMethodField()
    pending_review = serializers.SerializerMethodField(
        help_text="A new member's answer waiting for a moderator: only its author and "
        "moderators see it."
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    viewer = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "id",
            "thread",
            "author",
            "body",
            "body_html",
            "kudos_count",
            "is_solution",
            "created_at",
            "edited_at",
            "pending_review",
            "url",
            "viewer",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_pending_review(self, post: Post) -> bool:
        return post.hidden_reason == HiddenReason.PENDING_REVIEW

    @extend_schema_field(serializers.BooleanField())
    def get_is_solution(self, post: Post) -> bool:
        return bool(post.pk == self.context["solution_id"])

    @extend_schema_field(PostViewerSerializer())
    def get_viewer(self, post: Post) -> dict[str, bool]:
        return dict(self.context["viewer"][post.pk])


class PostWriteSerializer(serializers.Serializer[dict[str, str]]):
    body = StrictCharField(allow_blank=True, trim_whitespace=False, help_text="Markdown source.")


# ---------------------------------------------------------------------------- finding


class SimilarQuerySerializer(serializers.Serializer[dict[str, str]]):
    title = serializers.CharField(
        max_length=150, allow_blank=True, help_text="The title being typed."
    )


class SimilarSolutionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="The accepted answer's id.")
    body_html = serializers.CharField(help_text="The accepted answer, rendered and sanitized.")
    author = MemberSummarySerializer()


class SimilarThreadSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=ThreadStatus.choices)
    url = serializers.CharField()
    score = serializers.FloatField()
    solution = SimilarSolutionSerializer(
        allow_null=True,
        help_text="For a solved question, its accepted answer in full (so the member may not "
        "need to ask: see POST /deflections/); null otherwise.",
    )


SEARCH_QUERY_MAX = 200
SEARCH_PAGE_MAX = 100


class SearchQuerySerializer(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(max_length=SEARCH_QUERY_MAX, help_text="The words to find.")
    page = serializers.IntegerField(required=False, min_value=1, max_value=SEARCH_PAGE_MAX)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=50)


class SearchHitSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=[("thread", "thread"), ("post", "post")])
    id = serializers.IntegerField()
    thread_id = serializers.IntegerField()
    title = serializers.CharField()
    snippet = serializers.CharField(
        help_text="HTML-escaped text around the hits, each hit inside <mark>."
    )
    status = serializers.ChoiceField(choices=ThreadStatus.choices)
    url = serializers.CharField()
    score = serializers.FloatField()


class SearchPageSerializer(serializers.Serializer[Any]):
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = SearchHitSerializer(many=True)


class DetailSerializer(serializers.Serializer[Any]):
    """The body of every error that is not about particular fields."""

    detail = serializers.CharField()
