from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from tqdm import tqdm

from community import extensions
from community.bulk import Loader, Step, indexes_deferred
from community.models import Board, Member, Tag, Thread
from community.scale.vocabulary import PRESETS
from community.scale.writing import Community, scale_content_models, timedelta_text


class Progress:
    """A bar per step on a terminal; elsewhere (logs, CI) one line per finished step."""

    def __init__(self, stream: Any, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.tty = enabled and hasattr(stream, "isatty") and stream.isatty()
        self.current: Step | None = None
        self.bar: tqdm[Any] | None = None
        self.started = time.monotonic()

    def __call__(self, step: Step) -> None:
        if step is not self.current:
            self.finish()
            self.current = step
            if self.tty:
                self.bar = tqdm(
                    total=step.total, desc=step.label, unit="rows", unit_scale=True,
                    file=self.stream, leave=True, dynamic_ncols=True,
                )  # fmt: skip
        elif self.bar is not None:
            self.bar.update(step.done - self.bar.n)

    def finish(self) -> None:
        step = self.current
        if step is None:
            return
        if self.bar is not None:
            self.bar.update(step.done - self.bar.n)
            self.bar.close()
            self.bar = None
        elif self.enabled:
            took = time.monotonic() - step.started
            rows = f" {step.done} rows," if step.done else ""
            self.stream.write(f"{step.label}:{rows} {took:.1f} s\n")
            self.stream.flush()
        self.current = None


def _content_tables() -> list[type[Model]]:
    """Every model holding community content or pointing at it (they go together)."""
    roots: set[type[Model]] = {Member, Board, Tag}
    found = set(roots)
    changed = True
    models = list(apps.get_models(include_auto_created=True))
    while changed:
        changed = False
        for model in models:
            if model in found:
                continue
            for f in model._meta.concrete_fields:
                if f.is_relation and f.related_model in found:
                    found.add(model)
                    changed = True
                    break
    return sorted(found, key=lambda m: m._meta.db_table)


class CpuClock:
    """CPU seconds used by this process and, when the database server runs on this machine
    and its processes are readable (/proc), by the database session (index builds' parallel
    workers not included)."""

    def __init__(self) -> None:
        self.backend = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.backend = cursor.fetchone()[0]
        self.start = (time.process_time(), self._backend())

    def _backend(self) -> float | None:
        try:
            fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def used(self) -> dict[str, float]:
        used = {"python": round(time.process_time() - self.start[0], 1)}
        now, then = self._backend(), self.start[1]
        if self.backend is not None and now is not None and then is not None:
            used["database"] = round(now - then, 1)
        return used


class Command(BaseCommand):
    help = (
        "Build a large, realistic community fast (for benchmarks): members, questions, answers, "
        "solutions, kudos and the points they earned. Refuses a database with content unless "
        "--force."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--size", choices=list(PRESETS), default="small", help="A preset (default: small)."
        )
        for name in ("members", "threads", "posts", "kudos"):
            parser.add_argument(f"--{name}", type=int, help=f"How many {name} (overrides --size).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Delete every member, board, question and what hangs off them first.",
        )
        parser.add_argument(
            "--out",
            default=str(Path(settings.VAR_DIR) / "seed_scale.json"),
            help="Where to write the summary: sizes, timings, the benchmark's threads and logins.",
        )
        parser.add_argument("--no-vacuum", action="store_true", help="Skip VACUUM ANALYZE.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress.")

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = PRESETS[options["size"]]
        sizes = replace(
            sizes,
            **{
                k: options[k]
                for k in ("members", "threads", "posts", "kudos")
                if options[k] is not None
            },
        )
        if min(sizes.members, sizes.threads, sizes.posts, sizes.kudos) < 0:
            raise CommandError(_("Sizes can't be negative."))
        existing = {
            "members": Member.objects.count(),
            "boards": Board.objects.count(),
            "questions": Thread.objects.count(),
        }
        if any(existing.values()) and not options["force"]:
            raise CommandError(
                _(
                    "The database already has content (%(members)d members, %(boards)d boards, "
                    "%(questions)d questions). seed_scale never deletes anything unasked: use "
                    "an empty database, or pass --force to delete every member and everything "
                    "they wrote first."
                )
                % existing
            )
        progress = Progress(self.stderr._out, enabled=not options["no_progress"])
        loader = Loader(on_progress=progress)
        content_models = scale_content_models()
        other_models = [m for step in extensions.scale_steps for m in step.models]
        started = time.monotonic()
        timings: dict[str, float] = {}
        cpu = CpuClock()
        try:
            with transaction.atomic():
                if options["force"] or any(existing.values()):
                    loader.begin("deleting the old content")
                    self._wipe()
                with indexes_deferred(loader, [*content_models, *other_models]):
                    try:
                        summary = Community(
                            sizes=sizes, seed=options["seed"], loader=loader
                        ).build()
                    except ValueError as error:
                        raise CommandError(str(error)) from error
                    timings["content"] = time.monotonic() - started
                    for step in extensions.scale_steps:
                        step.build(loader)
                    timings["points"] = time.monotonic() - started - timings["content"]
                loader.begin("sequences and statistics")
                loader.sequences_reset([*content_models, *other_models, Board, Tag])
                loader.analyze([*content_models, *other_models])
            progress.finish()
            # VACUUM runs outside transactions only (not when called inside one, as in tests).
            vacuum = not options["no_vacuum"] and not connection.in_atomic_block
            if loader.is_postgresql and vacuum:
                loader.begin("vacuum")
                self._vacuum([*content_models, *other_models])
        finally:
            progress.finish()
        elapsed = time.monotonic() - started
        timings["total"] = elapsed
        report = {
            "sizes": asdict(sizes),
            "seed": summary.seed,
            "database": connection.vendor,
            "rows": loader.rows_written,
            "solved_threads": summary.solved_threads,
            "busiest_answer_counts": summary.busiest_answer_counts,
            "bench_threads": summary.bench_threads,
            "logins": summary.members,
            "seconds": {k: round(v, 1) for k, v in timings.items()},
            # On a shared machine the wall clock says little; CPU seconds say what it costs.
            "cpu_seconds": cpu.used(),
            "load_average": [round(x, 1) for x in os.getloadavg()],
        }
        out = Path(options["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2) + "\n")
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Seeded %(members)d members, %(threads)d questions, %(posts)d answers and "
                    "%(kudos)d kudos in %(time)s."
                )  # fmt: skip
                % {**asdict(sizes), "time": timedelta_text(elapsed)}
            )
        )
        for name, thread in summary.bench_threads.items():
            self.stdout.write(f"  {name}: {thread['url']}")
        self.stdout.write("  " + _("Summary: %(path)s") % {"path": out})

    def _wipe(self) -> None:
        tables = [m._meta.db_table for m in _content_tables()] + [Session._meta.db_table]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            else:
                for table in tables:
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608

    def _vacuum(self, models: list[type[Model]]) -> None:
        """Visibility map and hint bits set now, not by the first readers."""
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
