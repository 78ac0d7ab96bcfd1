from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from community import demo, extensions

# Off a terminal: a progress line after the first step, then at most this often (seconds),
# and one when done.
LINE_EVERY = 5.0


class Command(BaseCommand):
    help = "Load the demo community. Safe to run again: it adds only what is missing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        steps: list[tuple[str, Callable[[], object]]] = [
            (f"member {spec.username}", partial(demo.demo_member_ensure, spec))
            for spec in demo.DEMO_MEMBERS
        ]
        steps.append(("boards and questions", demo.demo_content_ensure))
        steps.extend(extensions.demo_steps)  # what other apps add (points, badges, cases...)
        self._run(steps, stream=self.stderr._out, enabled=not options["no_progress"])
        self.stdout.write(self.style.SUCCESS(_("Demo community ready. Demo logins:")))
        for spec in demo.DEMO_MEMBERS:
            self.stdout.write(f"  {spec.role:<10} {spec.username:<8} / {demo.DEMO_PASSWORD}")

    def _run(
        self, steps: list[tuple[str, Callable[[], object]]], *, stream: Any, enabled: bool
    ) -> None:
        """Run the steps: a bar on a terminal; elsewhere (a log, a pipe) a plain line now and
        then, as a bar's carriage returns would make one endless line there."""
        title = _("Loading the demo community")
        tty = enabled and hasattr(stream, "isatty") and stream.isatty()
        started = last = time.monotonic()
        with tqdm(
            total=len(steps), desc=title, unit=_("step"), disable=not tty, file=stream
        ) as bar:
            for done, (label, step) in enumerate(steps, start=1):
                bar.set_postfix_str(label)
                step()
                bar.update()
                now = time.monotonic()
                if enabled and not tty and (done in (1, len(steps)) or now - last >= LINE_EVERY):
                    stream.write(
                        _("%(title)s: %(done)d of %(total)d steps (%(step)s), %(seconds).1f s")
                        % {
                            "title": title,
                            "done": done,
                            "total": len(steps),
                            "step": label,
                            "seconds": now - started,
                        }
                        + "\n"
                    )
                    stream.flush()
                    last = now
