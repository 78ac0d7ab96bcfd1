"""Places where other apps add to community pages without the community importing them.

The dependency points one way (docs/architecture.md): gamification and support import the
community, never the reverse. When they need a place on a community page, they register
here in their AppConfig.ready(), and the community page renders what they return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, Protocol

from community.models import Board, Member, Thread
from community.permissions import Viewer


@dataclass(frozen=True)
class Section:
    """A template and its context (as `section`). On a thread page `place` says where:
    "question", under the question, or "answers", after the answers (a question about them);
    on the ask page "top", above the form, or "title", under the title field."""

    template: str
    context: dict[str, Any]
    place: Literal["question", "answers", "top", "title"] = "question"


ProfileSection = Callable[[Member, Viewer], Section | None]

profile_sections: list[ProfileSection] = []


def register_profile_section(provider: ProfileSection) -> ProfileSection:
    """Add a section to member profiles; the provider returns None to show nothing."""
    if provider not in profile_sections:
        profile_sections.append(provider)
    return provider


def profile_sections_for(member: Member, viewer: Viewer) -> list[Section]:
    return [s for provider in profile_sections if (s := provider(member, viewer)) is not None]


DemoStep = tuple[str, Callable[[], object]]

demo_steps: list[DemoStep] = []


def register_demo_step(label: str, step: Callable[[], object]) -> None:
    """Add a step to `manage.py seed_demo`, run after the community's own. Must be idempotent."""
    if all(existing_label != label for existing_label, _ in demo_steps):
        demo_steps.append((label, step))


# The demo community's calendar. The history (the older, solved questions that made the
# helpers helpers) is spread over the local days a provider returns for today; gamification
# registers "the payback period that closed last", so the demo always has a period to pay
# out. Without a provider the history is the half year before the last month.
DemoHistoryWindow = Callable[[date], tuple[date, date]]

demo_history_windows: list[DemoHistoryWindow] = []


def register_demo_history_window(provider: DemoHistoryWindow) -> None:
    if provider not in demo_history_windows:
        demo_history_windows.append(provider)


def demo_history_window_for(today: date) -> tuple[date, date]:
    """The first and last local day the demo's history may fall on."""
    if demo_history_windows:
        return demo_history_windows[-1](today)
    return today - timedelta(days=210), today - timedelta(days=30)


# Called with each demo thread right after the demo dated it back, so an app dates what it
# wrote about the thread before the next one is written (a daily cap counts "today" by
# those dates: left at today's date, the history would fill today's caps).
DemoThreadDated = Callable[[Thread], object]

demo_thread_dated_hooks: list[DemoThreadDated] = []


def register_demo_thread_dated(hook: DemoThreadDated) -> None:
    if hook not in demo_thread_dated_hooks:
        demo_thread_dated_hooks.append(hook)


class ContentCheck(Protocol):
    def __call__(
        self,
        *,
        thread_id: int | None = None,
        post_id: int | None = None,
        actor_id: int | None,
        revision_id: int | None = None,
    ) -> object: ...


content_checks: list[ContentCheck] = []


def register_content_check(check: ContentCheck) -> ContentCheck:
    """Add a check of new and edited questions and answers (support's personal-data hold).

    The posting services run every check inside their transaction, after writing the
    content and before announcing it: whoever hears the announcement (points, mentions,
    notifications, live pages) sees the content as the checks left it, held or public,
    whatever the order the apps were installed in.
    """
    if check not in content_checks:
        content_checks.append(check)
    return check


def content_checks_run(
    *,
    thread_id: int | None = None,
    post_id: int | None = None,
    actor_id: int | None,
    revision_id: int | None = None,
) -> None:
    for check in content_checks:
        check(thread_id=thread_id, post_id=post_id, actor_id=actor_id, revision_id=revision_id)


ThreadSection = Callable[[Thread, Viewer], Section | None]

thread_sections: list[ThreadSection] = []


def register_thread_section(provider: ThreadSection) -> ThreadSection:
    """Add a section under the question on its page (support's "Ask an agent", for one)."""
    if provider not in thread_sections:
        thread_sections.append(provider)
    return provider


def thread_sections_for(thread: Thread, viewer: Viewer) -> list[Section]:
    return [s for provider in thread_sections if (s := provider(thread, viewer)) is not None]


HomeSection = Callable[[Viewer], Section | None]

home_sections: list[HomeSection] = []


def register_home_section(provider: HomeSection) -> HomeSection:
    """Add a section at the top of the home page for the viewer (support's NPS question).
    Visitors' home page is cached for everyone: a provider returns None for them."""
    if provider not in home_sections:
        home_sections.append(provider)
    return provider


def home_sections_for(viewer: Viewer) -> list[Section]:
    return [s for provider in home_sections if (s := provider(viewer)) is not None]


