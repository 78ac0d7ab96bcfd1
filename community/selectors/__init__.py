"""Every read that more than one caller needs; callers use `selectors.<name>`."""

from community.selectors.members import member_data_export, member_get_by_username
from community.selectors.search import SearchHit, SimilarThread, search, thread_similar
from community.selectors.threads import (
    THREAD_ORDERINGS,
    THREAD_STATUSES,
    answers_prime,
    board_get,
    board_get_for_input,
    board_list,
    member_stats,
    post_get_for_viewer,
    tag_get,
    thread_answers,
    thread_get_for_page,
    thread_get_for_viewer,
    thread_list,
    thread_revisions,
    viewer_follows,
    viewer_kudos,
)

__all__ = [
    "SearchHit",
    "SimilarThread",
    "search",
    "thread_similar",
    "THREAD_ORDERINGS",
    "THREAD_STATUSES",
    "answers_prime",
    "board_get",
    "board_get_for_input",
    "board_list",
    "member_data_export",
    "member_get_by_username",
    "member_stats",
    "post_get_for_viewer",
    "tag_get",
    "thread_answers",
    "thread_get_for_page",
    "thread_get_for_viewer",
    "thread_list",
    "thread_revisions",
    "viewer_follows",
    "viewer_kudos",
]
