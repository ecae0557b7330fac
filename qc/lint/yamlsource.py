"""Safe YAML loading that remembers the line of every node, so errors can name file:line.

Only yaml's SafeLoader machinery is used: no tags that construct Python objects.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from qc.errors import RulePackError

Pointer = tuple[Any, ...]


class LocatedYaml:
    """A loaded YAML document plus the 1-based line of each node, keyed by its path."""

    def __init__(self, data: Any, lines: dict[Pointer, int], path: Path) -> None:
        self.data = data
        self.lines = lines
        self.path = path

    def line_of(self, pointer: Pointer) -> int:
        """The line of the node at pointer, or of its nearest located ancestor."""
        pointer = tuple(pointer)
        while pointer not in self.lines and pointer:
            pointer = pointer[:-1]
        return self.lines.get(pointer, 1)


# A pack is a few thousand nodes; aliases could expand a 1 KB file to billions ("billion laughs").
MAX_NODES = 500_000


class Budget:
    """Counts constructed nodes and tracks the current path, to refuse alias bombs and cycles."""

    def __init__(self) -> None:
        self.nodes = 0
        self.path: set[int] = set()


def _construct(node: yaml.Node, pointer: Pointer, lines: dict[Pointer, int], ctor: yaml.SafeConstructor, budget: Budget) -> Any:
    budget.nodes += 1
    if budget.nodes > MAX_NODES:
        raise yaml.constructor.ConstructorError(None, None, f"the document expands to more than {MAX_NODES} nodes (YAML aliases?)", node.start_mark)
    if id(node) in budget.path:
        raise yaml.constructor.ConstructorError(None, None, "a YAML alias refers to itself", node.start_mark)
    lines.setdefault(pointer, node.start_mark.line + 1)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        budget.path.add(id(node))
        try:
            return _construct_collection(node, pointer, lines, ctor, budget)
        finally:
            budget.path.discard(id(node))
    return ctor.construct_object(node, deep=True)


def _construct_collection(node: yaml.Node, pointer: Pointer, lines: dict[Pointer, int], ctor: yaml.SafeConstructor, budget: Budget) -> Any:
    expected = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}.get(type(node))
    if expected is not None and node.tag != expected:
        # Collections are built here, not by SafeConstructor, so refuse custom tags explicitly.
        raise yaml.constructor.ConstructorError(None, None, f"tag {node.tag} is not allowed", node.start_mark)
    if isinstance(node, yaml.MappingNode):
        ctor.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = ctor.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise yaml.constructor.ConstructorError(None, None, "mapping keys must be scalars", key_node.start_mark)
            result[key] = _construct(value_node, pointer + (key,), lines, ctor, budget)
        return result
    return [_construct(child, pointer + (i,), lines, ctor, budget) for i, child in enumerate(node.value)]


def load_located(path: Path, text: str | None = None) -> LocatedYaml:
    """Parse one YAML document safely; raise RulePackError(file, line, reason) on any problem."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RulePackError(str(path), f"cannot read rule pack: {exc}") from None
    try:
        # libyaml's parser when present: several times faster on the large gazetteers.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
        try:
            node = loader.get_single_node()
            lines: dict[Pointer, int] = {}
            data = _construct(node, (), lines, loader, Budget()) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise RulePackError(str(path), f"invalid YAML: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise RulePackError(str(path), f"invalid YAML: {exc}") from None
    return LocatedYaml(data, lines, path)
