"""Every action the code can write to the audit log has a label on the audit page, declared by its area.

The actions are read from the source: each ``record_audit(action=...)`` call, with a name or an f-string resolved
through the literals assigned to it in the function or passed to the function by its callers, and an
``a if c else b`` through both branches. An action added without a label fails here.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from pathlib import Path

from core.areas import registry

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "node_modules", "tests", "migrations", "e2e", "bench"}
Function = ast.FunctionDef | ast.AsyncFunctionDef


def _sources() -> Iterator[ast.Module]:
    for path in sorted(ROOT.rglob("*.py")):
        if not SKIP.intersection(path.relative_to(ROOT).parts):
            yield ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _functions(modules: list[ast.Module]) -> dict[str, list[Function]]:
    found: dict[str, list[Function]] = {}
    for module in modules:
        for node in ast.walk(module):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found.setdefault(node.name, []).append(node)
    return found


def _name_of(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


class Actions:
    """The literal values an expression can take where it is passed as an audit action."""

    def __init__(self, modules: list[ast.Module]) -> None:
        self.modules = modules
        self.functions = _functions(modules)
        self.parents: dict[ast.AST, ast.AST] = {
            child: node for module in modules for node in ast.walk(module) for child in ast.iter_child_nodes(node)
        }

    def recorded(self) -> set[str]:
        values: set[str] = set()
        for module in self.modules:
            for node in ast.walk(module):
                if isinstance(node, ast.Call) and _name_of(node) == "record_audit":
                    for keyword in node.keywords:
                        if keyword.arg == "action":
                            values |= self.values(keyword.value, node)
        return values

    def values(self, expr: ast.expr, at: ast.AST, depth: int = 0) -> set[str]:
        assert depth < 5, f"cannot resolve the audit action {ast.unparse(expr)}"
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.IfExp):
            return self.values(expr.body, at, depth) | self.values(expr.orelse, at, depth)
        if isinstance(expr, ast.JoinedStr):
            parts = [
                {str(part.value)} if isinstance(part, ast.Constant) else self.values(part.value, at, depth)
                for part in expr.values
                if isinstance(part, ast.Constant | ast.FormattedValue)
            ]
            return {"".join(combo) for combo in itertools.product(*parts)}
        if isinstance(expr, ast.Name):
            return self._name(expr.id, at, depth)
        raise AssertionError(f"cannot resolve the audit action {ast.unparse(expr)}")

    def _enclosing(self, node: ast.AST) -> Function:
        while not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            node = self.parents[node]
        return node

    def _name(self, name: str, at: ast.AST, depth: int) -> set[str]:
        function = self._enclosing(at)
        assigned = {
            value
            for node in ast.walk(function)
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            for value in self.values(node.value, node, depth + 1)
        }
        if assigned:
            return assigned
        params = [arg.arg for arg in function.args.posonlyargs + function.args.args]
        params += [arg.arg for arg in function.args.kwonlyargs]
        assert name in params, f"{name} in {function.name} is neither assigned nor a parameter"
        index = params.index(name) - (1 if params and params[0] in {"self", "cls"} else 0)
        passed: set[str] = set()
        for module in self.modules:
            for node in ast.walk(module):
                if isinstance(node, ast.Call) and _name_of(node) == function.name:
                    given = [k.value for k in node.keywords if k.arg == name]
                    if not given and 0 <= index < len(node.args):
                        given = [node.args[index]]
                    for value in given:
                        passed |= self.values(value, node, depth + 1)
        assert passed, f"no caller of {function.name} passes {name}"
        return passed


def test_every_audit_action_the_code_records_has_a_label() -> None:
    recorded = Actions(list(_sources())).recorded()
    labels = registry.audit_labels()

    assert {"login", "notice.send", "case.opened", "export", "policy.set"} <= recorded  # the reader reads them all
    assert sorted(recorded - labels.keys()) == []
    assert all(str(label).strip() for label in labels.values())
