"""The staff page where the case categories and root causes are maintained
(/support/case-lists/): add an entry, rename it, retire it or bring it back. Agents and
moderators only (404 to anyone else, as the dashboard)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from community.http import request_member
from support.cases import taxonomy


@login_required
def case_lists(request: HttpRequest) -> HttpResponse:
    member = request_member(request)
    if not (member.is_agent or member.is_moderator):
        raise Http404(_("No such page."))
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        action = request.POST.get("action", "")
        slug = request.POST.get("slug", "")
        try:
            if action == "add":
                taxonomy.case_label_create(
                    actor=member, kind=kind, name=request.POST.get("name", "")
                )
            elif action == "rename":
                taxonomy.case_label_update(
                    actor=member, kind=kind, slug=slug, name=request.POST.get("name", "")
                )
            elif action in ("retire", "restore"):
                taxonomy.case_label_update(
                    actor=member, kind=kind, slug=slug, active=action == "restore"
                )
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("The list is saved."))
        return redirect("case-lists")
    lists = [
        ("category", _("Categories"), _("What the case was about."), "category"),
        ("root_cause", _("Root causes"), _("Why it happened."), "root-cause"),
    ]
    return render(
        request,
        "support/case_lists.html",
        {
            "lists": [
                (kind, title, hint, dom, taxonomy.case_labels(kind=kind))
                for kind, title, hint, dom in lists
            ]
        },
    )
