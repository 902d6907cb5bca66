"""The hand-over is below the cases: none of its modules imports them; the notice page links to the case through
the ``handover.notice_links`` hook the cases register."""

from __future__ import annotations

import ast
from pathlib import Path

from core.areas import registry
from handover.hooks import NOTICE_LINKS

HANDOVER = Path(__file__).resolve().parent.parent


def test_it_imports_nothing_of_the_cases() -> None:
    upward = []
    for path in HANDOVER.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            upward += [f"{path.name}: {name}" for name in names if name == "cases" or name.startswith("cases.")]
    assert upward == []


def test_the_cases_answer_the_notice_page_links_hook() -> None:
    assert [func.__module__ for func in registry.hooks(NOTICE_LINKS)] == ["cases.links"]
