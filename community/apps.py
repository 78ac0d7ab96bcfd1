from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _forget_url_patterns(*, setting: str, **kwargs: Any) -> None:
    if setting == "ROOT_URLCONF":
        from community import links

        links.clear()


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from django.core.signals import setting_changed

        setting_changed.connect(_forget_url_patterns, dispatch_uid="community-links")
        from community import receivers  # noqa: F401  (page cache invalidation)
