"""No import inside a function hides a dependency from import-linter's layer contracts: the app code imports the
project's modules at the top of the module, where the contracts (``make lint``) see them."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "directory", "people", "handover", "cases", "stats", "anbang")
SKIP = {"tests", "migrations"}
# the standing test personas (imported by conftest before Django is set up, so they import models when called), and
# an AppConfig's ready(), Django's one place for what needs the app registry
ALLOWED = {Path("anbang/testing.py"), Path("core/apps.py")}


def _function_local_imports(path: Path) -> list[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            found += [f"{path}:{node.lineno} {name}" for name in names if name.split(".")[0] in APPS]
    return found


def test_app_code_imports_the_projects_modules_at_the_top_only() -> None:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if SKIP.isdisjoint(relative.parts) and relative not in ALLOWED:
                found += _function_local_imports(relative)
    assert found == []
