"""Where each key and value of the runtime's data is written, and what the data's shape hides.

Works on the node graph the runtime's loader composed, after PyYAML's
``SafeConstructor`` built the data from it (so merge keys are already
flattened the way the runtime flattens them). Records, by data path, the span
of every key and value; reports duplicate keys as written (before merging);
refuses an alias bomb (too many nodes reached again through aliases) and a
node that contains itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from psa_config.diagnostics import Diagnostic
from psa_config.rules.registry import make_diagnostic
from psa_config.runtime_yaml import MERGE_TAG, each_node
from psa_config.source_document import Path, SourceDocument, Span

MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"

ALIAS_EXPANSION_BASE = 100_000
ALIAS_EXPANSION_PER_NODE = 4
"""Nodes reached again through aliases may number this base plus this many per node written."""


class AliasExpansionLimit(Exception):
    """The data expands, through aliases, far beyond the nodes written; ``path`` is where the walk was."""

    def __init__(self, path: Path) -> None:
        super().__init__("alias expansion limit")
        self.path = path


class RecursiveAlias(Exception):
    """A node contains itself through an alias."""

    def __init__(self, node: Node) -> None:
        super().__init__("recursive alias")
        self.node = node


@dataclass
class NodeInventory:
    """Every node of the graph once, with mapping pairs as written (merge flattening mutates them)."""

    written_pairs: dict[int, list[tuple[Node, Node]]] = field(default_factory=dict)
    scalars: list[ScalarNode] = field(default_factory=list)
    count: int = 0

    def alias_expansion_limit(self) -> int:
        return ALIAS_EXPANSION_BASE + ALIAS_EXPANSION_PER_NODE * self.count


def take_inventory(root: Node) -> NodeInventory:
    """Each node of the graph once (aliases are the same node object)."""
    inventory = NodeInventory()
    for node in each_node(root):
        inventory.count += 1
        if isinstance(node, ScalarNode):
            inventory.scalars.append(node)
        elif isinstance(node, MappingNode):
            inventory.written_pairs[id(node)] = list(node.value)
    return inventory


class SpanWalker:
    """Walks the data as the runtime built it, recording spans by data path."""

    def __init__(self, document: SourceDocument, inventory: NodeInventory, built: dict[Node, Any]) -> None:
        self.document = document
        self.inventory = inventory
        self.built = built
        self.seen: set[int] = set()
        self.open_nodes: set[int] = set()
        self.expanded = 0
        self.limit = inventory.alias_expansion_limit()

    def walk(self, root: Node) -> None:
        """Raises :class:`AliasExpansionLimit` or :class:`RecursiveAlias`."""
        self._visit(root, ())

    def _visit(self, node: Node, path: Path) -> None:
        if id(node) in self.open_nodes:
            raise RecursiveAlias(node)
        if id(node) in self.seen:
            self.expanded += 1
            if self.expanded > self.limit:
                raise AliasExpansionLimit(path)
        first_visit = id(node) not in self.seen
        self.seen.add(id(node))
        self.document.value_spans[path] = span_of(node)
        if not isinstance(node, (MappingNode, SequenceNode)) or node.tag not in (MAP_TAG, SEQ_TAG):
            return  # a scalar, or a !!set / !!omap / !!pairs: the runtime's value is not a dict or list
        self.open_nodes.add(id(node))
        if isinstance(node, MappingNode):
            if first_visit:
                self.document.diagnostics += duplicate_keys(self.document.path, self.inventory, node, self.built, path)
            self._mapping(node, path)
        else:
            for index, item in enumerate(node.value):
                self._visit(item, (*path, index))
        self.open_nodes.discard(id(node))

    def _mapping(self, node: MappingNode, path: Path) -> None:
        effective: dict[Any, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:  # merged pairs first; a later pair wins, like dict assignment
            effective[self.built[key_node]] = (key_node, value_node)
        for key, (key_node, value_node) in effective.items():
            self.document.key_spans[(*path, key)] = span_of(key_node)
            self._visit(value_node, (*path, key))


def duplicate_keys(
    file: str, inventory: NodeInventory, node: MappingNode, built: dict[Node, Any], path: Path
) -> Iterator[Diagnostic]:
    """PSA002 for each key written again in the same mapping (merged keys are overrides, not duplicates)."""
    first_keys: dict[Any, Node] = {}
    for key_node, _ in inventory.written_pairs.get(id(node), ()):
        if key_node.tag == MERGE_TAG or key_node not in built:
            continue
        key = built[key_node]
        first = first_keys.setdefault(key, key_node)
        if first is key_node:
            continue
        yield make_diagnostic(
            "duplicate-key",
            file,
            span_of(key_node),
            f"duplicate key `{key}` (first at line {first.start_mark.line + 1}): the runtime silently keeps only the last value",
            data_path=(*path, key),
        )


def span_of(node: Node) -> Span:
    return Span(node.start_mark.line + 1, node.start_mark.column + 1)