BoardSection = Callable[[Board, Viewer], Section | None]

board_sections: list[BoardSection] = []


def register_board_section(provider: BoardSection) -> BoardSection:
    """Add a notice at the top of a board's page (support's known issues)."""
    if provider not in board_sections:
        board_sections.append(provider)
    return provider


def board_sections_for(board: Board, viewer: Viewer) -> list[Section]:
    return [s for provider in board_sections if (s := provider(board, viewer)) is not None]


AskSection = Callable[[Viewer], Section | None]

ask_sections: list[AskSection] = []


def register_ask_section(provider: AskSection) -> AskSection:
    """Add a section to the ask page: "top" above the form, "title" under the title field
    (support's known issues matching the question as it is typed)."""
    if provider not in ask_sections:
        ask_sections.append(provider)
    return provider


def ask_sections_for(viewer: Viewer) -> list[Section]:
    return [s for provider in ask_sections if (s := provider(viewer)) is not None]


@dataclass(frozen=True)
class ThreadApiField:
    """A field another app adds to the thread's JSON (support's `known_issue`).

    `field()` makes the DRF field (read-only, given the thread); `select_related` names what
    the thread selectors load with each thread so that a page of fifty threads costs no more
    queries than one (a reverse one-to-one, for instance).
    """

    name: str
    field: Callable[[], Any]
    select_related: tuple[str, ...] = ()


thread_api_fields: list[ThreadApiField] = []


def register_thread_api_field(extra: ThreadApiField) -> None:
    if all(existing.name != extra.name for existing in thread_api_fields):
        thread_api_fields.append(extra)


def thread_select_related() -> list[str]:
    return [name for extra in thread_api_fields for name in extra.select_related]


PostingCheck = Callable[[Member], str | None]

posting_checks: list[PostingCheck] = []


def register_posting_check(check: PostingCheck) -> PostingCheck:
    """Add a reason a member may not post right now (support's silences); None means fine."""
    if check not in posting_checks:
        posting_checks.append(check)
    return check


@dataclass(frozen=True)
class ScaleStep:
    """Another app's part of `manage.py seed_scale`, run after the community's content is in.

    `build(loader)` derives the app's rows from the content (through community.bulk's
    Loader); `models` are the tables it loads, whose indexes are built after the load.
    """

    label: str
    build: Callable[[Any], object]
    models: tuple[type[Any], ...]


scale_steps: list[ScaleStep] = []


def register_scale_step(step: ScaleStep) -> None:
    if all(existing.label != step.label for existing in scale_steps):
        scale_steps.append(step)


@dataclass(frozen=True)
class PrivilegeLock:
    """Why a member may not do something yet: the rank that unlocks it ("" when no rank
    does) and the points they still need to reach it."""

    rank: str
    points_needed: int


PrivilegeLockProvider = Callable[[Member, str], PrivilegeLock | None]

privilege_lock_providers: list[PrivilegeLockProvider] = []


def register_privilege_lock(provider: PrivilegeLockProvider) -> PrivilegeLockProvider:
    """Say which rank unlocks a permission a member lacks (gamification owns the ranks)."""
    if provider not in privilege_lock_providers:
        privilege_lock_providers.append(provider)
    return provider


def privilege_lock_for(viewer: Viewer, permission: str) -> PrivilegeLock | None:
    """None when the viewer may (or is a visitor, who is asked to sign in instead); else why
    not: the first provider's answer, or "no rank unlocks it" without one."""
    if not isinstance(viewer, Member) or not viewer.is_active or viewer.has_perm(permission):
        return None
    for provider in privilege_lock_providers:
        if (lock := provider(viewer, permission)) is not None:
            return lock
    return PrivilegeLock(rank="", points_needed=0)


# Personal data (README, "Personal data"). Each app registers what it holds about a member:
# a section gives {key: JSON-able data} for the member's export; an eraser removes or
# anonymises the app's personal data when the member deletes their account. Erasers run
# inside community.services.member_delete's transaction, with the member's row locked, and
# must be idempotent (only database writes; files and pushes go through on_commit).
PersonalDataSection = Callable[[Member], dict[str, Any]]
MemberEraser = Callable[[Member], object]

personal_data_sections: list[PersonalDataSection] = []
member_erasers: list[MemberEraser] = []


def register_personal_data_section(provider: PersonalDataSection) -> PersonalDataSection:
    if provider not in personal_data_sections:
        personal_data_sections.append(provider)
    return provider


def register_member_eraser(eraser: MemberEraser) -> MemberEraser:
    if eraser not in member_erasers:
        member_erasers.append(eraser)
    return eraser


def personal_data_for(member: Member) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for provider in personal_data_sections:
        data.update(provider(member))
    return data


def member_erasers_run(member: Member) -> None:
    for eraser in member_erasers:
        eraser(member)
