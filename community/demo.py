"""The demo community loaded by `manage.py seed_demo`. Every step is idempotent."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from community import extensions, services
from community.models import (
    AGENTS_GROUP,
    MODERATORS_GROUP,
    Board,
    Kudos,
    Member,
    Post,
    Tag,
    Thread,
)

DEMO_PASSWORD = "mutua-demo"  # noqa: S105 - published on purpose: demo logins only


@dataclass(frozen=True)
class DemoMember:
    username: str
    display_name: str
    role: str
    bio: str
    group: str | None = None
    superuser: bool = False
    # Joined a couple of hours before the demo was loaded: a new member, whose first answer
    # waits in the moderators' review queue (demo_review_ensure).
    joined_today: bool = False


DEMO_MEMBERS = [
    DemoMember("chiara", "Chiara Rossi", "customer", "New here, usually on the Gold plan."),
    DemoMember("priya", "Priya Shah", "customer", "Commuter, heavy data user."),
    DemoMember("tom", "Tom Baker", "customer", "Leeds. Mostly here when something breaks."),
    DemoMember("nadia", "Nadia Haddad", "customer", "Just switched networks.", joined_today=True),
    DemoMember("luca", "Luca Ferrari", "helper", "Network nerd. Ask me about coverage."),
    DemoMember("sofia", "Sofia Costa", "helper", "Billing questions are my thing."),
    DemoMember("hannah", "Hannah Okafor", "helper", "Phones, eSIMs and roaming. Happy to help!"),
    DemoMember("agnes", "Agnes Moreau", "agent", "Support agent.", group=AGENTS_GROUP),
    DemoMember(
        "marco", "Marco Bianchi", "moderator", "Community moderator.", group=MODERATORS_GROUP
    ),
    DemoMember("admin", "Mutua Admin", "admin", "Runs the place.", superuser=True),
]


def demo_member_ensure(spec: DemoMember) -> Member:
    """Create the demo member once, with a confirmed email address; later runs change nothing."""
    with transaction.atomic():
        member, created = Member.objects.get_or_create(
            username=spec.username,
            defaults={
                "display_name": spec.display_name,
                "bio": spec.bio,
                "email": f"{spec.username}@demo.mutua.localhost",
                "is_staff": spec.superuser or spec.group is not None,
                "is_superuser": spec.superuser,
                # Established members, not brand-new ones held to first-day posting limits
                # (but for the one new member the demo shows).
                "date_joined": timezone.now()
                - (timedelta(hours=2) if spec.joined_today else timedelta(days=400)),
            },
        )
        if created:
            member.set_password(DEMO_PASSWORD)
            member.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=member,
            email=member.email,
            defaults={"verified": True, "primary": True},
        )
        if spec.group:
            member.groups.add(Group.objects.get(name=spec.group))
    return member


# The content (boards, tags, questions, answers, kudos, solutions) is data: demo_content.toml.
DEMO_CONTENT = Path(__file__).with_name("demo_content.toml")


@dataclass(frozen=True)
class DemoAnswer:
    author: str
    body: str
    kudos_from: tuple[str, ...] = ()
    solution: bool = False


@dataclass(frozen=True)
class DemoThread:
    board: str
    author: str
    title: str
    body: str
    tags: tuple[str, ...]
    # None: part of the history, dated into the demo's history window (see
    # demo_history_moments); a number: recent, asked that many minutes before the seeding.
    minutes_ago: int | None
    answers: tuple[DemoAnswer, ...] = ()
    kudos_from: tuple[str, ...] = ()
    # The title of the question this one repeats: the moderator closes it as a duplicate.
    duplicate_of: str | None = None

    @property
    def is_recent(self) -> bool:
        return self.minutes_ago is not None


def _text(value: str) -> str:
    """A TOML block as Markdown: its line breaks are the file's wrapping, not paragraphs."""
    return "\n\n".join(
        " ".join(line.strip() for line in paragraph.splitlines() if line.strip())
        for paragraph in value.strip().split("\n\n")
    )


def demo_content_load(
    path: Path = DEMO_CONTENT,
) -> tuple[list[tuple[str, str, str, int]], list[tuple[str, str]], list[DemoThread]]:
    """The boards (slug, name, description, position), tags (slug, name) and questions."""
    with path.open("rb") as file:
        data = tomllib.load(file)
    boards = [
        (board["slug"], board["name"], board["description"], position)
        for position, board in enumerate(data["boards"], start=1)
    ]
    tags = [(tag["slug"], tag["name"]) for tag in data["tags"]]
    threads = [
        DemoThread(
            board=item["board"],
            author=item["author"],
            title=item["title"],
            body=_text(item["body"]),
            tags=tuple(item.get("tags", ())),
            minutes_ago=item.get("minutes_ago"),
            answers=tuple(
                DemoAnswer(
                    author=answer["author"],
                    body=_text(answer["body"]),
                    kudos_from=tuple(answer.get("kudos", ())),
                    solution=answer.get("solution", False),
                )
                for answer in item.get("answers", ())
            ),
            kudos_from=tuple(item.get("kudos", ())),
            duplicate_of=item.get("duplicate_of"),
        )
        for item in data["threads"]
    ]
    return boards, tags, threads


