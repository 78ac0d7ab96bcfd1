"""Webhooks: admins register HTTPS endpoints for events; deliveries are signed, sent from an
outbox by Celery with retries and back-off, logged, re-sendable, and an endpoint that keeps
failing is switched off (docs/api.md, "Webhooks").

They live in notifications because they are a sink like the inbox: they hear the events of
support (and, through it, of community) and nobody imports them.
"""
