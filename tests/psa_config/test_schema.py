"""The generated JSON Schema: fresh, valid draft-07, accepts the published presets, never stricter than check."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import psa_config
from psa_config.model import AttentionConfigFile
from psa_config.schema import SCHEMA_PATH, build_schema, render_schema

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "configs" / "attention_config.yaml"
SCHEMA = build_schema()
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


def as_json(data: Any) -> Any:
    """What check-jsonschema and yaml-language-server validate: YAML data with mapping keys as strings."""
    if isinstance(data, dict):
        return {str(key): as_json(value) for key, value in data.items()}
    if isinstance(data, list):
        return [as_json(item) for item in data]
    return data


def schema_accepts(data: Any) -> bool:
    return VALIDATOR.is_valid(as_json(data))


class QuotingDumper(yaml.SafeDumper):
    """Double-quotes every string, so none can read as another type to YAML 1.2 (`0E0`, `1e-3`)."""


QuotingDumper.add_representer(str, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"'))


def check_rejects(data: Any) -> bool:
    """The model (pydantic) or the checker's error rules reject the file."""
    try:
        AttentionConfigFile.model_validate(data)
    except ValidationError:
        return True
    text = yaml.dump(data, Dumper=QuotingDumper, sort_keys=False, allow_unicode=True)
    return any(d.is_error for d in psa_config.check_text(text, "generated.yaml"))


