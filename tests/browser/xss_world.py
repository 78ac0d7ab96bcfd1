"""Puts every XSS vector into every field members write, in the browser tests' server.

Run inside the server's database with `manage.py shell -c` (tests/browser/test_xss.py): it
writes through the services, as members' input arrives, and prints the paths to render as
JSON on its last line. Everything goes on its own board, so the other journeys meet their
usual demo community.

Fields: question titles and bodies, answer bodies, display names and bios, tag names, case
messages (customer and agent), flag notes and the notifications that name hostile members
and threads. Board descriptions are not member input (staff edit boards in the admin).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from community import services
from community.models import Board, Member, Post, Tag, Thread
from community.services.members import member_profile_update
from notifications.services import notify
from support.cases.services import case_escalate, case_message_post
from support.moderation.services import flag_create
from tests.xss_vectors import XSS_VECTORS as ALL_VECTORS

# PostgreSQL cannot store a NUL character, and no request carrying one gets that far (the
# middleware answers 400: tests/config/test_bad_input.py), so the vectors go in without it.
XSS_VECTORS = [vector.replace("\x00", "") for vector in ALL_VECTORS]

T = TypeVar("T")
GROUP = 8  # vectors per Markdown body (each separated by a blank line and a rule)


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def build() -> dict[str, list[str]]:
    member = Member.objects.get
    chiara, hannah, agnes = (member(username=u) for u in ("chiara", "hannah", "agnes"))
    board = Board.objects.create(slug="xss-lab", name="XSS lab")
    refused = 0

    # Members whose display name and bio are hostile; each asks one question whose title is.
    authors = []
    for number, vector in enumerate(XSS_VECTORS):
        author = Member.objects.create(
            username=f"xss{number}", email=f"xss{number}@example.com", display_name="x"
        )
        author.set_unusable_password()
        author.save(update_fields=["password"])
        bio = "\n\n".join(XSS_VECTORS[number : number + 4])[:500]
        try:
            member_profile_update(member=author, display_name=vector[:50], bio=bio)
        except ValidationError:
            refused += 1
        authors.append(author)
    tags = []
    for number, vector in enumerate(XSS_VECTORS[:20]):
        tags.append(Tag.objects.create(slug=f"xss-tag-{number}", name=vector[:40]))
    titled = []
    for number, (vector, author) in enumerate(zip(XSS_VECTORS, authors, strict=True)):
        try:
            titled.append(
                services.thread_create(
                    author=author,
                    board=board,
                    title=f"{vector} ({number})",
                    body=f"Question {number} with a hostile title and author.",
                    tags=[tags[number % len(tags)].slug],
                    check_limits=False,
                )
            )
        except ValidationError:
            refused += 1

    # Bodies: the vectors in groups, as questions by chiara and answers by hostile authors.
    bodies = ["\n\n---\n\n".join(group) for group in chunks(XSS_VECTORS, GROUP)]
    asked = []
    for number, body in enumerate(bodies):
        thread = services.thread_create(
            author=chiara,
            board=board,
            title=f"Hostile bodies, part {number + 1}",
            body=body,
            check_limits=False,
        )
        asked.append(thread)
        for author in authors[number * 3 : number * 3 + 3]:
            services.post_create(author=author, thread=thread, body=body, check_limits=False)
    # A case whose conversation is hostile on both sides, and flags with hostile notes.
    case, _ = case_escalate(thread=asked[0], actor=chiara, message=XSS_VECTORS[0])
    for body in bodies:
        case_message_post(case=case, author=chiara, body=body)
        case_message_post(case=case, author=agnes, body=body)
    flagged = Post.objects.filter(thread__in=asked).order_by("pk")
    for post, vector in zip(flagged, XSS_VECTORS, strict=False):
        try:
            flag_create(flagger=hannah, kind="other", post=post, note=vector)
        except ValidationError:
            refused += 1
    # Notifications that name hostile members and threads, in chiara's inbox.
    for author, thread in zip(authors, titled, strict=False):
        notify(
            recipient_id=chiara.pk, kind="answer", actor_id=author.pk, url=thread.get_absolute_url()
        )
    # All of it happened yesterday, so no posting limit of today's journeys is used up.
    day = timedelta(days=1)
    Thread.objects.filter(board=board).update(created_at=F("created_at") - day)

    thread_pages = [t.get_absolute_url() for t in asked]
    board_pages = [f"/boards/{board.slug}/?page={n}" for n in range(1, len(titled) // 20 + 2)]
    # Every author's profile with SECURITY_DEEP; a sample of them otherwise.
    step = 1 if os.environ.get("SECURITY_DEEP") else 16
    member_pages = [a.get_absolute_url() for a in authors[::step]]
    return {
        "anonymous": [
            "/",
            "/unanswered/",
            "/leaderboard/",
            *board_pages,
            *thread_pages,
            *member_pages,
            *[f"/tags/{t.slug}/" for t in tags[:5]],
            "/search/?q=hostile",
        ],
        "chiara": ["/notifications/", f"/support/cases/{case.pk}/", *thread_pages[:2]],
        "agnes": [f"/support/cases/{case.pk}/", "/support/", "/support/cases/"],
        "marco": ["/moderation/", f"/moderation/members/{authors[0].username}/"],
        "refused": [str(refused)],
    }


def main() -> None:
    # One transaction: a commit per row would cost SQLite an fsync each.
    with transaction.atomic():
        pages = build()
    print("XSS-PAGES " + json.dumps(pages))
