"""API v1 (docs/api.md): each view turns a request into one service or selector call.

Errors are not handled here: the services raise ValidationError, PermissionDenied, Conflict
and RateLimited, the selectors Http404, and config.api.exception_handler turns them into
400, 403, 409, 429 and 404 with the bodies docs/api.md promises.

Choices left open by docs/api.md, made here:
- GET /threads/ answers 400 for a filter value it doesn't know (a status or ordering not on
  the list, a board, tag or author that doesn't exist); an empty value means no filter.
- kudos: POST gives `{given, kudos_count}`, 201 the first time and 200 after; DELETE is 204,
  or 404 if the member had not given kudos.
- subscription: POST gives `{following: true}`, 201 when new and 200 if already following;
  DELETE is 204 whether or not the member was following (unfollowing has no side effects).
- lock (moderators): POST and DELETE /threads/{id}/lock/ give 200 and the thread.
- GET /threads/similar/ is a plain list (at most five); GET /search/ pages with
  `page` (at most 100) and `page_size` (at most 50).

A module per noun: auth (the token), threads (boards, threads, their kudos and answers
list), posts (an answer and its kudos) and search; what they share is in common.
"""
