"""The badge registry: each badge is a small rule class that says whether a member earned it.

Rules only read; gamification.services.badges awards them after commit, in a Celery task.
Adding a badge is adding a class here; `manage.py badges_backfill` awards it to everyone who
already qualifies.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import timedelta

from django.db.models import F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from community.models import Kudos, Post, Thread
from gamification.models import BadgeTier

# A thread "saved before escalation" was solved by the community, never escalated, within
# the default SLA for a solution (support's SLA policies default to 48 hours).
SAVED_BEFORE_ESCALATION_WINDOW = timedelta(hours=48)


def _counted(message: str, count: int) -> StrOrPromise:
    """A translatable message with a number, translated when shown (not at import)."""
    return lazy(lambda: gettext(message) % {"count": count}, str)()


class Badge(ABC):
    slug: str
    name: StrOrPromise
    description: StrOrPromise
    tier: str
    glyph: str  # what the generated icon shows

    @abstractmethod
    def earned(self, member_id: int) -> bool:
        """Whether the member qualifies now."""


def _answers_to_others(member_id: int) -> QuerySet[Post]:
    return Post.objects.filter(author_id=member_id).exclude(thread__author_id=member_id)


def _solutions(member_id: int) -> QuerySet[Thread]:
    return Thread.objects.filter(solution__author_id=member_id).exclude(author_id=member_id)


class FirstQuestion(Badge):
    slug, tier, glyph = "first-question", BadgeTier.BRONZE, "?"
    name = _("Curious")
    description = _("Asked a first question.")

    def earned(self, member_id: int) -> bool:
        return Thread.objects.filter(author_id=member_id).exists()


class FirstAnswer(Badge):
    slug, tier, glyph = "first-answer", BadgeTier.BRONZE, "A"
    name = _("Helping hand")
    description = _("Answered someone else's question.")

    def earned(self, member_id: int) -> bool:
        return _answers_to_others(member_id).exists()


class Solutions(Badge):
    def __init__(self, slug: str, count: int, tier: str, name: StrOrPromise) -> None:
        self.slug, self.count, self.tier, self.name = slug, count, tier, name
        self.glyph = "✓" if count == 1 else str(count)
        self.description = (
            _("An answer accepted as the solution.")
            if count == 1
            else _counted(gettext_noop("%(count)d answers accepted as the solution."), count)
        )

    def earned(self, member_id: int) -> bool:
        return _solutions(member_id).count() >= self.count


class KudosReceived(Badge):
    def __init__(self, slug: str, count: int, tier: str, name: StrOrPromise) -> None:
        self.slug, self.count, self.tier, self.name = slug, count, tier, name
        self.glyph = "♥" if count < 1000 else "1k"
        self.description = _counted(gettext_noop("Received %(count)d kudos."), count)

    def earned(self, member_id: int) -> bool:
        return Kudos.objects.filter(receiver_id=member_id).count() >= self.count


class FastResponder(Badge):
    slug, tier, glyph = "fast-responder", BadgeTier.SILVER, "⚡"
    name = _("Fast responder")
    description = _("An answer accepted as the solution, posted within 10 minutes of the question.")

    def earned(self, member_id: int) -> bool:
        return (
            _solutions(member_id)
            .filter(solution__created_at__lte=F("created_at") + timedelta(minutes=10))
            .exists()
        )


class HelpingStreak(Badge):
    def __init__(self, slug: str, days: int, tier: str, name: StrOrPromise) -> None:
        self.slug, self.days, self.tier, self.name = slug, days, tier, name
        self.glyph = f"{days}d"
        self.description = _counted(
            gettext_noop("Answered others on %(count)d days in a row."), days
        )

    def earned(self, member_id: int) -> bool:
        days = sorted(
            set(
                _answers_to_others(member_id)
                .annotate(day=TruncDate("created_at"))
                .values_list("day", flat=True)
            )
        )
        run = best = 0
        previous = None
        for day in days:
            run = run + 1 if previous is not None and (day - previous).days == 1 else 1
            best, previous = max(best, run), day
        return best >= self.days


class GoodQuestion(Badge):
    slug, tier, glyph = "good-question", BadgeTier.SILVER, "Q"
    name = _("Good question")
    description = _("Asked a question that received 10 kudos.")

    def earned(self, member_id: int) -> bool:
        return Thread.objects.filter(author_id=member_id, kudos_count__gte=10).exists()


class PopularQuestion(Badge):
    slug, tier, glyph = "popular-question", BadgeTier.GOLD, "👁"
    name = _("Popular question")
    description = _("Asked a question viewed 1,000 times.")

    def earned(self, member_id: int) -> bool:
        return Thread.objects.filter(author_id=member_id, view_count__gte=1000).exists()


class SavedBeforeEscalation(Badge):
    slug, tier, glyph = "saved-before-escalation", BadgeTier.SILVER, "S"
    name = _("Saved the day")
    description = _("Solved a question before it had to go to a staff agent.")

    def earned(self, member_id: int) -> bool:
        return (
            _solutions(member_id)
            .filter(
                Q(is_escalated=False),
                solved_at__lte=F("created_at") + SAVED_BEFORE_ESCALATION_WINDOW,
            )
            .exists()
        )


REGISTRY: dict[str, Badge] = {
    badge.slug: badge
    for badge in [
        FirstQuestion(),
        FirstAnswer(),
        Solutions("first-solution", 1, BadgeTier.BRONZE, _("Problem solver")),
        Solutions("solutions-10", 10, BadgeTier.BRONZE, _("Troubleshooter")),
        Solutions("solutions-50", 50, BadgeTier.SILVER, _("Fixer")),
        Solutions("solutions-150", 150, BadgeTier.GOLD, _("Oracle")),
        KudosReceived("kudos-10", 10, BadgeTier.BRONZE, _("Appreciated")),
        KudosReceived("kudos-100", 100, BadgeTier.SILVER, _("Admired")),
        KudosReceived("kudos-1000", 1000, BadgeTier.GOLD, _("Beloved")),
        FastResponder(),
        HelpingStreak("streak-7", 7, BadgeTier.SILVER, _("Regular")),
        HelpingStreak("streak-30", 30, BadgeTier.GOLD, _("Pillar of the community")),
        GoodQuestion(),
        PopularQuestion(),
        SavedBeforeEscalation(),
    ]
}

__all__ = ["REGISTRY", "Badge"]
