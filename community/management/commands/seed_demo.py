from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from community import demo, extensions


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
        with tqdm(
            total=len(steps),
            desc=_("Loading the demo community"),
            unit=_("step"),
            disable=options["no_progress"],
            file=self.stderr._out,
        ) as bar:
            for label, step in steps:
                bar.set_postfix_str(label)
                step()
                bar.update()
        self.stdout.write(self.style.SUCCESS(_("Demo community ready. Demo logins:")))
        for spec in demo.DEMO_MEMBERS:
            self.stdout.write(f"  {spec.role:<10} {spec.username:<8} / {demo.DEMO_PASSWORD}")
