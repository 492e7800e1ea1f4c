"""The runtime's YAML reader: what ``yaml.safe_load`` (pure-Python PyYAML) sees, fast where provably equal.

The published runtime reads attention_config.yaml with ``yaml.safe_load``:
PyYAML's pure-Python ``SafeLoader`` (YAML 1.1). Every part of psa-config that
must see the file as the runtime does composes it with :func:`compose` and
builds values with :func:`construct` (PyYAML's own ``SafeConstructor``, so
values, types, key order, merge-key order and tag handling are PyYAML's, of
whatever PyYAML version is installed).

libyaml (``CSafeLoader``) composes about 20x faster but is not the same
reader. Differential fuzzing (random texts from YAML's indicator characters,
tabs, tags, directives, non-ASCII and line-break characters; see
tests/psa_config/test_reader_agreement.py) found these disagreements:

* tabs: libyaml skips a tab after a value, in a flow collection or before a
  comment; the pure-Python scanner raises a ScannerError there;
* ``?`` inside a plain scalar in a flow collection (``[a?b]``): the pure-Python
  scanner ends the scalar there, libyaml does not;
* a block scalar header directly followed by ``#`` (``|#``, ``>-#``): an error
  only in pure Python;
* byte-order marks after the start, NEL / LS / PS line breaks and other
  non-ASCII input: different acceptance or positions;
* the position of an empty (null) value in a flow collection or after ``?``;
* nesting deeper than the pure-Python composer's recursion allows;
* several inputs libyaml rejects and pure Python accepts (``{a:}``, ``%YAML 1.3``).

So the rule is: libyaml composes only a text made of printable ASCII, line
feeds and carriage returns, with no ``!`` (tags), no ``?`` and no block scalar
header followed by ``#``; and its result is kept only when it raised nothing,
holds no empty plain scalar and nests at most :data:`MAX_FAST_DEPTH` deep.
Every other text, and every text libyaml rejects, is composed again by the
pure-Python loader, whose result (or error, with its position) is the
runtime's. Tags go to pure Python too: the fuzzing kept them out of the
libyaml subset rather than prove their scanning equal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

RUNTIME_LOADER = yaml.SafeLoader
"""The loader ``yaml.safe_load`` uses: the runtime's reader."""

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when installed: fast, but only equal to the runtime's on some texts (use :func:`compose`)."""

YAML_TAG_PREFIX = "tag:yaml.org,2002:"
MERGE_TAG = YAML_TAG_PREFIX + "merge"
"""The tag of a ``<<`` merge key."""
VALUE_TAG = YAML_TAG_PREFIX + "value"
"""The tag of a plain ``=`` (a YAML 1.1 value key)."""

MAX_FAST_DEPTH = 64
"""Deeper libyaml trees are composed again in pure Python (which may run out of recursion)."""

_NOT_FOR_LIBYAML = re.compile(r"[^\n\r -~]|[!?]|[|>][-+0-9]*#")


def libyaml_may_compose(text: str) -> bool:
    """True when ``text`` lies in the subset where libyaml and pure-Python PyYAML were found to agree."""
    return LOADER is not RUNTIME_LOADER and _NOT_FOR_LIBYAML.search(text) is None


def compose(text: str) -> Node | None:
    """The node graph ``yaml.safe_load`` builds from ``text`` (``None`` for an empty stream).

    Raises what the runtime's loader raises (``yaml.YAMLError``, ``RecursionError``).
    """
    if libyaml_may_compose(text):
        try:
            root = yaml.compose(text, Loader=LOADER)
        except (yaml.YAMLError, RecursionError):
            root = None  # the pure-Python reader below reports the runtime's own error and position
        else:
            if root is None or _fast_result_is_exact(root):
                return root
    return yaml.compose(text, Loader=RUNTIME_LOADER)


class ScalarConstructionError(ConstructorError):
    """A tagged scalar PyYAML's constructor cannot build (``!!bool maybe``), located at the scalar.

    ``yaml.safe_load`` raises a bare ``KeyError``, ``ValueError``, ... there;
    this carries the same failure as a ``MarkedYAMLError``.
    """

    def __init__(self, node: ScalarNode, failure: Exception) -> None:
        self.tag = _short_tag(node.tag)
        self.scalar = node.value
        problem = f"cannot build `{self.tag} {node.value}` ({type(failure).__name__}: {failure})"
        super().__init__(None, None, problem, node.start_mark)


def construct(root: Node) -> tuple[Any, dict[Node, Any]]:
    """``yaml.safe_load``'s value of ``root``, and the value built for each node.

    PyYAML's ``SafeConstructor`` flattens merge keys in place: mapping nodes
    lose their ``<<`` pairs and gain the merged ones, first. Raises
    ``yaml.YAMLError`` where the runtime's ``safe_load`` fails (a
    :class:`ScalarConstructionError` where it raises a bare exception), or
    ``RecursionError``.
    """
    constructor = yaml.constructor.SafeConstructor()
    built: dict[Node, Any] = constructor.constructed_objects  # construct_document replaces, not clears, it
    try:
        data = constructor.construct_document(root)
    except (yaml.YAMLError, RecursionError):
        raise
    except Exception as failure:  # noqa: BLE001 - PyYAML's scalar constructors raise KeyError, ValueError, ...
        raise _locate_failure(root, failure) from failure
    return data, built


def _locate_failure(root: Node, failure: Exception) -> ConstructorError:
    """The first scalar (in text order) whose own construction fails as the document's did."""
    for node in sorted(_scalars(root), key=lambda scalar: scalar.start_mark.index):
        if node.tag in (MERGE_TAG, VALUE_TAG):
            continue  # `<<` and `=` keys are the mapping's business, never built on their own
        try:
            yaml.constructor.SafeConstructor().construct_document(ScalarNode(node.tag, node.value, node.start_mark))
        except Exception as own:  # noqa: BLE001 - the same failures as the document's
            if type(own) is type(failure) and str(own) == str(failure):
                return ScalarConstructionError(node, failure)
    return ConstructorError(None, None, f"{type(failure).__name__}: {failure}", root.start_mark)


def each_node(root: Node) -> Iterator[Node]:
    """Each node of the graph once, depth first (an alias is the same node object as its anchor)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            stack.extend(part for pair in node.value for part in pair)


def _scalars(root: Node) -> list[ScalarNode]:
    return [node for node in each_node(root) if isinstance(node, ScalarNode)]


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(YAML_TAG_PREFIX) if tag.startswith(YAML_TAG_PREFIX) else tag


def safe_load(text: str) -> Any:
    """``yaml.safe_load(text)``'s value, faster where libyaml provably agrees.

    Where ``safe_load`` fails this raises a ``yaml.YAMLError`` (a
    :class:`ScalarConstructionError` for its bare ``KeyError``/``ValueError``/...),
    or ``RecursionError``.
    """
    root = compose(text)
    return None if root is None else construct(root)[0]


def merge_sources(value: Node) -> list[Node]:
    """The nodes a ``<<`` merge key's value names: the value itself, or each item of a sequence."""
    return list(value.value) if isinstance(value, SequenceNode) else [value]


def _fast_result_is_exact(root: Node) -> bool:
    """No empty plain scalar (libyaml places some elsewhere) and no deep nesting."""
    seen: set[int] = set()
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if depth > MAX_FAST_DEPTH:
            return False
        if isinstance(node, ScalarNode):
            if node.value == "" and not node.style:
                return False
        elif isinstance(node, SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
    return True
