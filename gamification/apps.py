from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GamificationConfig(AppConfig):
    name = "gamification"
    verbose_name = _("Gamification")

    def ready(self) -> None:
        from community.extensions import (
            ScaleStep,
            register_demo_history_window,
            register_demo_step,
            register_demo_thread_dated,
            register_member_eraser,
            register_personal_data_section,
            register_privilege_lock,
            register_profile_section,
            register_scale_step,
        )
        from community.managers import bring_along
        from community.pagecache import read_with_members_pages
        from gamification import demo, ladder, receivers, scale  # noqa: F401 - the receivers
        from gamification.leaderboards import leaderboards_changed
        from gamification.models import RANKS
        from gamification.personal_data import gamification_personal_data
        from gamification.privileges import privilege_lock
        from gamification.profile import standing_section

        register_profile_section(standing_section)
        register_privilege_lock(privilege_lock)
        # Every member's page reads the rank ladder (gamification/ladder.py).
        bring_along(ladder.POINTS_BROUGHT, ladder.points_expression)
        bring_along(ladder.RANK_BROUGHT, ladder.rank_expression)
        read_with_members_pages(RANKS)
        register_personal_data_section(gamification_personal_data)
        # A deleted member keeps their rows but holds no place any more.
        register_member_eraser(lambda member: leaderboards_changed())
        register_demo_history_window(demo.demo_history_window)
        register_demo_thread_dated(demo.demo_thread_dated)
        register_demo_step("points history and payback", demo.demo_history_ensure)
        register_demo_step("payback review", demo.demo_payback_review_ensure)
        register_demo_step("badges", demo.demo_badges_ensure)
        register_scale_step(
            ScaleStep("points", scale.scale_points_build, scale.scale_points_models())
        )
