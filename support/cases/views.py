"""Case pages: the agents' workspace (queue and case) and the customer's view of a case.

Each view turns a request into one service or selector call and a response. Who sees what:
- the queue and every agent action: agents only; anyone else signed in gets a 404, so the
  workspace does not announce itself;
- a case: its customer and agents; anyone else a 404. The customer's page shows only the
  public conversation: no internal notes, no internal timeline, no agent controls.
Anonymous visitors are sent to sign in, as everywhere on the site.
Forms post and redirect (they work without JavaScript); the queue's list refreshes itself
every 30 seconds with HTMX, which asks for the list fragment alone.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from community import selectors as community_selectors
from community.errors import Conflict, RateLimited
from community.http import is_htmx, request_member
from community.models import Member
from support.canned import selectors as canned_selectors
from support.cases import selectors, services, taxonomy
from support.cases.forms import CaseMessageForm, CaseUpdateForm, EscalateForm, StaffAnswerForm
from support.cases.models import Case, CaseEvent, CasePriority, CaseReason, CaseStatus

CASES_PER_PAGE = 25
QUEUE_REFRESH_SECONDS = 30


def _label_options(case: Case) -> dict[str, list[tuple[str, str]]]:
    """The active categories and root causes; a retired one the case still has stays
    selectable, so saving the form does not clear it behind the agent's back."""
    options = {}
    for kind in ("category", "root_cause"):
        labels = taxonomy.case_labels(kind=kind, active_only=True)
        current = getattr(case, kind)
        if current is not None and all(label.pk != current.pk for label in labels):
            labels.append(current)
        options[kind] = [(label.slug, label.name) for label in labels]
    return options


def _require_agent(request: HttpRequest) -> Member:
    member = request_member(request)
    if not selectors.viewer_is_agent(member):
        raise Http404(_("No such page."))
    return member


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


# ---------------------------------------------------------------------------- the queue


def _choice(value: str | None, allowed: tuple[str, ...] | list[str], default: str) -> str:
    return value if value is not None and value in allowed else default


def _queue_filters(request: HttpRequest, boards: list[str]) -> dict[str, str]:
    """The queue's filters from the query string; a value it doesn't know means the default."""
    return {
        "status": _choice(request.GET.get("status"), selectors.QUEUE_STATUSES, "active"),
        "scope": _choice(request.GET.get("scope"), selectors.QUEUE_SCOPES, "all"),
        "reason": _choice(request.GET.get("reason"), [*CaseReason.values, ""], ""),
        "board": _choice(request.GET.get("board"), [*boards, ""], ""),
    }


@login_required
@require_GET
def agent_queue(request: HttpRequest) -> HttpResponse:
    agent = _require_agent(request)
    boards = list(community_selectors.board_list())
    filters = _queue_filters(request, [b.slug for b in boards])
    board = next((b for b in boards if b.slug == filters["board"]), None)
    cases = selectors.case_list(
        viewer=agent,
        status=filters["status"],
        reason=filters["reason"] or None,
        assignee=agent if filters["scope"] == "mine" else None,
        unassigned=filters["scope"] == "unassigned",
        board=board,
        ordering="sla_due_at",
    )
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({key: value for key, value in filters.items() if value})
    context = {
        "page": page,
        "filters": filters,
        "query": query,
        "refresh_url": f"{reverse('agent-queue')}?{urlencode({**filters, 'page': page.number})}",
        "refresh_seconds": QUEUE_REFRESH_SECONDS,
    }
    if is_htmx(request):
        return render(request, "support/_queue_list.html", context)
    context |= {
        "available": selectors.agent_is_available(agent=agent),
        "boards": boards,
        "statuses": [
            ("active", _("Active")),
            *CaseStatus.choices,
            ("all", _("All")),
        ],
        "scopes": [("all", _("Everyone's")), ("mine", _("Mine")), ("unassigned", _("Unassigned"))],
        "reasons": CaseReason.choices,
    }
    return render(request, "support/agent_queue.html", context)


@login_required
@require_POST
def agent_availability(request: HttpRequest) -> HttpResponse:
    agent = _require_agent(request)
    available = request.POST.get("available") == "1"
    services.agent_availability_set(agent=agent, available=available)
    if is_htmx(request):
        return render(request, "support/_availability.html", {"available": available})
    messages.success(
        request,
        _("You are available: new cases may come your way.")
        if available
        else _("You are away: new cases go to other agents."),
    )
    return redirect("agent-queue")


