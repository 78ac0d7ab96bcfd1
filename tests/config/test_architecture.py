"""Dependencies point one way (ARCHITECTURE.md, "The picture"), read from the imports.

community is the core and imports none of the others; gamification and support may read
community but never each other; notifications is a sink nobody imports, except config, which
wires everything together.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.processes import REPO_ROOT

APPS = ("community", "gamification", "support", "notifications")
FORBIDDEN: dict[str, set[str]] = {
    "community": {"gamification", "support", "notifications"},
    "gamification": {"support", "notifications"},
    "support": {"gamification", "notifications"},
    "notifications": set(),
}
# "app_label.ModelName" in a ForeignKey or apps.get_model() is an import in all but name.
LAZY_MODEL = re.compile(rf"^({'|'.join(APPS)})\.[A-Z]\w*$")
DYNAMIC_IMPORTERS = {"import_module", "__import__", "import_string", "include"}


def imported_apps(source: str, *, package: str) -> set[str]:
    """The top-level packages a module's source depends on, relative imports included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add(package if node.level else (node.module or "").split(".")[0])
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = (
                node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
            )
            if name in DYNAMIC_IMPORTERS and isinstance(first, str):
                found.add(first.split(".")[0])
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and (match := LAZY_MODEL.match(node.value))
        ):
            found.add(match.group(1))
    return found


def app_modules() -> dict[Path, str]:
    """Every non-migration Python file in the four apps, with its app."""
    modules = {}
    for app in APPS:
        for path in (REPO_ROOT / app).rglob("*.py"):
            if "migrations" not in path.relative_to(REPO_ROOT).parts:
                modules[path] = app
    return modules


def test_the_import_reader_sees_every_kind_of_dependency() -> None:
    source = """
import gamification.models
from support import services
from . import selectors
from notifications.receivers import thing
importlib.import_module("support.tasks")
case = models.ForeignKey("support.Case", on_delete=models.CASCADE)
name = "community.sessions_clear_expired"
"""
    assert imported_apps(source, package="community") == {
        "gamification",
        "support",
        "community",
        "notifications",
    }


def test_the_check_reads_the_real_apps() -> None:
    modules = app_modules()
    assert REPO_ROOT / "community" / "models.py" in modules
    assert set(modules.values()) == set(APPS)


def violations_of(app: str) -> list[str]:
    found = []
    for path, owner in sorted(app_modules().items()):
        if owner == app:
            wrong = imported_apps(path.read_text(), package=app) & FORBIDDEN[app]
            found += [f"{path.relative_to(REPO_ROOT)} imports {name}" for name in sorted(wrong)]
    return found


def test_community_is_the_core_and_imports_none_of_the_other_apps() -> None:
    violations = violations_of("community")
    assert not violations, "\n".join(violations)


def test_gamification_and_support_never_import_each_other() -> None:
    violations = violations_of("gamification") + violations_of("support")
    assert not violations, "\n".join(violations)


def test_nobody_outside_config_and_notifications_itself_imports_notifications() -> None:
    violations = []
    for path in sorted(REPO_ROOT.rglob("*.py")):
        parts = path.relative_to(REPO_ROOT).parts
        if parts[0] in {".venv", "var", "tests", "config", "notifications", "node_modules"}:
            continue
        if "migrations" in parts or parts[0].startswith("."):
            continue
        if "notifications" in imported_apps(path.read_text(), package=parts[0]):
            violations.append(str(path.relative_to(REPO_ROOT)))
    assert not violations, "these import notifications: " + ", ".join(violations)
