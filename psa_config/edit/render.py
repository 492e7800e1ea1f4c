"""Rendering new keys and values in the style of their neighbours (block/flow, quotes, decimals)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from psa_config.edit import locate
from psa_config.edit.errors import EditError
from psa_config.edit.formatting import Value, decimals_of, format_key, format_scalar, format_string

Path = tuple[str | int, ...]
"""Keys from a mapping down to a value (a ``mask_ratios`` level is an int, as the runtime reads it)."""


@dataclass(frozen=True)
class Like:
    """The style of an existing value to imitate."""

    text: str | None = None
    """Literal text of a scalar (``0.50``, ``True``)."""
    style: str | None = None
    """Quote style of a scalar: ``'``, ``"`` or ``None`` (plain)."""
    items: tuple[str, ...] = ()
    """Literal texts of a sequence's scalar items."""
    flow: bool = True
    """Whether a collection is written in flow style (``[a, b]``, ``{k: v}``)."""
    indentless: bool = False
    """A block sequence whose ``-`` sits at its key's column (``key:\n- a``)."""
    children: Mapping[str, Like] = field(default_factory=dict)


PLAIN = Like()
HintFn = Callable[[Path], Like | None]


def like_of(text: str, node: Node, key: Node | None = None) -> Like:
    """Capture the style of ``node`` (the value of ``key``, if given) as written in ``text``."""
    if isinstance(node, ScalarNode):
        start, end = locate.scalar_span(text, node)
        return Like(text=text[start:end], style=node.style)
    if isinstance(node, SequenceNode):
        items = tuple(text[slice(*locate.scalar_span(text, i))] for i in node.value if isinstance(i, ScalarNode))
        indentless = key is not None and not node.flow_style and bool(node.value) and (
            locate.column_of(text, text.rfind("-", 0, node.value[0].start_mark.index))
            == locate.entry_column(text, key)
        )
        return Like(items=items, flow=bool(node.flow_style), indentless=indentless)
    children = {locate.key_text(k): like_of(text, v) for k, v in locate.entries(node)} if isinstance(node, MappingNode) else {}
    return Like(flow=bool(getattr(node, "flow_style", False)), children=children)


def scalar_text(value: Value, like: Like | None) -> str:
    """A scalar in ``like``'s style (the max decimals of a sequence's items for list items)."""
    like = like or PLAIN
    if like.text is None and like.items:
        decimals = [d for d in (decimals_of(t) for t in like.items) if d is not None]
        sample = "0." + "0" * max(decimals) if decimals else like.items[0]
        return format_scalar(value, None, sample)  # type: ignore[arg-type]
    if isinstance(value, str):
        return format_string(value, like.style)
    return format_scalar(value, None, like.text)  # type: ignore[arg-type]


def flow_text(value: Value, like: Like | None) -> str:
    """``value`` in flow style: ``[a, b]`` or ``{k: v}``; scalars as :func:`scalar_text`."""
    like = like or PLAIN
    if isinstance(value, Mapping):
        parts = [f"{format_key(k)}: {flow_text(v, like.children.get(str(k)))}" for k, v in value.items()]
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_item_text(v, like, i) for i, v in enumerate(value)) + "]"
    return scalar_text(value, like)


def _item_text(value: Value, like: Like, index: int) -> str:
    if isinstance(value, (list, tuple, Mapping)):
        return flow_text(value, None)
    if not like.items:
        return scalar_text(value, None)
    return scalar_text(value, Like(text=like.items[min(index, len(like.items) - 1)]))


def block_lines(value: Mapping[str | int, Value], indent: int, step: int, hint: HintFn, path: Path = ()) -> list[str]:
    """A block mapping as lines (no line breaks), nested mappings indented by ``step``."""
    lines: list[str] = []
    pad = " " * indent
    for key, item in value.items():
        sub = (*path, str(key))
        like = hint(sub)
        if isinstance(item, Mapping) and not (like is not None and like.flow and like.children):
            lines.append(f"{pad}{format_key(key)}:")
            lines.extend(block_lines(item, indent + step, step, hint, sub))
        elif isinstance(item, (list, tuple)) and like is not None and not like.flow:
            lines.append(f"{pad}{format_key(key)}:")
            dash = pad if like.indentless else pad + " " * step
            lines.extend(f"{dash}- {_item_text(v, like, i)}" for i, v in enumerate(item))
        else:
            lines.append(f"{pad}{format_key(key)}: {flow_text(item, like)}")
    return lines


def sibling_hint(text: str, siblings: Sequence[Node]) -> HintFn:
    """Hints from the first sibling mapping that has the key (``siblings``: e.g. other presets)."""

    def hint(path: Path) -> Like | None:
        for node in siblings:
            found = _walk(node, path)
            if found is None and path and str(path[-1]).isdigit():
                found = _first_entry(_walk(node, path[:-1]))  # another level of the same mapping
            if found is not None:
                return like_of(text, found[1], found[0])
        return None

    return hint


def _walk(node: Node | None, path: Path) -> tuple[Node | None, Node] | None:
    """(key, value) at ``path`` below ``node`` (key ``None`` for the empty path)."""
    if node is None:
        return None
    key: Node | None = None
    for name in path:
        if not isinstance(node, MappingNode):
            return None
        try:
            entry = locate.find_entry(node, name)
        except EditError:  # a duplicated key in a neighbour: no style to take from it
            return None
        if entry is None:
            return None
        key, node = entry.key, entry.value
    return key, node


def _first_entry(found: tuple[Node | None, Node] | None) -> tuple[Node | None, Node] | None:
    if found is not None and isinstance(found[1], MappingNode):
        for key, value in locate.entries(found[1]):
            return key, value
    return None
