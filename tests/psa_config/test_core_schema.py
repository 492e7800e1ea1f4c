"""The compiled core schema the checker validates with is the model's, exactly."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from psa_config.core_schema import SCHEMA_FILE, fields_of, render_schemas, validator
from psa_config.model import AttentionConfigFile, PsaPreset


def test_committed_core_schema_is_fresh() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render_schemas(), (
        "regenerate: python -c 'from psa_config.core_schema import *; SCHEMA_FILE.write_text(render_schemas())'"
    )


def test_field_names_come_from_the_model() -> None:
    assert fields_of("PsaPreset") == tuple(PsaPreset.model_fields)


def _errors_of_model(data: Any) -> list[tuple[Any, ...]]:
    try:
        AttentionConfigFile.model_validate(data)
    except ValidationError as exc:
        return sorted((MAPPING_ERRORS.get(e["type"], e["type"]), _strip_tags(e["loc"])) for e in exc.errors())
    return []


def _errors_of_compiled(data: Any) -> list[tuple[Any, ...]]:
    from pydantic_core import ValidationError as CoreError

    try:
        validator("file").validate_python(data)
    except CoreError as exc:
        return sorted((e["type"], _strip_tags(e["loc"])) for e in exc.errors())
    return []


def _strip_tags(loc: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(str(part) for part in loc)


MAPPING_ERRORS = {"model_type": "dict_type", "model_attributes_type": "dict_type"}
"""A model reports a non-mapping as model_type, a typed dict as dict_type: the same error."""


scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 300), st.floats(-2, 2), st.sampled_from(["psa", "dense", "topk", "x", "64"]))
values = st.recursive(scalars, lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(st.sampled_from(["m", "n", "tile_n", "x2", 1, 2, 8]), c, max_size=3)), max_leaves=8)
preset_keys = st.sampled_from(list(PsaPreset.model_fields) + ["bogus"])
presets = st.dictionaries(preset_keys, values, max_size=8)
sections = st.fixed_dictionaries(
    {"attention_configs": st.dictionaries(st.sampled_from(["p", "q"]), presets, max_size=2)},
    optional={"default_attention": scalars, "video_scale": values, "text_length": scalars, "extra": scalars},
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["M", "N"]), sections, max_size=2))
def test_compiled_validator_reports_the_models_errors(data: dict[str, Any]) -> None:
    assert _errors_of_compiled(data) == _errors_of_model(data)


@pytest.mark.parametrize("name", ["configs/attention_config.yaml"])
def test_reference_file_validates_both_ways(name: str) -> None:
    from pathlib import Path

    data = yaml.safe_load((Path(__file__).resolve().parents[2] / name).read_text())
    assert _errors_of_compiled(data) == _errors_of_model(data) == []
