"""The edit operations on presets and models, as splices of the original text.

Each function takes a :class:`~psa_config.edit.setting.Context` and returns a
:class:`~psa_config.edit.splice.Change`; :class:`~psa_config.edit.document.Document`
wraps them in an immutable API.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from yaml.nodes import MappingNode, Node

from psa_config.edit import locate, templates
from psa_config.edit.errors import EditError
from psa_config.edit.formatting import Value, format_key
from psa_config.edit.locate import Entry
from psa_config.edit.render import HintFn, Path, block_lines, flow_text, sibling_hint
from psa_config.edit.setting import Context, insert_block_lines, insert_flow_text, remove_entry, set_path
from psa_config.edit.splice import Change, Splice, apply

CONFIGS = "attention_configs"
DEFAULT = "default_attention"


# ---- finding things ------------------------------------------------------------------------------


def model_entry(ctx: Context, model: str) -> Entry:
    if not isinstance(ctx.root, MappingNode):
        raise EditError("the file has no models (it is not a mapping of model name -> section)")
    entry = locate.find_entry(ctx.root, model)
    if entry is None:
        raise EditError(f"no model {model!r}; models: {', '.join(model_names(ctx)) or '(none)'}")
    return entry


def configs_node(ctx: Context, model: str) -> MappingNode:
    section = model_entry(ctx, model).value
    entry = locate.find_entry(section, CONFIGS) if isinstance(section, MappingNode) else None
    if entry is None or not isinstance(entry.value, MappingNode):
        raise EditError(f"model {model!r} has no {CONFIGS} mapping")
    return entry.value


def preset_entry(ctx: Context, model: str, preset: str) -> Entry:
    entry = locate.find_entry(configs_node(ctx, model), preset)
    if entry is None:
        names = ", ".join(preset_names(ctx, model)) or "(none)"
        raise EditError(f"model {model!r} has no preset {preset!r}; presets: {names}")
    return entry


def model_names(ctx: Context) -> list[str]:
    if not isinstance(ctx.root, MappingNode):
        return []
    return [locate.key_text(k) for k, _ in locate.entries(ctx.root)]


def preset_names(ctx: Context, model: str) -> list[str]:
    return [locate.key_text(k) for k, _ in locate.entries(configs_node(ctx, model))]


def _presets(ctx: Context) -> Iterator[tuple[str, str, Node]]:
    for model in model_names(ctx):
        try:
            node = configs_node(ctx, model)
        except EditError:
            continue
        for key, value in locate.entries(node):
            yield model, locate.key_text(key), value


def preset_hint(ctx: Context, model: str, preset: str | None = None) -> HintFn:
    """Style hints from the model's other presets first, then every other preset in the file."""
    own = [v for m, p, v in _presets(ctx) if m == model and p != preset]
    rest = [v for m, _, v in _presets(ctx) if m != model]
    psa_first = sorted(own, key=lambda n: not _is_psa(n)) + sorted(rest, key=lambda n: not _is_psa(n))
    return sibling_hint(ctx.text, psa_first)


def model_hint(ctx: Context, model: str | None = None) -> HintFn:
    names = model_names(ctx)
    sections = [v for k, v in locate.entries(ctx.root) if locate.key_text(k) != model] if names else []
    return sibling_hint(ctx.text, sections)


def _is_psa(node: Node) -> bool:
    try:
        entry = locate.find_entry(node, "type") if isinstance(node, MappingNode) else None
    except EditError:
        return False
    return entry is not None and entry.value.value == "psa"


# ---- setting fields ------------------------------------------------------------------------------


def split_key(dotted: str) -> Path:
    parts = tuple(p.strip() for p in dotted.split("."))
    if not all(parts):
        raise EditError(f"bad key {dotted!r}: empty part in a dotted key")
    return parts


def set_field(ctx: Context, model: str, preset: str, dotted: str, value: Value) -> Change:
    """Set a field of a preset (``block_size.n``, ``mask_ratios.8``, ``mask_ratios``, ...)."""
    preset_entry(ctx, model, preset)
    rel = runtime_keys(split_key(dotted))
    return set_path(ctx, (model, CONFIGS, preset), rel, value, preset_hint(ctx, model, preset))


