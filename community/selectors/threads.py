"""Reads of boards, threads and answers, shaped for pages and the API."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils.translation import gettext as _

from community import extensions
from community.models import (
    REVIEW_REASONS,
    Board,
    Bookmark,
    Kudos,
    Member,
    Post,
    Revision,
    Subscription,
    Tag,
    Thread,
    publicly_solved,
    solution_hidden,
    with_public_status,
)
from community.permissions import Viewer, can_see_hidden, hidden_visible_to
from community.selectors.follows import with_viewer_follows
from community.selectors.members import members_prime_groups

THREAD_ORDERINGS = {
    "-last_activity_at": ("-last_activity_at", "-pk"),
    "-created_at": ("-created_at", "-pk"),
    "-kudos_count": ("-kudos_count", "-last_activity_at", "-pk"),
}
THREAD_STATUSES = ("open", "solved", "unanswered", "locked")

_authors = Prefetch("author__groups")


def board_list() -> QuerySet[Board]:
    return Board.objects.all()


def board_get(*, slug: str, viewer: Viewer | None = None) -> Board:
    """The board, or 404. With a `viewer`, ``viewer_follows`` says (in the same query)
    whether they follow it."""
    board = with_viewer_follows(Board.objects.filter(slug=slug), viewer, "board_id").first()
    if board is None:
        raise Http404(_("No such board."))
    return board


def board_get_for_input(*, slug: str) -> Board:
    """The board a member chose in a form or API call; a clear 400 if it doesn't exist."""
    board = Board.objects.filter(slug=slug).first()
    if board is None:
        raise ValidationError({"board": _("There is no board called “%(slug)s”.") % {"slug": slug}})
    return board


def board_chosen(*, slug: str) -> Board | None:
    """The board a link or a form sent back names, or None: nothing to refuse here (the form
    says what is wrong with its own field)."""
    return Board.objects.filter(slug=slug).first() if slug else None


def tag_list() -> QuerySet[Tag]:
    """Every tag, by name: the choices of the question form."""
    return Tag.objects.order_by("name")


def tag_get(*, slug: str, viewer: Viewer | None = None) -> Tag:
    """The tag, or 404; `viewer` as for board_get()."""
    tag = with_viewer_follows(Tag.objects.filter(slug=slug), viewer, "tag_id").first()
    if tag is None:
        raise Http404(_("No such tag."))
    return tag


def thread_list(
    *,
    board: Board | None = None,
    status: str | None = None,
    tag: Tag | None = None,
    author: Member | None = None,
    ordering: str = "-last_activity_at",
    with_own_pending: bool = False,
) -> QuerySet[Thread]:
    """Threads for a list page or the API: a fixed number of queries whatever the page size.

    ``with_own_pending``: the author's own list, which also shows their questions waiting
    for a moderator's review (or not approved), marked as such.
    """
    # Lists are public: hidden and held questions never appear in them.
    shown = Q(hidden_reason="")
    if author is not None and with_own_pending:
        shown |= Q(hidden_reason__in=REVIEW_REASONS)
    qs = with_public_status(
        Thread.objects.filter(shown)
        .select_related("board", "author", *extensions.thread_select_related())
        .prefetch_related("tags", _authors)
    )
    if board is not None:
        qs = qs.filter(board=board)
    if tag is not None:
        qs = qs.filter(tags=tag)
    if author is not None:
        qs = qs.filter(author=author)
    if status == "open":
        qs = qs.filter(Q(solution__isnull=True) | solution_hidden(), is_locked=False)
    elif status == "solved":
        qs = qs.filter(publicly_solved())
    elif status == "unanswered":
        qs = qs.filter(answer_count=0, is_locked=False)
    elif status == "locked":
        qs = qs.filter(is_locked=True)
    return qs.order_by(*THREAD_ORDERINGS.get(ordering, THREAD_ORDERINGS["-last_activity_at"]))


