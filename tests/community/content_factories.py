"""Tags for the API tests (members, boards, questions and answers: tests/builders.py)."""

from __future__ import annotations

import itertools

from community.models import Tag

_numbers = itertools.count(1)


def tag_create(*, slug: str) -> Tag:
    return Tag.objects.create(slug=slug, name=slug.replace("-", " ").title())
