"""Gamification's part of `manage.py seed_scale`: the ledger a bulk-loaded community earned.

The community's rows go in without events, so nothing paid for them. This derives the
ledger rows the points rules (gamification.services.rules) would have written had each
question, answer, solution and kudos happened live at its recorded time, in the order of
those times: the same reasons, sources, points, boards, actors, links and notes, including
the fast-answer window, kudos from day-old accounts paying nothing and the daily cap on
points from kudos. Then the totals, ranks and leaderboard rows follow from the ledger, as
`gamification_rebuild` computes them. It expects a ledger with no rows for this content yet
(a fresh or wiped database).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community_services
from community.bulk import Loader
from community.models import Kudos, Member, Post, Thread
from gamification.models import (
    GamificationSettings,
    LeaderboardScore,
    LedgerEntry,
    MemberScore,
    Period,
    PointsRule,
    Rank,
    Reason,
    RuleKey,
)
from gamification.periods import period_start
from gamification.services.rebuild import leaderboard_expected_sql

CHUNK = 20000
LEDGER_COLUMNS = (
    "id", "member_id", "points", "reason", "source", "source_url", "board_id", "actor_id",
    "note", "created_at",
)  # fmt: skip


class _Days:
    """The community-time date of a moment, cached by quarter hour (every zone's offsets
    are whole quarter hours), and the period starts of a date."""

    def __init__(self) -> None:
        self.days: dict[int, date] = {}
        self.starts: dict[date, tuple[tuple[str, date], ...]] = {}

    def day(self, moment: datetime) -> date:
        key = int(moment.timestamp()) // 900
        found = self.days.get(key)
        if found is None:
            found = self.days[key] = timezone.localdate(moment)
        return found

    def period_starts(self, day: date) -> tuple[tuple[str, date], ...]:
        found = self.starts.get(day)
        if found is None:
            found = self.starts[day] = tuple((p, period_start(p, day)) for p in Period.values)
        return found


class LedgerBuilder:
    def __init__(self, loader: Loader) -> None:
        self.loader = loader
        self.points = {
            r.key: r.points for r in PointsRule.objects.filter(enabled=True).only("key", "points")
        }
        settings = GamificationSettings.current()
        self.settings = settings
        self.cap = settings.kudos_daily_cap
        self.window = timedelta(minutes=settings.fast_answer_minutes)
        self.young = timedelta(hours=settings.new_account_hours)
        self.days = _Days()
        self.totals: dict[int, int] = defaultdict(int)
        self.members_with_rows: set[int] = set()
        self.daily: dict[tuple[int, int | None, date], int] = defaultdict(int)
        self.next_id = loader.next_id(LedgerEntry)
        marker = 987654321
        self.post_url = reverse("post-detail", kwargs={"pk": marker}).split(str(marker))

    def _row(
        self,
        member_id: int,
        points: int,
        reason: str,
        source: str,
        url: str,
        board_id: int | None,
        actor_id: int | None,
        note: str,
        at: datetime,
    ) -> tuple[Any, ...]:
        self.members_with_rows.add(member_id)
        if points:
            self.totals[member_id] += points
            self.daily[(member_id, board_id, self.days.day(at))] += points
        pk = self.next_id
        self.next_id += 1
        return (pk, member_id, points, reason, source, url, board_id, actor_id, note, at)

    def _post_url(self, pk: int) -> str:
        return f"{self.post_url[0]}{pk}{self.post_url[1]}"

    # -- the rules, replayed ---------------------------------------------------------------

    def _threads(self) -> Iterator[tuple[Any, ...]]:
        """Questions asked (and, on the way, what later rows need to know of each thread)."""
        self.threads: dict[int, tuple[int, int, datetime, str]] = {}
        self.solved: list[tuple[int, int, datetime | None]] = []
        asked = self.points.get(RuleKey.QUESTION_ASKED)
        rows = Thread.objects.values_list(
            "pk", "author_id", "board_id", "created_at", "title", "solution_id", "solved_at"
        ).order_by("pk")
        for pk, author, board, created, title, solution, solved_at in rows.iterator(CHUNK):
            url = Thread(pk=pk, title=title).get_absolute_url()
            self.threads[pk] = (author, board, created, url)
            if solution is not None:
                self.solved.append((pk, solution, solved_at))
            if asked is not None:
                yield self._row(
                    author, asked, Reason.QUESTION_ASKED, f"thread:{pk}", url, board, author, "",
                    created,
                )  # fmt: skip

    def _posts(self) -> Iterator[tuple[Any, ...]]:
        """Answers posted, and the first answer within the window (rules.on_post_created)."""
        self.posts: dict[int, tuple[int, int, datetime]] = {}  # pk: author, thread, created
        answered = self.points.get(RuleKey.ANSWER_POSTED)
        fast = self.points.get(RuleKey.FAST_ANSWER)
        current, first_seen = 0, False
        rows = Post.objects.values_list("pk", "thread_id", "author_id", "created_at").order_by(
            "thread_id", "pk"
        )
        for pk, thread_id, author, created in rows.iterator(CHUNK):
            self.posts[pk] = (author, thread_id, created)
            if thread_id != current:
                current, first_seen = thread_id, False
            asker, board, asked_at, _url = self.threads[thread_id]
            if author == asker:
                continue  # answering your own question earns nothing
            url = self._post_url(pk)
            if answered is not None:
                yield self._row(
                    author, answered, Reason.ANSWER_POSTED, f"post:{pk}", url, board, author, "",
                    created,
                )  # fmt: skip
            is_first, first_seen = not first_seen, True
            if fast is not None and is_first and created - asked_at <= self.window:
                yield self._row(
                    author, fast, Reason.FAST_ANSWER, f"fast:{pk}", url, board, author, "",
                    created,
                )  # fmt: skip

    def _solutions(self) -> Iterator[tuple[Any, ...]]:
        """Accepted solutions, each accepted once by the asker (rules.on_solution_accepted)."""
        pays = [
            (rule, self.points.get(rule))
            for rule in (RuleKey.SOLUTION_ANSWERER, RuleKey.SOLUTION_ASKER)
        ]
        for thread_id, post_id, solved_at in self.solved:
            asker, board, _asked, _url = self.threads[thread_id]
            answerer, _thread, answered_at = self.posts[post_id]
            if answerer == asker:
                continue  # accepting your own answer earns nothing
            at = solved_at or answered_at
            url = self._post_url(post_id)
            for rule, points in pays:
                if points is None:
                    continue
                member = answerer if rule == RuleKey.SOLUTION_ANSWERER else asker
                yield self._row(
                    member, points, rule, f"solution:{post_id}#1", url, board, asker, "", at
                )

    def _kudos(self) -> Iterator[tuple[Any, ...]]:
        """Kudos in the order they were given, with the young-account rule and the daily cap
        (rules.on_kudos_given)."""
        joined = dict(Member.objects.values_list("pk", "date_joined").iterator(CHUNK))
        on_answer = self.points.get(RuleKey.KUDOS_ON_ANSWER)
        on_question = self.points.get(RuleKey.KUDOS_ON_QUESTION)
        young_note = _("Kudos from an account younger than a day pay no points.")
        cap_note = _("Daily limit of points from kudos reached.")
        self.capped_receivers: set[int] = set()  # score_lock made their totals' rows
        today: date | None = None
        earned: dict[int, int] = defaultdict(int)  # kudos points paid today, by receiver
        rows = Kudos.objects.values_list(
            "pk", "giver_id", "receiver_id", "thread_id", "post_id", "created_at"
        ).order_by("created_at", "pk")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '256MB'")  # sort in memory
        for pk, giver, receiver, thread_id, post_id, at in rows.iterator(CHUNK):
            if post_id is not None:
                rule, points = Reason.KUDOS_ON_ANSWER, on_answer
                board = self.threads[self.posts[post_id][1]][1]
                url = self._post_url(post_id)
            elif thread_id is not None:
                rule, points = Reason.KUDOS_ON_QUESTION, on_question
                _asker, board, _asked, url = self.threads[thread_id]
            else:
                continue
            if points is None or receiver == giver:
                continue
            note = ""
            if at - joined[giver] < self.young:
                points, note = 0, young_note
            else:
                self.capped_receivers.add(receiver)
                day = self.days.day(at)
                if day != today:
                    today, earned = day, defaultdict(int)
                allowed = max(0, self.cap - earned[receiver])
                if points > allowed:
                    points, note = allowed, cap_note
                earned[receiver] += points
            yield self._row(receiver, points, rule, f"kudos:{pk}", url, board, giver, note, at)

    # -- what the ledger adds up to --------------------------------------------------------

    def _scores_write(self) -> None:
        ranks = list(Rank.objects.order_by("-min_points"))
        members = sorted(self.members_with_rows | self.capped_receivers)
        by_rank: dict[tuple[str, int], list[int]] = defaultdict(list)
        rows = []
        for member_id in members:
            points = self.totals.get(member_id, 0)
            rank = next((r for r in ranks if r.min_points <= max(points, 0)), None)
            rows.append((member_id, points, rank.pk if rank else None))
            if rank is not None:
                by_rank[(rank.name, rank.level)].append(member_id)
        self.loader.begin("totals and ranks", len(rows))
        self.loader.write(MemberScore, ("member_id", "points", "rank_id"), rows)
        community_services.member_ranks_set_many(members_by_rank=dict(by_rank))

    def _leaderboards_write(self) -> None:
        self.loader.begin("leaderboards", None)
        boards: dict[tuple[int, str, date, int | None], int] = defaultdict(int)
        starts = self.days.period_starts
        for (member_id, board_id, day), points in self.daily.items():
            for period, start in starts(day):
                boards[(member_id, period, start, None)] += points
                if board_id is not None:
                    boards[(member_id, period, start, board_id)] += points
        self.daily.clear()
        base = self.loader.next_id(LeaderboardScore)
        self.loader.write(
            LeaderboardScore,
            ("id", "member_id", "period", "start", "board_id", "points"),
            (
                (base + n, member_id, period, start, board_id, points)
                for n, ((member_id, period, start, board_id), points) in enumerate(
                    (key, points) for key, points in boards.items() if points
                )
            ),
        )

    def build(self) -> None:
        self.loader.begin("points for questions", Thread.objects.count())
        self.loader.write(LedgerEntry, LEDGER_COLUMNS, self._threads())
        self.loader.begin("points for answers", Post.objects.count())
        self.loader.write(LedgerEntry, LEDGER_COLUMNS, self._posts())
        self.loader.begin("points for solutions", len(self.solved))
        self.loader.write(LedgerEntry, LEDGER_COLUMNS, self._solutions())
        self.loader.begin("points for kudos", Kudos.objects.count())
        self.loader.write(LedgerEntry, LEDGER_COLUMNS, self._kudos())
        self._scores_write()
        self._leaderboards_write()


class SqlLedgerBuilder:
    """The same rules as LedgerBuilder, as INSERT ... SELECT statements run by PostgreSQL:
    at millions of rows the database derives them far faster than rows sent back and forth.
    tests/community/test_seed_scale.py replays the rules live against whichever runs."""

    def __init__(self, loader: Loader) -> None:
        self.loader = loader
        self.points = {
            r.key: r.points for r in PointsRule.objects.filter(enabled=True).only("key", "points")
        }
        settings = GamificationSettings.current()
        marker, slug_marker = 987654321, "zz-slug-zz"
        post = reverse("post-detail", kwargs={"pk": marker}).split(str(marker))
        thread = reverse("thread-detail", kwargs={"pk": marker, "slug": slug_marker})
        before, after = thread.split(str(marker))
        middle, end = after.split(slug_marker)
        self.params: dict[str, Any] = {
            "post_url_0": post[0],
            "post_url_1": post[1],
            "thread_url_0": before,
            "thread_url_1": middle,
            "thread_url_2": end,
            "window": timedelta(minutes=settings.fast_answer_minutes),
            "young": timedelta(hours=settings.new_account_hours),
            "cap": settings.kudos_daily_cap,
            "tz": timezone.get_current_timezone_name(),
            "young_note": _("Kudos from an account younger than a day pay no points."),
            "cap_note": _("Daily limit of points from kudos reached."),
        }
        for key in RuleKey.values:
            self.params[key] = self.points.get(key)

    def _insert(self, label: str, select: str) -> None:
        self.loader.begin(label)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO gamification_ledgerentry (member_id, points, reason, source, "
                "source_url, board_id, actor_id, note, created_at) " + select,
                self.params,
            )
            self.loader.advance(cursor.rowcount)
            self.loader.rows_written["gamification_ledgerentry"] = (
                self.loader.rows_written.get("gamification_ledgerentry", 0) + cursor.rowcount
            )

    def _slugs(self) -> None:
        """Thread addresses carry the slug of the title, which Django computes: a table of
        the distinct titles' slugs for the statements to join."""
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS seed_scale_slug")  # a second run, same transaction
            cursor.execute(
                "CREATE TEMPORARY TABLE seed_scale_slug (title text PRIMARY KEY, slug text) "
                "ON COMMIT DROP"
            )
            cursor.execute("SELECT DISTINCT title FROM community_thread")
            titles = [title for (title,) in cursor.fetchall()]
        marker = 987654321
        slugs = []
        for title in titles:
            url = Thread(pk=marker, title=title).get_absolute_url()
            slugs.append((title, url.rstrip("/").rsplit("/", 1)[1]))
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO seed_scale_slug VALUES (%s, %s)", slugs)

    def build(self) -> None:
        self._slugs()
        p = self.params
        post_url = "%(post_url_0)s || p.id || %(post_url_1)s"
        thread_url = "%(thread_url_0)s || t.id || %(thread_url_1)s || s.slug || %(thread_url_2)s"
        if p[RuleKey.QUESTION_ASKED] is not None:
            self._insert(
                "points for questions",
                f"""SELECT t.author_id, %(question_asked)s, 'question_asked', 'thread:' || t.id,
                           {thread_url}, t.board_id, t.author_id, '', t.created_at
                    FROM community_thread t JOIN seed_scale_slug s ON s.title = t.title""",  # noqa: S608 - constants only
            )
        if p[RuleKey.ANSWER_POSTED] is not None:
            self._insert(
                "points for answers",
                f"""SELECT p.author_id, %(answer_posted)s, 'answer_posted', 'post:' || p.id,
                           {post_url}, t.board_id, p.author_id, '', p.created_at
                    FROM community_post p JOIN community_thread t ON t.id = p.thread_id
                    WHERE p.author_id <> t.author_id""",  # noqa: S608 - constants only
            )
        if p[RuleKey.FAST_ANSWER] is not None:
            self._insert(
                "points for fast answers",
                f"""SELECT p.author_id, %(fast_answer)s, 'fast_answer', 'fast:' || p.id,
                           {post_url}, p.board_id, p.author_id, '', p.created_at
                    FROM (
                        SELECT DISTINCT ON (p.thread_id) p.id, p.author_id, p.created_at,
                               t.board_id, t.created_at AS asked_at
                        FROM community_post p JOIN community_thread t ON t.id = p.thread_id
                        WHERE p.author_id <> t.author_id
                        ORDER BY p.thread_id, p.id
                    ) p
                    WHERE p.created_at - p.asked_at <= %(window)s""",  # noqa: S608 - constants only
            )
        for rule, member in (
            (RuleKey.SOLUTION_ANSWERER, "p.author_id"),
            (RuleKey.SOLUTION_ASKER, "t.author_id"),
        ):
            if p[rule] is None:
                continue
            self._insert(
                f"points for solutions ({rule})",
                f"""SELECT {member}, %({rule})s, '{rule}', 'solution:' || p.id || '#1',
                           {post_url}, t.board_id, t.author_id, '',
                           COALESCE(t.solved_at, p.created_at)
                    FROM community_thread t JOIN community_post p ON p.id = t.solution_id
                    WHERE p.author_id <> t.author_id""",  # noqa: S608 - constants only
            )
        enabled = [
            condition
            for rule, condition in (
                (RuleKey.KUDOS_ON_ANSWER, "k.post_id IS NOT NULL"),
                (RuleKey.KUDOS_ON_QUESTION, "k.post_id IS NULL AND k.thread_id IS NOT NULL"),
            )
            if p[rule] is not None
        ]
        if enabled:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '512MB'")
            self._insert(
                "points for kudos",
                f"""SELECT receiver_id, paid, reason, 'kudos:' || id, url, board_id, giver_id,
                           CASE WHEN young THEN %(young_note)s
                                WHEN paid < want THEN %(cap_note)s ELSE '' END,
                           created_at
                    FROM (
                        SELECT *, CASE WHEN young THEN 0
                                       ELSE LEAST(%(cap)s, upto) - LEAST(%(cap)s, upto - want)
                                  END AS paid
                        FROM (
                            SELECT *, SUM(want) OVER (
                                PARTITION BY receiver_id, (created_at AT TIME ZONE %(tz)s)::date
                                ORDER BY created_at, id ROWS UNBOUNDED PRECEDING
                            ) AS upto
                            FROM (
                                SELECT k.id, k.giver_id, k.receiver_id, k.created_at,
                                    k.created_at - g.date_joined < %(young)s AS young,
                                    CASE WHEN k.created_at - g.date_joined < %(young)s THEN 0
                                         WHEN k.post_id IS NOT NULL THEN %(kudos_on_answer)s
                                         ELSE %(kudos_on_question)s END AS want,
                                    CASE WHEN k.post_id IS NOT NULL THEN 'kudos_on_answer'
                                         ELSE 'kudos_on_question' END AS reason,
                                    CASE WHEN k.post_id IS NOT NULL THEN {post_url}
                                         ELSE {thread_url} END AS url,
                                    COALESCE(pt.board_id, t.board_id) AS board_id
                                FROM community_kudos k
                                JOIN community_member g ON g.id = k.giver_id
                                LEFT JOIN community_post p ON p.id = k.post_id
                                LEFT JOIN community_thread pt ON pt.id = p.thread_id
                                LEFT JOIN community_thread t ON t.id = k.thread_id
                                LEFT JOIN seed_scale_slug s ON s.title = t.title
                                WHERE k.giver_id <> k.receiver_id AND ({" OR ".join(enabled)})
                            ) k
                        ) k
                    ) k""",  # noqa: S608 - constants only
            )
        self.loader.begin("totals and ranks")
        with connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO gamification_memberscore (member_id, points, rank_id)
                   SELECT member_id, total, (
                       SELECT r.id FROM gamification_rank r
                       WHERE r.min_points <= GREATEST(total, 0)
                       ORDER BY r.min_points DESC LIMIT 1)
                   FROM (SELECT member_id, SUM(points) AS total
                         FROM gamification_ledgerentry GROUP BY member_id) totals"""
            )
            cursor.execute(
                """SELECT r.name, r.level, s.member_id FROM gamification_memberscore s
                   JOIN gamification_rank r ON r.id = s.rank_id"""
            )
            by_rank: dict[tuple[str, int], list[int]] = defaultdict(list)
            for name, level, member_id in cursor.fetchall():
                by_rank[(name, level)].append(member_id)
        community_services.member_ranks_set_many(members_by_rank=dict(by_rank))
        self.loader.begin("leaderboards")
        expected, params = leaderboard_expected_sql()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""WITH {expected}
                    INSERT INTO gamification_leaderboardscore
                        (member_id, period, start, board_id, points)
                    SELECT member_id, period, start, NULLIF(board, 0), points
                    FROM expected WHERE points <> 0""",  # noqa: S608 - constants only
                params,
            )


def scale_points_build(loader: Loader) -> None:
    """Write the ledger, totals, ranks and leaderboards the bulk-loaded content earned."""
    if loader.is_postgresql:
        SqlLedgerBuilder(loader).build()
    else:
        LedgerBuilder(loader).build()


def scale_points_models() -> tuple[type[Any], ...]:
    return (LedgerEntry, MemberScore, LeaderboardScore)