HOME_RECENT = 10
HOME_WAITING = 5


def thread_lists_for_home() -> tuple[list[Thread], list[Thread]]:
    """The home page's two lists, which never show a question twice.

    Waiting: the newest questions nobody has answered yet. Recent: the latest activity
    among the rest (answers, solutions, and older unanswered questions).
    """
    waiting = list(thread_list(status="unanswered", ordering="-created_at")[:HOME_WAITING])
    recent = list(thread_list().exclude(pk__in=[t.pk for t in waiting])[:HOME_RECENT])
    return recent, waiting


def thread_get_for_viewer(*, thread_id: int, viewer: Viewer) -> Thread:
    """The thread if the viewer may see it, else 404. Every thread is public today;
    moderation (hidden threads) narrows this in one place."""
    thread = (
        Thread.objects.select_related(
            "board", "author", "solution", *extensions.thread_select_related()
        )
        .prefetch_related("tags", _authors)
        .filter(pk=thread_id)
        .first()
    )
    return thread_visible_or_404(thread, viewer)


def thread_get_for_page(*, thread_id: int, viewer: Viewer) -> Thread:
    """thread_get_for_viewer() for the thread page, with what the viewer did in the same query.

    Sets ``viewer_gave_kudos``, ``viewer_follows`` and ``viewer_bookmarked`` on the thread
    (False for a visitor).
    The author's groups are left to answers_prime(), which fetches them with the answers'.
    """
    qs = Thread.objects.select_related(
        "board", "author", "solution", "duplicate_of", *extensions.thread_select_related()
    ).prefetch_related("tags")
    if viewer.is_authenticated:
        qs = qs.annotate(
            viewer_gave_kudos=Exists(
                Kudos.objects.filter(giver_id=viewer.pk, thread_id=OuterRef("pk"))
            ),
            viewer_follows=Exists(
                Subscription.objects.filter(member_id=viewer.pk, thread_id=OuterRef("pk"))
            ),
            viewer_bookmarked=Exists(
                Bookmark.objects.filter(member_id=viewer.pk, thread_id=OuterRef("pk"))
            ),
        )
    thread = thread_visible_or_404(qs.filter(pk=thread_id).first(), viewer)
    if not viewer.is_authenticated:
        # What the annotations give a member, for the templates' sake.
        setattr(thread, "viewer_gave_kudos", False)  # noqa: B010
        setattr(thread, "viewer_follows", False)  # noqa: B010
        setattr(thread, "viewer_bookmarked", False)  # noqa: B010
    return thread


def thread_visible_or_404(thread: Thread | None, viewer: Viewer) -> Thread:
    """The thread if the viewer may see it (hidden threads: their author and staff), else 404."""
    if thread is None or (
        thread.is_hidden and not can_see_hidden(viewer, thread.author_id, thread.hidden_reason)
    ):
        raise Http404(_("No such thread."))
    return thread


def post_get_for_viewer(*, post_id: int, viewer: Viewer) -> Post:
    post = Post.objects.select_related("thread", "author").filter(pk=post_id).first()
    if post is None or (
        post.is_hidden and not can_see_hidden(viewer, post.author_id, post.hidden_reason)
    ):
        raise Http404(_("No such answer."))
    thread_get_for_viewer(thread_id=post.thread_id, viewer=viewer)
    return post


