"""The runtime's YAML reader and the node facts the checker, the editor and the TUI share.

The published runtime reads attention_config.yaml with PyYAML (YAML 1.1);
every part of psa-config that must see the file as the runtime does reads it
with the same parser: libyaml's C loader when PyYAML has it (about 40x
faster than the pure-Python one, same results).
"""

from __future__ import annotations

import yaml
from yaml.nodes import Node, SequenceNode

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's safe loader, libyaml's when installed."""

MERGE_TAG = "tag:yaml.org,2002:merge"
"""The tag of a ``<<`` merge key."""


def merge_sources(value: Node) -> list[Node]:
    """The nodes a ``<<`` merge key's value names: the value itself, or each item of a sequence."""
    return list(value.value) if isinstance(value, SequenceNode) else [value]
