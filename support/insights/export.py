"""`GET /insights/export/?days=...&format=csv|json`: the voice of the customer, per local day
and per board, tag, case category and root cause, for spreadsheets and BI tools.

Each row is one local day and one `dimension` value (`key`, a slug), and only days and
values that had anything get a row:

- `all` (key ""): the whole community that day: the questions asked, how many are solved
  now, the cases opened, the satisfaction scores given, the NPS answers given, and every
  comment of those scores and answers.
- `board` and `tag`: the questions asked that day in the board or with the tag (a question
  with two tags counts under both), the cases opened that day about a question of the board
  or tag, and the satisfaction scores given that day about its solutions and cases, with
  their comments. NPS is about the brand, not a board or tag: null there.
- `category` and `root_cause` (key "" for cases not classified): the cases opened that day
  with the category or root cause; the satisfaction scores given that day about such cases
  (a case's score goes to its category and root cause as they are now); and the NPS
  answers given that day by members who had a case with that category or root cause opened
  in the period (a member with cases of two categories counts under both; members without
  a case in the period are only in `all`), with the comments of both. Questions and solved
  are null there: a question has no category.

Cases are counted in all and by category and root cause in every row (slugs; "" when not
set). Six queries whatever the period's size. CSV cells that a spreadsheet would run as a
formula (starting with =, +, -, @, a tab or a carriage return) are prefixed with a quote:
comments and names are free text.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from community.models import Tag, Thread
from support.cases.models import Case
from support.insights.selectors import Period
from support.insights.trending import counted_threads
from support.satisfaction.models import NpsResponse, Satisfaction
from support.satisfaction.selectors import Nps

DIMENSIONS = ("all", "board", "tag", "category", "root_cause")
CSV_COLUMNS = [
    "date",
    "board",
    "dimension",
    "key",
    "questions",
    "solved",
    "cases",
    "cases_by_category",
    "cases_by_root_cause",
    "csat_average",
    "csat_responses",
    "nps_score",
    "nps_promoters",
    "nps_passives",
    "nps_detractors",
    "nps_responses",
    "comments",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The dimensions a question belongs to; the others have no question counts.
QUESTION_DIMENSIONS = ("all", "board", "tag")
NPS_DIMENSIONS = ("all", "category", "root_cause")


@dataclass
class ExportRow:
    day: date
    dimension: str
    key: str  # the board's, tag's, category's or root cause's slug; "" for all or not set
    questions: int = 0
    solved: int = 0
    cases: int = 0
    cases_by_category: Counter[str] = field(default_factory=Counter)
    cases_by_root_cause: Counter[str] = field(default_factory=Counter)
    csat_scores: list[int] = field(default_factory=list)
    nps: Nps = field(default_factory=Nps)
    comments: list[str] = field(default_factory=list)

    @property
    def csat_average(self) -> float | None:
        if not self.csat_scores:
            return None
        return round(sum(self.csat_scores) / len(self.csat_scores), 2)

    @property
    def has_questions(self) -> bool:
        return self.dimension in QUESTION_DIMENSIONS

    @property
    def has_nps(self) -> bool:
        return self.dimension in NPS_DIMENSIONS

    @property
    def board(self) -> str:
        """The board's slug on board rows, "" on the others: the per-board export's field,
        kept for its readers."""
        return self.key if self.dimension == "board" else ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "board": self.board,
            "dimension": self.dimension,
            "key": self.key,
            "questions": self.questions if self.has_questions else None,
            "solved": self.solved if self.has_questions else None,
            "cases": self.cases,
            "cases_by_category": dict(sorted(self.cases_by_category.items())),
            "cases_by_root_cause": dict(sorted(self.cases_by_root_cause.items())),
            "csat_average": self.csat_average,
            "csat_responses": len(self.csat_scores),
            "nps": self.nps.as_dict() if self.has_nps else None,
            "comments": self.comments,
        }


def _day(moment: Any) -> date:
    return timezone.localtime(moment).date()


class _Rows:
    """The rows being filled, by (day, dimension, key)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[date, str, str], ExportRow] = {}

    def get(self, day: date, dimension: str, key: str) -> ExportRow:
        at = (day, dimension, key)
        if at not in self.rows:
            self.rows[at] = ExportRow(day=day, dimension=dimension, key=key)
        return self.rows[at]

    def each(self, day: date, keys: list[tuple[str, str]]) -> list[ExportRow]:
        return [self.get(day, dimension, key) for dimension, key in keys]

    def ordered(self) -> list[ExportRow]:
        order = {name: n for n, name in enumerate(DIMENSIONS)}
        return [
            self.rows[at] for at in sorted(self.rows, key=lambda at: (at[0], order[at[1]], at[2]))
        ]