# ---------------------------------------------------------------------------- my cases


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """The member's own cases (as a customer)."""
    member = request_member(request)
    page = Paginator(selectors.customer_cases(customer=member), CASES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "support/case_list.html",
        {"page": page, "is_agent": selectors.viewer_is_agent(member)},
    )


# ---------------------------------------------------------------------------- a case


def _label(choices: type[CaseStatus] | type[CasePriority], value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _timeline(events: list[CaseEvent]) -> list[dict[str, Any]]:
    """Each event with a sentence saying what happened, for the template."""
    ids = set()
    for event in events:
        if event.kind in (CaseEvent.Kind.ASSIGNED, CaseEvent.Kind.OPENED):
            ids |= {event.data.get("to"), event.data.get("assignee")}
    people = selectors.members_by_id(ids={pk for pk in ids if isinstance(pk, int)})

    def name(pk: Any) -> str:
        member = people.get(pk)
        return member.name if member else _("nobody")

    entries = []
    for event in events:
        data = event.data or {}
        kind = event.kind
        if kind == CaseEvent.Kind.OPENED:
            reason = data.get("reason")
            text = _("Opened: %(reason)s.") % {
                "reason": CaseReason(reason).label if reason in CaseReason.values else reason
            }
            if data.get("assignee"):
                text = f"{text} {_('Assigned to %(name)s.') % {'name': name(data['assignee'])}}"
        elif kind == CaseEvent.Kind.ASSIGNED:
            text = (
                _("Assigned to %(name)s.") % {"name": name(data.get("to"))}
                if data.get("to")
                else _("Unassigned.")
            )
        elif kind == CaseEvent.Kind.STATUS:
            text = _("Status: %(old)s → %(new)s.") % {
                "old": _label(CaseStatus, data.get("from")),
                "new": _label(CaseStatus, data.get("to")),
            }
        elif kind == CaseEvent.Kind.PRIORITY:
            text = _("Priority: %(old)s → %(new)s.") % {
                "old": _label(CasePriority, data.get("from")),
                "new": _label(CasePriority, data.get("to")),
            }
        elif kind == CaseEvent.Kind.MESSAGE:
            text = _("Wrote a message.")
        elif kind == CaseEvent.Kind.NOTE:
            text = _("Added an internal note.")
        elif kind == CaseEvent.Kind.SLA_BREACHED:
            text = _("The first response is overdue (SLA breached).")
        elif kind == CaseEvent.Kind.STAFF_ANSWER:
            text = (
                _("Posted a public answer and marked it as the solution.")
                if data.get("solution")
                else _("Posted a public answer on the thread.")
            )
        else:
            text = event.get_kind_display()
        entries.append({"event": event, "text": text, "post_id": data.get("post")})
    return entries


def _agent_options(case: Case) -> list[tuple[str, str]]:
    """The agents to assign, with their load; the current assignee even if no longer one."""
    options = [
        (
            choice.agent.username,
            (
                _("%(name)s (%(load)d active)")
                if choice.available
                else _("%(name)s (%(load)d active, away)")
            )
            % {"name": choice.agent.name, "load": choice.load},
        )
        for choice in selectors.agent_choices()
    ]
    if case.assignee and all(username != case.assignee.username for username, _l in options):
        options.append((case.assignee.username, case.assignee.name))
    return options


def _agent_context(
    case: Case, viewer: Member, *, canned_id: str | None = None, **forms: Any
) -> dict[str, Any]:
    update_form = forms.pop("update_form", None) or CaseUpdateForm(
        agents=_agent_options(case),
        labels=_label_options(case),
        initial={
            "status": case.status,
            "priority": case.priority,
            "assignee": case.assignee.username if case.assignee else "",
            "category": case.category.slug if case.category else "",
            "root_cause": case.root_cause.slug if case.root_cause else "",
        },
    )
    thread = case.thread
    canned = canned_selectors.canned_replies_for_case(agent=viewer, case=case)
    message_form = forms.pop("message_form", None)
    if message_form is None:
        # "Insert" without JavaScript: the page comes back with the reply in the form.
        chosen = next((item for item in canned if str(item.reply.pk) == canned_id), None)
        message_form = CaseMessageForm(initial={"body": chosen.text} if chosen else None)
    return {
        "case": case,
        "thread": thread,
        "history": selectors.customer_history(customer=case.customer, case=case),
        "timeline": _timeline(list(selectors.case_events_for_viewer(case=case, viewer=viewer))),
        "conversation": selectors.case_messages_for_viewer(case=case, viewer=viewer),
        "message_form": message_form,
        "canned_replies": canned,
        "update_form": update_form,
        "answer_form": forms.pop("answer_form", None) or StaffAnswerForm(),
        "is_overdue": case.is_active
        and case.first_response_at is None
        and case.sla_due_at is not None
        and case.sla_due_at < timezone.now(),
    }


def _customer_context(case: Case, viewer: Member, **forms: Any) -> dict[str, Any]:
    # Satisfaction's "Did we solve your problem?" once the case is resolved (its section
    # decides whether to show). Imported here: that module reaches into the dashboard.
    from support.satisfaction.receivers import case_section

    return {
        "case": case,
        "thread": case.thread,
        "conversation": selectors.case_messages_for_viewer(case=case, viewer=viewer),
        "message_form": forms.pop("message_form", None) or CaseMessageForm(),
        "satisfaction": case_section(case, viewer),
    }


def _case_page(
    request: HttpRequest, case: Case, *, status: int = 200, **forms: Any
) -> HttpResponse:
    viewer = request_member(request)
    if selectors.viewer_is_agent(viewer):
        context = _agent_context(case, viewer, canned_id=request.GET.get("canned"), **forms)
        return render(request, "support/case_agent.html", context, status=status)
    return render(
        request,
        "support/case_customer.html",
        _customer_context(case, viewer, **forms),
        status=status,
    )


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_viewer(case_id=pk, viewer=request.user)
    return _case_page(request, case)


@login_required
@require_POST
def case_message(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_viewer(case_id=pk, viewer=request.user)
    form = CaseMessageForm(request.POST)
    if form.is_valid():
        try:
            message = services.case_message_post(
                case=case,
                author=request_member(request),
                body=form.cleaned_data["body"],
                internal=form.cleaned_data["internal"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
            return _case_page(request, case, status=409, message_form=form)
        else:
            messages.success(
                request,
                _("Your internal note is saved.")
                if message.internal
                else _("Your message is sent."),
            )
            return redirect(f"{case.get_absolute_url()}#message-{message.pk}")
    return _case_page(request, case, status=400, message_form=form)


@login_required
@require_POST
def case_update(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_viewer(case_id=pk, viewer=request.user)
    actor = request_member(request)
    if not selectors.viewer_is_agent(actor):
        raise PermissionDenied(_("Only agents can change cases."))
    form = CaseUpdateForm(request.POST, agents=_agent_options(case), labels=_label_options(case))
    if form.is_valid():
        username = form.cleaned_data["assignee"]
        assignee = selectors.member_get_for_input(username=username) if username else None
        try:
            services.case_update(
                case=case,
                actor=actor,
                status=form.cleaned_data["status"],
                priority=form.cleaned_data["priority"],
                assignee=assignee,
                unassign=not username,
                category=form.cleaned_data["category"],
                root_cause=form.cleaned_data["root_cause"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The case is updated."))
            return redirect(case)
    return _case_page(request, case, status=400, update_form=form)


@login_required
@require_POST
def case_staff_answer(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_viewer(case_id=pk, viewer=request.user)
    agent = request_member(request)
    if not selectors.viewer_is_agent(agent):
        raise PermissionDenied(_("Only agents can answer for the staff."))
    form = StaffAnswerForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            post = services.case_staff_answer(
                case=case,
                agent=agent,
                body=form.cleaned_data["body"],
                mark_solution=form.cleaned_data["mark_solution"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
            status = 409
        except RateLimited as error:
            form.add_error(None, error.message)
            status = 429
        else:
            messages.success(request, _("Your answer is posted on the thread."))
            return redirect(post)
    response = _case_page(request, case, status=status, answer_form=form)
    return response


# ---------------------------------------------------------------------------- ask an agent


@login_required
@require_POST
def thread_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Ask an agent" from the thread page: the asker, or a moderator."""
    thread = community_selectors.thread_get_for_viewer(thread_id=pk, viewer=request.user)
    member = request_member(request)
    form = EscalateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("message", [])))
        return redirect(thread)
    try:
        case, opened = services.case_escalate(
            thread=thread, actor=member, message=form.cleaned_data["message"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(thread)
    if opened:
        messages.success(request, _("An agent will take it from here. We'll keep you posted."))
    else:
        messages.info(request, _("An agent is already on it."))
    if case.customer_id == member.pk or selectors.viewer_is_agent(member):
        return redirect(case)
    return redirect(thread)
