"""Setting, inserting and removing ``key: value`` pairs by splicing the original text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from psa_config.edit import locate
from psa_config.edit.errors import EditError, SharedValueError
from psa_config.edit.formatting import Value, format_key, indent_step, newline_of
from psa_config.edit.locate import Entry
from psa_config.edit.render import HintFn, Like, Path, block_lines, flow_text, like_of, scalar_text
from psa_config.edit.splice import Change, Splice, apply


STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Context:
    """The text being edited and what the engine knows about it."""

    text: str
    root: Node | None
    edit_anchor: bool = False

    @cached_property
    def counts(self) -> dict[int, int]:
        return locate.use_counts(self.root)

    @cached_property
    def newline(self) -> str:
        return newline_of(self.text)

    @cached_property
    def step(self) -> int:
        return indent_step(self.root, self.text)

    def line(self, index: int) -> int:
        return locate.line_of(self.text, index)


def set_path(ctx: Context, base: Path, rel: Path, value: Value, hint: HintFn) -> Change:
    """Set ``rel`` (keys below the mapping at ``base``) to ``value``, inserting missing keys."""
    located = locate.lookup(ctx.root, base)
    walked, crossings = list(located.entries), list(located.crossings)
    node: Node | None = walked[-1].value if walked else ctx.root
    depth = 0
    while depth < len(rel):
        entry = locate.find_entry(node, rel[depth]) if isinstance(node, MappingNode) else None
        if entry is None:
            break
        depth += 1
        crossings.extend(locate.crossings_of(entry, (*base, *rel[:depth])))
        walked.append(entry)
        node = entry.value
    notes = Change(notes=sharing_notes(ctx, walked, crossings, ".".join(map(str, (*base, *rel)))))
    if depth == len(rel):
        return replace_value(ctx, walked[-1], value, hint, rel) + notes
    nested: Value = value
    for name in reversed(rel[depth + 1 :]):
        nested = {name: nested}  # type: ignore[dict-item]
    if isinstance(node, MappingNode):
        after = _level_before(node, rel[depth]) if depth and rel[depth - 1] == "mask_ratios" else None
        before = _level_after(node, rel[depth]) if depth and rel[depth - 1] == "mask_ratios" and not after else None
        if before is not None:  # no earlier level listed: go before the first later one
            return insert_entry_before(ctx, node, before, rel[depth], nested, hint, rel[:depth]) + notes
        return insert_entry(ctx, node, rel[depth], nested, hint, rel[:depth], after) + notes
    if not walked or node is ctx.root:
        raise EditError(f"{'.'.join(base)} is not a mapping")
    return replace_value(ctx, walked[-1], {rel[depth]: nested}, hint, rel[:depth]) + notes


def sharing_notes(ctx: Context, walked: Sequence[Entry], crossings: Sequence[str], dotted: str) -> tuple[str, ...]:
    """Refuse edits that reach shared text through an alias or merge; note edits of anchor definitions."""
    shared = [n for e in walked for n in (e.mapping, e.value) if ctx.counts.get(id(n), 0) > 1]
    if not shared:
        return ()
    anchored = list({id(n): n for n in reversed(shared) if n.anchor}.values()) or shared[-1:]
    where = ", ".join(
        f"&{n.anchor} (line {ctx.line(n.start_mark.index)}, {ctx.counts[id(n)]} uses)" for n in anchored
    )
    if crossings and not ctx.edit_anchor:
        raise SharedValueError(
            f"{dotted} is shared: {'; '.join(crossings)}. Changing it here would change every use of "
            f"the anchor {where}. Use --edit-anchor (edit_anchor=True) to edit the anchor's definition, "
            "or write the value out in this preset by hand."
        )
    return (f"edited the anchor {where}: the change applies to every place that uses it",)


# ---- replacing a value ---------------------------------------------------------------------------


def own_span(ctx: Context, entry: Entry) -> tuple[int, int]:
    """The value's characters at its definition (after any ``&anchor``); for an empty value the spot
    after its ``&anchor``, or after the colon."""
    node = entry.value
    if locate.is_empty_null(node):
        spot = _after_anchor(ctx, node) if node.anchor else locate.colon_after(ctx.text, entry.key)
        return spot, spot
    if isinstance(node, ScalarNode):
        return locate.scalar_span(ctx.text, node)
    start = node.start_mark.index + len(locate.anchor_prefix(ctx.text, node))
    return start, locate.leaf_end(ctx.text, node)


def replace_value(ctx: Context, entry: Entry, value: Value, hint: HintFn, rel: Path) -> Change:
    """Change ``entry``'s value to ``value``, keeping as much of its text as possible."""
    node = entry.value
    if locate.is_empty_null(node):
        return _replace_whole(ctx, entry, value, hint(rel), rel, hint)
    if isinstance(value, (Mapping, list, tuple)) and not value and not getattr(node, "flow_style", True):
        return _replace_whole(ctx, entry, value, Like(), rel, hint)  # `{}` / `[]`: a block can't be empty
    if isinstance(value, Mapping) and isinstance(node, MappingNode):
        return update_mapping(ctx, node, value, hint, rel)
    if isinstance(value, (list, tuple)) and isinstance(node, SequenceNode):
        return _replace_sequence(ctx, entry, list(value))
    if not isinstance(value, (list, tuple, Mapping)) and isinstance(node, ScalarNode):
        if isinstance(value, str) and node.tag == STR_TAG and node.value == value:
            return Change()  # same text, whatever its style (block scalars included)
        start, end = own_span(ctx, entry)
        new = scalar_text(value, like_of(ctx.text, node))
        return Change((Splice(start, end, new),)) if new != ctx.text[start:end] else Change()
    return _replace_whole(ctx, entry, value, like_of(ctx.text, node), rel, hint)