def runtime_keys(parts: Path) -> tuple[str | int, ...]:
    """The keys as the runtime reads them: a ``mask_ratios`` level is the int ``8``, not ``"8"``."""
    if len(parts) == 2 and parts[0] == "mask_ratios" and re.fullmatch(r"[-+]?\d+", parts[1]):
        return (parts[0], int(parts[1]))
    return parts


def set_model_field(ctx: Context, model: str, dotted: str, value: Value) -> Change:
    """Set a field of a model section (``text_length``, ``video_scale.width_divisor``, ...)."""
    model_entry(ctx, model)
    return set_path(ctx, (model,), split_key(dotted), value, model_hint(ctx, model))


def remove_field(ctx: Context, model: str, preset: str, dotted: str) -> Change:
    """Delete a key of a preset (nothing to do if it is absent)."""
    parts = split_key(dotted)
    try:
        located = locate.lookup(ctx.root, (model, CONFIGS, preset, *parts))
    except EditError:
        preset_entry(ctx, model, preset)
        return Change()
    if located.crossings:
        raise EditError(f"{dotted} comes from an anchor or merge ({'; '.join(located.crossings)}); cannot remove it here")
    return Change((remove_entry(ctx, located.last),))


def set_default(ctx: Context, model: str, preset: str) -> Change:
    preset_entry(ctx, model, preset)
    return set_path(ctx, (model,), (DEFAULT,), preset, model_hint(ctx, model))


# ---- presets -------------------------------------------------------------------------------------


def _check_new_name(names: list[str], name: str, what: str) -> None:
    if not name or name != name.strip():
        raise EditError(f"bad {what} name {name!r}")
    if name in names:
        raise EditError(f"{what} {name!r} already exists")


def add_preset(ctx: Context, model: str, name: str, from_preset: str | None = None, after: str | None = None) -> Change:
    """Add a preset: a copy of ``from_preset`` (its text, comments included) or the template."""
    node = configs_node(ctx, model)
    _check_new_name(preset_names(ctx, model), name, "preset")
    anchor = preset_entry(ctx, model, after) if after else None
    if from_preset is not None:
        body = copy_entry(ctx, preset_entry(ctx, model, from_preset), name)
        note = f"added preset {name!r} to {model!r} as a copy of {from_preset!r}"
    else:
        body = None
        note = f"added preset {name!r} to {model!r} from the template"
    if node.flow_style:
        text = body if body is not None else f"{format_key(name)}: {flow_text(templates.psa_preset(), None)}"
        return Change((insert_flow_text(ctx, node, text, anchor),), (note,))
    if body is not None:
        lines = body.split(ctx.newline) if ctx.newline in body else body.split("\n")
    else:
        indent = locate.entry_column(ctx.text, list(node.value)[0][0])
        hint = preset_hint(ctx, model)
        value = templates.in_order_of(templates.psa_preset(), hint(()))
        lines = block_lines({name: value}, indent, ctx.step, lambda p: hint(p[1:]))
    return Change((insert_block_lines(ctx, node, lines, anchor),), (note,))


def duplicate_preset(ctx: Context, model: str, source: str, name: str) -> Change:
    """Copy ``source`` to ``name``, placed right after it."""
    return add_preset(ctx, model, name, from_preset=source, after=source)


def remove_preset(ctx: Context, model: str, name: str) -> Change:
    entry = preset_entry(ctx, model, name)
    if len(preset_names(ctx, model)) == 1:
        raise EditError(f"{name!r} is the only preset of {model!r}; a model needs at least one")
    default = _default_value(ctx, model)
    if default == name:
        raise EditError(f"{name!r} is the default_attention of {model!r}; set another default first")
    _refuse_if_anchor_used(ctx, entry, f"preset {name!r}")
    return Change((remove_entry(ctx, entry),), (f"removed preset {name!r} from {model!r}",))


def rename_preset(ctx: Context, model: str, old: str, new: str) -> Change:
    """Rename a preset; ``default_attention`` follows if it named the old name."""
    entry = preset_entry(ctx, model, old)
    _check_new_name(preset_names(ctx, model), new, "preset")
    start, end = locate.scalar_span(ctx.text, entry.key)
    change = Change((Splice(start, end, format_key(new, entry.key.style)),), (f"renamed {old!r} to {new!r}",))
    if _default_value(ctx, model) == old:
        change += set_path(ctx, (model,), (DEFAULT,), new, model_hint(ctx, model))
        change += Change(notes=(f"default_attention of {model!r} now names {new!r}",))
    return change


