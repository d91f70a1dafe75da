"""The package's shape: every module declares __all__, no module imports another's private
names, and module-level imports form no cycle."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "scirocco_lab"
MODULES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_level_imports(tree: ast.Module) -> list[ast.ImportFrom | ast.Import]:
    """Imports executed when the module is imported (not those inside functions)."""
    found = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, (ast.If, ast.Try)):
            found.extend(n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom)))
    return found


TREES = {module_name(path): ast.parse(path.read_text("utf-8")) for path in MODULES}


@pytest.mark.parametrize("name", sorted(TREES))
def test_module_declares_all(name):
    tree = TREES[name]
    assigned = {
        target.id
        for node in tree.body
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }
    assert "__all__" in assigned


def test_no_module_imports_a_private_name_of_another():
    offending = [
        f"{name}: from {node.module} import {alias.name}"
        for name, tree in TREES.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scirocco_lab")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert offending == []


def test_module_level_imports_form_no_cycle():
    graph: dict[str, set[str]] = {}
    for name, tree in TREES.items():
        targets = set()
        for node in module_level_imports(tree):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name.startswith("scirocco_lab"))
            elif node.module and node.module.startswith("scirocco_lab"):
                targets.add(node.module)
                # `from package import module` imports the submodule too
                targets.update(
                    f"{node.module}.{a.name}"
                    for a in node.names
                    if f"{node.module}.{a.name}" in TREES
                )
        # importing a.b.c runs a/__init__ and a.b/__init__ first
        closed = set()
        for target in targets:
            parts = target.split(".")
            closed.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        graph[name] = {
            t for t in closed if t in TREES and t != name and not name.startswith(t + ".")
        }

    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []
