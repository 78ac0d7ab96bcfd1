"""Who may open what: every object route of the URL conf x every role.

Routes are read from the URL conf itself; each one with an id, slug, username or token in its
path is opened (GET) by anonymous, another customer, a helper, an agent, a moderator, an
admin and the object's owner, and the answer must be the one RULES gives. A route RULES does
not classify fails the suite: a new route cannot ship without someone deciding who may see it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.world import ROLES, World

pytestmark = pytest.mark.django_db

# Each route: what GET, then what POST (with a valid body, see body_for) answers each role, in
# the order of COLUMNS. "login" is a redirect to the sign-in page, "->" any other redirect
# (the pages answer a write with a redirect and a message), numbers are status codes.
# The object is the owner's: their question (with the helper's answer), their own answer,
# their case, their notification, their statement; the sanction is a third member's.
# Read as: public content is 200 to everyone; a case is the customer's and the agents' (404
# to the rest, moderators included); statements are their member's alone; points history is
# the member's and staff's; moderation tools are moderators' (404 to everyone else, so they
# reveal nothing); nobody flags or gives kudos to their own content (403); only the asker,
# agents and moderators accept a solution; only the asker rates it (409 here: not solved yet);
# known issues are public, "I have this too" is any member's, and their staff tools are agents'
# and moderators' (403 in the API, 404 on the pages, as the dashboard); payback review is for
# moderators and admins (403 to everyone else, even the statement's
# member), and the pending statement can be approved but not yet paid or clawed back (409).
COLUMNS = ("anonymous", "other", "helper", "agent", "moderator", "admin", "owner")
RULES: dict[str, tuple[str, str]] = {
    # Canned replies are agents' (admins are agents): 403 from the API, 404 from the pages to
    # everyone else. The world's reply is the agent's, shared: the admin may change it too.
    "api-canned-reply-detail": (
        "  401   403   403   200   403   200   403",
        "  401   403   403   405   403   405   403",
    ),
    "canned-reply-delete": (
        "login   405   405   405   405   405   405",
        "login   404   404    ->   404    ->   404",
    ),
    "canned-reply-edit": (
        "login   404   404   200   404   200   404",
        "login   404   404    ->   404    ->   404",
    ),
    # Announcements are public; staff change them (the pages are 404 to everyone else), and
    # any member may dismiss one for themselves.
    "announcement-delete": (
        "login   404   404   405   405   405   404",
        "login   404   404    ->    ->    ->   404",
    ),
    "announcement-detail": (
        "  200   200   200   200   200   200   200",
        "  405   405   405   405   405   405   405",
    ),
    "announcement-dismiss": (
        "login   405   405   405   405   405   405",
        "login    ->    ->    ->    ->    ->    ->",
    ),
    "announcement-edit": (
        "login   404   404   200   200   200   404",
        "login   404   404   400   400   400   404",
    ),
    "announcement-unpin": (
        "login   404   404   405   405   405   404",
        "login   404   404    ->    ->    ->   404",
    ),
    "api-announcement-detail": (
        "  200   200   200   200   200   200   200",
        "  401   403   403   405   405   405   403",
    ),
    # Following a board, a tag or a member: any member; the member page's owner can't follow
    # themselves (400).
    "api-board-subscription": (
        "  401   405   405   405   405   405   405",
        "  401   201   201   201   201   201   201",
    ),
    # A draft is its member's alone.
    "api-draft-detail": (
        "  401   404   404   404   404   404   200",
        "  401   405   405   405   405   405   405",
    ),
    "api-case-detail": (
        "  401   404   404   200   404   200   200",
        "  401   405   405   405   405   405   405",
    ),
    "api-case-feedback": (
        "  401   405   405   405   405   405   405",
        "  401   404   404   403   404   403   409",
    ),
    "api-case-messages": (
        "  401   404   404   200   404   200   200",
        "  401   404   404   201   404   201   201",
    ),
    "api-deflection-detail": (
        "  401   405   405   405   405   405   405",
        "  401   405   405   405   405   405   405",
    ),
    "api-expert-request-decline": (
        "  401   405   405   405   405   405   405",
        "  401   404   404   404   404   404   200",
    ),
    "api-known-issue-detail": (
        "  200   200   200   200   200   200   200",
        "  401   405   405   405   405   405   405",
    ),
    "api-known-issue-me-too": (
        "  401   405   405   405   405   405   405",
        "  401   201   201   201   201   201   201",
    ),
    "api-known-issue-thread": (
        "  401   405   405   405   405   405   405",
        "  401   405   405   405   405   405   405",
    ),
    "api-known-issue-threads": (
        "  401   405   405   405   405   405   405",
        "  401   403   403   200   200   200   403",
    ),
    "api-known-issue-updates": (
        "  401   405   405   405   405   405   405",
        "  401   403   403   201   201   201   403",
    ),
    "api-member-detail": (
        "  200   200   200   200   200   200   200",
        "  401   405   405   405   405   405   405",
    ),
    "api-member-subscription": (
        "  401   405   405   405   405   405   405",
        "  401   201   201   201   201   201   400",
    ),
    "api-member-points": (
        "  401   403   403   200   200   200   200",
        "  401   405   405   405   405   405   405",
    ),
    "api-payback-statement-approve": (
        "  401   403   403   403   405   405   403",
        "  401   403   403   403   200   200   403",
    ),
    "api-payback-statement-clawback": (
        "  401   403   403   403   405   405   403",
        "  401   403   403   403   409   409   403",
    ),
    "api-payback-statement-detail": (
        "  401   403   403   403   200   200   403",
        "  401   403   403   403   405   405   403",
    ),
    "api-payback-statement-paid": (
        "  401   403   403   403   405   405   403",
        "  401   403   403   403   409   409   403",
    ),
    "api-moderation-review-post-approve": (
        "  401   405   405   405   405   405   405",
        "  401   403   403   403   409   409   403",
    ),
    "api-moderation-review-post-reject": (
        "  401   405   405   405   405   405   405",
        "  401   403   403   403   409   409   403",
    ),
    "api-moderation-review-thread-approve": (
        "  401   405   405   405   405   405   405",
        "  401   403   403   403   409   409   403",
    ),
    "api-moderation-review-thread-reject": (
        "  401   405   405   405   405   405   405",
        "  401   403   403   403   409   409   403",
    ),
    "api-post-detail": (
        "  200   200   200   200   200   200   200",
        "  401   405   405   405   405   405   405",
    ),
    "api-post-flags": (
        "  401   405   405   405   405   405   405",
        "  401   201   201   201   201   201   403",
    ),
    "api-post-kudos": (
        "  405   405   405   405   405   405   405",
        "  401   201   201   201   201   201   403",
    ),
    "api-statement-detail": (
        "  401   404   404   404   404   404   200",
        "  401   405   405   405   405   405   405",
    ),
    "api-tag-subscription": (
        "  401   405   405   405   405   405   405",
        "  401   201   201   201   201   201   201",
    ),
    "api-thread-detail": (
        "  200   200   200   200   200   200   200",
        "  401   405   405   405   405   405   405",
    ),
    # Bookmarks are private and anyone who may read the thread may keep one, its asker too.
    "api-thread-bookmark": (
        "  401   405   405   405   405   405   405",
        "  401   201   201   201   201   201   201",
    ),
    # Closing as a duplicate: moderators, admins and the Expert rank (the helper); the owner's
    # Helper rank is not enough.
    "api-thread-duplicate": (
        "  405   405   405   405   405   405   405",
        "  401   403   200   403   200   200   403",
    ),
    "api-thread-escalate": (
        "  401   405   405   405   405   405   405",
        "  401   403   403   403   200   200   200",
    ),
    "api-thread-feedback": (
        "  401   405   405   405   405   405   405",
        "  401   403   403   403   403   403   409",
    ),
    "api-thread-flags": (
        "  401   405   405   405   405   405   405",
        "  401   201   201   201   201   201   403",
    ),
    "api-thread-kudos": (
        "  405   405   405   405   405   405   405",
        "  401   201   201   201   201   201   403",
    ),
    "api-thread-lock": (
        "  405   405   405   405   405   405   405",
        "  401   403   403   403   200   200   403",
    ),
    "api-thread-posts": (
        "  200   200   200   200   200   200   200",
        "  401   201   201   201   201   201   201",
    ),
    "api-thread-solution": (
        "  405   405   405   405   405   405   405",
        "  401   403   403   200   200   200   200",
    ),
    "api-thread-subscription": (
        "  405   405   405   405   405   405   405",
        "  401   201   200   201   201   201   200",
    ),
    # Webhooks are the admins' alone: 403 from the API, 404 from the pages to everyone else.
    "api-webhook-deliveries": (
        "  401   403   403   403   403   200   403",
        "  401   403   403   403   403   405   403",
    ),
    "api-webhook-detail": (
        "  401   403   403   403   403   200   403",
        "  401   403   403   403   403   405   403",
    ),
    "api-webhook-enable": (
        "  401   403   403   403   403   405   403",
        "  401   403   403   403   403   200   403",
    ),
    "api-webhook-resend": (
        "  401   403   403   403   403   405   403",
        "  401   403   403   403   403   202   403",
    ),
    "webhook-delete": (
        "login   404   404   404   404   405   404",
        "login   404   404   404   404    ->   404",
    ),
    "webhook-detail": (
        "login   404   404   404   404   200   404",
        "login   404   404   404   404   405   404",
    ),
    "webhook-enable": (
        "login   404   404   404   404   405   404",
        "login   404   404   404   404    ->   404",
    ),
    "webhook-resend": (
        "login   404   404   404   404   405   404",
        "login   404   404   404   404    ->   404",
    ),
    "badge-detail": (
        "  200   200   200   200   200   200   200",
        "  405   405   405   405   405   405   405",
    ),
    "badge-icon": (
        "  200   200   200   200   200   200   200",
        "  405   405   405   405   405   405   405",
    ),
    "board-detail": (
        "  200   200   200   200   200   200   200",
        "  405   405   405   405   405   405   405",
    ),
    "board-follow": (
        "login   405   405   405   405   405   405",
        "login    ->    ->    ->    ->    ->    ->",
    ),
    "case-detail": (
        "login   404   404   200   404   200   200",
        "login   405   405   405   405   405   405",
    ),
    "case-feedback": (
        "login   405   405   405   405   405   405",
        "login   404   404   403   404   403    ->",
    ),
    "case-message": (
        "login   405   405   405   405   405   405",
        "login   404   404    ->   404    ->    ->",
    ),
    "case-staff-answer": (
        "login   405   405   405   405   405   405",
        "login   404   404    ->   404    ->   403",
    ),
    "case-update": (
        "login   405   405   405   405   405   405",
        "login   404   404   400   404   400   403",
    ),
    "flag-post": (
        "login   200   200   200   200   200   403",
        "login    ->    ->    ->    ->    ->   403",
    ),
    "flag-thread": (
        "login   200   200   200   200   200   403",
        "login    ->    ->    ->    ->    ->   403",
    ),
    "known-issue-detail": (
        "  200   200   200   200   200   200   200",
        "  405   405   405   405   405   405   405",
    ),
    # The banner live pages fetch again: public, as the issue's page.
    "known-issue-banner": (
        "  200   200   200   200   200   200   200",
        "  405   405   405   405   405   405   405",
    ),
    "known-issue-edit": (
        "login   405   405   405   405   405   405",
        "login   404   404    ->    ->    ->   404",
    ),
    "known-issue-link": (
        "login   405   405   405   405   405   405",
        "login   404   404    ->    ->    ->   404",
    ),
    "known-issue-me-too": (
        "login   405   405   405   405   405   405",
        "login    ->    ->    ->    ->    ->    ->",
    ),
    "known-issue-short": (
        "   ->    ->    ->    ->    ->    ->    ->",
        "  405   405   405   405   405   405   405",
    ),
    "known-issue-unlink": (
        "login   405   405   405   405   405   405",
        "login   404   404    ->    ->    ->   404",
    ),
    "known-issue-update": (
        "login   405   405   405   405   405   405",
        "login   404   404    ->    ->    ->   404",
    ),
    "member-detail": (
        "  200   200   200   200   200   200   200",
        "  405   405   405   405   405   405   405",
    ),
    "member-follow": (
        "login   405   405   405   405   405   405",
        "login    ->    ->    ->    ->    ->    ->",
    ),
    "member-points": (
        "login   404   404   200   200   200   200",
        "login   405   405   405   405   405   405",
    ),
    "moderation-lift": (
        "  405   405   405   405   405   405   405",
        "login   404   404   404    ->    ->   404",
    ),
    "moderation-member": (
        "login   404   404   404   200   200   404",
        "login   404   404   404    ->    ->   404",
    ),
    "moderation-member-delete": (
        "  405   405   405   405   405   405   405",
        "login   404   404   404   400   400   404",
    ),
    "moderation-member-export": (
        "  405   405   405   405   405   405   405",
        "login   404   404   404   200   200   404",
    ),
    "moderation-post-action": (
        "  405   405   405   405   405   405   405",
        "login   404   404   404    ->    ->   404",
    ),
    # The review of new members' posts: the world's content is public, so a moderator's
    # decision on it is a conflict (409: not waiting for review).
    "moderation-review-post-approve": (
        "  405   405   405   405   405   405   405",
        "login   404   404   404   409   409   404",
    ),
    "moderation-review-post-reject": (
        "  405   405   405   405   405   405   405",
        "login   404   404   404   409   409   404",
    ),
    "moderation-review-thread-approve": (
        "  405   405   405   405   405   405   405",
        "login   404   404   404   409   409   404",
    ),
    "moderation-review-thread-reject": (
        "  405   405   405   405   405   405   405",
        "login   404   404   404   409   409   404",
    ),
    "moderation-thread": (
        "login   404   404   404   200   200   404",
        "  405   405   405   405   405   405   405",
    ),
    "moderation-thread-action": (
        "  405   405   405   405   405   405   405",
        "login   404   404   404    ->    ->   404",
    ),
    "notification-open": (
        "login   404   404   404   404   404    ->",
        "login   405   405   405   405   405   405",
    ),
    "notification-unsubscribe": (
        "  200   200   200   200   200   200   200",
        "  200   200   200   200   200   200   200",
    ),
    "payback-statement": (
        "login   403   403   403   200   200   403",
        "login   405   405   405   405   405   405",
    ),
    "payback-statement-approve": (
        "login   405   405   405   405   405   405",
        "login   403   403   403    ->    ->   403",
    ),
    "payback-statement-clawback": (
        "login   405   405   405   405   405   405",
        "login   403   403   403   409   409   403",
    ),
    "payback-statement-paid": (
        "login   405   405   405   405   405   405",
        "login   403   403   403   409   409   403",
    ),
    "post-card": (
        "  200   200   200   200   200   200   200",
        "  405   405   405   405   405   405   405",
    ),
    "post-create": (
        "login   405   405   405   405   405   405",
        "login    ->    ->    ->    ->    ->    ->",
    ),
    "post-delete": (
        "login   405   405   405   405   405   405",
        "login   403   403   403    ->    ->    ->",
    ),
    "post-detail": (
        "   ->    ->    ->    ->    ->    ->    ->",
        "  405   405   405   405   405   405   405",
    ),
    "post-edit": (
        "login   403   200   403   200   200   200",
        "login   403   400   403   400   400   400",
    ),
    "post-kudos": (
        "login   405   405   405   405   405   405",
        "login    ->    ->    ->    ->    ->   403",
    ),
    "tag-detail": (
        "  200   200   200   200   200   200   200",
        "  405   405   405   405   405   405   405",
    ),
    "tag-follow": (
        "login   405   405   405   405   405   405",
        "login    ->    ->    ->    ->    ->    ->",
    ),
    "thread-bookmark": (
        "login   405   405   405   405   405   405",
        "login    ->    ->    ->    ->    ->    ->",
    ),
    "thread-delete": (
        "login   405   405   405   405   405   405",
        "login   403   403   403    ->    ->   403",
    ),
    "thread-detail": (
        "  200   200   200   200   200   200   200",
        "  405   405   405   405   405   405   405",
    ),
    "thread-duplicate": (
        "login   403   200   403   200   200   403",
        "login   403    ->   403    ->    ->   403",
    ),
    "thread-edit": (
        "login   403   200   403   200   200   200",
        "login   403   400   403   400   400   400",
    ),
    "thread-escalate": (
        "login   405   405   405   405   405   405",
        "login   403   403   403    ->    ->    ->",
    ),
    "deflection-rate": (
        "login   405   405   405   405   405   405",
        "login   404   404   404   404   404    ->",
    ),
    "expert-request-decline": (
        "login   405   405   405   405   405   405",
        "login   404   404   404   404   404    ->",
    ),
    "thread-feedback": (
        "login   405   405   405   405   405   405",
        "login   403   403   403   403   403    ->",
    ),
    "thread-follow": (
        "login   405   405   405   405   405   405",
        "login    ->    ->    ->    ->    ->    ->",
    ),
    "thread-kudos": (
        "login   405   405   405   405   405   405",
        "login    ->    ->    ->    ->    ->   403",
    ),
    "thread-lock": (
        "login   405   405   405   405   405   405",
        "login   403   403   403    ->    ->   403",
    ),
    "thread-revisions": (
        "  200   200   200   200   200   200   200",
        "  405   405   405   405   405   405   405",
    ),
    "thread-short": (
        "   ->    ->    ->    ->    ->    ->    ->",
        "  405   405   405   405   405   405   405",
    ),
    "thread-solution": (
        "login   405   405   405   405   405   405",
        "login   403   403    ->    ->    ->    ->",
    ),
}

# Route families that are not object endpoints of Mutua's own, with the reason.
NOT_OBJECT_ROUTES = {
    # The Django admin: staff-only as a whole, checked by test_the_admin_is_staff_only.
    "admin:": "Django admin",
    # Sign-up and password-reset links carry a one-time key: the key is the credential.
    "account_confirm_email": "one-time key",
    "account_reset_password_from_key": "one-time key",
    # allauth's pages for one's own security keys: scoped to the signed-in member's keys,
    # checked by tests/community/test_second_factor.py.
    "mfa_edit_webauthn": "own security key",
    "mfa_remove_webauthn": "own security key",
    # A provider's sign-in: the path names the configured provider, not an object.
    "openid_connect_login": "sign-in provider",
    "openid_connect_callback": "sign-in provider",
}


def iter_routes(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    """(route name with namespace, route pattern) for every named route."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_routes(entry.url_patterns, prefix + str(entry.pattern), space)
        elif entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def object_routes() -> dict[str, str]:
    routes = {}
    for name, pattern in iter_routes(get_resolver().url_patterns):
        if "<" not in pattern and "(?P<" not in pattern:
            continue
        if any(name.startswith(skip) for skip in NOT_OBJECT_ROUTES):
            continue
        if pattern.startswith("^media/"):
            continue
        routes[name] = pattern
    return routes


