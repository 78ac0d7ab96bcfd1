from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The domains of the support app, each a package with its own models, services, selectors,
# views, api, urls, receivers and tasks (docs/architecture.md, "Inside support").
DOMAINS = ("support.cases", "support.moderation", "support.satisfaction", "support.insights")


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support")

    def ready(self) -> None:
        from support.cases import receivers as cases
        from support.moderation import receivers as moderation
        from support.satisfaction import receivers as satisfaction

        for domain in (cases, moderation, satisfaction):
            domain.connect()

        from community.extensions import register_member_eraser, register_personal_data_section
        from support.cases.personal_data import cases_erase, cases_personal_data
        from support.moderation.personal_data import moderation_personal_data
        from support.satisfaction.personal_data import (
            satisfaction_erase,
            satisfaction_personal_data,
        )

        register_personal_data_section(cases_personal_data)
        register_personal_data_section(moderation_personal_data)
        register_personal_data_section(satisfaction_personal_data)
        register_member_eraser(cases_erase)
        register_member_eraser(satisfaction_erase)
