"""Positions of keys and values in the original text, from the composed YAML node tree.

The tree comes from PyYAML's composer (libyaml's when available: ~40x faster
than ruamel.yaml's, and the parser the runtime itself uses). Offsets are
``str`` indices into the text (``start_mark.index`` / ``end_mark.index``);
CRLF and a BOM count as the characters they are. Each node also gets an
``anchor`` attribute (its ``&name`` or ``None``). An alias is composed as the
very node of its anchor, so its marks point at the anchor's definition:
:func:`lookup` tells such values apart and reports the sharing instead of
hiding it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from psa_config.edit.errors import DuplicateKeyError, EditError, MalformedYamlError
from psa_config import runtime_yaml
from psa_config.runtime_yaml import MERGE_TAG, merge_sources

_PREFIX = re.compile(r"(?:[&!][^\s]*\s+)+")
_ANCHOR_OR_TAG = re.compile(r"([&!])([^\s,\[\]{}]*)\s*")
_EXPLICIT_KEY = re.compile(r"\?[ \t]+")


def compose(text: str) -> Node | None:
    """The node tree of ``text`` (``None`` for an empty document), each node with an ``anchor``."""
    try:
        root = runtime_yaml.compose(text)  # the runtime's own reading (libyaml where it provably agrees)
    except RecursionError:
        raise MalformedYamlError("the document is nested too deeply for the runtime's YAML reader", 1, 1) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise MalformedYamlError(" ".join(str(exc.problem or exc.context).split()), line, column) from None
    except yaml.YAMLError as exc:
        raise MalformedYamlError(" ".join(str(exc).split()), 1, 1) from None
    if root is not None:
        _annotate(root, text, _bom_shift() if text.startswith("\ufeff") else 0)
    return root


@lru_cache(maxsize=1)
def _bom_shift() -> int:
    """How far the loader's indices lag behind ``str`` indices after a BOM (libyaml skips it)."""
    probe = runtime_yaml.compose("\ufeffa: 1")
    return 1 - probe.value[0][0].start_mark.index


def _annotate(root: Node, text: str, shift: int) -> None:
    """Shift every mark by ``shift`` once and give every node its ``anchor`` (or None)."""
    nodes: dict[int, Node] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) not in nodes:
            nodes[id(node)] = node
            stack.extend(children(node))
    for node in nodes.values():
        if shift:  # libyaml's marks are read-only: replace them
            node.start_mark = _shifted(node.start_mark, shift)
            node.end_mark = _shifted(node.end_mark, shift)
        node.anchor = _anchor_at(text, node.start_mark.index)


def _shifted(mark: yaml.Mark, shift: int) -> yaml.Mark:
    return yaml.Mark(mark.name, mark.index + shift, mark.line, mark.column, None, None)


def _anchor_at(text: str, index: int) -> str | None:
    """The ``&name`` among the properties (anchor, tag) written at ``index``."""
    anchor = None
    while index < len(text) and text[index] in "&!":
        match = _ANCHOR_OR_TAG.match(text, index)
        if match is None or match.end() == index:
            break
        if match.group(1) == "&":
            anchor = match.group(2)
        index = match.end()
    return anchor


@dataclass(frozen=True)
class Entry:
    """One ``key: value`` pair of a mapping, as it stands in the text."""

    key: ScalarNode
    value: Node
    mapping: MappingNode
    alias: str | None = None
    """Anchor name when the value is written as ``*alias`` here."""
    merged_from: str | None = None
    """Anchor name of the ``<<`` merge the pair was found through (``None`` if direct)."""


@dataclass(frozen=True)
class Located:
    """Where a path of keys leads: the entries walked, and how sharing was crossed."""

    entries: tuple[Entry, ...]
    crossings: tuple[str, ...] = field(default=())
    """Human-readable notes for each alias/merge the path went through."""

    @property
    def last(self) -> Entry:
        return self.entries[-1]