def path_for(pattern: str, world: World) -> str:
    """The route's path for the world's objects (the owner's, where it has one)."""
    values = {
        "username": world.members["owner"].username,
        "token": world.unsubscribe,
        "notification_id": str(world.notification.pk),
        "key": "ask",  # the owner's draft of the ask form
        "delivery_id": str(world.delivery.pk),
    }
    if "known-issues/<int:pk>" in pattern:
        values["pk"] = str(world.known_issue.pk)
        values["thread_id"] = str(world.thread.pk)
        values["slug"] = world.known_issue.get_absolute_url().rstrip("/").rsplit("/", 1)[1]
    elif "posts/<int:pk>" in pattern:
        values["pk"] = str(world.own_answer.pk)
    elif "cases/<int:pk>" in pattern:
        values["pk"] = str(world.case.pk)
    elif "statements/<int:pk>" in pattern:
        values["pk"] = str(world.statement.pk)
    elif "sanctions/<int:pk>" in pattern:
        values["pk"] = str(world.sanction.pk)
    elif "threads/<int:pk>" in pattern:
        values["pk"] = str(world.thread.pk)
    elif "expert-requests/<int:pk>" in pattern:
        values["pk"] = str(world.expert_request.pk)
    elif "deflections/<int:pk>" in pattern:
        values["pk"] = str(world.deflection.pk)
    elif "webhooks/<int:pk>" in pattern:
        values["pk"] = str(world.webhook.pk)
    elif "canned-replies/<int:pk>" in pattern:
        values["pk"] = str(world.canned_reply.pk)
    elif "announcements/<int:pk>" in pattern:
        values["pk"] = str(world.announcement.pk)
    if "boards/<slug:slug>" in pattern:
        values["slug"] = world.board.slug
    elif "tags/<slug:slug>" in pattern:
        values["slug"] = world.tag.slug
    elif "badges/<slug:slug>" in pattern:
        values["slug"] = world.badge
    elif "threads/<int:pk>/<slug:slug>" in pattern and "known-issues" not in pattern:
        values["slug"] = world.thread.get_absolute_url().rstrip("/").rsplit("/", 1)[1]
    # Moderation actions: a real one, which GET must not perform.
    values["action"] = "hide"

    def value(match: re.Match[str]) -> str:
        name = match.group(2)
        assert name in values, f"no value for <{name}> in {pattern}"
        return values[name]

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, pattern)


