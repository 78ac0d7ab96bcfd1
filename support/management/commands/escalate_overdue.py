from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from support.cases.sla import escalate_overdue


def _moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "One SLA scan, as the scheduler runs every minute. Running it twice opens nothing new."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", help="Pretend it is this time (ISO 8601).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            now = _moment(options["now"]) if options["now"] else None
        except ValueError as error:
            raise CommandError(_("--now takes an ISO 8601 time, e.g. 2026-11-22T09:30")) from error
        report = escalate_overdue(now=now)
        self.stdout.write(
            _("Escalated %(a)d unanswered and %(s)d unsolved threads; %(b)d SLA breaches.")
            % {"a": report.unanswered, "s": report.unsolved, "b": report.breaches}
        )
