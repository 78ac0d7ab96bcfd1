from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from community import receivers  # noqa: F401 - connects the receivers
        from community.announcements.demo import demo_announcements_ensure
        from community.announcements.selectors import DISMISSED_BROUGHT, dismissed_expression
        from community.demo import demo_follows_ensure
        from community.drafts import receivers as draft_receivers  # noqa: F401
        from community.extensions import register_demo_step
        from community.managers import bring_along
        from community.permissions import ROLES_BROUGHT, roles_expression
        from config.i18n import remember_lookups

        # What every member's page asks of the member, in the read that loads them.
        bring_along(ROLES_BROUGHT, roles_expression)
        bring_along(DISMISSED_BROUGHT, dismissed_expression)

        remember_lookups()  # every page translates a few hundred strings (config/i18n.py)

        # After the questions (the command's own step), before the other apps' steps.
        register_demo_step("bookmarks and follows", demo_follows_ensure)
        register_demo_step("announcements", demo_announcements_ensure)
