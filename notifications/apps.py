from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from community.extensions import (
            register_demo_step,
            register_member_eraser,
            register_personal_data_section,
        )

        # receivers: connects them. tasks: the services queue the email tasks by name (they
        # may not import the tasks module, which imports them); registered here, the names
        # are known in every process, not only where Celery's autodiscovery has run.
        from notifications import announcements, demo, known_issues, receivers, tasks  # noqa: F401
        from notifications.webhooks import receivers as webhook_receivers  # noqa: F401
        from notifications.webhooks import tasks as webhook_tasks  # noqa: F401

        register_demo_step("inbox", demo.demo_inbox_ensure)

        from community.managers import bring_along
        from notifications.services import UNREAD_BROUGHT, unread_expression

        bring_along(UNREAD_BROUGHT, unread_expression)

        from notifications.personal_data import notifications_erase, notifications_personal_data

        register_personal_data_section(notifications_personal_data)
        register_member_eraser(notifications_erase)
