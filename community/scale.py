"""A large, realistic community for benchmarks: the community's part of `manage.py seed_scale`.

Members joined over the last year; a few of them do most of the helping (a Pareto spread),
so ranks come out like a real community's: most newcomers, few legends. Questions have a
long tail of answers (most 0-5, some about 20, a few hundreds), a share of them solved, and
kudos go mostly to solutions and early answers. Everything is drawn from one seeded random
generator, so the same sizes and seed give the same community.

The rows go in through community.bulk (COPY on PostgreSQL) with every counter the services
would have kept already in them; bodies are a few distinct Markdown texts rendered once
with the project's renderer and reused.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community.bulk import Loader
from community.demo import DEMO_BOARDS, DEMO_TAGS, DEMO_THREADS
from community.markdown import render_markdown
from community.models import (
    RESERVED_THREAD_SLUGS,
    Board,
    Kudos,
    Member,
    Post,
    Subscription,
    Tag,
    Thread,
)

SCALE_PASSWORD = "mutua-scale"  # noqa: S105 - published on purpose: benchmark logins only
DAY = 86400
HOUR = 3600

# The two threads a benchmark reads: a typical busy question and an outage-sized one.
BENCH_ANSWER_COUNTS = (20, 200)


@dataclass(frozen=True)
class Sizes:
    members: int
    threads: int
    posts: int
    kudos: int


PRESETS = {
    "tiny": Sizes(members=60, threads=80, posts=400, kudos=900),
    "small": Sizes(members=2_000, threads=4_000, posts=20_000, kudos=60_000),
    "medium": Sizes(members=20_000, threads=40_000, posts=200_000, kudos=1_000_000),
    "full": Sizes(members=100_000, threads=200_000, posts=1_000_000, kudos=5_000_000),
}

FIRST_NAMES = tuple(
    [
        "Hannah",
        "Luca",
        "Sofia",
        "Chiara",
        "Priya",
        "Tom",
        "Amara",
        "Ben",
        "Chloe",
        "Dev",
        "Ella",
        "Finn",
        "Grace",
        "Harry",
        "Isla",
        "Jack",
        "Kai",
        "Leah",
        "Mia",
        "Noah",
        "Olivia",
        "Omar",
        "Ruby",
        "Sam",
        "Tariq",
        "Uma",
        "Vik",
        "Will",
        "Yara",
        "Zoe",
        "Aisha",
        "Ravi",
        "Nina",
        "Marco",
        "Elena",
        "Jonas",
        "Freya",
        "Leo",
        "Maya",
        "Theo",
    ]
)
LAST_NAMES = tuple(
    [
        "Okafor",
        "Ferrari",
        "Costa",
        "Rossi",
        "Shah",
        "Baker",
        "Smith",
        "Jones",
        "Patel",
        "Khan",
        "Murphy",
        "Evans",
        "Walsh",
        "Price",
        "Hughes",
        "Lloyd",
        "Kelly",
        "Novak",
        "Silva",
        "Moreau",
        "Brown",
        "Taylor",
        "Wilson",
        "Clarke",
        "Wright",
        "Hall",
        "Green",
        "Adams",
        "Bell",
        "Reid",
    ]
)

BOARD_WEIGHTS = {
    "billing": 30,
    "network": 26,
    "phones": 20,
    "sim-esim": 14,
    "roaming": 10,
    "community": 4,
}
BOARD_TAGS = {
    "billing": ("top-up", "refund"),
    "network": ("5g", "wifi-calling", "android", "iphone"),
    "phones": ("iphone", "android", "wifi-calling", "esim"),
    "sim-esim": ("esim", "iphone", "android", "porting"),
    "roaming": ("eu-roaming", "top-up"),
    "community": ("payback",),
}
QUALIFIERS = (
    "",
    " since the update",
    " (iPhone 15)",
    " on a Pixel 8",
    " after switching plans",
    " - anyone else?",
    " in Manchester",
    " since this morning",
    " on Pay As You Go",
    " for the second time",
    " with a new SIM",
    " after a factory reset",
)

QUESTION_BODIES = (
    "It started this week and I've tried restarting. Has anyone else seen this, and how did "
    "you fix it?",
    "I've been a customer for two years and this never happened before.\n\n"
    "- restarted the phone\n- toggled airplane mode\n- checked the *status page*\n\n"
    "Nothing helped. Any ideas?",
    "Quick question: is this expected, or should I **ask an agent**? I don't want to be "
    "charged twice.",
    "Since Monday I get *No Service* for a few minutes every hour. My partner's phone on the "
    "same plan is fine. Same postcode, same room.",
    "I followed the steps in the help centre:\n\n1. Settings\n2. Mobile data\n3. Reset\n\n"
    "and it still doesn't work. What am I missing?",
    "My bill shows an extra £4.99 I don't recognise. The app says `Add-on: Data Boost` but I "
    "never bought one.",
    "Is there a way to do this from the app instead of calling? I'm abroad and calls are "
    "expensive.",
    "The order page says *dispatched* but it's been a week. How long does it usually take?",
)
ANSWER_BODIES = (
    "Same here, it started yesterday for me too.",
    "Try turning it off and on again, then give it ten minutes. Worked for me.",
    "Check **Settings → Mobile Data → Mobile Data Network** and make sure the APN is set. "
    "Then toggle Airplane mode on and off.",
    "This is usually a *pending authorisation* that drops off within 3-5 working days. If "
    "it's still there after that, press **Ask an agent** on this thread.",
    "Thanks, that fixed it!",
    "There's planned work on the masts in a few areas this week; the status page lists them. "
    "It should be back by Friday.",
    "You can do it from the app: **Account → Plan → Change plan**. The new allowance starts "
    "straight away and you pay the difference.",
    "Did you try removing the eSIM profile and scanning the code again on Wi-Fi? The profile "
    "sometimes only half downloads.",
    "I had exactly this. In the end it was the phone's carrier lock, not the SIM: ask the "
    "shop you bought it from for an unlock code.",
    "A long answer, for everyone who finds this later.\n\n"
    + "\n\n".join(
        f"## Step {n}\n\nOpen **Settings**, then *Network & internet*, and check the option "
        f"called `Preferred network type`. If it says 3G only, change it to 5G/4G/3G (auto) "
        f"and restart. Step {n} matters because the phone keeps the old setting after an "
        f"update, and the network then hands you to a slower layer.\n\n"
        f"- keep Wi-Fi calling on while you test\n- note the time it drops\n"
        f"- tell us your postcode area (not the full postcode)"
        for n in range(1, 11)
    ),
)


@dataclass(frozen=True)
class RenderedBody:
    body: str
    html: str
    text: str


def _rendered(bodies: tuple[str, ...]) -> list[RenderedBody]:
    out = []
    for body in bodies:
        rendered = render_markdown(body)
        out.append(RenderedBody(body, rendered.html, rendered.text))
    return out


def thread_url_path(pk: int, title: str) -> str:
    """The thread's address without a database round trip (Thread.get_absolute_url)."""
    return Thread(pk=pk, title=title).get_absolute_url()


