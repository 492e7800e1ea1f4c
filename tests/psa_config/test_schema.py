"""The generated JSON Schema: fresh, valid draft-07, accepts the published presets, never stricter than check."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import psa_config
from psa_config.model import AttentionConfigFile
from psa_config.runtime import runtime_data
from psa_config.schema import SCHEMA_PATH, build_schema, render_schema

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "configs" / "attention_config.yaml"
PUBLISHED_NAME = Path("seed") / "published-attention_config.yaml"


def published_presets() -> Path:
    """The published file: the repository's own copy (tests/data/seed), else the project's shared folder."""
    candidates = [ROOT / "tests" / "data" / PUBLISHED_NAME, ROOT / "shared" / PUBLISHED_NAME,
                  ROOT.parent / "shared" / PUBLISHED_NAME]
    found = [path for path in candidates if path.is_file()]
    assert found, f"the published presets are missing: looked for {', '.join(map(str, candidates))}"
    return found[0]
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
    """The model (pydantic, on the data as load() gives it) or the checker's error rules reject the file."""
    try:
        AttentionConfigFile.model_validate(runtime_data(data))
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


@pytest.mark.parametrize("where", [lambda: REFERENCE, published_presets], ids=["configs", "published"])
def test_published_presets_validate(where: Any) -> None:
    data = yaml.safe_load(where().read_text(encoding="utf-8"))
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
NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", min_size=1, max_size=12)
RATIO = st.one_of(st.sampled_from([0, 1, 0.0, 0.05, 0.06, 0.1, 0.25, 0.5, 0.6, 0.8, 1.0]), st.floats(0, 1))
THRESHOLD = st.one_of(st.sampled_from([-1, 1, -1.0, 0.0, 0.6, 0.65, 0.7, 1.0]), st.floats(-1, 1))


@st.composite
def chains(draw: st.DrawFn, levels: list[int]) -> dict[int, list[float]]:
    """Ranges that chain from 0 to 1 over `levels` in this order (empty ranges included)."""
    cuts = sorted(draw(st.lists(RATIO, min_size=len(levels) - 1, max_size=len(levels) - 1)))
    bounds = [0.0, *cuts, 1.0]
    return {level: [bounds[i], bounds[i + 1]] for i, level in enumerate(levels)}


@st.composite
def block_sizes(draw: st.DrawFn, impl: str) -> dict[str, int]:
    if impl == "old_mask_type":
        return {"m": 128, "n": 128, "tile_n": 32}
    n = draw(st.sampled_from([32, 64, 128]))
    return {"m": draw(st.sampled_from([16, 32, 64, 128, 256])), "n": n, "tile_n": draw(st.sampled_from([t for t in (16, 32, 64, 128) if t <= n]))}


OPTIONAL = {
    "description": st.text(max_size=20),
    "use_rearrange": st.booleans(),
    "rearrange_method": st.sampled_from(["Gilbert", "STA", "SemanticAware"]),  # Hybrid fails in the runtime (PSA307)
    "tile_size": st.lists(st.integers(1, 64), min_size=3, max_size=3),
    "warmup_steps": st.integers(0, 500),
    "verbose": st.booleans(),
    "sim_thresholds": st.dictionaries(st.sampled_from(["x2", "x4", "x8"]), THRESHOLD),
    "text_length": st.integers(0, 4096),
    "enable_logging": st.booleans(),
    "log_dir": st.text(min_size=1, max_size=12),
    "sim_2x_threshold": THRESHOLD,
    "sim_4x_threshold": THRESHOLD,
    "sim_8x_threshold": THRESHOLD,
}


PSA_TYPE = st.sampled_from(["psa", "psa", "psa", "PSA", "Psa", None])
"""The runtime lower-cases `type` and defaults it to psa (None: the key is left out)."""


@st.composite
def psa_presets(draw: st.DrawFn) -> dict[str, Any]:
    """A valid psa preset over each field's whole valid domain, with a random subset of the optional keys."""
    impl = draw(st.sampled_from(["new_mask_type", "old_mask_type"]))
    sim = impl == "old_mask_type" and draw(st.booleans())
    levels = LEVEL_ORDER if impl == "new_mask_type" else draw(st.permutations(LEVEL_ORDER).flatmap(lambda p: st.integers(1, 5).map(lambda k: p[:k])))
    preset: dict[str, Any] = {
        "type": draw(PSA_TYPE),
        "use_sim_mask": sim,
        "block_size": draw(block_sizes(impl)),
        "mask_ratios": draw(chains(levels)),
        "mask_mode": draw(st.sampled_from(["topk", "thresholdbound"])),
        "attn_impl": impl,
    }
    for key in draw(st.lists(st.sampled_from(sorted(OPTIONAL)), unique=True)):
        preset[key] = draw(OPTIONAL[key])
    if sim:
        preset["sim_thresholds"] = {key: draw(THRESHOLD) for key in ("x2", "x4", "x8")}
    if preset.get("rearrange_method") == "STA":
        preset.setdefault("tile_size", draw(OPTIONAL["tile_size"]))  # STA needs its tile (PSA306)
    if preset["type"] is None:
        del preset["type"]
    return dict(draw(st.permutations(list(preset.items()))))


