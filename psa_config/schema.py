"""The JSON Schema of attention_config.yaml, generated from the pydantic model.

pydantic emits JSON Schema 2020-12; editors (yaml-language-server) and most
validators speak draft-07, so :func:`build_schema` rewrites it
(``$defs`` -> ``definitions``, ``prefixItems`` -> tuple ``items``, ``$ref``
siblings moved out of the ``$ref``) and adds the cross-field rules of
psa-semantics.md section 7 that ``if``/``then`` can state.

The schema validates YAML *as data*: the integer keys of ``mask_ratios``
arrive as strings (check-jsonschema and yaml-language-server stringify mapping
keys), hence ``propertyNames`` over ``"1"``, ``"2"``, ``"4"``, ``"8"``, ``"0"``.
It must never be stricter than ``psa-config check``; rules it cannot state
(ratio chains, level order, YAML 1.1 scalars, ``default_attention`` naming a
preset) are left to the checker.
"""

from __future__ import annotations

import json
from typing import Any

from psa_config.model import AttentionConfigFile
from psa_config.model_constants import LEVELS
from psa_config.runtime import SIM_KEYS

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
SCHEMA_TITLE = "attention_config.yaml: Pyramid Sparse Attention presets"
SCHEMA_PATH = "schema/attention_config.schema.json"
"""Where the generated schema is committed, relative to the repository root."""

NEW_MASK_TYPE_N = (32, 64, 128)
TILE_SIZES = (16, 32, 64, 128, 256)
LEVEL_KEYS = [str(level) for level in LEVELS]

Schema = dict[str, Any]


def build_schema() -> Schema:
    """The draft-07 schema of the whole file."""
    schema = to_draft07(AttentionConfigFile.model_json_schema())
    definitions = schema["definitions"]
    refine_block_size(definitions["BlockSize"])
    refine_psa_preset(definitions["PsaPreset"])
    refine_type(definitions["PsaPreset"], "psa", required=False)
    refine_type(definitions["DensePreset"], "dense", required=True)
    allow_ignored_psa_keys(definitions["DensePreset"], definitions["PsaPreset"])
    describe_maps(schema)
    return {"$schema": DRAFT_07, "title": SCHEMA_TITLE, **schema}


def render_schema() -> str:
    """The schema as the committed file holds it."""
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


# --- 2020-12 (pydantic) -> draft-07 -------------------------------------------------


def to_draft07(schema: Schema) -> Schema:
    """Rewrite pydantic's output into draft-07 keywords."""
    converted = _convert(schema)
    converted["definitions"] = converted.pop("$defs", {})
    return converted


NAME_MAPS = ("properties", "$defs", "definitions")
"""Keywords whose value maps names to schemas (its keys are names, not keywords)."""
DROPPED = ("discriminator", "title")
"""OpenAPI's discriminator means nothing in draft-07; pydantic's titles ("Use Sim Mask") are noise."""


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _convert_keyword(key, value) for key, value in node.items() if key not in DROPPED}
    if node.get("default", ...) is None:
        del node["default"]  # "default: null" would be offered as a completion; the runtime default is in the text
    node = _without_null(node)
    if "$ref" in node:
        node = _isolate_ref(node)
    if "prefixItems" in node:
        node = _tuple_items(node)
    if "properties" in node and node.get("type") == "object":
        node.setdefault("additionalProperties", False)
    return node


def _without_null(node: Schema) -> Schema:
    """``X | None`` -> ``X``: null is an error for every key (the runtime reads it as None, not the default)."""
    options = node.get("anyOf")
    if not isinstance(options, list) or {"type": "null"} not in options:
        return node
    kept = [option for option in options if option != {"type": "null"}]
    rest = {key: value for key, value in node.items() if key != "anyOf"}
    return {**kept[0], **rest} if len(kept) == 1 else {**rest, "anyOf": kept}


def _convert_keyword(key: str, value: Any) -> Any:
    if key in NAME_MAPS and isinstance(value, dict):
        return {name: _convert(schema) for name, schema in value.items()}
    return _convert(value)


def _isolate_ref(node: Schema) -> Schema:
    """draft-07 ignores keywords next to ``$ref``: move the reference into ``allOf``."""
    ref = node["$ref"].replace("#/$defs/", "#/definitions/")
    siblings = {key: value for key, value in node.items() if key != "$ref"}
    return {**siblings, "allOf": [{"$ref": ref}]} if siblings else {"$ref": ref}


