"""Errors the services raise besides ValidationError (400) and PermissionDenied (403).

Views turn them into a message on the page; the API turns them into 409 and 429
(config.api.exception_handler).
"""

from __future__ import annotations


class Conflict(Exception):
    """The request is fine but the thing's state forbids it (a locked thread): 409."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RateLimited(Exception):
    """Too much, too fast: 429 with Retry-After."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = max(1, retry_after)
