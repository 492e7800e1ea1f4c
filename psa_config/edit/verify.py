"""Re-reading an edited text the way the runtime does, to prove a value landed as intended.

Every operation is checked by loading the edited text with the
runtime's YAML reader and comparing the value at the edited path, types
included (``8`` is not ``"8"``, ``True`` is not ``1``). Only the edited
preset's own lines are loaded when they stand on their own (block style, no
anchors or aliases), else the whole text: outside those lines the text is
byte-identical, since splices are the only way the engine writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from yaml.nodes import Node

from psa_config import runtime_yaml
from psa_config.edit import locate
from psa_config.edit.errors import EditError
from psa_config.edit.locate import Entry
from psa_config.edit.splice import Splice

REGION_FROM_CHARS = 0
"""Texts at least this long are verified on the edited preset's lines only (when those stand alone)."""
ABSENT = object()


def load(text: str) -> Any:
    """Exactly what ``yaml.safe_load`` (the runtime) reads; an edited text it cannot load is refused."""
    try:
        return runtime_yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise EditError(f"the edited text would not load in the runtime ({_one_line(exc)}); nothing was written") from exc


def _one_line(exc: yaml.YAMLError) -> str:
    # No position: only the edited preset's lines may have been loaded, so marks are not file lines.
    return getattr(exc, "problem", None) or str(exc).splitlines()[0]


def same(a: Any, b: Any, *, ordered: bool = True) -> bool:
    """Equal as the runtime sees values: bools only equal bools, keys compared with their types
    (and their order, if ``ordered``)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        keys, others = [(type(k), k) for k in a], [(type(k), k) for k in b]
        if keys != others and (ordered or sorted(map(repr, keys)) != sorted(map(repr, others))):
            return False
        return all(same(a[k], b[k], ordered=ordered) for k in a)
    if isinstance(a, Sequence) and not isinstance(a, str) and isinstance(b, Sequence) and not isinstance(b, str):
        return len(a) == len(b) and all(same(x, y, ordered=ordered) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def value_at(data: Any, path: Sequence[Any]) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return ABSENT
        data = data[part]
    return data


def check_value(old_text: str, new_text: str, scope: Entry | None, splices: Sequence[Splice], path: Sequence[Any], rel: Sequence[Any], expected: Any) -> None:
    """Raise EditError unless ``new_text`` reads ``expected`` at ``path`` (``rel`` below ``scope``)."""
    region = _region(old_text, new_text, scope, splices)
    if region is not None:
        loaded = _load_region(region)
        if loaded is not None and isinstance(loaded, dict) and len(loaded) == 1:
            found = value_at(next(iter(loaded.values())), rel)
        else:
            found = value_at(load(new_text), path)
    else:
        found = value_at(load(new_text), path)
    if not (found is expected if expected is ABSENT else found is not ABSENT and same(found, expected)):
        shown = "nothing" if found is ABSENT else repr(found)
        raise EditError(
            f"internal check failed: the edited text would read {'.'.join(map(str, path))} as {shown}, "
            f"not {'nothing' if expected is ABSENT else repr(expected)}; nothing was changed"
        )


def _region(old_text: str, new_text: str, scope: Entry | None, splices: Sequence[Splice]) -> str | None:
    """The scope entry's lines in the new text, when they can be read on their own."""
    if scope is None or len(old_text) < REGION_FROM_CHARS or scope.mapping.flow_style or scope.alias:
        return None
    start = locate.line_start(old_text, scope.key.start_mark.index)
    end = locate.after_line_break(old_text, locate.line_end(old_text, locate.entry_end(old_text, scope)))
    if any(s.start < start or s.end > end for s in splices) or locate.key_indent(old_text, scope.key) is None:
        return None
    region = new_text[start : end + len(new_text) - len(old_text)]
    return None if "*" in region or "&" in region else region


def _load_region(region: str) -> Any:
    try:
        return load(region)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return None


def preset_value(text: str, root: Node | None, model: str, preset: str) -> Any:
    """The runtime's value of a preset (``ABSENT`` if there is none): its own lines when they stand
    alone, else the whole text."""
    from psa_config.edit.operations import preset_entry
    from psa_config.edit.setting import Context

    try:
        entry = preset_entry(Context(text, root), model, preset)
    except EditError:
        return value_at(load(text), (model, "attention_configs", preset))
    region = _region(text, text, entry, ())
    loaded = _load_region(region) if region is not None else None
    if isinstance(loaded, dict) and len(loaded) == 1:
        return next(iter(loaded.values()))
    return value_at(load(text), (model, "attention_configs", preset))


def check_preset(new_text: str, model: str, preset: str, expected: Any) -> None:
    """Raise EditError unless ``new_text`` holds ``expected`` as preset ``preset`` (``ABSENT``: none)."""
    from psa_config.edit.focus import focused_root

    root = focused_root(new_text, model, preset) if expected is not ABSENT else None
    found = preset_value(new_text, root if root is not None else locate.compose(new_text), model, preset)
    if expected is ABSENT and found is ABSENT:
        return
    if found is ABSENT or expected is ABSENT or not same(found, expected, ordered=False):
        raise EditError(
            f"internal check failed: the edited text would read preset {preset!r} of {model!r} as "
            f"{'nothing' if found is ABSENT else repr(found)}; nothing was changed"
        )


def check_model(old_text: str, new_text: str, name: str, source: str | None, *, removed: bool = False) -> None:
    """Raise EditError unless model ``name`` in ``new_text`` is gone (``removed``), a copy of model
    ``source`` of ``old_text``, or (``source`` None) the template section. Whole texts are read:
    a model section is most of a file."""
    from psa_config.edit.templates import model_section

    found = value_at(load(new_text), (name,))
    if removed:
        expected: Any = ABSENT
    else:
        expected = model_section() if source is None else value_at(load(old_text), (source,))
    if found is ABSENT and expected is ABSENT:
        return
    if found is ABSENT or expected is ABSENT or not same(found, expected, ordered=False):
        raise EditError(
            f"internal check failed: the edited text would read model {name!r} as "
            f"{'nothing' if found is ABSENT else 'something else than intended'}; nothing was changed"
        )
