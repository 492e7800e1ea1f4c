"""Re-reading an edited text the way the runtime does, to prove a value landed as intended.

Every ``set``/``remove`` is checked by loading the edited text with the
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

from psa_config.edit import locate
from psa_config.edit.errors import EditError
from psa_config.edit.locate import Entry
from psa_config.edit.splice import Splice
from psa_config import runtime_yaml

REGION_FROM_CHARS = 0
"""Texts at least this long are verified on the edited preset's lines only (when those stand alone)."""
ABSENT = object()


def load(text: str) -> Any:
    """Exactly what ``yaml.safe_load`` (the runtime) reads."""
    return runtime_yaml.safe_load(text)


def same(a: Any, b: Any) -> bool:
    """Equal as the runtime sees values: bools only equal bools, keys compared with their types."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        keys = [(type(k), k) for k in a]
        return keys == [(type(k), k) for k in b] and all(same(a[k], b[k]) for k in a)
    if isinstance(a, Sequence) and not isinstance(a, str) and isinstance(b, Sequence) and not isinstance(b, str):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
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
