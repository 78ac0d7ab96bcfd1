"""The demo community loaded by `manage.py seed_demo`. Every step is idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

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


DEMO_MEMBERS = [
    DemoMember("chiara", "Chiara Rossi", "customer", "New here, usually on the Gold plan."),
    DemoMember("priya", "Priya Shah", "customer", "Commuter, heavy data user."),
    DemoMember("tom", "Tom Baker", "customer", "Leeds. Mostly here when something breaks."),
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
                # Established members, not brand-new ones held to first-day posting limits.
                "date_joined": timezone.now() - timedelta(days=400),
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


DEMO_BOARDS = [
    ("billing", "Billing & Top-ups", "Bills, payments, top-ups, refunds and plans.", 1),
    ("network", "Network & Coverage", "Signal, data speeds, outages and Wi-Fi calling.", 2),
    ("phones", "Phones & Devices", "Setting up and fixing your phone, tablet or watch.", 3),
    ("sim-esim", "SIM & eSIM", "Ordering, activating and swapping SIMs and eSIMs.", 4),
    ("roaming", "Roaming & Travel", "Using your phone abroad.", 5),
]
DEMO_TAGS = [
    ("esim", "eSIM"),
    ("iphone", "iPhone"),
    ("android", "Android"),
    ("top-up", "Top-up"),
    ("refund", "Refund"),
    ("5g", "5G"),
    ("wifi-calling", "Wi-Fi calling"),
    ("eu-roaming", "EU roaming"),
]


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
    # demo_history_moments); a number: recent, asked that many hours before the seeding.
    hours_ago: int | None
    answers: tuple[DemoAnswer, ...] = ()
    kudos_from: tuple[str, ...] = ()


DEMO_THREADS = [
    DemoThread(
        "sim-esim",
        "chiara",
        "My eSIM won't activate on a new iPhone",
        "I scanned the QR code from my activation email but the phone says *No Service*. "
        "I've restarted it twice. What am I missing?",
        ("esim", "iphone"),
        None,
        (
            DemoAnswer(
                "hannah",
                "Check **Settings → Mobile Data → Mobile Data Network** and make sure the APN is "
                "set. Then toggle Airplane mode on and off. If it still says No Service, the "
                "eSIM profile may not be fully downloaded: remove it and scan the code again "
                "on Wi-Fi.",
                ("chiara", "priya", "tom"),
                solution=True,
            ),
            DemoAnswer(
                "luca", "Also make sure your iPhone isn't carrier-locked to another network."
            ),
        ),
        ("priya",),
    ),
    DemoThread(
        "billing",
        "priya",
        "Charged twice for the same top-up",
        "I topped up £10 yesterday and my bank shows two payments of £10. The app shows one "
        "top-up. How do I get the second one back?",
        ("top-up", "refund"),
        None,
        (
            DemoAnswer(
                "sofia",
                "The second payment is usually a *pending authorisation* that drops off within "
                "3-5 working days. If it's still there after 5 days, press **Ask an agent** on "
                "this thread so staff can check the payment.",
                ("priya",),
                solution=True,
            ),
        ),
    ),
    DemoThread(
        "network",
        "tom",
        "No 5G in central Leeds since Monday",
        "My phone used to show 5G around the station and now it's 4G only. Is there work going on?",
        ("5g",),
        6,
        (
            DemoAnswer(
                "luca",
                "Same here near the station. Check the status page; some masts are being "
                "upgraded this week.",
                ("tom",),
            ),
        ),
    ),
    DemoThread(
        "phones",
        "chiara",
        "How do I turn on Wi-Fi calling on Android?",
        "My flat has terrible signal indoors. I've heard Wi-Fi calling fixes that. Where is the "
        "setting on a Pixel?",
        ("android", "wifi-calling"),
        20,
        (
            DemoAnswer(
                "hannah",
                "On a Pixel: **Settings → Network & internet → SIMs → Wi-Fi calling**. Turn it on "
                "and make sure your emergency address is filled in.",
                ("chiara",),
                solution=True,
            ),
        ),
    ),
    DemoThread(
        "roaming",
        "priya",
        "Does my plan include roaming in Spain?",
        "Going to Barcelona for a week. Will my data work there at no extra cost?",
        ("eu-roaming",),
        3,
    ),
    DemoThread(
        "billing",
        "tom",
        "Can I change my plan in the middle of the month?",
        "I'm using much more data than I expected. Can I move to a bigger plan now, or do I "
        "have to wait for my renewal date?",
        (),
        1,
    ),
]


# Older, solved questions: the history that made the helpers helpers. (title, board, tags)
DEMO_HISTORY = [
    ("How do I check how much data I have left?", "billing", ("top-up",)),
    ("Top-up made but my balance didn't change", "billing", ("top-up",)),
    ("Can I get a refund for an unused add-on?", "billing", ("refund",)),
    ("Why was I charged for calls to an 0800 number?", "billing", ()),
    ("Auto top-up keeps failing with my new card", "billing", ("top-up",)),
    ("Calls drop every time I walk into my kitchen", "network", ("wifi-calling",)),
    ("Mobile data stops working after midnight", "network", ()),
    ("5G icon shows but speeds are really slow", "network", ("5g",)),
    ("No signal at all after a software update", "network", ("android",)),
    ("Texts arrive hours late on my iPhone", "phones", ("iphone",)),
    ("Voicemail won't set up on my Android phone", "phones", ("android",)),
    ("Personal hotspot option disappeared", "phones", ("iphone",)),
    ("How do I move my eSIM to a new phone?", "sim-esim", ("esim",)),
    ("New SIM says 'SIM not provisioned'", "sim-esim", ()),
    ("Keeping my old number when I switch to you", "sim-esim", ()),
    ("Ordered a replacement SIM, when does it arrive?", "sim-esim", ()),
    ("Data roaming in France not connecting", "roaming", ("eu-roaming",)),
    ("Do calls to the UK from Spain cost extra?", "roaming", ("eu-roaming",)),
    ("My watch eSIM stopped syncing calls", "phones", ("esim",)),
    ("Charged roaming fees in Switzerland", "roaming", ()),
    ("Can I pause my plan while I'm abroad for a month?", "billing", ()),
    ("Wi-Fi calling greyed out in settings", "phones", ("wifi-calling",)),
]
DEMO_HISTORY_HELPERS = ["hannah", "hannah", "sofia", "hannah", "luca", "hannah", "sofia", "hannah"]
DEMO_HISTORY_ASKERS = ["chiara", "priya", "tom"]


def demo_history_spec(position: int, title: str, board: str, tags: tuple[str, ...]) -> DemoThread:
    helper = DEMO_HISTORY_HELPERS[position % len(DEMO_HISTORY_HELPERS)]
    asker = DEMO_HISTORY_ASKERS[position % len(DEMO_HISTORY_ASKERS)]
    thankers = tuple(
        name
        for name in ("chiara", "priya", "tom", "luca", "sofia", "hannah")
        if name not in {helper, asker}
    )[: 2 + position % 3]
    return DemoThread(
        board,
        asker,
        title,
        "It started this week and I've tried restarting. Has anyone else seen this, and how "
        "did you fix it?",
        tags,
        None,
        (
            DemoAnswer(
                helper,
                "This usually comes down to the settings after an update. Go through them in "
                "order, restart once more, and tell us what you see if it's still happening.",
                (asker, *thankers),
                solution=True,
            ),
        ),
    )


def demo_history_specs() -> list[DemoThread]:
    """The history, oldest first: the solved questions, then the two most recent of them."""
    history = [demo_history_spec(i, *item) for i, item in enumerate(DEMO_HISTORY)]
    older = [spec for spec in DEMO_THREADS if spec.hours_ago is None]
    return [*reversed(history), *older]


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
    """Boards, tags, and a handful of real-looking questions with answers, kudos and solutions.

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
    history = demo_history_specs()
    moments = demo_history_moments(len(history), timezone.localdate(now))
    dated = list(zip(history, moments, strict=True))
    for spec in DEMO_THREADS:
        if spec.hours_ago is not None:
            dated.append((spec, now - timedelta(hours=spec.hours_ago)))
    for spec, asked_at in sorted(dated, key=lambda item: item[1]):
        if not Thread.objects.filter(title=spec.title).exists():
            demo_thread_create(spec, asked_at=asked_at)


