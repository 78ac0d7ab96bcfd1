"""Filters for the log (settings.LOGGING).

A 403 or a 400 is the client's doing and an ordinary event: Django logs it as one warning,
but with the traceback of the PermissionDenied (or BadRequest) that made it, a screenful for
every refused click. ClientErrorsWithoutTraceback keeps the line and drops the traceback;
server errors (5xx) keep theirs.
"""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
