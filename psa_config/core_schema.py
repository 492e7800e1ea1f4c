"""The model's validation rules as a plain pydantic-core schema, for a fast ``check``.

Importing pydantic and building the model classes costs more than everything
else ``psa-config check`` does. The checker only needs validation *errors*,
not model instances, so it validates with a ``pydantic_core.SchemaValidator``
built from this module's schema: the model's own core schema with each model
turned into an equivalent typed dict. It is generated from
:mod:`psa_config.model` (``compile_schemas``), committed as
``core_schema.json`` next to this file, and a test fails when it is stale.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).with_name("core_schema.json")
DROPPED_KEYS = frozenset({"metadata", "serialization", "cls", "custom_init", "root_model", "post_init", "computed_fields"})


@lru_cache(maxsize=None)
def validator(name: str) -> Any:
    """The validator of ``name``: ``file``, ``psa`` or ``dense``."""
    from pydantic_core import SchemaValidator

    return SchemaValidator(_schemas()[name])


@lru_cache(maxsize=None)
def _schemas() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def fields_of(model_name: str) -> tuple[str, ...]:
    """The keys the model class ``model_name`` (e.g. ``PsaPreset``) defines, in order."""
    found = _find_typed_dict(_schemas(), f"psa_config.model.{model_name}")
    if found is None:
        raise KeyError(model_name)
    return tuple(found["fields"])


def _find_typed_dict(node: Any, ref: str) -> dict[str, Any] | None:
    if isinstance(node, dict):
        if node.get("type") == "typed-dict" and node.get("ref") == ref:
            return node
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _find_typed_dict(child, ref)
        if found is not None:
            return found
    return None


def preset_kind(data: dict[Any, Any]) -> str:
    """``psa`` or ``dense``: what the runtime runs a raw preset as, or what it looks like when ``type`` is invalid.

    The runtime lower-cases ``type`` and defaults it to ``psa``.
    """
    kind = data.get("type", "psa")
    if isinstance(kind, str) and kind.lower() in ("psa", "dense"):
        return kind.lower()
    return "psa" if psa_only_fields() & data.keys() else "dense"


@lru_cache(maxsize=None)
def psa_only_fields() -> frozenset[str]:
    """The preset keys only a psa preset reads (a dense preset runs without reading them)."""
    return frozenset(fields_of("PsaPreset")) - frozenset(fields_of("DensePreset"))


def compile_schemas() -> dict[str, Any]:
    """The committed schemas, from the pydantic model (imports pydantic)."""
    from psa_config.model import AttentionConfigFile, DensePreset, PsaPreset

    return {
        "file": _plain(AttentionConfigFile.__pydantic_core_schema__),
        "psa": _plain(PsaPreset.__pydantic_core_schema__),
        "dense": _plain(DensePreset.__pydantic_core_schema__),
    }


def render_schemas() -> str:
    return json.dumps(compile_schemas(), indent=1) + "\n"


def _plain(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_plain(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if schema.get("type") == "model":
        return _model_as_typed_dict(schema)
    if schema.get("type") == "model-field":
        return _field(schema)
    return {key: _stable(key, _plain(value)) for key, value in schema.items() if key not in DROPPED_KEYS}


def _model_as_typed_dict(schema: dict[str, Any]) -> dict[str, Any]:
    inner = schema["schema"]
    if schema.get("root_model"):
        return _plain(inner)
    config = {key: value for key, value in schema.get("config", {}).items() if key in ("strict", "extra_fields_behavior")}
    typed: dict[str, Any] = {
        "type": "typed-dict",
        "fields": {name: _field(field) for name, field in inner["fields"].items()},
        "config": config,
    }
    if config.get("extra_fields_behavior") == "forbid":
        typed["extra_behavior"] = "forbid"
    if "ref" in schema:
        typed["ref"] = _stable("ref", schema["ref"])
    return typed


def _field(field: dict[str, Any]) -> dict[str, Any]:
    inner = field["schema"]
    required = inner.get("type") != "default"
    return {"type": "typed-dict-field", "schema": _plain(inner), "required": required}


def _stable(key: str, value: Any) -> Any:
    """Refs carry a memory address; make them stable so the committed file is reproducible."""
    if key in ("ref", "schema_ref") and isinstance(value, str):
        return re.sub(r":\d+$", "", value)
    return value
