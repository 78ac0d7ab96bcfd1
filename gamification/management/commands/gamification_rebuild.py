from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from gamification.services.rebuild import gamification_rebuild


class Command(BaseCommand):
    help = "Recompute totals, ranks and leaderboards from the points ledger; report differences."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Only report; change nothing (exit 1 on any)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = gamification_rebuild(fix=not options["check"])
        for line in report.score_differences + report.leaderboard_differences:
            self.stdout.write(line)
        self.stdout.write(_("%(n)d differences from the ledger.") % {"n": report.total})
        if options["check"] and report.total:
            raise SystemExit(1)
