"""What the community app does when its content changes: forget the visitors' pages it touched.

Every event that changes what a visitor sees of a thread (its answers, kudos counts, solution,
status, what is hidden) replaces the version of that thread's stored pages and of the lists
(home, boards) once the write commits; see community/pagecache.py. And when a test swaps
ROOT_URLCONF, the cached URL patterns of community/links.py are forgotten.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.signals import setting_changed
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from community import events, links, pagecache
from community.models import AGENTS_GROUP, MODERATORS_GROUP, Member, Post

STAFF_GROUPS = (AGENTS_GROUP, MODERATORS_GROUP)

_THREAD_EVENTS = (
    events.thread_created,
    events.thread_updated,  # edits, retags, lock, move, merge
    events.thread_deleted,
    events.post_created,
    events.post_updated,
    events.post_deleted,
    events.kudos_given,
    events.kudos_withdrawn,
    events.solution_accepted,
    events.solution_withdrawn,
    events.content_hidden,
    events.content_restored,
)


@receiver(_THREAD_EVENTS, dispatch_uid="community.pagecache")
def forget_thread_pages(
    *, thread_id: int | None = None, post_id: int | None = None, **kwargs: Any
) -> None:
    if thread_id is None and post_id is not None:  # kudos on an answer name only the answer
        thread_id = Post.objects.filter(pk=post_id).values_list("thread_id", flat=True).first()
    pagecache.thread_changed(thread_id)


@receiver(events.announcement_changed, dispatch_uid="community.pagecache.announcements")
def forget_pages_with_announcements(**kwargs: Any) -> None:
    """The visitors' home and thread pages show the announcements (board pages aren't kept),
    and the announcements' cached list (community/announcements/selectors.py) goes with them."""
    pagecache.bump_on_commit(pagecache.LISTS, pagecache.ANNOUNCEMENTS)


@receiver(setting_changed, dispatch_uid="community.links")
def forget_url_patterns(*, setting: str, **kwargs: Any) -> None:
    if setting == "ROOT_URLCONF":
        links.clear()


@receiver(
    m2m_changed, sender=Member.groups.through, dispatch_uid="community-staff-groups-are-staff"
)
def staff_groups_make_staff(
    *, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """Joining the agents or moderators makes a member staff (`is_staff`), the one flag the
    second-factor rule reads on every request without another query
    (community/second_factor.py)."""
    if action != "post_add" or not pk_set:
        return
    if reverse:  # group.user_set.add(members)
        if instance.name in STAFF_GROUPS:
            Member.objects.filter(pk__in=pk_set, is_staff=False).update(is_staff=True)
    elif Group.objects.filter(pk__in=pk_set, name__in=STAFF_GROUPS).exists():
        Member.objects.filter(pk=instance.pk).update(is_staff=True)
        instance.is_staff = True
