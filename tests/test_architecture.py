"""The house's structure, checked: no import cycles between modules, and each package imports
only the layers below it (the diagram in docs/architecture.md is this table)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "sendbot"

# Which parts of sendbot each part may import (besides itself). Top-level modules are
# their own part ("config", "clock", ...). Keep this and the diagram in docs/architecture.md alike.
ALLOWED: dict[str, set[str]] = {
    "channels": {
        "app",
        "config",
        "clock",
        "conversation",
        "answering",
        "knowledge",
        "deadlines",
        "i18n",
        "logsetup",
        "case",
        # Durable intake and exactly-once reminder delivery are the transport's, on the store.
        "store",
        "reminders",
    },
    "app": {"config", "clock", "conversation", "knowledge", "deadlines", "store", "i18n", "case"},
    "conversation": {"clock", "answering", "knowledge", "deadlines", "reminders", "store", "i18n", "case"},
    # "My case": a feature beside the dialogue (conversation/mycase.py wires it in); it reads
    # no settings; the store erases its tables on /forget.
    "case": {"conversation.replies", "conversation.actions", "deadlines", "knowledge", "store.files"},
    "answering": {"knowledge"},
    "reminders": {"clock", "deadlines"},
    "store": {"clock", "reminders", "case.store", "case.events"},
    "deadlines": {"knowledge"},
    "i18n": {"knowledge"},
    # The one upward arrow, a leaf: the knowledge base normalises place names and urgent
    # words with the matcher's own text normalisation, which imports nothing of ours.
    "knowledge": {"answering.normalise"},
    "config": set(),
    "clock": set(),
    "logsetup": set(),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every sendbot module a file imports, wherever the import statement is."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("sendbot"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sendbot"):
            found.add(node.module)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported in imports_of(path):
            # `from sendbot.x import y` names module x (or y, when y is a module of package x)
            targets.add(imported if imported in modules else imported.rsplit(".", 1)[0])
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 visiting, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def part_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "sendbot"


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_answering_normalise_is_a_leaf() -> None:
    assert import_graph()["sendbot.answering.normalise"] == set()


def test_each_part_imports_only_the_layers_below() -> None:
    wrong = []
    for module, targets in import_graph().items():
        part = part_of(module)
        for target in targets:
            other = part_of(target)
            if other in (part, "sendbot", "_types"):  # _types is a leaf every layer may use
                continue
            allowed = ALLOWED.get(part, set())
            if other not in allowed and target.removeprefix("sendbot.") not in allowed:
                wrong.append(f"{module} imports {target}")
    assert not wrong, "imports against the layering (see docs/architecture.md):\n" + "\n".join(sorted(wrong))


def test_no_asserts_steer_the_code() -> None:
    """`python -O` strips asserts: control flow and checks must be real `if`s."""
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assert)
    ]
    assert not found, "asserts in sendbot/: " + ", ".join(found)