def key_text(node: ScalarNode) -> str:
    return str(node.value)


def entries(mapping: MappingNode) -> Iterator[tuple[ScalarNode, Node]]:
    """The direct ``key: value`` pairs of a mapping, merge keys excluded."""
    for key, value in mapping.value:
        if key.tag != MERGE_TAG:
            yield key, value


def merged_mappings(mapping: MappingNode) -> list[MappingNode]:
    """The mappings a ``<<`` key merges into ``mapping``, in priority order."""
    found: list[MappingNode] = []
    for key, value in mapping.value:
        if key.tag == MERGE_TAG:
            found.extend(source for source in merge_sources(value) if isinstance(source, MappingNode))
    return found


def is_alias(key: Node, value: Node) -> bool:
    """An alias's node is its anchor's, defined earlier in the text than the key using it."""
    return value.start_mark.index < key.end_mark.index


def find_entry(mapping: MappingNode, name: str | int) -> Entry | None:
    """The pair for ``name`` in ``mapping``: direct keys first, then merged mappings.

    Raises :class:`DuplicateKeyError` when ``name`` is written twice: the runtime
    (PyYAML) keeps the last, so editing either copy would mislead.
    """
    name = str(name)
    found = [(key, value) for key, value in entries(mapping) if key_text(key) == name]
    if len(found) > 1:
        raise DuplicateKeyError(name, [key.start_mark.line + 1 for key, _ in found])
    if found:
        key, value = found[0]
        return Entry(key, value, mapping, alias=value.anchor if is_alias(key, value) else None)
    for source in merged_mappings(mapping):
        found = find_entry(source, name)
        if found is not None:
            return Entry(found.key, found.value, found.mapping, found.alias, source.anchor)
    return None


def lookup(root: Node | None, path: Sequence[str | int]) -> Located:
    """Walk ``path`` (keys, outermost first) from the root; raise EditError when a key is missing."""
    node, walked, crossings = root, [], []
    for depth, name in enumerate(path):
        if not isinstance(node, MappingNode):
            where = ".".join(map(str, path[:depth])) or "the document"
            raise EditError(f"{where} is not a mapping, so it has no key {name!r}")
        entry = find_entry(node, name)
        if entry is None:
            raise EditError(f"no key {'.'.join(map(str, path[: depth + 1]))!r} in the file")
        crossings.extend(crossings_of(entry, path[: depth + 1]))
        walked.append(entry)
        node = entry.value
    return Located(tuple(walked), tuple(crossings))


def crossings_of(entry: Entry, path: Sequence[str | int]) -> list[str]:
    dotted = ".".join(map(str, path))
    notes = []
    if entry.merged_from is not None:
        notes.append(f"{dotted} comes from the merge key '<<: *{entry.merged_from}'")
    if entry.alias is not None:
        notes.append(f"{dotted} is the alias *{entry.alias}")
    return notes


def use_counts(root: Node | None) -> dict[int, int]:
    """How many places in the document use each node (``id`` -> count); > 1 means shared."""
    counts: dict[int, int] = {}

    def visit(node: Node) -> None:
        counts[id(node)] = counts.get(id(node), 0) + 1
        if counts[id(node)] > 1:
            return
        for child in children(node):
            visit(child)

    if root is not None:
        visit(root)
    return counts


def children(node: Node) -> Iterator[Node]:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, SequenceNode):
        yield from node.value


def anchors_within(node: Node, start: int, end: int) -> Iterator[Node]:
    """Nodes carrying an anchor whose definition lies in ``[start, end)``."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current.anchor and start <= current.start_mark.index < end:
            yield current
        stack.extend(children(current))


# ---- spans -------------------------------------------------------------------------------------


def scalar_span(text: str, node: ScalarNode) -> tuple[int, int]:
    """The scalar's own characters, without a leading ``&anchor`` or ``!tag``."""
    start, end = node.start_mark.index, scalar_end(text, node)
    prefix = _PREFIX.match(text, start, end) if text[start : start + 1] in ("&", "!") else None
    return (prefix.end() if prefix else start), end


