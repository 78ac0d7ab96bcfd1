from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from community.extensions import register_demo_step
        from notifications import demo, receivers  # noqa: F401 - connects the receivers

        register_demo_step("inbox", demo.demo_inbox_ensure)
