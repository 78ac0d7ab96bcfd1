"""The community drawn in memory: who joined when, who asks, answers, solves and thanks.

Times are epoch seconds; nothing here writes but the boards and tags (a handful of rows the
titles are drawn from). Every draw comes from one seeded random generator, in a fixed order.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from community.bulk import Loader
from community.demo import DEMO_BOARDS, DEMO_TAGS, DEMO_THREADS
from community.models import Board, Member, Post, Tag, Thread
from community.scale.vocabulary import (
    ANSWER_BODIES,
    BENCH_ANSWER_COUNTS,
    BOARD_TAGS,
    BOARD_WEIGHTS,
    DAY,
    FIRST_NAMES,
    HOUR,
    LAST_NAMES,
    QUALIFIERS,
    QUESTION_BODIES,
    Sizes,
)


@dataclass
class ScaleSummary:
    sizes: Sizes
    seed: int
    bench_threads: dict[str, dict[str, Any]] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)
    busiest_answer_counts: list[int] = field(default_factory=list)
    solved_threads: int = 0


class Drawing:
    """The community in memory (times as epoch seconds); Community writes it."""

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