def _threads_where(thread_ids: set[int]) -> dict[int, list[tuple[str, str]]]:
    """Each thread's (dimension, key) pairs: its board and its tags. Two queries."""
    where: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if not thread_ids:
        return where
    ids = sorted(thread_ids)
    for thread_id, board in Thread.objects.filter(pk__in=ids).values_list("pk", "board__slug"):
        where[thread_id].append(("board", board))
    tags = Tag.threads.through.objects.filter(thread_id__in=ids).values_list(
        "thread_id", "tag__slug"
    )
    for thread_id, tag in tags.order_by("thread_id", "tag__slug"):
        where[thread_id].append(("tag", tag))
    return where


def export_rows(period: Period) -> list[ExportRow]:
    """The period's rows, by day, then dimension (all, board, tag, category, root cause),
    then key."""
    window = {"created_at__gte": period.start, "created_at__lte": period.end}
    threads = list(counted_threads().filter(**window).values_list("pk", "created_at", "solved_at"))
    cases = list(
        Case.objects.filter(**window).values_list(
            "created_at",
            "customer_id",
            "thread_id",
            "post__thread_id",
            "category__slug",
            "root_cause__slug",
        )
    )
    scores = list(
        Satisfaction.objects.filter(**window)
        .values_list(
            "created_at",
            "thread_id",
            "case__post__thread_id",
            "case_id",
            "case__category__slug",
            "case__root_cause__slug",
            "score",
            "comment",
        )
        .order_by("created_at", "pk")
    )
    where = _threads_where(
        {row[0] for row in threads}
        | {row[2] or row[3] for row in cases if row[2] or row[3]}
        | {row[1] or row[2] for row in scores if row[1] or row[2]}
    )
    rows = _Rows()
    for thread_id, created_at, solved_at in threads:
        for target in rows.each(_day(created_at), [("all", ""), *where.get(thread_id, [])]):
            target.questions += 1
            target.solved += solved_at is not None
    # A member's categories and root causes: those of their cases opened in the period.
    labels_of: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for created_at, customer_id, thread_id, post_thread_id, category, root_cause in cases:
        labels = [("category", category or ""), ("root_cause", root_cause or "")]
        labels_of[customer_id].update(labels)
        about = where.get(thread_id or post_thread_id or 0, [])
        for target in rows.each(_day(created_at), [("all", ""), *about, *labels]):
            target.cases += 1
            target.cases_by_category[category or ""] += 1
            target.cases_by_root_cause[root_cause or ""] += 1
    for (
        created_at,
        thread_id,
        post_thread_id,
        case_id,
        category,
        root_cause,
        score,
        comment,
    ) in scores:
        keys = [("all", ""), *where.get(thread_id or post_thread_id or 0, [])]
        if case_id is not None:
            keys += [("category", category or ""), ("root_cause", root_cause or "")]
        for target in rows.each(_day(created_at), keys):
            target.csat_scores.append(score)
            if comment:
                target.comments.append(comment)
    answers = (
        NpsResponse.objects.filter(**window)
        .values_list("created_at", "respondent_id", "score", "comment")
        .order_by("created_at", "pk")
    )
    for created_at, respondent_id, score, comment in answers:
        keys = [("all", ""), *sorted(labels_of.get(respondent_id, set()))]
        for target in rows.each(_day(created_at), keys):
            target.nps = target.nps.plus(score)
            if comment:
                target.comments.append(comment)
    return rows.ordered()


def safe_cell(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs: free text starting like a formula
    gets a leading quote (OWASP's advice for CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _counts(counter: Counter[str]) -> str:
    return "; ".join(f"{slug or 'none'}={n}" for slug, n in sorted(counter.items()))


def export_csv(rows: list[ExportRow]) -> str:
    """The rows as CSV: null is an empty cell; counts by label are `slug=n; ...` ("none" for
    not set); comments are joined with " | "."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        nps = r.nps if r.has_nps else None
        writer.writerow(
            [
                r.day.isoformat(),
                safe_cell(r.board),
                r.dimension,
                safe_cell(r.key),
                r.questions if r.has_questions else "",
                r.solved if r.has_questions else "",
                r.cases,
                safe_cell(_counts(r.cases_by_category)),
                safe_cell(_counts(r.cases_by_root_cause)),
                "" if r.csat_average is None else r.csat_average,
                len(r.csat_scores),
                "" if nps is None or nps.score is None else nps.score,
                "" if nps is None else nps.promoters,
                "" if nps is None else nps.passives,
                "" if nps is None else nps.detractors,
                "" if nps is None else nps.responses,
                safe_cell(" | ".join(r.comments)),
            ]
        )
    return out.getvalue()
