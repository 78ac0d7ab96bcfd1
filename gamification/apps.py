from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GamificationConfig(AppConfig):
    name = "gamification"
    verbose_name = _("Gamification")

    def ready(self) -> None:
        from community.extensions import register_profile_section
        from gamification import receivers  # noqa: F401 - connects the receivers
        from gamification.profile import standing_section

        register_profile_section(standing_section)