def _replace_sequence(ctx: Context, entry: Entry, items: list[Value]) -> Change:
    node = entry.value
    assert isinstance(node, SequenceNode)
    olds = list(node.value)
    if len(olds) == len(items) and all(isinstance(o, ScalarNode) for o in olds):
        if not any(isinstance(i, (list, tuple, Mapping)) for i in items):
            splices = []
            for old, item in zip(olds, items):
                start, end = locate.scalar_span(ctx.text, old)
                new = scalar_text(item, like_of(ctx.text, old))
                if new != ctx.text[start:end]:
                    splices.append(Splice(start, end, new))
            return Change(tuple(splices))
    like = like_of(ctx.text, node)
    if node.flow_style:
        start, end = own_span(ctx, entry)
        return Change((Splice(start, end, flow_text(items, like)),))
    first = olds[0]
    dash = ctx.text.rfind("-", 0, first.start_mark.index)
    pad = " " * locate.column_of(ctx.text, dash)
    gap = ctx.text[dash + 1 : first.start_mark.index]
    lines = [f"{pad}-{gap}{flow_text(item, Like(text=like.items[min(i, len(like.items) - 1)]))}" for i, item in enumerate(items)]
    start, end = locate.line_start(ctx.text, dash), locate.line_end(ctx.text, locate.leaf_end(ctx.text, node))
    return Change((Splice(start, end, ctx.newline.join(lines)),))


def _replace_whole(ctx: Context, entry: Entry, value: Value, like: Like | None, rel: Path, hint: HintFn) -> Change:
    """Rewrite the value entirely (its type changes, or it was empty); its ``&anchor`` stays."""
    start, end = own_span(ctx, entry)
    node = entry.value
    block_node = isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style
    head = ""
    if node.anchor and (block_node or locate.is_empty_null(node)):  # from its properties: a tag goes
        start, head = _blanks_before(ctx.text, node.start_mark.index), f" &{node.anchor}"
    elif block_node or locate.is_empty_null(node):
        start = locate.colon_after(ctx.text, entry.key) if entry.alias is None else start
    if isinstance(value, Mapping) and value and not entry.mapping.flow_style and entry.alias is None:
        indent = locate.entry_column(ctx.text, entry.key) + ctx.step
        lines = block_lines(value, indent, ctx.step, lambda p: hint((*rel, *p)))
        cut = _blanks_before(ctx.text, start)  # no blanks left at the end of the key's line
        at = locate.line_end(ctx.text, end)  # a comment after the old value stays on the key's line
        return Change((Splice(cut, at, head + ctx.text[end:at] + ctx.newline + ctx.newline.join(lines)),))
    text = flow_text(value, like) if isinstance(value, (list, tuple, Mapping)) else scalar_text(value, like)
    after_colon = start == locate.colon_after(ctx.text, entry.key) and entry.alias is None
    return Change((Splice(start, end, head + (" " if after_colon or head else "") + text),))


