"""Loading millions of rows fast, for `manage.py seed_scale`: COPY on PostgreSQL, batched
inserts elsewhere, with the indexes and foreign keys of the loaded tables built after.

Loaders only: the services stay the way members write. Rows are tuples in the order of the
columns named; datetimes are aware.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model

BATCH = 5000
COPY_BATCH = 100_000


@dataclass
class Step:
    """One step of a bulk load, as the progress display sees it."""

    label: str
    total: int | None = None
    done: int = 0
    started: float = field(default_factory=time.monotonic)


ProgressHook = Callable[[Step], None]


def _quiet(step: Step) -> None:
    return None


class Loader:
    """Writes rows to tables on the default connection; call inside one transaction."""

    def __init__(self, *, on_progress: ProgressHook = _quiet) -> None:
        self.vendor = connection.vendor
        self.on_progress = on_progress
        self.step = Step("")
        self.rows_written: dict[str, int] = {}

    @property
    def is_postgresql(self) -> bool:
        return self.vendor == "postgresql"

    def begin(self, label: str, total: int | None = None) -> Step:
        self.step = Step(label, total)
        self.on_progress(self.step)
        return self.step

    def advance(self, n: int) -> None:
        self.step.done += n
        self.on_progress(self.step)

    def next_id(self, model: type[Model]) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {model._meta.db_table}")  # noqa: S608
            (top,) = cursor.fetchone()
        return (top or 0) + 1

    def write(
        self, model: type[Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
    ) -> int:
        """Insert the rows; returns how many. Progress moves every few thousand rows."""
        table = model._meta.db_table
        n = (
            self._copy(table, columns, rows)
            if self.is_postgresql
            else self._insert(table, columns, rows)
        )
        self.rows_written[table] = self.rows_written.get(table, 0) + n
        return n

    def _copy(self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        n = 0
        raw = connection.connection  # the psycopg connection Django holds
        # In batches: the rows may come from a query on this same connection (a cursor read
        # in chunks), and a connection in the middle of a COPY can run nothing else.
        for batch in _batches(rows, COPY_BATCH):
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                write_row = copy.write_row
                for row in batch:
                    write_row(row)
            n += len(batch)
            self.advance(len(batch))
        return n

    def _insert(self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608
        adapt = connection.ops.adapt_datetimefield_value
        n = 0
        with connection.cursor() as cursor:
            for batch in _batches(rows, BATCH):
                cursor.executemany(
                    sql,
                    [
                        tuple(adapt(v) if isinstance(v, datetime) else v for v in row)
                        for row in batch
                    ],
                )
                n += len(batch)
                self.advance(len(batch))
        return n

    def sequences_reset(self, models: Iterable[type[Model]]) -> None:
        """Move the id sequences past the ids written (PostgreSQL; a no-op elsewhere)."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(models))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def analyze(self, models: Iterable[type[Model]]) -> None:
        """Fresh planner statistics, so the first queries on the new rows plan well."""
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {model._meta.db_table}")


def _batches(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@contextmanager
def indexes_deferred(loader: Loader, models: Sequence[type[Model]]) -> Iterator[None]:
    """Drop the secondary indexes, unique constraints and foreign keys of these tables, and
    build them again after the load (PostgreSQL; elsewhere rows go in with their indexes).

    Building an index once over a million rows is much faster than growing it a row at a
    time, and checking a foreign key once with a join is faster than a trigger per row.
    Primary keys stay. Call inside the load's transaction: if anything fails, PostgreSQL
    rolls the drops back with the rows.
    """
    if not loader.is_postgresql:
        yield
        return
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
            FROM pg_constraint c
            WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u')
            ORDER BY c.contype
            """,
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        # Foreign keys first ('f' sorts before 'u'): a unique constraint may back one.
        for table, name, _definition, _kind in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    loader.begin("indexes and constraints", len(indexes) + len(constraints))
    with connection.cursor() as cursor:
        # More memory and both cores for sorting: these statements build whole indexes.
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        for _name, definition in indexes:
            cursor.execute(definition)
            loader.advance(1)
        for table, name, definition, _kind in reversed(constraints):  # unique before foreign
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            loader.advance(1)
