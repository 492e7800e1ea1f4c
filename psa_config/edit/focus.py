"""Composing only the part of a big file that an edit of one preset needs.

Composing every node of a 1 MB file costs about a second; editing one field
of one preset needs the model's key, its ``attention_configs`` key, the
preset and a neighbour preset (for style). For plain, block-style files
(LF line breaks, no anchors, no document markers) those lines are found by
their indentation, and every other line is blanked out (same length, same
line breaks), so that the composed nodes carry the file's own offsets and
line numbers. Anything unexpected returns ``None`` and the caller composes
the whole file; the edit is then verified by re-reading as always.
"""

from __future__ import annotations

import re

from yaml.nodes import MappingNode, Node

from psa_config.edit import locate

FOCUS_FROM_CHARS = 64 * 1024
"""Texts shorter than this are composed whole (it takes a few milliseconds)."""
CONFIGS = "attention_configs"
_MARKERS = re.compile(r"^(?:---|\.\.\.|%)", re.M)


def focused_root(text: str, model: str, preset: str) -> Node | None:
    """A node tree holding ``model``'s ``attention_configs`` with ``preset`` (and its previous
    sibling), at their true offsets; ``None`` when the file is not plain enough to cut up."""
    if len(text) < FOCUS_FROM_CHARS or "&" in text or "\r" in text or "\t" in text or _MARKERS.search(text):
        return None
    model_line = _only_key_line(text, model, 0, 0, len(text))
    if model_line is None:
        return None
    model_end = _block_end(text, model_line, 0)
    child = _child_indent(text, model_line, model_end)
    configs_line = None if child is None else _only_key_line(text, CONFIGS, child, model_line, model_end)
    if configs_line is None or child is None:
        return None
    configs_end = _block_end(text, configs_line, child)
    inner = _child_indent(text, configs_line, configs_end)
    if inner is None:
        return None
    preset_line = _only_key_line(text, preset, inner, configs_line, configs_end)
    if preset_line is None:
        return None
    kept = [_line(text, model_line), _line(text, configs_line)]
    previous = _previous_key_line(text, inner, configs_line, preset_line)
    if previous is not None:
        kept.append((previous, preset_line))
    kept.append((preset_line, _block_end(text, preset_line, inner)))
    root = _compose(_blanked(text, kept))
    return root if _holds(root, model, preset) else None


def _key_pattern(name: str, indent: int) -> re.Pattern[str]:
    quoted = re.escape(name.replace("'", "''"))
    forms = f"{re.escape(name)}|'{quoted}'|\"{re.escape(name)}\""
    return re.compile(rf"^ {{{indent}}}(?:{forms})[ ]*:(?:[ ]|$)", re.M)


def _only_key_line(text: str, name: str, indent: int, start: int, end: int) -> int | None:
    """Start of the one line ``name:`` at ``indent`` in ``text[start:end]`` (``None``: none or several)."""
    found = [m.start() for m in _key_pattern(name, indent).finditer(text, start, end)]
    return found[0] if len(found) == 1 else None


def _block_end(text: str, line: int, indent: int) -> int:
    """Start of the first later line, not blank or a comment, indented ``indent`` or less."""
    pattern = re.compile(rf"^ {{0,{indent}}}[^ \n#]", re.M)
    match = pattern.search(text, locate.after_line_break(text, line))
    return match.start() if match else len(text)


def _child_indent(text: str, line: int, end: int) -> int | None:
    match = re.compile(r"^( *)[^ \n#]", re.M).search(text, locate.after_line_break(text, line), end)
    return len(match.group(1)) if match else None


def _previous_key_line(text: str, indent: int, start: int, before: int) -> int | None:
    last = None
    for match in re.compile(rf"^ {{{indent}}}[^ \n#]", re.M).finditer(text, locate.after_line_break(text, start), before):
        last = match.start()
    return last


def _line(text: str, start: int) -> tuple[int, int]:
    return start, locate.after_line_break(text, start)


def _blanked(text: str, kept: list[tuple[int, int]]) -> str:
    """``text`` with every line outside ``kept`` turned into spaces (line breaks kept)."""
    pieces = []
    cursor = 0
    for start, end in sorted(kept):
        pieces.append(_blank(text[cursor:start]))
        pieces.append(text[start:end])
        cursor = end
    pieces.append(_blank(text[cursor:]))
    return "".join(pieces)


def _blank(piece: str) -> str:
    breaks = piece.count("\n")
    return " " * (len(piece) - breaks) + "\n" * breaks


def _compose(text: str) -> Node | None:
    try:
        return locate.compose(text)
    except Exception:  # noqa: BLE001 - any surprise: compose the whole file instead
        return None


def _holds(root: Node | None, model: str, preset: str) -> bool:
    if not isinstance(root, MappingNode) or [locate.key_text(k) for k, _ in root.value] != [model]:
        return False
    section = root.value[0][1]
    if not isinstance(section, MappingNode) or [locate.key_text(k) for k, _ in section.value] != [CONFIGS]:
        return False
    configs = section.value[0][1]
    return isinstance(configs, MappingNode) and preset in [locate.key_text(k) for k, _ in configs.value]
