"""Parsing ``KEY=VALUE`` from the command line into typed values, guided by the typed model.

Values follow YAML-like rules (``true``, ``64``, ``0.5``, ``topk``, ``[2, 8, 8]``),
with two conveniences: a comma list ``0.6,0.8`` is a sequence, and where the
model says a field is boolean, ``yes/no/on/off`` are accepted as such. Where
the model knows the field, the value is converted to its type (an int given to
a float field becomes a float) or rejected with a clear message.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from psa_config.edit.errors import EditError
from psa_config.edit.formatting import Value
from psa_config.model import ModelSection, PsaPreset

_INT = re.compile(r"[-+]?\d+")
_FLOAT = re.compile(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?")
_TRUE = {"true", "yes", "on", "y"}
_FALSE = {"false", "no", "off", "n"}


def parse_assignment(raw: str) -> tuple[str, str]:
    """Split ``KEY=VALUE``; the key is dotted (``block_size.n``)."""
    key, sep, value = raw.partition("=")
    if not sep or not key.strip():
        raise EditError(f"expected KEY=VALUE, got {raw!r}")
    return key.strip(), value.strip()


def parse_scalar(raw: str) -> Value:
    """A single YAML-like scalar: bool, int, float or string (quotes stripped)."""
    text = raw.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def parse_value(raw: str) -> Value:
    """A scalar, a comma list (``0.6,0.8``) or a flow list/mapping (``[2, 8, 8]``, ``{1: [0, .1]}``)."""
    text = raw.strip()
    if text.startswith(("[", "{")):
        return _parse_flow(text)
    if "," in text and not text.startswith(("'", '"')):
        return [parse_scalar(part) for part in text.split(",")]
    return parse_scalar(text)


def _parse_flow(text: str) -> Value:
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at character {mark.column + 1}" if mark is not None else ""
        problem = " ".join(str(exc.problem or exc.context or "malformed").split())
        raise EditError(f"cannot read {text!r} as a list or mapping: {problem}{where}") from None
    except yaml.YAMLError as exc:
        raise EditError(f"cannot read {text!r} as a list or mapping: {' '.join(str(exc).split())}") from None
    return value  # type: ignore[no-any-return]


# ---- coercion to the model's types ---------------------------------------------------------------


def field_type(section: Literal["preset", "model"], dotted: str) -> Any:
    """The annotation the typed model gives ``dotted`` (``None`` when the model doesn't know it)."""
    model: Any = PsaPreset if section == "preset" else ModelSection
    annotation: Any = model
    for part in dotted.split("."):
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            info = annotation.model_fields.get(part)
            if info is None:
                return None
            annotation = info.annotation
        elif get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        else:
            return None
    return annotation


def _unwrap(annotation: Any) -> Any:
    """Strip ``Optional`` and ``Annotated`` wrappers."""
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def coerce(value: Value, annotation: Any, key: str) -> Value:
    """Convert ``value`` to what ``annotation`` expects, or raise EditError naming ``key``."""
    if annotation is None:
        return value
    annotation = _unwrap(annotation)
    origin = get_origin(annotation)
    if annotation is bool:
        return _to_bool(value, key)
    if annotation is int:
        return _to_int(value, key)
    if annotation is float:
        return _to_float(value, key)
    if origin is Literal:
        return _to_literal(value, get_args(annotation), key)
    if origin is list:
        items = value if isinstance(value, list) else [value]
        return [coerce(item, get_args(annotation)[0], key) for item in items]
    if annotation is str and not isinstance(value, str):
        raise EditError(f"{key} expects text, got {value!r}; quote it to mean text")
    return value


def _to_bool(value: Value, key: str) -> bool:
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in _TRUE | {"1"}:
        return True
    if lowered in _FALSE | {"0"}:
        return False
    raise EditError(f"{key} expects true or false, got {value!r}")


def _to_int(value: Value, key: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise EditError(f"{key} expects a whole number, got {value!r}")


def _to_float(value: Value, key: str) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise EditError(f"{key} expects a number, got {value!r}")


def _to_literal(value: Value, allowed: tuple[Any, ...], key: str) -> Value:
    """Convert to the options' type; whether the value is *allowed* is the checker's call."""
    if all(isinstance(o, bool) for o in allowed):
        return _to_bool(value, key)
    if all(isinstance(o, int) for o in allowed):
        return _to_int(value, key)
    if all(isinstance(o, str) for o in allowed) and not isinstance(value, str):
        options = ", ".join(str(o) for o in allowed)
        raise EditError(f"{key} expects one of {options}; got {value!r}")
    return value


def typed_value(section: Literal["preset", "model"], key: str, raw: str) -> Value:
    """Parse ``raw`` for the dotted ``key`` and convert it to the model's type for that key."""
    value = parse_value(raw)
    if raw.strip() == "":
        raise EditError(f"{key} has no value; write {key}=VALUE")
    parts = key.split(".")
    if section == "preset" and parts[0] == "mask_ratios":
        return _mask_ratio_value(parts, value, key)
    return coerce(value, field_type(section, key), key)


def _mask_ratio_value(parts: list[str], value: Value, key: str) -> Value:
    if len(parts) == 1:
        if not isinstance(value, dict):
            raise EditError(f"{key} expects a mapping such as {{1: [0, 0.1], 2: [0.1, 0.2], ...}}")
        return {_level(str(k), key): _ratio_range(v, f"{key}.{k}") for k, v in value.items()}
    if len(parts) == 2:
        _level(parts[1], key)
        return _ratio_range(value, key)
    raise EditError(f"{key}: mask_ratios keys are levels (mask_ratios.8=0.6,0.8)")


def _level(text: str, key: str) -> int:
    if not _INT.fullmatch(text.strip()):
        raise EditError(f"{key}: a mask_ratios level is one of 1, 2, 4, 8, 0; got {text!r}")
    return int(text)


def _ratio_range(value: Value, key: str) -> list[float]:
    if not isinstance(value, list) or len(value) != 2:
        raise EditError(f"{key} expects two numbers start,end (e.g. {key}=0.6,0.8); got {value!r}")
    return [_to_float(v, key) for v in value]