def _blanks_before(text: str, index: int) -> int:
    """Where the spaces and tabs just before ``index`` start."""
    while text[index - 1] in " \t":
        index -= 1
    return index


def _after_anchor(ctx: Context, node: Node) -> int:
    """Index just past the ``&name`` written where ``node`` is defined."""
    return ctx.text.index("&" + str(node.anchor), node.start_mark.index) + 1 + len(str(node.anchor))


# ---- mappings ------------------------------------------------------------------------------------


def update_mapping(ctx: Context, node: MappingNode, value: Mapping[str | int, Value], hint: HintFn, rel: Path) -> Change:
    """Make the mapping hold exactly ``value`` (in its order), editing entries in place where possible."""
    if locate.merged_mappings(node):
        raise SharedValueError(f"{'.'.join(map(str, rel))} uses a merge key ('<<'); set its keys one at a time")
    wanted = {str(k): v for k, v in value.items()}
    written = {str(k): k for k in value}  # level keys stay ints: the runtime reads `8:` as 8
    present = {locate.key_text(k): Entry(k, v, node, alias=_alias(k, v)) for k, v in locate.entries(node)}
    kept_order = [k for k in present if k in wanted]
    new_order = [k for k in wanted if k in present]
    added = [k for k in wanted if k not in present]
    removed = [k for k in present if k not in wanted]
    in_order = kept_order == new_order and list(wanted)[: len(new_order)] == new_order
    in_order = in_order and not (added and removed)
    if not in_order and present:
        if node.flow_style:
            start, end = node.start_mark.index + len(locate.anchor_prefix(ctx.text, node)), node.end_mark.index
            return Change((Splice(start, end, flow_text(value, like_of(ctx.text, node))),))
        return _rebuild_mapping(ctx, node, {written[k]: v for k, v in wanted.items()}, present, hint, rel)
    change = Change()
    for name, entry in present.items():
        if name in wanted:
            change += _replace_child(ctx, entry, wanted[name], hint, (*rel, name))
        else:
            change += Change((remove_entry(ctx, entry),))
    if added:
        change += insert_entries(ctx, node, {written[k]: wanted[k] for k in added}, hint, rel)
    return change


def _alias(key: Node, value: Node) -> str | None:
    return value.anchor if locate.is_alias(key, value) else None


def _replace_child(ctx: Context, entry: Entry, value: Value, hint: HintFn, rel: Path) -> Change:
    change = replace_value(ctx, entry, value, hint, rel)
    if change.splices and (entry.alias or ctx.counts.get(id(entry.value), 0) > 1):
        crossing = [f"{'.'.join(map(str, rel))} is shared through &{entry.value.anchor}"]
        change += Change(notes=sharing_notes(ctx, [entry], crossing, ".".join(map(str, rel))))
    return change


def _rebuild_mapping(
    ctx: Context, node: MappingNode, wanted: dict[str | int, Value], present: dict[str, Entry], hint: HintFn, rel: Path
) -> Change:
    """Reorder a block mapping: each kept entry moves with its own lines (and the comments above it)."""
    entries = list(present.values())
    region_start = locate.line_start(ctx.text, entries[0].key.start_mark.index)
    region_end = locate.line_end(ctx.text, locate.entry_end(ctx.text, entries[-1]))
    chunks: dict[str, str] = {}
    outside: list[Splice] = []
    notes: tuple[str, ...] = ()
    lead = _break_ending_line_before(ctx, region_start)
    cursor = region_start
    by_text = {str(k): v for k, v in wanted.items()}
    for name, entry in present.items():
        end = locate.line_end(ctx.text, locate.entry_end(ctx.text, entry))
        if name in by_text:
            inner = _replace_child(ctx, entry, by_text[name], hint, (*rel, name))
            notes += inner.notes
            local = [s for s in inner.splices if cursor <= s.start and s.end <= end]
            outside += [s for s in inner.splices if s not in local]
            shifted = [Splice(s.start - cursor, s.end - cursor, s.replacement) for s in local]
            chunk = apply(ctx.text[cursor:end], shifted)[0]
            chunks[name] = lead + chunk if cursor == region_start else chunk  # others start with their break
        cursor = end
    indent = locate.entry_column(ctx.text, entries[0].key)
    parts = []
    for name, item in wanted.items():
        if str(name) in chunks:
            parts.append(chunks[str(name)])
        else:
            lines = block_lines({name: item}, indent, ctx.step, lambda p: hint((*rel, *p)))
            parts.append(lead + lead.join(lines))
    joined = "".join(parts)
    return Change((Splice(region_start, region_end, joined[locate.break_length(joined, 0) :]), *outside), notes)


