"""Safe YAML loading that remembers line numbers, so every data problem can name its line.

PyYAML's ``safe_load`` forgets where values came from; here we compose the node tree with
the safe loader and build plain dicts and lists that also carry the line of each key and
item. Only the safe tags are resolved (no arbitrary Python objects)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sendbot.knowledge.problems import Problem

# libyaml's C loader when present: same safe tags, several times faster on the whole base.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"


class LineDict(dict[str, Any]):
    """A mapping that knows the line it starts on and the line of each key."""

    line: int
    key_lines: dict[str, int]
    duplicate_keys: list[tuple[str, int]]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence that knows the line it starts on and the line of each item."""

    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def line_of(value: Any, default: int = 1) -> int:
    """The line a loaded value started on, when it is a mapping or a list."""
    return getattr(value, "line", default)


def _build(node: yaml.Node, loader: Any) -> Any:
    if isinstance(node, yaml.MappingNode):
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        result.duplicate_keys = []
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = _scalar(key_node, loader)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                result.duplicate_keys.append((key, key_node.start_mark.line + 1))
            result.key_lines[key] = key_node.start_mark.line + 1
            result[key] = _build(value_node, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        seq = LineList(_build(item, loader) for item in node.value)
        seq.line = node.start_mark.line + 1
        seq.item_lines = [item.start_mark.line + 1 for item in node.value]
        return seq
    return _scalar(node, loader)


def _scalar(node: yaml.Node, loader: yaml.SafeLoader) -> Any:
    """A plain value. A date that does not exist (2026-02-30) stays text, so the checker
    can report it at its line instead of the loader crashing with a bare ValueError."""
    if node.tag == _STR:  # most values: the text itself, as the safe constructor would give
        return node.value
    try:
        return loader.construct_object(node, deep=True)
    except ValueError:
        loader.recursive_objects.pop(node, None)
        return node.value


def load_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """Load one YAML file; return its data, or ``None`` with the syntax problem found."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(path, 1, f"file is not UTF-8 ({exc.reason})", "save it as UTF-8")]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [Problem(path, 1, "file is empty", "add content or delete the file")]
        data = _build(node, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or str(exc)
        return None, [
            Problem(
                path,
                line,
                f"YAML syntax error: {what}",
                "check indentation and quoting on this line and the one before; "
                "quote text that contains ': ' or starts with a special character",
            )
        ]
    except yaml.YAMLError as exc:
        return None, [Problem(path, 1, f"YAML error: {exc}", "fix the YAML syntax")]
    finally:
        loader.dispose()
    return data, []
