from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from community.errors import Conflict
from gamification.models import RewardPeriod, RewardPeriodStatus
from gamification.services.payback import reward_period_close, reward_period_for


class Command(BaseCommand):
    help = "Close ended payback periods and write the members' statements. Safe to run twice."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", type=date.fromisoformat, help="Pretend it is this day.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        reward_period_for(today)  # make sure the running period exists
        ended = RewardPeriod.objects.filter(status=RewardPeriodStatus.OPEN, end__lt=today)
        if not ended.exists():
            self.stdout.write(_("No ended period is open."))
        for period in ended.order_by("start"):
            try:
                statements = reward_period_close(period=period, today=today)
            except Conflict as error:
                raise CommandError(error.message) from error
            self.stdout.write(
                _("Closed %(period)s: %(n)d statements.") % {"period": period, "n": len(statements)}
            )
