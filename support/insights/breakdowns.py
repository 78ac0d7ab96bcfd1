"""The dashboard's breakdowns (/support/dashboard/, "By board and tag" and "Cases by
category and root cause"): the period's questions by board and by tag, and the period's
cases by category and by root cause, each with the satisfaction scores about them and,
for the case lists, the NPS of the members they were about.

- Questions (by board, by tag): the questions asked in the period, the cases about them
  and the satisfaction scores given about them (their solutions and cases), as now.
- Cases (by category, by root cause): the cases opened in the period, as their agents
  classified them ("" for not set); the satisfaction scores given about those cases; and
  the NPS answers given in the period by the members those cases were for, under each
  category or root cause of their cases (a member with cases of two categories counts in
  both, once in each). The export (support/insights/export.py) attributes them the same way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from community.models import Tag
from support.cases.models import Case
from support.insights.selectors import Period
from support.insights.trending import counted_threads
from support.satisfaction.models import NpsResponse, Satisfaction
from support.satisfaction.selectors import Nps


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


@dataclass
class CaseBreakdown:
    """The period's cases with one category or root cause ("" for not set): how many, the
    satisfaction scores about them, and the NPS of the members they were for."""

    name: str
    cases: int = 0
    scores: list[int] = field(default_factory=list)
    nps: Nps = field(default_factory=Nps)

    @property
    def csat_average(self) -> float | None:
        return sum(self.scores) / len(self.scores) if self.scores else None


def cases_by_label(period: Period) -> dict[str, list[CaseBreakdown]]:
    """{"category": [...], "root_cause": [...]}, most cases first, then by name. Three
    queries."""
    cases = list(
        Case.objects.filter(created_at__gte=period.start, created_at__lte=period.end).values_list(
            "pk", "customer_id", "category__name", "root_cause__name"
        )
    )
    scores: dict[int, list[int]] = defaultdict(list)
    for case_id, score in Satisfaction.objects.filter(
        case_id__in=[row[0] for row in cases]
    ).values_list("case_id", "score"):
        scores[case_id].append(score)
    answers: dict[int, list[int]] = defaultdict(list)
    for respondent_id, score in NpsResponse.objects.filter(
        created_at__gte=period.start,
        created_at__lte=period.end,
        respondent_id__in={row[1] for row in cases},
    ).values_list("respondent_id", "score"):
        answers[respondent_id].append(score)
    result: dict[str, dict[str, CaseBreakdown]] = {"category": {}, "root_cause": {}}
    members: dict[tuple[str, str], set[int]] = defaultdict(set)
    for case_id, customer_id, category, root_cause in cases:
        for kind, name in (("category", category or ""), ("root_cause", root_cause or "")):
            row = result[kind].setdefault(name, CaseBreakdown(name=name))
            row.cases += 1
            row.scores.extend(scores.get(case_id, []))
            members[(kind, name)].add(customer_id)
    for (kind, name), customer_ids in members.items():
        row = result[kind][name]
        for customer_id in sorted(customer_ids):
            for score in answers.get(customer_id, []):
                row.nps = row.nps.plus(score)
    return {
        kind: sorted(rows.values(), key=lambda r: (-r.cases, r.name == "", r.name))
        for kind, rows in result.items()
    }