def insert_entries(ctx: Context, node: MappingNode, value: Mapping[str, Value], hint: HintFn, rel: Path) -> Change:
    """Add several ``key: value`` pairs after the mapping's last entry, in order."""
    if node.flow_style:
        text = ", ".join(f"{format_key(k)}: {flow_text(v, hint((*rel, k)))}" for k, v in value.items())
        return Change((insert_flow_text(ctx, node, text),))
    lines = block_lines(value, entry_indent(ctx, node), ctx.step, lambda p: hint((*rel, *p)))
    return Change((insert_block_lines(ctx, node, lines),))


def insert_entry(
    ctx: Context, node: MappingNode, key: str | int, value: Value, hint: HintFn, rel: Path, after: Entry | None = None
) -> Change:
    """Add ``key: value`` after ``after`` (default: the mapping's last entry), formatted like its entries."""
    if node.flow_style:
        text = f"{format_key(key)}: {flow_text(value, hint((*rel, key)))}"
        return Change((insert_flow_text(ctx, node, text, after),))
    lines = block_lines({key: value}, entry_indent(ctx, node), ctx.step, lambda p: hint((*rel, *p)))
    return Change((insert_block_lines(ctx, node, lines, after),))


def insert_entry_before(
    ctx: Context, node: MappingNode, before: ScalarNode, key: str | int, value: Value, hint: HintFn, rel: Path
) -> Change:
    """Add ``key: value`` just before the entry whose key is ``before`` (on lines of its own in block style)."""
    if node.flow_style:
        at = before.start_mark.index
        return Change((Splice(at, at, f"{format_key(key)}: {flow_text(value, hint((*rel, key)))}, "),))
    lines = block_lines({key: value}, entry_indent(ctx, node), ctx.step, lambda p: hint((*rel, *p)))
    at = locate.line_start(ctx.text, before.start_mark.index)
    brk = _break_ending_line_before(ctx, at)
    return Change((Splice(at, at, "".join(line + brk for line in lines)),))


def _break_ending_line_before(ctx: Context, at: int) -> str:
    """The line break that ends the line before ``at`` (a line start): new lines there take it;
    the document's at its very start."""
    return ctx.text[at - locate.break_before(ctx.text, at) : at] or ctx.newline


LEVEL_ORDER = (1, 2, 4, 8, 0)
"""The order new_mask_type requires; a new level goes after the last level listed before it
(before the first level listed after it when none comes before)."""


def _level_before(node: MappingNode, key: str | int) -> Entry | None:
    if key not in LEVEL_ORDER:
        return None
    earlier = {str(level) for level in LEVEL_ORDER[: LEVEL_ORDER.index(key)]}  # type: ignore[arg-type]
    found = None
    for k, v in locate.entries(node):
        if locate.key_text(k) in earlier:
            found = Entry(k, v, node, alias=_alias(k, v))
    return found


def _level_after(node: MappingNode, key: str | int) -> ScalarNode | None:
    """The key of the first level listed that new_mask_type puts after ``key``."""
    if key not in LEVEL_ORDER:
        return None
    later = {str(level) for level in LEVEL_ORDER[LEVEL_ORDER.index(key) + 1 :]}  # type: ignore[arg-type]
    return next((k for k, _ in locate.entries(node) if locate.key_text(k) in later), None)


def entry_indent(ctx: Context, node: MappingNode) -> int:
    pairs = list(node.value)
    if not pairs:
        raise EditError("cannot add to an empty block mapping")
    return locate.entry_column(ctx.text, pairs[0][0])