def demo_thread_create(spec: DemoThread, *, asked_at: datetime) -> Thread:
    members = {m.username: m for m in Member.objects.all()}
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
        Kudos.objects.filter(pk=kudos.pk).update(created_at=asked_at + timedelta(minutes=5))
    last = asked_at
    for position, answer in enumerate(spec.answers, start=1):
        post = services.post_create(
            author=members[answer.author], thread=thread, body=answer.body, check_limits=False
        )
        last = asked_at + timedelta(minutes=25 * position)
        Post.objects.filter(pk=post.pk).update(created_at=last)
        for giver in answer.kudos_from:
            kudos, _created = services.kudos_give(giver=members[giver], post=post)
            Kudos.objects.filter(pk=kudos.pk).update(created_at=last + timedelta(minutes=10))
        if answer.solution:
            services.solution_accept(thread=thread, post=post, actor=members[spec.author])
            Thread.objects.filter(pk=thread.pk).update(solved_at=last + timedelta(minutes=15))
    # Spread the demo over the past days, as a real community's questions would be.
    first_answer = asked_at + timedelta(minutes=25) if spec.answers else None
    Thread.objects.filter(pk=thread.pk).update(
        created_at=asked_at, last_activity_at=last, first_answer_at=first_answer
    )
    thread.refresh_from_db()
    for hook in extensions.demo_thread_dated_hooks:
        hook(thread)
    return thread