def body_for(name: str, world: World) -> dict[str, object]:
    """A valid request body for the writes whose permission check follows validation: with
    an empty body every role would get the same 400 and the matrix would prove nothing."""
    bodies: dict[str, dict[str, object]] = {
        # The API's body first: "api-thread-duplicate" ends with the page's name too.
        "api-thread-duplicate": {"of": world.decoy.pk},
        "thread-duplicate": {"of_other": str(world.decoy.pk)},
        "solution": {"post": world.answer.pk},
        "feedback": {"score": 5},
        "flags": {"kind": "spam", "note": "Selling phones."},
        "flag-": {"kind": "spam", "note": "Selling phones."},
        "posts": {"body": "Restart the phone and wait ten minutes, then check again."},
        "post-create": {"body": "Restart the phone and wait ten minutes, then check again."},
        "messages": {"body": "Any news on this, please?"},
        "case-message": {"body": "Any news on this, please?"},
        "case-staff-answer": {"body": "We refunded the top-up; it shows within the hour."},
        "case-update": {"status": "pending", "priority": "normal", "assignee": ""},
        "moderation-member": {"kind": "silence", "days": 1, "reason": "Heated replies."},
        "canned-reply-edit": {"title": "Top-up delays", "body": "Hello {customer_name}."},
        # Payback review: valid, so a reviewer meets the status rule (409: still pending).
        "paid": {"reference": "BACS-0042"},
        "clawback": {"points": 10, "reason": "Kudos from sock puppets."},
        # Known issues: staff link the owner's question, post an update, rename it.
        "known-issue-threads": {"thread": world.thread.pk},
        "known-issue-link": {"thread": world.thread.pk},
        "known-issue-updates": {"body": "The payments provider has fixed the delay."},
        "known-issue-update": {"body": "The payments provider has fixed the delay."},
        "known-issue-edit": {"title": "Card top-ups delayed by an hour"},
    }
    for key, body in bodies.items():
        if name.endswith(key) or name.startswith(key) or name.removeprefix("api-").endswith(key):
            return body
    return {}


