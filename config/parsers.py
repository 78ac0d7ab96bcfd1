"""DRF's JSON parser, refusing bodies nested too deeply to decode.

`json.loads` recurses once per level of nesting; `[[[[...]]]]` a few thousand deep raises
RecursionError, which DRF's parser doesn't catch (a 500). That is bad input: a 400.

It also refuses a NUL character anywhere in the body: PostgreSQL text can't hold one, and a
lookup by a value holding one (a board's slug, a username) raises DataError. Serializers'
CharFields refuse NUL themselves; slug lookups and hand-read values don't.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

NUL = "\x00"


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from None
        if _holds_nul(data):
            # On the field at fault, as a serializer's CharField would say it.
            message = _("Null characters are not allowed.")
            fields = (
                [key for key, value in data.items() if _holds_nul(value)]
                if isinstance(data, dict)
                else []
            )
            if fields and all(NUL not in key for key in data):
                raise ValidationError({fields[0]: [message]})
            raise ParseError(message)
        return data


def _holds_nul(data: Any) -> bool:
    # Iterative: the body was decodable, but a recursive walk could still hit the limit.
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False
