"""`GET /insights/export/?days=...&format=csv|json`: the voice of the customer, per local day
and board, for spreadsheets and BI tools.

One row per day and board that had anything: the questions asked there that day (as the
dashboard counts them) and how many are solved now; the cases opened that day about a
question of that board, in all and by category and root cause (slugs; "" when not set);
the satisfaction scores given that day about that board's solutions and cases (average,
count, comments). NPS is not about a board: each day with NPS answers has a row with an
empty board, with the day's score, its counts and comments.

Four queries whatever the period's size. CSV cells that a spreadsheet would run as a formula
(starting with =, +, -, @, a tab or a carriage return) are prefixed with a quote: comments
are free text from members.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count
from django.utils import timezone

from community.models import Tag
from support.cases.models import Case
from support.insights.selectors import Period
from support.insights.trending import counted_threads
from support.satisfaction.models import NpsResponse, Satisfaction
from support.satisfaction.selectors import Nps

CSV_COLUMNS = [
    "date",
    "board",
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


@dataclass
class ExportRow:
    day: date
    board: str  # the board's slug; "" for the NPS row
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "board": self.board or None,
            "questions": self.questions,
            "solved": self.solved,
            "cases": self.cases,
            "cases_by_category": dict(sorted(self.cases_by_category.items())),
            "cases_by_root_cause": dict(sorted(self.cases_by_root_cause.items())),
            "csat_average": self.csat_average,
            "csat_responses": len(self.csat_scores),
            "nps": self.nps.as_dict() if self.nps.responses else None,
            "comments": self.comments,
        }


def _day(moment: Any) -> date:
    return timezone.localtime(moment).date()


def export_rows(period: Period) -> list[ExportRow]:
    """The period's rows, by day then board (the NPS row first in its day)."""
    rows: dict[tuple[date, str], ExportRow] = {}

    def row(day: date, board: str) -> ExportRow:
        if (day, board) not in rows:
            rows[(day, board)] = ExportRow(day=day, board=board)
        return rows[(day, board)]

    window = {"created_at__gte": period.start, "created_at__lte": period.end}
    threads = (
        counted_threads().filter(**window).values_list("created_at", "board__slug", "solved_at")
    )
    for created_at, board, solved_at in threads:
        target = row(_day(created_at), board)
        target.questions += 1
        target.solved += solved_at is not None
    cases = Case.objects.filter(**window).values_list(
        "created_at",
        "thread__board__slug",
        "post__thread__board__slug",
        "category__slug",
        "root_cause__slug",
    )
    for created_at, board, post_board, category, root_cause in cases:
        target = row(_day(created_at), board or post_board or "")
        target.cases += 1
        target.cases_by_category[category or ""] += 1
        target.cases_by_root_cause[root_cause or ""] += 1
    scores = (
        Satisfaction.objects.filter(**window)
        .values_list("created_at", "thread__board__slug", "score", "comment")
        .order_by("created_at", "pk")
    )
    for created_at, board, score, comment in scores:
        target = row(_day(created_at), board or "")
        target.csat_scores.append(score)
        if comment:
            target.comments.append(comment)
    answers = (
        NpsResponse.objects.filter(**window)
        .values_list("created_at", "score", "comment")
        .order_by("created_at", "pk")
    )
    for created_at, score, comment in answers:
        target = row(_day(created_at), "")
        target.nps = target.nps.plus(score)
        if comment:
            target.comments.append(comment)
    return [rows[key] for key in sorted(rows)]


def safe_cell(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs: free text starting like a formula
    gets a leading quote (OWASP's advice for CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _counts(counter: Counter[str]) -> str:
    return "; ".join(f"{slug or 'none'}={n}" for slug, n in sorted(counter.items()))


def export_csv(rows: list[ExportRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        nps = r.nps if r.nps.responses else None
        writer.writerow(
            [
                r.day.isoformat(),
                safe_cell(r.board),
                r.questions,
                r.solved,
                r.cases,
                safe_cell(_counts(r.cases_by_category)),
                safe_cell(_counts(r.cases_by_root_cause)),
                "" if r.csat_average is None else r.csat_average,
                len(r.csat_scores),
                "" if nps is None else nps.score,
                "" if nps is None else nps.promoters,
                "" if nps is None else nps.passives,
                "" if nps is None else nps.detractors,
                0 if nps is None else nps.responses,
                safe_cell(" | ".join(r.comments)),
            ]
        )
    return out.getvalue()


def cases_by_label(period: Period) -> dict[str, list[tuple[str, int]]]:
    """The period's cases counted by category and by root cause, most first, as (name, n);
    "" for cases not classified. Two queries."""
    cases = Case.objects.filter(created_at__gte=period.start, created_at__lte=period.end)
    result: dict[str, list[tuple[str, int]]] = {}
    for kind in ("category", "root_cause"):
        rows = cases.values_list(f"{kind}__name").annotate(n=Count("pk")).order_by("-n")
        result[kind] = [(name or "", n) for name, n in rows]
    return result


@dataclass
class Breakdown:
    """Questions asked in the period in one board or with one tag, the cases about them and
    the satisfaction scores given about them (their solutions and cases)."""

    name: str
    questions: int = 0
    cases: int = 0
    scores: list[int] = field(default_factory=list)

    @property
    def csat_average(self) -> float | None:
        return sum(self.scores) / len(self.scores) if self.scores else None


def questions_by_board_and_tag(period: Period) -> dict[str, list[Breakdown]]:
    """{"board": [...], "tag": [...]}, most questions first. Four queries."""
    threads = dict(
        counted_threads()
        .filter(created_at__gte=period.start, created_at__lte=period.end)
        .values_list("pk", "board__name")
    )
    tags: dict[int, list[str]] = defaultdict(list)
    for thread_id, tag in Tag.threads.through.objects.filter(thread_id__in=threads).values_list(
        "thread_id", "tag__name"
    ):
        tags[thread_id].append(tag)
    cases = Counter(Case.objects.filter(thread_id__in=threads).values_list("thread_id", flat=True))
    scores: dict[int, list[int]] = defaultdict(list)
    for thread_id, score in Satisfaction.objects.filter(thread_id__in=threads).values_list(
        "thread_id", "score"
    ):
        scores[thread_id].append(score)
    result: dict[str, dict[str, Breakdown]] = {"board": {}, "tag": {}}
    for thread_id, board in threads.items():
        for kind, names in (("board", [board]), ("tag", tags.get(thread_id, []))):
            for name in names:
                row = result[kind].setdefault(name, Breakdown(name=name))
                row.questions += 1
                row.cases += cases.get(thread_id, 0)
                row.scores.extend(scores.get(thread_id, []))
    return {
        kind: sorted(rows.values(), key=lambda r: (-r.questions, r.name))
        for kind, rows in result.items()
    }