def scalar_end(text: str, node: ScalarNode) -> int:
    """End of a scalar's text. A block scalar (``|``, ``>``) ends with its last line: for keep
    chomping (``+``) the last kept blank line, else its last content line (its end mark is the
    next token)."""
    if node.style not in ("|", ">"):
        return node.end_mark.index
    start, end = node.start_mark.index, node.end_mark.index
    region_end = _block_region_end(text, start, end)
    if keeps_blank_lines(text, node):
        return region_end
    return _last_content_line_end(text, line_end(text, start), region_end)


def keeps_blank_lines(text: str, node: Node) -> bool:
    """Whether ``node`` is a keep-chomping block scalar (``|+``, ``>+``): blank lines after it are its value."""
    if not isinstance(node, ScalarNode) or node.style not in ("|", ">"):
        return False
    start = node.start_mark.index
    return "+" in text[start : line_end(text, start)].split("#")[0]


def _block_region_end(text: str, start: int, end: int) -> int:
    """End (before its line break) of the last line a block scalar's token consumed."""
    first = line_start(text, end)
    if first <= start or text[first:end].strip(" \t"):
        return end  # the scalar runs to the end of the file without a final line break
    return first - break_before(text, first)


def _last_content_line_end(text: str, header_end: int, region_end: int) -> int:
    """End of the last line holding content: trailing lines no deeper than the indentation
    are chomped blank lines (a deeper whitespace-only line is content)."""
    body = text[header_end:region_end]
    indent = _first_content_indent(body)
    cursor = region_end
    while cursor > header_end:
        first = line_start(text, cursor)
        line = text[first:cursor]
        if line.strip(" ") or len(line) > indent:
            return cursor
        cursor = first - break_before(text, first)
    return header_end


def _first_content_indent(body: str) -> int:
    for line in re.split(r"\r\n|\r|\n", body):
        if line.strip(" "):
            return len(line) - len(line.lstrip(" "))
    return 0


def anchor_prefix(text: str, node: Node) -> str:
    """The ``&anchor `` written before a node ('' if none); kept when the node is rewritten."""
    if not node.anchor:
        return ""
    match = re.compile(r"&" + re.escape(node.anchor) + r"[ \t]*").search(text, node.start_mark.index)
    return match.group(0) if match else ""


def colon_after(text: str, key: Node) -> int:
    """Index just past the ``:`` that ends ``key``."""
    match = re.compile(r"\s*:").match(text, key.end_mark.index)
    if match is None:
        raise EditError(f"cannot find the ':' after key at line {key.start_mark.line + 1}")
    return match.end()


def alias_span(text: str, entry: Entry) -> tuple[int, int]:
    """Where ``*alias`` is written after ``entry``'s key."""
    pattern = re.compile(r"(?:\s|#[^\r\n]*)*(\*" + re.escape(entry.alias or "") + r")(?![^\s,\]\}])")
    match = pattern.match(text, colon_after(text, entry.key))
    if match is None:
        raise EditError(f"cannot find *{entry.alias} after key {key_text(entry.key)!r}")
    return match.start(1), match.end(1)


def is_empty_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag.endswith(":null") and node.value == "" and not node.style


def leaf_end(text: str, node: Node) -> int:
    """End of the last character a node really spans (block collections end at the next token)."""
    if isinstance(node, ScalarNode):
        return scalar_end(text, node)
    if node.flow_style:
        return node.end_mark.index
    if isinstance(node, MappingNode):
        pairs = list(node.value)
        if not pairs:
            return node.start_mark.index
        key, value = pairs[-1]
        return entry_end(text, Entry(key, value, node, alias=value.anchor if is_alias(key, value) else None))
    items = list(node.value)
    if not items:
        return node.start_mark.index
    last = items[-1]
    if last.start_mark.index < node.start_mark.index:  # the last item is an alias
        match = re.compile(r"\*" + re.escape(last.anchor or "")).search(text, node.start_mark.index)
        return match.end() if match else node.end_mark.index
    return leaf_end(text, last)