def _default_value(ctx: Context, model: str) -> str | None:
    section = model_entry(ctx, model).value
    entry = locate.find_entry(section, DEFAULT) if isinstance(section, MappingNode) else None
    return str(entry.value.value) if entry is not None and not isinstance(entry.value, MappingNode) else None


def _refuse_if_anchor_used(ctx: Context, entry: Entry, what: str) -> None:
    start, end = entry.key.start_mark.index, locate.entry_end(ctx.text, entry)
    for node in locate.anchors_within(entry.value, start, end):
        if ctx.counts.get(id(node), 0) > 1:
            raise EditError(f"{what} defines the anchor &{node.anchor}, which is used elsewhere; removing it would break those uses")


# ---- models --------------------------------------------------------------------------------------


def add_model(ctx: Context, name: str, from_model: str | None = None) -> Change:
    """Add a model section at the end: a copy of ``from_model`` or a template with a dense baseline."""
    _check_new_name(model_names(ctx), name, "model")
    if from_model is not None:
        lines = _lines(ctx, copy_entry(ctx, model_entry(ctx, from_model), name))
    else:
        hint = model_hint(ctx)
        lines = block_lines({name: templates.model_section()}, 0, ctx.step, lambda p: hint(p[1:]))
    note = f"added model {name!r}" + (f" as a copy of {from_model!r}" if from_model else "")
    root = ctx.root
    if not isinstance(root, MappingNode) or not root.value:
        prefix = ctx.newline if ctx.text and not locate.ends_with_break(ctx.text) else ""
        return Change((Splice(len(ctx.text), len(ctx.text), prefix + ctx.newline.join(lines) + ctx.newline),), (note,))
    if root.flow_style:
        raise EditError("cannot add a model to a flow-style top-level mapping")
    if _models_spaced(ctx, root):
        lines = ["", *lines]
    return Change((insert_block_lines(ctx, root, lines),), (note,))


def _lines(ctx: Context, body: str) -> list[str]:
    return body.split(ctx.newline) if ctx.newline in body else body.split("\n")


def _models_spaced(ctx: Context, root: MappingNode) -> bool:
    """Whether models are separated by blank lines (judged between the last two)."""
    keys = [k for k, _ in root.value]
    if len(keys) < 2:
        return True
    between = ctx.text[locate.line_start(ctx.text, keys[-2].start_mark.index) : keys[-1].start_mark.index]
    return re.search(r"(?:\r\n|\r(?!\n)|\n)[ \t]*(?:\r\n|\r|\n)", between) is not None  # a CRLF is one break


# ---- copying text --------------------------------------------------------------------------------


def copy_entry(ctx: Context, entry: Entry, new_key: str) -> str:
    """The text of a ``key: value`` pair under a new key, with the anchors it defines dropped.

    The copy keeps comments and formatting; aliases inside it keep pointing at
    their anchors; anchors are dropped because a name may be defined only once.
    """
    text = ctx.text
    start = entry.key.start_mark.index
    if not entry.mapping.flow_style:
        start = locate.line_start(text, start)
        if locate.key_indent(text, entry.key) is None:
            raise EditError(f"cannot copy {locate.key_text(entry.key)!r}: it does not start its own line")
        start += 1 if text.startswith("\ufeff", start) else 0  # the file's byte-order mark, not the entry's
    end = locate.entry_end(text, entry)
    if not entry.mapping.flow_style:
        end = locate.line_end(text, end)
    key_start, key_end = locate.scalar_span(text, entry.key)
    splices = [Splice(key_start - start, key_end - start, format_key(new_key, entry.key.style))]
    for node in locate.anchors_within(entry.value, start, end):
        prefix = locate.anchor_prefix(text, node)
        at = node.start_mark.index
        if prefix and text.startswith(prefix, at):
            cut_from, cut_to = at, at + len(prefix)
            if text[cut_to : cut_to + 1] in ("\r", "\n", ""):  # "key: &a" at a line end: drop the space too
                while cut_from > start and text[cut_from - 1] == " ":
                    cut_from -= 1
            splices.append(Splice(cut_from - start, cut_to - start, ""))
    return apply(text[start:end], splices)[0]