def walk(node: Any, path: str = "#") -> list[tuple[str, dict[str, Any]]]:
    """Every subschema with its JSON pointer."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        found.append((path, node))
        for key, value in node.items():
            found += walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += walk(value, f"{path}/{index}")
    return found


# --- the committed file and draft-07 ----------------------------------------------------


def test_committed_schema_is_fresh() -> None:
    committed = (ROOT / SCHEMA_PATH).read_text(encoding="utf-8")
    assert committed == render_schema(), "stale schema: run `psa-config schema -o schema/attention_config.schema.json`"


def test_schema_is_valid_draft_07() -> None:
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(SCHEMA)


def test_no_2020_12_keywords_remain() -> None:
    text = json.dumps(SCHEMA)
    for keyword in ("$defs", "prefixItems", "discriminator", "unevaluatedProperties", "dependentRequired"):
        assert f'"{keyword}"' not in text
    refs = [node["$ref"] for _, node in walk(SCHEMA) if "$ref" in node]
    assert refs and all(ref.startswith("#/definitions/") for ref in refs)


def test_refs_have_no_siblings() -> None:
    """draft-07 ignores keywords next to $ref, so a description there would be lost."""
    assert all(set(node) == {"$ref"} for _, node in walk(SCHEMA) if "$ref" in node)


def test_every_property_has_a_description() -> None:
    for path, node in walk(SCHEMA["definitions"], "#/definitions"):
        if path.count("/") == 2:  # a definition itself
            assert node.get("description"), path
        for name, prop in node.get("properties", {}).items() if path.count("/") == 2 else []:
            assert prop.get("description"), f"{path}/properties/{name}"


def test_every_object_with_properties_forbids_others() -> None:
    for name, definition in SCHEMA["definitions"].items():
        assert definition["additionalProperties"] is False, name


def test_enums_and_bounds_are_present() -> None:
    psa = SCHEMA["definitions"]["PsaPreset"]["properties"]
    assert psa["mask_mode"]["enum"] == ["topk", "thresholdbound"]
    assert psa["attn_impl"]["enum"] == ["new_mask_type", "old_mask_type"]
    assert psa["mask_ratios"]["propertyNames"] == {"enum": ["1", "2", "4", "8", "0"]}
    ratio = psa["mask_ratios"]["additionalProperties"]["items"]
    assert (ratio["minimum"], ratio["maximum"]) == (0, 1)
    assert SCHEMA["definitions"]["VideoScale"]["properties"]["depth_divisor"]["exclusiveMinimum"] == 0


# --- what it accepts and rejects ---------------------------------------------------------


@pytest.mark.parametrize("path", [REFERENCE, Path("/work/shared/seed/published-attention_config.yaml")], ids=["configs", "published"])
def test_published_presets_validate(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} not present")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [error.message for error in VALIDATOR.iter_errors(as_json(data))]
    assert errors == []


def reference_preset() -> dict[str, Any]:
    return {
        "type": "psa",
        "use_sim_mask": False,
        "block_size": {"m": 128, "n": 128, "tile_n": 32},
        "mask_ratios": {1: [0.0, 0.1], 2: [0.1, 0.15], 4: [0.15, 0.15], 8: [0.15, 0.35], 0: [0.35, 1.0]},
        "mask_mode": "topk",
        "attn_impl": "new_mask_type",
    }


def wrap(preset: dict[str, Any]) -> dict[str, Any]:
    return {
        "M": {
            "default_attention": "p",
            "video_scale": {"width_divisor": 16, "height_divisor": 16, "depth_divisor": 4},
            "text_length": 0,
            "attention_configs": {"p": preset},
        }
    }


def with_changes(**changes: Any) -> dict[str, Any]:
    preset = reference_preset()
    for dotted, value in changes.items():
        *parents, leaf = dotted.split("__")
        target = preset
        for key in parents:
            target = target[key]
        if value is DELETE:
            del target[leaf]
        else:
            target[leaf] = value
    return wrap(preset)


DELETE = object()


@pytest.mark.parametrize(
    "changes",
    [
        {"use_sim_mask": True},  # new_mask_type cannot use the similarity mask
        {"block_size__n": 256},  # new_mask_type needs n in 32/64/128
        {"mask_ratios": {1: [0.0, 0.5], 2: [0.5, 0.6], 4: [0.6, 0.7], 0: [0.7, 1.0]}},  # level 8 missing
        {"mask_ratios": {1: [0.0, 0.5], 3: [0.5, 1.0]}},  # no level 3
        {"attn_impl": "old_mask_type", "block_size__n": 64},
        {"attn_impl": "old_mask_type", "block_size__tile_n": 16},
        {"attn_impl": "old_mask_type", "use_sim_mask": True},  # thresholds missing
        {"attn_impl": "old_mask_type", "use_sim_mask": True, "sim_thresholds": {"x2": 0.7, "x4": 0.6}},
        {"block_size__tile_n": 48},  # not a power of two
        {"block_size__n": 32, "block_size__tile_n": 64},  # tile wider than the block
        {"mask_mode": "TopK"},
        {"use_sim_mask": "no"},
        {"mask_ratios__1": [0.0, 1.5]},
        {"mask_ratios__1": [0.0]},
        {"blocksize": {"m": 128}},
        {"mask_ratios": DELETE},
    ],
    ids=lambda changes: ",".join(changes),
)
def test_schema_rejects_what_check_rejects(changes: dict[str, Any]) -> None:
    data = with_changes(**changes)
    assert not schema_accepts(data)
    assert check_rejects(data)


@pytest.mark.parametrize("key", [True, 1.0])
def test_bool_and_float_level_keys_are_errors(key: Any) -> None:
    """The schema sees `true:` / `1.0:` as "True" / "1.0" and rejects them; check must reject them too."""
    ratios = {key: [0.0, 0.5], 2: [0.5, 0.6], 4: [0.6, 0.7], 8: [0.7, 0.8], 0: [0.8, 1.0]}
    data = with_changes(attn_impl="old_mask_type", mask_ratios=ratios)
    assert not schema_accepts(data)
    assert check_rejects(data)


def test_old_mask_type_with_similarity_mask_is_accepted() -> None:
    thresholds = {"x2": 0.7, "x4": 0.65, "x8": 0.6}
    assert schema_accepts(with_changes(attn_impl="old_mask_type", use_sim_mask=True, sim_thresholds=thresholds))


# --- property: never stricter than the checker ------------------------------------------

LEVEL_ORDER = [1, 2, 4, 8, 0]


@st.composite
def psa_presets(draw: st.DrawFn) -> dict[str, Any]:
    """A valid psa preset (new or old kernel), with a random subset of the optional keys."""
    impl = draw(st.sampled_from(["new_mask_type", "old_mask_type"]))
    if impl == "new_mask_type":
        n = draw(st.sampled_from([32, 64, 128]))
        block = {"m": draw(st.sampled_from([16, 32, 64, 128, 256])), "n": n, "tile_n": draw(st.sampled_from([t for t in (16, 32) if t <= n]))}
        sim = False
    else:
        block = {"m": 128, "n": 128, "tile_n": 32}
        sim = draw(st.booleans())
    cuts = sorted(draw(st.lists(st.sampled_from([0.0, 0.05, 0.1, 0.25, 0.5, 0.6, 0.8, 1.0]), min_size=4, max_size=4)))
    bounds = [0.0, *cuts, 1.0]
    ratios = {level: [bounds[i], bounds[i + 1]] for i, level in enumerate(LEVEL_ORDER)}
    preset: dict[str, Any] = {
        "type": "psa",
        "description": draw(st.text(max_size=10)),
        "use_sim_mask": sim,
        "block_size": block,
        "mask_ratios": ratios,
        "mask_mode": draw(st.sampled_from(["topk", "thresholdbound"])),
        "attn_impl": impl,
    }
    optional = {
        "use_rearrange": st.booleans(),
        "rearrange_method": st.sampled_from(["Gilbert", "STA", "SemanticAware", "Hybrid"]),
        "tile_size": st.lists(st.integers(1, 8), min_size=3, max_size=3),
        "warmup_steps": st.integers(0, 50),
        "verbose": st.booleans(),
        "sim_thresholds": st.fixed_dictionaries({k: st.sampled_from([-1.0, 0.0, 0.6, 0.7, 1.0]) for k in ("x2", "x4", "x8")}),
        "enable_logging": st.booleans(),
        "log_dir": st.just("./psa_logs/"),
    }
    for key in draw(st.lists(st.sampled_from(sorted(optional)), unique=True)):
        preset[key] = draw(optional[key])
    if sim:
        preset["sim_thresholds"] = {"x2": 0.7, "x4": 0.65, "x8": 0.6}
    return preset


@st.composite
def config_files(draw: st.DrawFn) -> dict[str, Any]:
    presets = draw(st.lists(st.one_of(psa_presets(), st.fixed_dictionaries({"type": st.just("dense"), "description": st.just("Dense.")})), min_size=1, max_size=3))
    names = [f"p{i}" for i in range(len(presets))]
    section = {
        "default_attention": draw(st.sampled_from(names)),
        "video_scale": {"width_divisor": 16, "height_divisor": 16, "depth_divisor": draw(st.sampled_from([1, 4]))},
        "text_length": draw(st.sampled_from([0, 226])),
        "attention_configs": dict(zip(names, presets)),
    }
    return {draw(st.sampled_from(["CogVideo_5b", "Wan2.1_14b"])): section}


ODD_VALUES = st.sampled_from(
    [None, True, False, 0, 1, -1, 3, 16, 32, 48, 64, 128, 256, 0.0, 0.5, 1.0, 1.5, -0.1, 128.0,
     "yes", "", "psa", "dense", "topk", "new_mask_type", "old_mask_type", "Gilbert",
     [], [0.1], [0.0, 1.0], [0.5, 0.2], [1, 2, 3], {}, {"x2": 0.5}, {"m": 128, "n": 128, "tile_n": 32}]
)
ODD_KEYS = st.sampled_from([0, 1, 2, 3, 4, 8, 16, "1", "typo", "x8", "tile_n", "type"])
"""Bool and float keys are left out: see test_bool_and_float_level_keys_are_errors."""


def odd_value(draw: st.DrawFn) -> Any:
    """A fresh copy: the pool's lists and dicts must not be shared between (mutated) files."""
    return copy.deepcopy(draw(ODD_VALUES))