def entry_end(text: str, entry: Entry) -> int:
    """End of the last character of a ``key: value`` pair."""
    if entry.alias is not None:
        return alias_span(text, entry)[1]
    return max(leaf_end(text, entry.value), colon_after(text, entry.key))  # an empty value: its `&anchor`


def value_span(text: str, entry: Entry) -> tuple[int, int]:
    """The characters of the value as written after the key (the ``*alias`` itself for aliases)."""
    if entry.alias is not None:
        return alias_span(text, entry)
    if is_empty_null(entry.value):
        end = colon_after(text, entry.key)
        return end, end
    if isinstance(entry.value, ScalarNode):
        return scalar_span(text, entry.value)
    return entry.value.start_mark.index, leaf_end(text, entry.value)


# ---- lines ---------------------------------------------------------------------------------------
# PyYAML breaks lines at LF, CRLF and a lone CR; files may mix them. Searches are bounded by the
# nearest LF so that they stay proportional to the line, not to the file.


def line_start(text: str, index: int) -> int:
    newline = text.rfind("\n", 0, index)
    return max(newline, text.rfind("\r", newline + 1, index)) + 1


def line_end(text: str, index: int) -> int:
    """Index of the line break ending the line that holds ``index`` (``\\r`` of CRLF), or len."""
    newline = text.find("\n", index)
    stop = len(text) if newline < 0 else newline
    carriage = text.find("\r", index, stop)
    return carriage if carriage >= 0 else stop


def break_length(text: str, index: int) -> int:
    """Length of the line break at ``index`` (2 for CRLF, 1 for LF or CR, 0 at the end)."""
    if text.startswith("\r\n", index):
        return 2
    return 1 if index < len(text) and text[index] in "\r\n" else 0


def after_line_break(text: str, index: int) -> int:
    """Index of the first character of the next line (len at the end)."""
    end = line_end(text, index)
    return end + break_length(text, end)


def break_before(text: str, index: int) -> int:
    """Length of the line break that ends just before ``index`` (0 if none)."""
    if index >= 2 and text[index - 2 : index] == "\r\n":
        return 2
    return 1 if index >= 1 and text[index - 1] in "\r\n" else 0


def ends_with_break(text: str) -> bool:
    return text.endswith(("\n", "\r"))


def column_of(text: str, index: int) -> int:
    """0-based column, not counting a BOM."""
    return len(text[line_start(text, index) : index].replace("\ufeff", ""))


def line_of(text: str, index: int) -> int:
    """1-based line number of ``index``."""
    return count_breaks(text, 0, index) + 1


def count_breaks(text: str, start: int, end: int) -> int:
    """Line breaks in ``text[start:end]`` (CRLF counts once)."""
    newlines = text.count("\n", start, end)
    carriages = text.count("\r", start, end)
    if not carriages:
        return newlines
    return newlines + carriages - text.count("\r\n", start, end)


def entry_column(text: str, key: Node) -> int:
    """Column of a block mapping entry (its ``?`` for an explicit key), for new siblings."""
    column = key_indent(text, key)
    return column_of(text, key.start_mark.index) if column is None else column


def key_indent(text: str, key: Node) -> int | None:
    """Column where a block mapping entry starts: its key's, or its ``?`` for an explicit key;
    ``None`` when something else precedes the key on its line."""
    start = line_start(text, key.start_mark.index)
    before = text[start : key.start_mark.index]
    lead = len(before) - len(before.lstrip(" \ufeff"))
    rest = before[lead:]
    if not rest:
        return column_of(text, key.start_mark.index)
    if _EXPLICIT_KEY.fullmatch(rest):
        return column_of(text, start + lead)
    return None
