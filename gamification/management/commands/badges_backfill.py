from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from community.models import Member
from gamification.services.badges import badges_evaluate


class Command(BaseCommand):
    help = "Award every badge to every member who already qualifies. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        awarded = 0
        for member_id in Member.objects.filter(is_active=True).values_list("pk", flat=True):
            awarded += len(badges_evaluate(member_id=member_id))
        self.stdout.write(_("%(n)d badges awarded.") % {"n": awarded})
