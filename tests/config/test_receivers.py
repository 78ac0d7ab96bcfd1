"""One convention for signal receivers (docs/architecture.md, "Where code goes"): each is
decorated with `@receiver(..., dispatch_uid=...)` in a `receivers.py`, and the app's
`AppConfig.ready()` imports every such module, so each receiver is connected once, at start-up,
in every process.
"""

from __future__ import annotations

import ast
import weakref
from collections import Counter
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.signals import setting_changed
from django.dispatch import Signal

from community import events as community_events
from community import extensions
from gamification import events as gamification_events
from support import events as support_events
from tests.config.test_architecture import APPS, module_name
from tests.processes import REPO_ROOT


def receivers_modules() -> dict[str, Path]:
    """Every receivers module of the apps, by dotted name."""
    return {
        module_name(path): path
        for app in APPS
        for path in sorted((REPO_ROOT / app).rglob("receivers.py"))
    }


def convention_breaches(source: str) -> list[str]:
    """What in a receivers module's source departs from the convention."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "connect":
            found.append(f"line {node.lineno}: def connect() (use @receiver at import time)")
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name == "connect":
            found.append(f"line {node.lineno}: .connect() (use @receiver at import time)")
        if name == "receiver" and "dispatch_uid" not in {k.arg for k in node.keywords}:
            found.append(f"line {node.lineno}: @receiver without dispatch_uid")
    return found


def modules_imported_by_ready(apps_source: str) -> set[str]:
    """The modules an apps.py's ready() methods import (`from a import b` gives `a.b` too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(apps_source)):
        if not (isinstance(node, ast.FunctionDef) and node.name == "ready"):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import):
                found |= {alias.name for alias in inner.names}
            elif isinstance(inner, ast.ImportFrom) and inner.module:
                found.add(inner.module)
                found |= {f"{inner.module}.{alias.name}" for alias in inner.names}
    return found


def test_the_convention_check_sees_each_breach() -> None:
    source = """
from django.dispatch import receiver

@receiver(events.thread_created)
def on_thread_created(**kwargs): ...

@receiver(events.post_created, dispatch_uid="x.post_created")
def on_post_created(**kwargs): ...

def connect():
    events.kudos_given.connect(on_post_created, dispatch_uid="x.kudos_given")
"""
    assert sorted(convention_breaches(source)) == [
        "line 10: def connect() (use @receiver at import time)",
        "line 11: .connect() (use @receiver at import time)",
        "line 4: @receiver without dispatch_uid",
    ]
    ready = """
class SupportConfig(AppConfig):
    def ready(self):
        from support.cases import receivers as cases
        import notifications.receivers
"""
    assert {"support.cases.receivers", "notifications.receivers"} <= modules_imported_by_ready(
        ready
    )


def test_every_receivers_module_uses_the_decorator_with_a_dispatch_uid() -> None:
    modules = receivers_modules()
    assert "support.moderation.receivers" in modules and "community.receivers" in modules
    breaches = [
        f"{path.relative_to(REPO_ROOT)} {breach}"
        for path in modules.values()
        for breach in convention_breaches(path.read_text())
    ]
    assert not breaches, "\n".join(breaches)


def test_every_app_imports_its_receivers_modules_in_ready() -> None:
    missing = []
    for app in APPS:
        imported = modules_imported_by_ready((REPO_ROOT / app / "apps.py").read_text())
        for name in receivers_modules():
            if name.split(".")[0] == app and name not in imported:
                missing.append(f"{app}/apps.py ready() does not import {name}")
    assert not missing, "\n".join(missing)


def project_signals() -> dict[str, Signal]:
    found = {"setting_changed": setting_changed}
    for module in (community_events, gamification_events, support_events):
        for name, value in vars(module).items():
            if isinstance(value, Signal):
                found[f"{module.__name__}.{name}"] = value
    return found


def connected(signal: Signal) -> Counter[str]:
    """How many times each of the project's functions is connected to a signal."""
    counts: Counter[str] = Counter()
    for _key, ref, *_rest in signal.receivers:
        func: Any = ref() if isinstance(ref, weakref.ReferenceType) else ref
        if func is not None and func.__module__.split(".")[0] in APPS:
            counts[f"{func.__module__}.{func.__qualname__}"] += 1
    return counts


def registries() -> dict[str, int]:
    return {
        "thread_sections": len(extensions.thread_sections),
        "profile_sections": len(extensions.profile_sections),
        "content_checks": len(extensions.content_checks),
        "posting_checks": len(extensions.posting_checks),
        "demo_steps": len(extensions.demo_steps),
        "scale_steps": len(extensions.scale_steps),
    }


def test_receivers_are_connected_once_even_if_ready_runs_again() -> None:
    signals = project_signals()
    before = {name: connected(signal) for name, signal in signals.items()}
    registered = registries()
    twice = {name: [f for f, n in c.items() if n > 1] for name, c in before.items()}
    assert not any(twice.values()), twice
    # The support domains' receivers are live (they were connected by a function once).
    assert before["community.events.thread_updated"][
        "support.moderation.receivers.on_thread_updated"
    ]
    assert before["support.events.case_updated"]["support.satisfaction.receivers.on_case_updated"]
    assert before["setting_changed"]["community.receivers.forget_url_patterns"]

    for app in APPS:
        apps.get_app_config(app).ready()

    assert {name: connected(signal) for name, signal in signals.items()} == before
    assert registries() == registered
