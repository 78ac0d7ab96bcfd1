"""Dependencies point one way (docs/architecture.md, "The picture"), read from the imports.

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
importlib.import_module("support.cases.tasks")
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


# --- no cycles between modules -----------------------------------------------------------------

PROJECT_PACKAGES = (*APPS, "config")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Every non-migration module of the apps and config, by dotted name."""
    modules = {}
    for package in PROJECT_PACKAGES:
        for path in (REPO_ROOT / package).rglob("*.py"):
            if "migrations" not in path.relative_to(REPO_ROOT).parts:
                modules[module_name(path)] = path
    return modules


def imported_modules(source: str, *, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The project modules a module imports, at the top or inside a function alike.

    A lazy import inside a function is still a dependency: it only hides a cycle from the
    interpreter, not from the next reader. `from x import y` depends on `x.y` when that is a
    module, otherwise on `x`.
    """
    found: set[str] = set()
    here = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in known else base)
    return {name for name in found if name in known and name != module}


def import_cycles() -> list[list[str]]:
    """The strongly connected groups of modules (Tarjan), largest first."""
    modules = project_modules()
    known = set(modules)
    graph = {
        name: imported_modules(
            path.read_text(), module=name, is_package=path.name == "__init__.py", known=known
        )
        for name, path in modules.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return sorted(groups, key=len, reverse=True)


def test_the_cycle_finder_sees_a_lazy_import_cycle() -> None:
    known = {"support.moderation.services", "support.moderation.sanctions", "support.moderation"}
    lazy = "def f():\n    from support.moderation import sanctions\n"
    relative = "from .services import action_record\n"

    assert imported_modules(
        lazy, module="support.moderation.services", is_package=False, known=known
    ) == {"support.moderation.sanctions"}
    assert imported_modules(
        relative, module="support.moderation.sanctions", is_package=False, known=known
    ) == {"support.moderation.services"}


def test_no_two_modules_import_each_other_even_lazily() -> None:
    cycles = import_cycles()
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


# --- one name, one function ----------------------------------------------------------------

# Modules whose public functions are entry points named after what they serve (a view, a
# task named after its service, a receiver named after its event), not services or selectors.
ENTRY_POINTS = ("views", "api", "urls", "admin", "receivers", "tasks", "consumers", "apps")


def public_functions_by_app() -> dict[str, dict[str, set[str]]]:
    """name -> app -> modules defining a public top-level function of that name."""
    found: dict[str, dict[str, set[str]]] = {}
    for name, path in project_modules().items():
        parts = name.split(".")
        if parts[0] == "config" or "management" in parts:
            continue
        if any(part in ENTRY_POINTS for part in parts[1:]):
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef
            ) and not node.name.startswith("_"):
                found.setdefault(node.name, {}).setdefault(parts[0], set()).add(name)
    return found


def test_no_two_apps_have_a_public_function_of_the_same_name() -> None:
    clashes = {
        name: {app: sorted(modules) for app, modules in by_app.items()}
        for name, by_app in public_functions_by_app().items()
        if len(by_app) > 1
    }
    assert not clashes, f"one name, two functions: {clashes}"


# --- modules a reader can hold in their head ---------------------------------------------------

MAX_MODULE_LINES = 500
SIZED_PACKAGES = (*APPS, "config", "bench")


def long_modules(root: Path = REPO_ROOT) -> list[str]:
    """Non-migration modules of the apps, config and bench longer than the house limit."""
    found = []
    for package in SIZED_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.relative_to(root).parts:
                continue
            lines = len(path.read_text().splitlines())
            if lines > MAX_MODULE_LINES:
                found.append(f"{path.relative_to(root)}: {lines} lines")
    return found


def test_the_size_check_finds_a_long_module(tmp_path: Path) -> None:
    (tmp_path / "community" / "migrations").mkdir(parents=True)
    (tmp_path / "bench").mkdir()
    (tmp_path / "community" / "short.py").write_text("x = 1\n" * MAX_MODULE_LINES)
    (tmp_path / "community" / "migrations" / "0001_initial.py").write_text("x = 1\n" * 900)
    (tmp_path / "bench" / "long.py").write_text("x = 1\n" * (MAX_MODULE_LINES + 1))

    assert long_modules(tmp_path) == [f"bench/long.py: {MAX_MODULE_LINES + 1} lines"]


def test_no_module_is_longer_than_the_house_limit() -> None:
    """docs/architecture.md: past about 500 lines a module becomes a package of modules."""
    found = long_modules()
    assert not found, "split these into a package:\n" + "\n".join(found)


# --- views read through selectors --------------------------------------------------------------

# Views and API modules turn a request into a selector or service call; a query written in a
# view can't be shared, budgeted or tested on its own. Exceptions, each with its reason:
ORM_IN_VIEWS_ALLOWED: dict[str, str] = {}


def is_view_module(path: Path) -> bool:
    parts = path.with_suffix("").parts
    return any(p in {"views", "api"} or p.endswith("_views") for p in parts[1:])


def orm_calls(source: str) -> list[int]:
    """The lines that reach a model's manager (`Model.objects`, `_default_manager`)."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and node.attr in {"objects", "_default_manager", "_base_manager"}
    )


def test_the_view_check_finds_manager_calls_and_view_modules() -> None:
    source = """
def page(request):
    x = Thread.objects.filter(pk=1)
    return Post._default_manager.all()
"""
    assert orm_calls(source) == [3, 4]
    assert is_view_module(Path("community/views/members.py"))
    assert is_view_module(Path("support/cases/api.py"))
    assert is_view_module(Path("community/auth_views.py"))
    assert not is_view_module(Path("community/selectors/threads.py"))


def test_views_and_api_modules_read_through_selectors() -> None:
    found = []
    for path in sorted(app_modules()) + sorted((REPO_ROOT / "config").rglob("*.py")):
        relative = path.relative_to(REPO_ROOT)
        if not is_view_module(relative) or str(relative) in ORM_IN_VIEWS_ALLOWED:
            continue
        found += [f"{relative}:{line}" for line in orm_calls(path.read_text())]
    assert not found, "move these reads into selectors (writes into services):\n" + "\n".join(found)
