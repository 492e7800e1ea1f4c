"""Writing values as text that reads the same to PyYAML (the runtime) and YAML 1.2, in the file's style.

Style is taken from a *like* node: the scalar being replaced, or a neighbour
holding the same kind of value. Numbers keep their neighbour's decimals
(``0.50`` -> ``0.55``, ``0.0`` -> ``0.05``), booleans their capitalisation
(``True`` -> ``False``), strings their quote style; strings that any reader
could take for something else are always quoted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from psa_config.edit.errors import EditError
from psa_config.runtime_yaml import LOADER
from psa_config.yaml12 import core_value

Scalar = bool | int | float | str
Value = Scalar | Sequence["Value"] | Mapping[str | int, "Value"]

_PLAIN_SAFE = re.compile(r"[A-Za-z_./][A-Za-z0-9_.\-/()+ ]*")
_FLOAT_TEXT = re.compile(r"[-+]?(\d*)\.(\d*)")


def decimals_of(text: str) -> int | None:
    """Digits after the point of a plain float literal (``None`` if not such a literal)."""
    match = _FLOAT_TEXT.fullmatch(text.strip())
    return len(match.group(2)) if match else None


def format_float(value: float, min_decimals: int = 1) -> str:
    """Positional notation (PyYAML needs a '.'; no exponent), at least ``min_decimals`` decimals."""
    if not math.isfinite(value):
        raise EditError(f"{value} is not a finite number")
    text = format(Decimal(repr(float(value))), "f")
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    frac = frac.ljust(max(min_decimals, 1 if not frac else 0), "0")
    return f"{whole}.{frac}"


def format_bool(value: bool, like: str | None = None) -> str:
    text = "true" if value else "false"
    if like in ("True", "False"):
        return text.capitalize()
    if like in ("TRUE", "FALSE"):
        return text.upper()
    return text


def format_number(value: int | float, like: str | None = None) -> str:
    """An int or float written in the style of ``like`` (the literal it replaces or a neighbour)."""
    like_decimals = decimals_of(like) if like is not None else None
    if isinstance(value, int) and like_decimals is None:
        return str(value)
    return format_float(float(value), like_decimals or 1)


def reads_as_string(text: str) -> bool:
    """Whether both PyYAML (YAML 1.1, the runtime) and YAML 1.2 read plain ``text`` as this very string."""
    if core_value(text) != text:
        return False
    try:
        return bool(yaml.load(text, Loader=LOADER) == text)  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        return False


_YAML11_BOOLS = {"y", "Y", "n", "N"}
"""YAML 1.1 booleans that PyYAML happens to read as strings; other 1.1 readers do not."""


def needs_quotes(value: str, *, key: bool = False) -> bool:
    if value in _YAML11_BOOLS and not key:  # keys such as block_size's `n` stay plain, as in every file
        return True
    if not _PLAIN_SAFE.fullmatch(value) or value != value.strip():
        return True
    if ": " in value or " #" in value:
        return True
    return not reads_as_string(value)


def format_string(value: str, style: str | None = None) -> str:
    """``value`` as a scalar: plain when safe and no quote ``style`` is asked, else quoted."""
    if style == "'" and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    if style in ('"', "'") or needs_quotes(value):
        return double_quoted(value)
    return value


def double_quoted(value: str) -> str:
    """A YAML double-quoted scalar; anything not printable (NEL, LS, DEL, controls) is escaped."""
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def format_key(value: str | int, style: str | None = None) -> str:
    """A mapping key: plain where every reader agrees (``n`` included), else quoted."""
    if isinstance(value, int):
        return str(value)
    if style in ('"', "'") or needs_quotes(value, key=True):
        return format_string(value, style or '"')
    return value


def format_scalar(value: Scalar, like: ScalarNode | None = None, like_text: str | None = None) -> str:
    """A scalar in the style of the node it replaces or copies (``like``; its text ``like_text``)."""
    style = like.style if like is not None else None
    if isinstance(value, bool):
        return format_bool(value, like_text)
    if isinstance(value, (int, float)):
        return format_number(value, like_text if style is None else None)
    if isinstance(value, str):
        return format_string(value, style)
    raise EditError(f"cannot write a value of type {type(value).__name__}")


def newline_of(text: str) -> str:
    """The document's line break: that of its first line (CRLF, CR or LF; LF for one line)."""
    newline, carriage = text.find("\n"), text.find("\r")
    if carriage < 0 or (0 <= newline < carriage):
        return "\n"
    return "\r\n" if newline == carriage + 1 else "\r"


def indent_step(root: Node | None, text: str) -> int:
    """Spaces per nesting level, read off the first nested block mapping (2 by default)."""
    from psa_config.edit.locate import entry_column

    if not isinstance(root, MappingNode):
        return 2
    for key, value in root.value:
        if isinstance(value, MappingNode) and not value.flow_style and value.value:
            step = entry_column(text, value.value[0][0]) - entry_column(text, key)
            if step > 0:
                return step
    return 2
