from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The domains of the support app, each a package with its own models, services, selectors,
# views, api, urls, receivers and tasks (docs/architecture.md, "Inside support").
DOMAINS = (
    "support.cases",
    "support.canned",
    "support.deflection",
    "support.experts",
    "support.moderation",
    "support.satisfaction",
    "support.insights",
    "support.known_issues",
)


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support")

    def ready(self) -> None:
        from community import extensions
        from support.cases import receivers as cases
        from support.known_issues import receivers as known_issues  # connects its receivers
        from support.moderation import receivers as moderation  # connects its receivers
        from support.moderation import sensitive
        from support.satisfaction import receivers as satisfaction  # connects its receivers

        # The personal-data hold runs as one of the community's content checks: before the
        # content is announced, so nobody hears of a question or answer about to be held.
        extensions.register_content_check(sensitive.content_check)
        extensions.register_posting_check(moderation.posting_refusal)
        # Under the question, in this order: the known issue it is about, ask an agent,
        # moderation, satisfaction.
        extensions.register_thread_section(known_issues.thread_section)
        extensions.register_thread_section(cases.ask_an_agent_section)
        extensions.register_thread_section(moderation.thread_section)
        extensions.register_thread_section(satisfaction.thread_section)
        extensions.register_profile_section(moderation.profile_section)
        # At the top of the home page: "How likely are you to recommend ...?", when due.
        extensions.register_home_section(satisfaction.home_section)

        # Known issues: banners on boards and the ask page, the thread's `known_issue`.
        extensions.register_board_section(known_issues.board_section)
        extensions.register_ask_section(known_issues.ask_banner_section)
        extensions.register_ask_section(known_issues.ask_matching_section)
        extensions.register_thread_api_field(known_issues.THREAD_FIELD)

        from community.extensions import register_demo_step
        from support import demo

        register_demo_step("cases and the trending alert", demo.demo_support_ensure)
        from support.satisfaction.demo import demo_nps_ensure

        register_demo_step("NPS answers", demo_nps_ensure)

        from support.deflection.demo import demo_deflections_ensure

        register_demo_step("answers found on the ask form", demo_deflections_ensure)

        from support.experts.demo import demo_experts_ensure

        register_demo_step("unanswered questions offered to helpers", demo_experts_ensure)
        # Last: the steps before may open cases (the SLA scan), and all get classified.
        register_demo_step("case categories and root causes", demo.demo_case_lists_ensure)

        from support.known_issues.demo import demo_known_issues_ensure

        register_demo_step("known issues", demo_known_issues_ensure)

        from community.extensions import register_member_eraser, register_personal_data_section
        from support.cases.personal_data import cases_erase, cases_personal_data
        from support.deflection.personal_data import deflection_erase, deflection_personal_data
        from support.experts.personal_data import experts_erase, experts_personal_data
        from support.moderation.personal_data import moderation_personal_data
        from support.satisfaction.personal_data import (
            satisfaction_erase,
            satisfaction_personal_data,
        )

        register_personal_data_section(cases_personal_data)
        register_personal_data_section(deflection_personal_data)
        register_personal_data_section(experts_personal_data)
        register_personal_data_section(moderation_personal_data)
        register_personal_data_section(satisfaction_personal_data)
        register_member_eraser(cases_erase)
        register_member_eraser(deflection_erase)
        register_member_eraser(experts_erase)
        register_member_eraser(satisfaction_erase)