DEMO_BOARDS, DEMO_TAGS, DEMO_THREADS = demo_content_load()


# The history keeps a week clear of either end of its window, so that a question, its
# answers, kudos and solution (the same afternoon) all fall inside it.
HISTORY_MARGIN = timedelta(days=7)


def demo_history_moments(count: int, today: date) -> list[datetime]:
    """`count` moments spread evenly over the history window, oldest first.

    Daytime hours (9:00-19:00 local): they exist on every day, including the days the
    clocks change, and the evening's answers stay on the same local day.
    """
    first, last = extensions.demo_history_window_for(today)
    if (last - first) > 2 * HISTORY_MARGIN:
        first, last = first + HISTORY_MARGIN, last - HISTORY_MARGIN
    span = (last - first).days
    return [
        timezone.make_aware(
            datetime.combine(
                first + timedelta(days=span * i // max(count - 1, 1)),
                time(hour=9 + (5 * i) % 11),
            )
        )
        for i in range(count)
    ]


def demo_content_ensure() -> None:
    """Boards, tags, and real-looking questions with answers, kudos and solutions, and a new
    member's first answer waiting for review.

    The dates follow today, whatever it is: the history falls in its window (the last closed
    payback period, with gamification) and the recent questions in the hours before now.
    Questions are written oldest first, as a community would have written them.
    """
    for slug, name, description, position in DEMO_BOARDS:
        Board.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    for slug, name in DEMO_TAGS:
        Tag.objects.get_or_create(slug=slug, defaults={"name": name})
    now = timezone.now()
    history = [spec for spec in DEMO_THREADS if not spec.is_recent]
    moments = demo_history_moments(len(history), timezone.localdate(now))
    dated = list(zip(history, moments, strict=True))
    for spec in DEMO_THREADS:
        if spec.minutes_ago is not None:
            dated.append((spec, now - timedelta(minutes=spec.minutes_ago)))
    existing = set(Thread.objects.values_list("title", flat=True))
    for spec, asked_at in sorted(dated, key=lambda item: item[1]):
        if spec.title not in existing:
            demo_thread_create(spec, asked_at=asked_at, now=now)
    demo_review_ensure()
    demo_duplicates_ensure()


DEMO_DUPLICATE_CLOSER = "marco"


def demo_duplicates_ensure() -> None:
    """The questions that repeat another, closed as its duplicates by the demo moderator."""
    closer = Member.objects.get(username=DEMO_DUPLICATE_CLOSER)
    for spec in DEMO_THREADS:
        if spec.duplicate_of is None:
            continue
        thread = Thread.objects.filter(title=spec.title, duplicate_of=None).first()
        original = Thread.objects.filter(title=spec.duplicate_of).first()
        if thread is not None and original is not None:
            services.thread_close_duplicate(thread=thread, original=original, actor=closer)


# Answers come this long after the question and after each other, kudos a little after the
# answer, the solution a little after the last answer; a recent question's replies are
# squeezed into the time since it was asked.
ANSWER_GAP = timedelta(minutes=25)
KUDOS_AFTER = timedelta(minutes=10)
SOLVED_AFTER = timedelta(minutes=15)


def demo_views(spec: DemoThread) -> int:
    """How many times a question was read: more for an older, answered, thanked question
    (a recent one has had a visitor every few minutes), and far from the 1,000 views of
    the popular-question badge."""
    kudos = len(spec.kudos_from) + sum(len(answer.kudos_from) for answer in spec.answers)
    views = 40 + 35 * kudos + 20 * len(spec.answers) + len(spec.body) % 17
    if spec.minutes_ago is not None:
        views = min(views, 1 + spec.minutes_ago // 6)
    return views


def demo_thread_create(spec: DemoThread, *, asked_at: datetime, now: datetime) -> Thread:
    members = {m.username: m for m in Member.objects.all()}
    # Everything about a question happens before now: a question asked 8 minutes ago has
    # its answers, kudos and solution inside those 8 minutes.
    steps = len(spec.answers) + 2
    gap = min(ANSWER_GAP, (now - asked_at) / steps)
    thread = services.thread_create(
        author=members[spec.author],
        board=Board.objects.get(slug=spec.board),
        title=spec.title,
        body=spec.body,
        tags=spec.tags,
        check_limits=False,
    )
    for giver in spec.kudos_from:
        kudos, _created = services.kudos_give(giver=members[giver], thread=thread)
        Kudos.objects.filter(pk=kudos.pk).update(created_at=asked_at + gap * 0.2)
    last = asked_at
    for position, answer in enumerate(spec.answers, start=1):
        post = services.post_create(
            author=members[answer.author], thread=thread, body=answer.body, check_limits=False
        )
        last = asked_at + gap * position
        Post.objects.filter(pk=post.pk).update(created_at=last)
        for giver in answer.kudos_from:
            kudos, _created = services.kudos_give(giver=members[giver], post=post)
            Kudos.objects.filter(pk=kudos.pk).update(created_at=last + min(KUDOS_AFTER, gap * 0.4))
        if answer.solution:
            services.solution_accept(thread=thread, post=post, actor=members[spec.author])
    if any(answer.solution for answer in spec.answers):
        solved_at = last + min(SOLVED_AFTER, gap * 0.6)
        Thread.objects.filter(pk=thread.pk).update(solved_at=solved_at)
    # Spread the demo over the past days, as a real community's questions would be.
    first_answer = asked_at + gap if spec.answers else None
    Thread.objects.filter(pk=thread.pk).update(
        created_at=asked_at,
        last_activity_at=last,
        first_answer_at=first_answer,
        view_count=demo_views(spec),
    )
    thread.refresh_from_db()
    for hook in extensions.demo_thread_dated_hooks:
        hook(thread)
    return thread


# A new member's first answer, waiting for a moderator (marco) in the review queue: only
# nadia and the staff see it; the question still reads unanswered to everyone else.
DEMO_REVIEW_QUESTION = "Does my plan include roaming in Spain?"
DEMO_REVIEW_ANSWER = (
    "I was in Madrid last month on the same plan and my data just worked, at no extra cost. "
    "Check that data roaming is switched on in your phone's settings before you fly."
)


def demo_review_ensure() -> None:
    """Nadia's first answer, held for review (once: she answers nothing else)."""
    newcomer = Member.objects.filter(username="nadia").first()
    thread = Thread.objects.filter(title=DEMO_REVIEW_QUESTION).first()
    if newcomer is None or thread is None or Post.objects.filter(author=newcomer).exists():
        return
    services.post_create(
        author=newcomer,
        thread=thread,
        body=DEMO_REVIEW_ANSWER,
        check_limits=False,
        hold_for_review=True,
    )


# What a few demo members keep an eye on: questions they saved to come back to.
DEMO_BOOKMARKS = {
    "chiara": (
        "How do I move my eSIM to a new phone?",
        "Data roaming in France not connecting",
        "How does payback work, and when do I get paid?",
    ),
    "priya": ("Mobile data stops working after midnight", "Wi-Fi calling greyed out in settings"),
    "luca": ("No signal in Manchester city centre",),
}


# And what they follow: a board, a tag or a member whose new questions they hear of.
DEMO_FOLLOWS = {
    "chiara": {"board": "sim-esim", "tag": "esim"},
    "priya": {"board": "roaming", "member": "tom"},
    "luca": {"board": "network"},
    "hannah": {"tag": "iphone", "member": "chiara"},
    "sofia": {"board": "billing", "tag": "top-up"},
}


def demo_follows_ensure() -> None:
    """Bookmarks and follows of the demo members (added if missing on every seeding, like
    every other demo row). The demo's questions are older than the follows: what they bring
    is the news of the questions asked in the demo from then on."""
    _demo_follows()
    members = {m.username: m for m in Member.objects.filter(username__in=DEMO_BOOKMARKS)}
    threads = {t.title: t for t in Thread.objects.filter(title__in=_bookmarked_titles())}
    for username, titles in DEMO_BOOKMARKS.items():
        for title in titles:
            if username in members and title in threads:
                services.bookmark_create(member=members[username], thread=threads[title])


def _bookmarked_titles() -> set[str]:
    return {title for titles in DEMO_BOOKMARKS.values() for title in titles}


def _demo_follows() -> None:
    members = {m.username: m for m in Member.objects.all()}
    for username, places in DEMO_FOLLOWS.items():
        follower = members.get(username)
        if follower is None:
            continue
        board = Board.objects.filter(slug=places.get("board", "")).first()
        tag = Tag.objects.filter(slug=places.get("tag", "")).first()
        author = members.get(places.get("member", ""))
        for place in ({"board": board}, {"tag": tag}, {"author": author}):
            if next(iter(place.values())) is not None:
                services.follow_create(member=follower, **place)
