"""The drawn community written through community.bulk, with the counters already in it."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from community.markdown import render_markdown
from community.models import Board, Kudos, Member, Post, Subscription, Thread
from community.scale.drawing import Drawing, ScaleSummary
from community.scale.vocabulary import (
    ANSWER_BODIES,
    DAY,
    FIRST_NAMES,
    HOUR,
    LAST_NAMES,
    QUESTION_BODIES,
    SCALE_PASSWORD,
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


_EXPONENTIAL = [-math.log1p(-(i + 0.5) / 65536) for i in range(65536)]  # mean 1


def _dt(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


class Community(Drawing):
    """Draws the community in memory, then writes it."""

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
