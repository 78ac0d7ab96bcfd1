"""What ranks unlock, and the Django permission each privilege grants.

Community and support check permissions (`member.has_perm("community.edit_any_content")`);
gamification.backends.RankPrivilegeBackend grants them to members whose rank lists the
privilege, the same way the staff groups grant them to agents and moderators.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

PRIVILEGES: dict[str, tuple[StrOrPromise, str]] = {
    "post_links": (_("Post links"), "community.post_links"),
    "post_images": (_("Post images"), "community.post_images"),
    "flag": (_("Flag posts for moderators"), "community.flag_content"),
    "retag": (_("Retag other members' questions"), "community.retag_thread"),
    "edit_others": (_("Edit other members' posts"), "community.edit_any_content"),
    "accept_others_solutions": (
        _("Accept solutions in other members' questions"),
        "community.accept_any_solution",
    ),
}