def thread_answers(
    *, thread: Thread, viewer: Viewer | None = None, for_page: bool = False
) -> QuerySet[Post]:
    """The answers the viewer may see, the solution first, then oldest first.

    Hidden answers are left out, except for their author and for staff; without a viewer,
    what the public sees. ``for_page``: shaped for the thread page, which passes the rows to
    answers_prime(): each answer says whether the viewer gave it kudos (``viewer_gave_kudos``)
    and authors come without their groups (fetched once for the whole page).
    """
    visible = Post.objects.filter(thread=thread)
    if viewer is None or not viewer.is_authenticated:
        visible = visible.filter(hidden_reason="")
    else:
        visible = visible.filter(Q(hidden_reason="") | hidden_visible_to(viewer))
    if for_page:
        visible = visible.select_related("author")
        if viewer is not None and viewer.is_authenticated:
            visible = visible.annotate(
                viewer_gave_kudos=Exists(
                    Kudos.objects.filter(giver_id=viewer.pk, post_id=OuterRef("pk"))
                )
            )
        else:
            visible = visible.annotate(viewer_gave_kudos=Value(False))
    else:
        visible = visible.select_related("author", "thread").prefetch_related(_authors)
    return visible.annotate(
        solution_first=Case(
            When(pk=thread.solution_id or 0, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("solution_first", "created_at", "pk")


def answers_prime(*, thread: Thread, posts: list[Post]) -> dict[str, set[int]]:
    """Ready a page of answers (from thread_answers(for_page=True)) to render without queries.

    One instance per author, so a member who answers ten times has their role, rank and URL
    worked out once; everyone's groups (for the role badge) in one query; each answer's
    thread is the page's. Returns what the viewer gave kudos to, as viewer_kudos() does.
    """
    members = {thread.author_id: thread.author}
    for post in posts:
        members.setdefault(post.author_id, post.author)
    members_prime_groups(members.values())
    for post in posts:
        post.author = members[post.author_id]
        post.thread = thread
    given: dict[str, set[int]] = {
        "threads": {thread.pk} if getattr(thread, "viewer_gave_kudos", False) else set(),
        "posts": {post.pk for post in posts if getattr(post, "viewer_gave_kudos", False)},
    }
    return given


def viewer_kudos(*, viewer: Viewer, thread: Thread, posts: list[Post]) -> dict[str, set[int]]:
    """What the viewer has given kudos to on this page: {"threads": {...}, "posts": {...}}."""
    if not viewer.is_authenticated:
        return {"threads": set(), "posts": set()}
    rows = Kudos.objects.filter(giver_id=viewer.pk).filter(
        thread_id=thread.pk
    ) | Kudos.objects.filter(giver_id=viewer.pk, post_id__in=[p.pk for p in posts])
    given: dict[str, set[int]] = {"threads": set(), "posts": set()}
    for thread_id, post_id in rows.values_list("thread_id", "post_id"):
        if thread_id:
            given["threads"].add(thread_id)
        if post_id:
            given["posts"].add(post_id)
    return given


def viewer_follows(*, viewer: Viewer, thread: Thread) -> bool:
    return bool(
        viewer.is_authenticated
        and Subscription.objects.filter(member_id=viewer.pk, thread=thread).exists()
    )


def thread_revisions(*, thread: Thread, viewer: Viewer | None = None) -> QuerySet[Revision]:
    """The question's and its answers' edits the viewer may see, newest first.

    Edits of hidden answers stay out for others: their text may be the very data held back.
    """
    answers = Revision.objects.filter(post__thread=thread)
    if viewer is None or not viewer.is_authenticated:
        answers = answers.filter(post__hidden_reason="")
    else:
        answers = answers.filter(Q(post__hidden_reason="") | hidden_visible_to(viewer, "post__"))
    return (Revision.objects.filter(thread=thread) | answers).select_related("editor")


def member_stats(*, member: Member) -> dict[str, int]:
    """Counts for a profile: questions, answers, solutions, kudos received, as the public
    sees them (the tabs below list no hidden content either)."""
    public = Thread.objects.filter(hidden_reason="")
    return {
        "questions": public.filter(author=member).count(),
        "answers": Post.objects.filter(
            author=member, hidden_reason="", thread__hidden_reason=""
        ).count(),
        "solutions": public.filter(publicly_solved(), solution__author=member).count(),
        "kudos_received": Kudos.objects.filter(receiver=member).count(),
    }