def insert_flow_text(ctx: Context, node: MappingNode, text: str, after: Entry | None = None) -> Splice:
    pairs = list(node.value)
    if not pairs:
        start = node.start_mark.index + len(locate.anchor_prefix(ctx.text, node)) + 1
        return Splice(start, start, text)
    if after is None:
        key, value = pairs[-1]
        after = Entry(key, value, node, alias=_alias(key, value))
    end = locate.entry_end(ctx.text, after)
    return Splice(end, end, ", " + text)


def insert_block_lines(ctx: Context, node: MappingNode, lines: Sequence[str], after: Entry | None = None) -> Splice:
    """Insert whole lines after ``after`` (default: the mapping's last entry)."""
    if after is None:
        key, value = list(node.value)[-1]
        after = Entry(key, value, node, alias=_alias(key, value))
    end = locate.line_end(ctx.text, locate.entry_end(ctx.text, after))
    if not ctx.text[locate.line_start(ctx.text, end) : end].strip(" \t"):  # after a keep scalar's kept lines
        lines = list(lines)
        while lines and not lines[0].strip():
            lines.pop(0)  # a blank line here would become part of that scalar
    own_break = ctx.text[end : end + locate.break_length(ctx.text, end)] or ctx.newline
    text = "".join(ctx.newline + line for line in lines)
    return Splice(end, end, own_break + text[len(ctx.newline) :] if text else "")


# ---- removing ------------------------------------------------------------------------------------


def remove_entry(ctx: Context, entry: Entry) -> Splice:
    """Delete a ``key: value`` pair: its whole lines in block style, the item and a comma in flow style."""
    text = ctx.text
    if entry.mapping.flow_style:
        return _remove_flow(ctx, entry)
    start = locate.line_start(text, entry.key.start_mark.index)
    if locate.key_indent(text, entry.key) is None:
        raise EditError(f"cannot remove {locate.key_text(entry.key)!r}: it does not start its own line")
    start += 1 if text.startswith("\ufeff", start) else 0  # a byte-order mark stays
    end = locate.after_line_break(text, locate.entry_end(text, entry))
    if _follows_kept_lines(ctx, entry, start):
        end = _after_blank_lines(text, end)  # else they would join the kept lines of the scalar before
    if end == len(text) and not locate.ends_with_break(text) and start > 0:
        start -= locate.break_before(text, start)  # keep "no final newline"
    return Splice(start, end, "")


def _follows_kept_lines(ctx: Context, entry: Entry, start: int) -> bool:
    """Whether the entry before ``entry`` ends, on the line before ``start``, with a keep-chomping block scalar."""
    pairs = list(entry.mapping.value)
    index = next(i for i, (key, _) in enumerate(pairs) if key is entry.key)
    if index == 0:
        return False
    key, value = pairs[index - 1]
    end = locate.entry_end(ctx.text, Entry(key, value, entry.mapping, alias=_alias(key, value)))
    return _ends_with_keep_scalar(ctx.text, key, value) and locate.after_line_break(ctx.text, end) == start


def _ends_with_keep_scalar(text: str, key: Node, value: Node) -> bool:
    """Whether a pair's text ends with a keep-chomping block scalar (its last leaf, written there, not an alias)."""
    node, alias = value, locate.is_alias(key, value)
    while not alias and isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style and node.value:
        if isinstance(node, MappingNode):
            key, last = node.value[-1]
            node, alias = last, locate.is_alias(key, last)
        else:
            last = node.value[-1]
            node, alias = last, last.start_mark.index < node.start_mark.index
    return not alias and locate.keeps_blank_lines(text, node)


def _after_blank_lines(text: str, index: int) -> int:
    while index < len(text) and not text[index : locate.line_end(text, index)].strip(" \t"):
        index = locate.after_line_break(text, index)
    return index


def _remove_flow(ctx: Context, entry: Entry) -> Splice:
    pairs = [Entry(k, v, entry.mapping, alias=_alias(k, v)) for k, v in entry.mapping.value]
    index = next(i for i, p in enumerate(pairs) if p.key is entry.key)
    if index + 1 < len(pairs):
        return Splice(entry.key.start_mark.index, pairs[index + 1].key.start_mark.index, "")
    if index > 0:
        return Splice(locate.entry_end(ctx.text, pairs[index - 1]), locate.entry_end(ctx.text, entry), "")
    return Splice(entry.key.start_mark.index, locate.entry_end(ctx.text, entry), "")