def title_slug(title: str) -> str:
    slug = slugify(title)[:80].strip("-") or "thread"
    return f"{slug}-thread" if slug in RESERVED_THREAD_SLUGS else slug


_EXPONENTIAL = [-math.log1p(-(i + 0.5) / 65536) for i in range(65536)]  # mean 1


def _dt(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


@dataclass
class ScaleSummary:
    sizes: Sizes
    seed: int
    bench_threads: dict[str, dict[str, Any]] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)
    busiest_answer_counts: list[int] = field(default_factory=list)
    solved_threads: int = 0


class Community:
    """Draws the community in memory (times as epoch seconds), then writes it."""

    def __init__(self, *, sizes: Sizes, seed: int, loader: Loader) -> None:
        if sizes.members < 2:
            raise ValueError(_("A community needs at least two members."))
        if sizes.threads < 1:
            raise ValueError(_("A community needs at least one question."))
        self.sizes = sizes
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, reproducible by seed
        self.loader = loader
        self.summary = ScaleSummary(sizes=sizes, seed=seed)
        self.now = int(timezone.now().timestamp())
        self.start = self.now - 365 * DAY

    # -- members ---------------------------------------------------------------------------

    def _members_draw(self) -> None:
        rng, n = self.rng, self.sizes.members
        # Joined over the year (the first on its first day), never in the last two hours so
        # that everything they do fits before now.
        latest = self.now - 2 * HOUR
        joined = sorted(
            self.start + int(rng.random() ** 0.85 * (latest - self.start)) for _ in range(n)
        )
        joined[0] = self.start
        self.joined = joined
        # Helping is Pareto-distributed: a few members do most of it, and the longer someone
        # has been around the more they help. Asking and thanking are spread more evenly.
        help_w, ask_w, give_w = [], [], []
        for i in range(n):
            tenure = 1.0 + 2.0 * (1.0 - i / n)
            help_w.append(rng.paretovariate(1.16) ** 1.6 * tenure)
            ask_w.append(rng.paretovariate(3.0))
            give_w.append(rng.paretovariate(2.0) * tenure)
        self.help_cw = list(itertools.accumulate(help_w))
        self.ask_cw = list(itertools.accumulate(ask_w))
        self.give_cw = list(itertools.accumulate(give_w))
        self.member_base = self.loader.next_id(Member)

    def _pick(self, cumulative: list[float], at: int) -> int:
        """A member who had joined by `at`, by weight."""
        k = bisect.bisect_right(self.joined, at)
        r = self.rng.random() * cumulative[k - 1]
        return min(bisect.bisect_right(cumulative, r, 0, k), k - 1)

    def username(self, i: int) -> str:
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        last = LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]
        return f"{first.lower()}.{last.lower()}{i + 1}"

    def _members_write(self) -> None:
        n, base = self.sizes.members, self.member_base
        password = make_password(SCALE_PASSWORD)
        columns = (
            "id", "password", "is_superuser", "first_name", "last_name", "email", "is_staff",
            "is_active", "date_joined", "username", "display_name", "bio", "avatar_small",
            "avatar_large", "rank_name", "rank_level",
        )  # fmt: skip

        def rows() -> Iterator[tuple[Any, ...]]:
            for i in range(n):
                name = self.username(i)
                first = FIRST_NAMES[i % len(FIRST_NAMES)]
                last = LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]
                display = f"{first} {last}" if i % 3 else ""
                yield (
                    base + i, password, False, "", "", f"{name}@scale.mutua.localhost", False,
                    True, _dt(self.joined[i]), name, display, "", "", "", "", 0,
                )  # fmt: skip

        self.loader.begin("members", n)
        self.loader.write(Member, columns, rows())
        # Mandatory email verification: every member can sign in.
        email_base = self.loader.next_id(EmailAddress)
        self.loader.begin("email addresses", n)
        self.loader.write(
            EmailAddress,
            ("id", "user_id", "email", "verified", "primary"),
            (
                (email_base + i, base + i, f"{self.username(i)}@scale.mutua.localhost", True, True)
                for i in range(n)
            ),
        )

    # -- boards, tags, questions -----------------------------------------------------------

    def _boards_and_tags(self) -> None:
        self.boards = {}
        for slug, name, description, position in DEMO_BOARDS:
            self.boards[slug] = Board.objects.create(
                slug=slug, name=name, description=description, position=position
            )
        self.tags = {slug: Tag.objects.create(slug=slug, name=name) for slug, name in DEMO_TAGS}
        titles: dict[str, list[str]] = {slug: [] for slug in self.boards}
        for spec in DEMO_THREADS:
            titles[spec.board].append(spec.title.rstrip("?"))
        self.titles = {
            board: [f"{base}{q}"[:150] for base in bases for q in QUALIFIERS]
            for board, bases in titles.items()
        }

    def _threads_draw(self) -> None:
        rng, t_count = self.rng, self.sizes.threads
        first = self.start + DAY
        last = self.now - 3 * HOUR
        self.t_time = sorted(rng.randint(first, last) for _ in range(t_count))
        slugs = list(self.boards)
        weights = list(itertools.accumulate(BOARD_WEIGHTS.get(s, 10) for s in slugs))
        self.t_board = [
            bisect.bisect_right(weights, rng.random() * weights[-1]) for _ in range(t_count)
        ]
        self.t_board = [min(b, len(slugs) - 1) for b in self.t_board]
        self.board_slugs = slugs
        self.t_author = [self._pick(self.ask_cw, t) for t in self.t_time]
        self.t_title = [rng.randrange(len(self.titles[slugs[b]])) for b in self.t_board]
        self.t_body = [rng.randrange(len(QUESTION_BODIES)) for _ in range(t_count)]
        self.t_tags = []
        for b in self.t_board:
            choices = BOARD_TAGS.get(slugs[b], ())
            k = min(len(choices), (0, 1, 1, 1, 2, 2)[rng.randrange(6)])
            first = rng.randrange(len(choices)) if k else 0
            # k distinct tags of the board's: a run starting at a random one.
            self.t_tags.append([choices[(first + n) % len(choices)] for n in range(k)])
        self.thread_base = self.loader.next_id(Thread)

    def _answer_counts(self) -> list[int]:
        """How many answers each question gets: a long tail adding up to exactly `posts`."""
        rng, t_count, total = self.rng, self.sizes.threads, self.sizes.posts
        raw = []
        for _n in range(t_count):
            u = rng.random()
            if u < 0.15:
                raw.append(0)
            elif u < 0.985:
                raw.append(1 + int(rng.expovariate(1 / 2.6)))
            elif u < 0.9985:
                raw.append(rng.randint(12, 40))
            else:
                raw.append(rng.randint(150, 450))
        raw_sum = sum(raw) or 1
        counts = [int(c * total / raw_sum) for c in raw]
        answered = [j for j, c in enumerate(raw) if c] or list(range(t_count))
        # The benchmark's threads, with exactly these many answers, when the sizes allow.
        self.bench_threads: dict[int, int] = {}
        for want in BENCH_ANSWER_COUNTS:
            if total >= want * 3 and t_count >= 10:
                j = answered[len(answered) // 2 + len(self.bench_threads)]
                counts[j] = want
                self.bench_threads[j] = want
        adjustable = [j for j in answered if j not in self.bench_threads] or answered
        diff = total - sum(counts)
        while diff:
            j = adjustable[rng.randrange(len(adjustable))]
            if diff > 0:
                step = max(1, min(diff, diff // len(adjustable)))
                counts[j] += step
                diff -= step
            elif counts[j] > 0:
                step = min(-diff, counts[j], max(1, -diff // len(adjustable)))
                counts[j] -= step
                diff += step
        return counts

    def _posts_draw(self) -> None:
        rng = self.rng
        counts = self._answer_counts()
        posts: list[tuple[int, int, int, int]] = []  # (time, thread, author, body)
        body_n = len(ANSWER_BODIES)
        hi = self.now - 2 * HOUR
        for j, c in enumerate(counts):
            if not c:
                continue
            t0 = self.t_time[j]
            gap = 20 * 60 if c > 40 else 5 * HOUR  # crowds answer fast
            delays: list[int] = []
            d = (
                rng.randint(60, 15 * 60)
                if rng.random() < 0.3
                else int(rng.expovariate(1 / (3 * HOUR)))
            )
            for _n in range(c):
                d += 1 + int(rng.expovariate(1 / gap)) if delays else 1
                delays.append(d)
            if t0 + delays[-1] > hi:  # squeeze into the time left before now
                factor = (hi - t0) / (delays[-1] + 1)
                delays = [max(i + 1, int(x * factor)) for i, x in enumerate(delays)]
            asker = self.t_author[j]
            for n, delay in enumerate(delays):
                at = t0 + delay
                # Now and then a follow-up from the asker; otherwise a helper.
                follow_up = n and rng.random() < 0.08
                author = asker if follow_up else self._pick(self.help_cw, at)
                # Short answers are the most common; the long one (5 KB) is rare.
                body = min(int(rng.expovariate(1 / 2.5)), body_n - 2)
                if rng.random() < 0.01:
                    body = body_n - 1
                posts.append((at, j, author, body))
        posts.sort()
        self.posts = posts
        self.post_base = self.loader.next_id(Post)
        t_count = self.sizes.threads
        self.t_answers = [0] * t_count
        self.t_last = list(self.t_time)
        self.t_first_answer: list[int | None] = [None] * t_count
        self.t_others: list[list[int]] = [[] for _ in range(t_count)]  # post indexes
        for p, (at, j, author, _body) in enumerate(posts):
            self.t_answers[j] += 1
            self.t_last[j] = at
            if author != self.t_author[j]:
                if self.t_first_answer[j] is None:
                    self.t_first_answer[j] = at
                self.t_others[j].append(p)

    def _solutions_draw(self) -> None:
        rng = self.rng
        t_count = self.sizes.threads
        self.t_solution: list[int | None] = [None] * t_count
        self.t_solved_at: list[int | None] = [None] * t_count
        self.p_is_solution = set()
        hi = self.now - HOUR
        for j in range(t_count):
            others = self.t_others[j]
            if not others:
                continue
            age = (self.now - self.t_time[j]) / (365 * DAY)
            if rng.random() > 0.35 + 0.3 * age:
                continue
            p = others[min(int(rng.expovariate(1.2)), len(others) - 1, 2)]
            at = self.posts[p][0] + 60 + int(rng.expovariate(1 / (8 * HOUR)))
            at = min(at, max(hi, self.posts[p][0] + 1))
            self.t_solution[j] = p
            self.t_solved_at[j] = at
            self.p_is_solution.add(p)
        self.summary.solved_threads = len(self.p_is_solution)

    def _kudos_draw(self) -> None:
        """How many kudos each answer and question gets (who gives them is drawn on writing)."""
        rng, total = self.rng, self.sizes.kudos
        n_posts = len(self.posts)
        weights = []
        first_of_thread = {others[0] for others in self.t_others if others}
        for p, (_at, j, author, _body) in enumerate(self.posts):
            w = rng.lognormvariate(0, 1.0)
            if p in self.p_is_solution:
                w *= 5
            if p in first_of_thread:
                w *= 1.6
            if author == self.t_author[j]:
                w *= 0.2
            weights.append(w)
        for _j in range(self.sizes.threads):
            weights.append(0.35 * rng.lognormvariate(0, 1.0))
        # Shared out in proportion to the (already random) weights, by systematic sampling:
        # exactly `total`, without a weighted draw per kudos.
        counts = [0] * len(weights)
        scale = total / (sum(weights) or 1.0)
        running, taken = rng.random(), 0
        for t, w in enumerate(weights):
            running += w * scale
            upto = int(running)
            counts[t] = upto - taken
            taken = upto
        if counts:
            counts[-1] += total - taken  # floating-point leftovers
        # Nobody thanks twice or thanks themselves: a target takes at most members - 1.
        room = self.sizes.members - 1
        overflow = sum(max(0, c - room) for c in counts)
        if overflow:
            counts = [min(c, room) for c in counts]
            open_targets = [t for t, c in enumerate(counts) if c < room]
            if overflow > sum(room - counts[t] for t in open_targets):
                raise ValueError(_("More kudos than members can give: raise --members."))
            while overflow:
                t = open_targets[rng.randrange(len(open_targets))]
                if counts[t] < room:
                    counts[t] += 1
                    overflow -= 1
        self.p_kudos = counts[:n_posts]
        self.t_kudos = counts[n_posts:]

    # -- writing ---------------------------------------------------------------------------

    def _threads_write(self) -> None:
        slugs, base, mbase, pbase = (
            self.board_slugs,
            self.thread_base,
            self.member_base,
            self.post_base,
        )
        bodies = _rendered(QUESTION_BODIES)
        rng = self.rng
        columns = (
            "id", "board_id", "author_id", "title", "body", "body_html", "body_text",
            "solution_id", "answer_count", "kudos_count", "view_count", "is_locked",
            "is_escalated", "hidden_reason", "created_at", "last_activity_at", "edited_at",
            "first_answer_at", "solved_at",
        )  # fmt: skip

        def rows() -> Iterator[tuple[Any, ...]]:
            for j in range(self.sizes.threads):
                board = slugs[self.t_board[j]]
                body = bodies[self.t_body[j]]
                solution = self.t_solution[j]
                first = self.t_first_answer[j]
                solved = self.t_solved_at[j]
                views = self.t_answers[j] * 25 + int(rng.lognormvariate(3, 1))
                yield (
                    base + j, self.boards[board].pk, mbase + self.t_author[j],
                    self.titles[board][self.t_title[j]], body.body, body.html, body.text,
                    None if solution is None else pbase + solution, self.t_answers[j],
                    self.t_kudos[j], views, False, False, "", _dt(self.t_time[j]),
                    _dt(self.t_last[j]), None, None if first is None else _dt(first),
                    None if solved is None else _dt(solved),
                )  # fmt: skip

        self.loader.begin("questions", self.sizes.threads)
        self.loader.write(Thread, columns, rows())
        through = Thread.tags.through
        tag_base = self.loader.next_id(through)
        pairs = [
            (base + j, self.tags[slug].pk) for j, tags in enumerate(self.t_tags) for slug in tags
        ]
        self.loader.begin("question tags", len(pairs))
        self.loader.write(
            through,
            ("id", "thread_id", "tag_id"),
            ((tag_base + n, t, tag) for n, (t, tag) in enumerate(pairs)),
        )

    def _posts_write(self) -> None:
        bodies = _rendered(ANSWER_BODIES)
        base, tbase, mbase = self.post_base, self.thread_base, self.member_base
        columns = (
            "id", "thread_id", "author_id", "body", "body_html", "body_text", "kudos_count",
            "hidden_reason", "created_at", "edited_at",
        )  # fmt: skip

        def rows() -> Iterator[tuple[Any, ...]]:
            kudos = self.p_kudos
            for p, (at, j, author, b) in enumerate(self.posts):
                body = bodies[b]
                yield (
                    base + p, tbase + j, mbase + author, body.body, body.html, body.text,
                    kudos[p], "", _dt(at), None,
                )  # fmt: skip

        self.loader.begin("answers", len(self.posts))
        self.loader.write(Post, columns, rows())

    def _givers(self, count: int, author: int) -> list[int]:
        rng, n = self.rng, self.sizes.members
        if count * 2 > n:
            return rng.sample([m for m in range(n) if m != author], count)
        chosen: dict[int, None] = {}
        while len(chosen) < count:
            for g in rng.choices(range(n), cum_weights=self.give_cw, k=count - len(chosen) + 2):
                if g != author:
                    chosen.setdefault(g, None)
        return list(chosen)[:count]

    def _kudos_time(self, target_at: int, giver: int) -> int:
        rng = self.rng
        joined = self.joined[giver]
        # Five million of these: exponential delays from a table of its quantiles, which
        # is several times faster than random.expovariate and just as good for made-up data.
        bits = rng.getrandbits(32)
        at = max(
            target_at + 30 + int(_EXPONENTIAL[bits & 0xFFFF] * 10 * HOUR),
            joined + 60 + int(_EXPONENTIAL[bits >> 16] * 5 * DAY),
        )
        hi = self.now - 60
        if at > hi:
            lo = max(target_at, joined) + 1
            at = lo + int(rng.random() * max(0, hi - lo))
        return at

    def _kudos_write(self) -> None:
        base = self.loader.next_id(Kudos)
        pbase, tbase, mbase = self.post_base, self.thread_base, self.member_base

        def rows() -> Iterator[tuple[Any, ...]]:
            pk = base
            for p, count in enumerate(self.p_kudos):
                if not count:
                    continue
                at, _j, author, _b = self.posts[p]
                for giver in self._givers(count, author):
                    yield (pk, mbase + giver, mbase + author, None, pbase + p,
                           _dt(self._kudos_time(at, giver)))  # fmt: skip
                    pk += 1
            for j, count in enumerate(self.t_kudos):
                if not count:
                    continue
                author = self.t_author[j]
                for giver in self._givers(count, author):
                    yield (pk, mbase + giver, mbase + author, tbase + j, None,
                           _dt(self._kudos_time(self.t_time[j], giver)))  # fmt: skip
                    pk += 1

        self.loader.begin("kudos", self.sizes.kudos)
        self.loader.write(
            Kudos, ("id", "giver_id", "receiver_id", "thread_id", "post_id", "created_at"), rows()
        )

    def _subscriptions_write(self) -> None:
        """Askers and answerers follow their threads, as the services make them."""
        base = self.loader.next_id(Subscription)
        tbase, mbase = self.thread_base, self.member_base

        def rows() -> Iterator[tuple[Any, ...]]:
            seen: list[set[int]] = [{a} for a in self.t_author]
            pk = base
            for j, author in enumerate(self.t_author):
                yield (pk, mbase + author, tbase + j, _dt(self.t_time[j]))
                pk += 1
            for at, j, author, _b in self.posts:
                if author not in seen[j]:
                    seen[j].add(author)
                    yield (pk, mbase + author, tbase + j, _dt(at))
                    pk += 1

        self.loader.begin("follows", None)
        self.loader.write(Subscription, ("id", "member_id", "thread_id", "created_at"), rows())

    def _counters_write(self) -> None:
        """The boards' and tags' denormalized counts, as the services would have kept them."""
        for b, slug in enumerate(self.board_slugs):
            mine = [j for j in range(self.sizes.threads) if self.t_board[j] == b]
            Board.objects.filter(pk=self.boards[slug].pk).update(
                thread_count=len(mine),
                answer_count=sum(self.t_answers[j] for j in mine),
                solved_count=sum(1 for j in mine if self.t_solution[j] is not None),
                last_activity_at=_dt(max(self.t_last[j] for j in mine)) if mine else None,
            )
        for slug, tag in self.tags.items():
            tag.thread_count = sum(1 for tags in self.t_tags if slug in tags)
            tag.save(update_fields=["thread_count"])

    def _summary_fill(self) -> None:
        for j, want in self.bench_threads.items():
            pk = self.thread_base + j
            title = self.titles[self.board_slugs[self.t_board[j]]][self.t_title[j]]
            self.summary.bench_threads[f"answers_{want}"] = {
                "id": pk,
                "answers": want,
                "url": thread_url_path(pk, title),
            }
        self.summary.busiest_answer_counts = sorted(self.t_answers, reverse=True)[:5]
        n = self.sizes.members
        # The most helpful member, a middling one and the newest: logins for the benchmark.
        helper = max(range(n), key=lambda i: self.help_cw[i] - (self.help_cw[i - 1] if i else 0))
        self.summary.members = {
            "password": SCALE_PASSWORD,
            "top_helper": self.username(helper),
            "member": self.username(n // 2),
            "newest": self.username(n - 1),
        }

    def build(self) -> ScaleSummary:
        self.loader.begin("drawing the community", None)
        self._members_draw()
        self._boards_and_tags()
        self._threads_draw()
        self._posts_draw()
        self._solutions_draw()
        self._kudos_draw()
        self._members_write()
        self._threads_write()
        self._posts_write()
        self._kudos_write()
        self._subscriptions_write()
        self._counters_write()
        self._summary_fill()
        return self.summary


def scale_content_models() -> list[type[Any]]:
    """The tables the community's part loads in bulk (their indexes are built after)."""
    return [Member, EmailAddress, Thread, Thread.tags.through, Post, Kudos, Subscription]


def timedelta_text(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds)))
