"""No import inside a function hides a dependency from import-linter's layer contracts: the app code imports the
project's modules at the top of the module, where the contracts (``make lint``) see them. And an app that joins the
project joins everything that names the project's packages: the contracts, the test paths, the installed apps and
the distribution (a new area left out of ``testpaths`` would have its tests skipped by ``make test`` unseen)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# the project's packages, as the layer contracts name them
APPS = tuple(PYPROJECT["tool"]["importlinter"]["root_packages"])
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


def test_every_app_of_the_project_is_tested_installed_and_distributed() -> None:
    testpaths = PYPROJECT["tool"]["pytest"]["ini_options"]["testpaths"]
    packaged = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"anbang"}
    assert apps <= set(APPS)  # every Django app of the tree is under the layer contracts
    for app in APPS:
        if (ROOT / app / "tests").is_dir():
            assert app in testpaths, f"{app}'s tests are not in pytest's testpaths"
        assert f"{app}*" in packaged, f"{app} is not in [tool.setuptools.packages.find]"
        assert app == "anbang" or app in settings.INSTALLED_APPS, f"{app} is not installed"
