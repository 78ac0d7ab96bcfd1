"""Rank-gated features explained where members write: what is locked, and until when.

A member whose rank does not grant links or images still writes them; they show as plain text
(community.markdown). The forms say so before they post, with the rank that unlocks them and
the points still needed (community.extensions.privilege_lock_for), never a silent strip.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.extensions import PrivilegeLock, privilege_lock_for
from community.permissions import Viewer

IMAGES = "community.post_images"
LINKS = "community.post_links"
FLAG = "community.flag_content"


def _images(lock: PrivilegeLock) -> str:
    if not lock.rank:
        return _("Your rank does not let you post images.")
    return ngettext(
        "Images unlock at the %(rank)s rank: %(points)d more point.",
        "Images unlock at the %(rank)s rank: %(points)d more points.",
        lock.points_needed,
    ) % {"rank": lock.rank, "points": lock.points_needed}


def _links(lock: PrivilegeLock) -> str:
    if not lock.rank:
        return _("Links show as plain text: your rank does not let you post links.")
    return ngettext(
        "Links show as plain text until the %(rank)s rank: %(points)d more point.",
        "Links show as plain text until the %(rank)s rank: %(points)d more points.",
        lock.points_needed,
    ) % {"rank": lock.rank, "points": lock.points_needed}


def _flag(lock: PrivilegeLock) -> str:
    if not lock.rank:
        return _("Your rank does not let you flag posts.")
    return ngettext(
        "Flagging unlocks at the %(rank)s rank: %(points)d more point.",
        "Flagging unlocks at the %(rank)s rank: %(points)d more points.",
        lock.points_needed,
    ) % {"rank": lock.rank, "points": lock.points_needed}


_NOTES = {IMAGES: _images, LINKS: _links, FLAG: _flag}


def privilege_note(viewer: Viewer, permission: str) -> str:
    """What the viewer cannot do yet and until when, for the page; "" when they may."""
    lock = privilege_lock_for(viewer, permission)
    return "" if lock is None else _NOTES[permission](lock)


def writing_notes(viewer: Viewer) -> dict[str, str]:
    """The notes of a Markdown editor: `images` and `links`, "" for what the viewer may post."""
    return {"images": privilege_note(viewer, IMAGES), "links": privilege_note(viewer, LINKS)}