def outcome(client: Client, method: str, path: str, body: dict[str, object]) -> object:
    """What `role` gets; each request's writes are rolled back so the next role meets the
    same world."""
    with transaction.atomic():
        if method == "GET":
            response = client.get(path)
        elif path.startswith("/api/"):
            response = client.post(path, body, content_type="application/json")
        else:
            response = client.post(path, body)
        transaction.set_rollback(True)
    if response.status_code in (301, 302):
        location = response["Location"]
        return "login" if "/accounts/login/" in location else "->"
    return response.status_code


def client_for(world: World, role: str) -> Client:
    client = Client()
    member = world.member(role)
    if member is not None:
        client.force_login(member)
    return client


def parse(row: str) -> dict[str, object]:
    values = [int(v) if v.isdigit() else v for v in row.split()]
    assert len(values) == len(COLUMNS), row
    return dict(zip(COLUMNS, values, strict=True))


def test_every_object_route_is_classified_and_no_rule_is_stale() -> None:
    routes = set(object_routes())
    assert not routes - RULES.keys(), (
        "New object routes: decide who may open them and add them to RULES: "
        f"{sorted(routes - RULES.keys())}"
    )
    assert not RULES.keys() - routes, (
        f"RULES for routes that are gone: {sorted(RULES.keys() - routes)}"
    )


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_role_gets_what_the_rules_say(world: World, name: str) -> None:
    pattern = object_routes().get(name)
    if pattern is None:
        pytest.fail(f"{name} is in RULES but not in the URL conf")
    path = path_for(pattern, world)
    body = body_for(name, world)
    wrong = []
    for method, row in zip(("GET", "POST"), RULES[name], strict=True):
        expected = parse(row)
        for role in ROLES:
            got = outcome(client_for(world, role), method, path, body)
            if got != expected[role]:
                wrong.append(f"{method} {path} as {role}: expected {expected[role]}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_the_admin_is_staff_only(world: World) -> None:
    path = f"/admin/community/member/{world.members['owner'].pk}/change/"
    for role in ("anonymous", "other", "helper", "owner"):
        response = client_for(world, role).get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], role
    assert client_for(world, "admin").get(path).status_code == 200