DENSE = st.builds(
    lambda kind, description: {"type": kind} if description is None else {"type": kind, "description": description},
    st.sampled_from(["dense", "dense", "Dense", "DENSE"]),
    st.none() | st.text(max_size=20),
)


@st.composite
def model_sections(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(NAMES, min_size=1, max_size=3, unique=True))
    presets = {name: draw(st.one_of(psa_presets(), DENSE)) for name in names}
    return {
        "default_attention": draw(st.sampled_from(names)),
        "video_scale": {key: draw(st.integers(1, 64)) for key in ("width_divisor", "height_divisor", "depth_divisor")},
        "text_length": draw(st.integers(0, 4096)),
        "attention_configs": presets,
    }


MODEL_NAMES = st.one_of(st.sampled_from(["CogVideo_5b", "CogVideo1.5_5b", "Wan2.1_14b", "Wan2.2_5B"]), NAMES)


@st.composite
def config_files(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(MODEL_NAMES, min_size=1, max_size=2, unique=True))
    return {name: draw(model_sections()) for name in names}


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
    """A valid file, left as it is or given one to three random edits (replace, delete or add a key or item)."""
    data = copy.deepcopy(draw(config_files()))
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 0, 1, 1, 2, 3]))):
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


@given(config_files())
def test_generated_valid_files_pass_both(data: dict[str, Any]) -> None:
    assert schema_accepts(data), list(VALIDATOR.iter_errors(as_json(data)))
    assert not check_rejects(data)


NEVER_STRICTER_EXAMPLES = 5 * settings.default.max_examples
"""1000 in the ci profile (tests/conftest.py)."""
MOSTLY_VALID = 0.5


def test_schema_is_never_stricter_than_check() -> None:
    """Every file check accepts, the schema accepts; and most generated files are ones check accepts
    (a property over files check rejects would hold whatever the schema said)."""
    accepted_by_check: list[bool] = []

    @settings(max_examples=NEVER_STRICTER_EXAMPLES)
    @given(mutated_files())
    def never_stricter(data: dict[str, Any]) -> None:
        accepted = not check_rejects(data)
        accepted_by_check.append(accepted)
        if accepted:
            assert schema_accepts(data), [error.message for error in VALIDATOR.iter_errors(as_json(data))]

    never_stricter()
    assert len(accepted_by_check) >= NEVER_STRICTER_EXAMPLES
    share = sum(accepted_by_check) / len(accepted_by_check)
    assert share >= MOSTLY_VALID, f"only {share:.0%} of {len(accepted_by_check)} generated files are valid"


@pytest.mark.parametrize(
    "changes",
    [{"type": "PSA"}, {"type": "Psa"}, {"type": DELETE}, {"sim_2x_threshold": 0.9}],
    ids=["PSA", "Psa", "type missing", "legacy threshold key"],
)
def test_schema_accepts_what_the_runtime_reads_and_check_only_warns_about(changes: dict[str, Any]) -> None:
    data = with_changes(**changes)
    assert schema_accepts(data), list(VALIDATOR.iter_errors(as_json(data)))
    assert not check_rejects(data)


@pytest.mark.parametrize("key", ["verbose", "warmup_steps", "tile_size", "sim_thresholds", "log_dir", "type"])
def test_null_is_rejected_by_both(key: str) -> None:
    data = with_changes(**{key: None})
    assert not schema_accepts(data)
    assert check_rejects(data)


def test_a_dense_preset_in_another_case_is_accepted() -> None:
    data = wrap({"type": "Dense", "description": "Full attention."})
    assert schema_accepts(data) and not check_rejects(data)


def test_psa_keys_in_a_dense_preset_are_accepted_by_both_and_flagged_for_editors() -> None:
    data = wrap({"type": "dense", "mask_mode": "topk", "block_size": {"m": 64}, "warmup_steps": None})
    assert schema_accepts(data) and not check_rejects(data)
    ignored = SCHEMA["definitions"]["DensePreset"]["properties"]["mask_mode"]
    assert "PSA411" in ignored["deprecationMessage"] and "type" not in ignored


def test_a_typo_in_a_dense_preset_is_rejected_by_both() -> None:
    data = wrap({"type": "dense", "descripton": "Full attention."})
    assert not schema_accepts(data) and check_rejects(data)