def _tuple_items(node: Schema) -> Schema:
    """2020-12 ``prefixItems`` + ``items`` -> draft-07 ``items`` (array) + ``additionalItems``."""
    node = dict(node)
    rest = node.pop("items", False)
    node["items"] = node.pop("prefixItems")
    node["additionalItems"] = rest
    return node


# --- cross-field rules (psa-semantics.md section 7) ------------------------------------


def _when(properties: Schema, then: Schema) -> Schema:
    """``if`` every listed property is present with the given value, ``then`` ..."""
    return {"if": {"properties": properties, "required": list(properties)}, "then": then}


def refine_block_size(block_size: Schema) -> None:
    """``tile_n`` is a power of two >= 16 that divides ``n``."""
    block_size["properties"]["tile_n"] = {
        "description": block_size["properties"]["tile_n"]["description"],
        "type": "integer",
        "enum": list(TILE_SIZES),
    }
    block_size["allOf"] = [
        _when({"n": {"const": n}}, {"properties": {"tile_n": {"enum": [t for t in TILE_SIZES if t <= n]}}})
        for n in TILE_SIZES
    ]


def refine_type(preset: Schema, kind: str, *, required: bool) -> None:
    """The runtime lower-cases ``type`` (another case is only a warning) and defaults it to psa."""
    case_insensitive = "".join(f"[{char.upper()}{char}]" for char in kind)
    preset["properties"]["type"] = {
        "description": preset["properties"]["type"]["description"]
        + " The runtime lower-cases it" + ("." if required else " and runs a preset without `type` as psa."),
        "type": "string",
        "anyOf": [{"const": kind}, {"pattern": f"^{case_insensitive}$"}],
    }
    if not required:
        preset["required"] = [key for key in preset["required"] if key != "type"]


IGNORED_IN_DENSE = "Ignored: the runtime runs a dense preset without reading its psa keys (PSA411)."


def allow_ignored_psa_keys(dense: Schema, psa: Schema) -> None:
    """A psa key in a dense preset is only a warning (the runtime never reads it): any value is allowed, and
    editors that know ``deprecationMessage`` (yaml-language-server) show it as a warning."""
    for key in psa["properties"]:
        if key not in dense["properties"]:
            dense["properties"][key] = {"description": IGNORED_IN_DENSE, "deprecationMessage": IGNORED_IN_DENSE}


def refine_psa_preset(preset: Schema) -> None:
    """Level keys, and what each kernel and the similarity mask require."""
    preset["properties"]["mask_ratios"]["propertyNames"] = {"enum": LEVEL_KEYS}
    new_mask_type = {
        "properties": {
            "use_sim_mask": {"const": False},
            "block_size": {"properties": {"n": {"enum": list(NEW_MASK_TYPE_N)}}},
            "mask_ratios": {"required": LEVEL_KEYS},
        }
    }
    old_mask_type = {
        "properties": {
            "block_size": {"properties": {"m": {"const": 128}, "n": {"const": 128}, "tile_n": {"const": 32}}},
        }
    }
    sim_mask = {"allOf": [_threshold_given(short, legacy) for short, legacy in SIM_KEYS]}
    sta = {"if": {"properties": {"rearrange_method": {"const": "STA"}, "use_rearrange": {"not": {"const": False}}},
                  "required": ["rearrange_method"]},
           "then": {"required": ["tile_size"]}}
    preset["allOf"] = [
        _when({"attn_impl": {"const": "new_mask_type"}}, new_mask_type),
        _when({"attn_impl": {"const": "old_mask_type"}}, old_mask_type),
        _when({"use_sim_mask": {"const": True}}, sim_mask),
        sta,
    ]


def _threshold_given(short: str, legacy: str) -> Schema:
    """A similarity threshold is given by its legacy preset key or in ``sim_thresholds``."""
    in_thresholds = {"required": ["sim_thresholds"], "properties": {"sim_thresholds": {"required": [short]}}}
    return {"anyOf": [{"required": [legacy]}, in_thresholds]}


def describe_maps(schema: Schema) -> None:
    """Describe the values of the name -> section and name -> preset maps."""
    schema["additionalProperties"] = _isolate_ref(
        {**schema["additionalProperties"], "description": "A video model: its token geometry and its presets."}
    )
    configs = schema["definitions"]["ModelSection"]["properties"]["attention_configs"]
    configs["additionalProperties"]["description"] = "A preset: `type: psa` (sparse) or `type: dense`."
