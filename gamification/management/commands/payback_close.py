from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from community.errors import Conflict
from gamification.services.payback import reward_periods_close_ended


class Command(BaseCommand):
    help = "Close ended payback periods and write the members' statements. Safe to run twice."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", type=date.fromisoformat, help="Pretend it is this day.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            closed = reward_periods_close_ended(today=options["today"] or timezone.localdate())
        except Conflict as error:
            raise CommandError(error.message) from error
        if not closed:
            self.stdout.write(_("No ended period is open."))
        for period, statements in closed:
            self.stdout.write(
                _("Closed %(period)s: %(n)d statements.") % {"period": period, "n": len(statements)}
            )