def containers(node: Any) -> list[dict[Any, Any] | list[Any]]:
    """Every mapping and list of the document, the root included."""
    found: list[dict[Any, Any] | list[Any]] = []
    if isinstance(node, (dict, list)):
        found.append(node)
        for child in node.values() if isinstance(node, dict) else node:
            found += containers(child)
    return found


@st.composite
def mutated_files(draw: st.DrawFn) -> dict[str, Any]:
    """A valid file with one to three random edits: replace, delete or add a key or item."""
    data = copy.deepcopy(draw(config_files()))
    for _ in range(draw(st.integers(1, 3))):
        target = draw(st.sampled_from(containers(data)))
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if isinstance(target, dict):
            if action == "add" or not target:
                target[draw(ODD_KEYS)] = odd_value(draw)
            elif action == "delete":
                del target[draw(st.sampled_from(list(target)))]
            else:
                target[draw(st.sampled_from(list(target)))] = odd_value(draw)
        elif action == "add" or not target:
            target.append(odd_value(draw))
        elif action == "delete":
            target.pop(draw(st.integers(0, len(target) - 1)))
        else:
            target[draw(st.integers(0, len(target) - 1))] = odd_value(draw)
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config_files())
def test_generated_valid_files_pass_both(data: dict[str, Any]) -> None:
    assert schema_accepts(data), list(VALIDATOR.iter_errors(as_json(data)))
    assert not check_rejects(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_files())
def test_schema_is_never_stricter_than_check(data: dict[str, Any]) -> None:
    if not schema_accepts(data):
        assert check_rejects(data), [error.message for error in VALIDATOR.iter_errors(as_json(data))]
