"""Reads that run on every page, compiled by Django once per process and planned by
PostgreSQL once per connection.

Building a queryset and compiling it costs more CPU than running a small query on a pooled
connection: the member's permissions (a UNION of three) about 1.3 ms, against 0.1 ms to send
it and read the rows. When only a member's id changes from one call to the next, `Prepared`
compiles the same queryset once per database, with a stand-in id, and each call runs that SQL
with the real id in the stand-in's places. The SQL is Django's own, so it reads what the
queryset would; tests compare the two.

Planning is the other half: PostgreSQL planned the permissions' UNION in 0.6 ms and ran it in
0.1. On a connection of the process's pool (which outlives the request), `cursor()` sends a
statement as a prepared statement, planned once per connection and then only run; the
hand-written per-page statements use it too (the reader's marks on a thread page). Used by
the member's permissions (community/permissions.py), the bell's count for a member loaded
outside a request (notifications/services.py) and the session's member
(community.managers.MemberManager), which brings along what every member's page shows (the
bell's count, the member's points and rank). Without the pool (DB_POOL=off, for PgBouncer
in transaction mode, where a statement prepared on one server connection is unknown on the
next) and on SQLite it is Django's usual cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import psycopg
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Model, QuerySet

# An id no row has. Only its places among the parameters matter; a build function must
# use it as a parameter (never inside text) for the call's id to take its place.
STAND_IN = -7_345_901_263


_ONLY_WHEN_ASKED = 2**62


class _PreparingCursor(psycopg.Cursor[Any]):
    """Binds parameters on the server and prepares every statement it runs (psycopg keeps
    each connection's prepared statements, the least used dropped past `prepared_max`)."""

    def execute(  # type: ignore[override]
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: Any = None
    ) -> psycopg.Cursor[Any]:
        return super().execute(query, params, prepare=True, binary=binary)

    def _send_query_prepared(self, name: bytes, pgq: Any, *, binary: bool | None = None) -> None:
        # psycopg keeps the query it sent (`_query`) only for an unprepared statement;
        # Django's query log (DEBUG, the tests' query counts) reads it.
        self._query = pgq
        super()._send_query_prepared(name, pgq, binary=binary)


def plans_once(connection: BaseDatabaseWrapper) -> bool:
    """Whether `cursor()` prepares statements on this database: PostgreSQL behind the
    process's own pool."""
    options = connection.settings_dict.get("OPTIONS") or {}
    return connection.vendor == "postgresql" and bool(options.get("pool"))


def cursor(using: str = "default") -> CursorWrapper:
    """A cursor whose statements PostgreSQL plans once per pooled connection (see above);
    wrapped like Django's own, so it is counted, logged and its errors are Django's."""
    connection = connections[using]
    if not plans_once(connection):
        return connection.cursor()
    # What BaseDatabaseWrapper.cursor() does, with the prepared statements' cursor.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    # Django turns psycopg's preparing off (prepare_threshold None), which refuses even an
    # explicit prepare; a threshold no count reaches prepares only what this cursor asks.
    # Django's own cursors bind on the client and never prepare.
    if connection.connection.prepare_threshold is None:
        connection.connection.prepare_threshold = _ONLY_WHEN_ASKED
    with connection.wrap_database_errors:
        wrapped = connection._prepare_cursor(_PreparingCursor(connection.connection))  # type: ignore[attr-defined]  # noqa: SLF001
    return cast(CursorWrapper, wrapped)


class Prepared:
    """`build(id)` returns the queryset; `rows(id)` runs its SQL for that id."""

    def __init__(self, build: Callable[[int], QuerySet[Any]]) -> None:
        self._build = build
        self._compiled: dict[str, tuple[str, tuple[Any, ...]]] = {}

    def sql(self, pk: int, *, using: str = "default") -> tuple[str, list[Any]]:
        compiled = self._compiled.get(using)
        if compiled is None:
            query = self._build(STAND_IN).query
            sql, params = query.get_compiler(using=using).as_sql()
            if STAND_IN not in params:
                raise ValueError("the queryset does not take the id as a parameter")
            compiled = self._compiled[using] = (sql, tuple(params))
        sql, params = compiled
        return sql, [pk if p == STAND_IN else p for p in params]

    def _run(self, pk: int, using: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        sql, params = self.sql(pk, using=using)
        with cursor(using) as found:
            found.execute(sql, params)
            return [column[0] for column in found.description], list(found.fetchall())

    def rows(self, pk: int, *, using: str = "default") -> list[tuple[Any, ...]]:
        """The rows, as tuples in the queryset's column order."""
        return self._run(pk, using)[1]

    def instances(self, model: type[Model], pk: int, *, using: str = "default") -> list[Any]:
        """The rows as `model` instances, annotations as attributes (a model queryset), the
        fields' values converted as Django converts a raw query's."""
        names, rows = self._run(pk, using)
        connection = connections[using]
        table = model._meta.db_table
        by_column = {field.column: field for field in model._meta.concrete_fields}
        fields = [(i, by_column[name]) for i, name in enumerate(names) if name in by_column]
        converters = [
            (i, col, connection.ops.get_db_converters(col) + col.get_db_converters(connection))
            for i, field in fields
            for col in [field.get_col(table)]
        ]
        extra = [(i, name) for i, name in enumerate(names) if name not in by_column]
        attnames = [field.attname for _i, field in fields]
        found = []
        for row in rows:
            values = list(row)
            for i, col, convert in converters:
                for converter in convert:
                    values[i] = converter(values[i], col, connection)
            instance = model.from_db(using, attnames, [values[i] for i, _field in fields])
            for i, name in extra:
                setattr(instance, name, values[i])
            found.append(instance)
        return found
