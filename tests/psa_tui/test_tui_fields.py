"""The form's field specs follow the typed model."""

from __future__ import annotations

from psa_config.model import PsaPreset
from psa_tui.fields import ORDER, TABLE_FILE, Kind, field_spec, lookup, psa_fields, render_table


def test_every_preset_field_has_a_widget() -> None:
    keys = {spec.key.split(".")[0] for spec in psa_fields()}
    assert keys | {"type", "mask_ratios"} == set(PsaPreset.model_fields)


def test_the_generated_table_is_the_models() -> None:
    """``field_table.py`` (read at start-up instead of importing pydantic) is regenerated after model changes."""
    assert psa_fields() == [field_spec(key) for key in ORDER]
    assert TABLE_FILE.read_text(encoding="utf-8") == render_table(), "stale: run python -m psa_tui.fields"


def test_widget_kinds() -> None:
    assert field_spec("mask_mode").kind is Kind.SELECT
    assert field_spec("mask_mode").options == ("topk", "thresholdbound")
    assert field_spec("block_size.n").options == (16, 32, 64, 128, 256)
    assert field_spec("use_sim_mask").kind is Kind.SWITCH
    assert field_spec("warmup_steps").kind is Kind.INT
    assert field_spec("tile_size").kind is Kind.TRIPLE
    assert field_spec("description").kind is Kind.TEXT


def test_bounds_come_from_the_model() -> None:
    x8 = field_spec("sim_thresholds.x8")
    assert (x8.kind, x8.minimum, x8.maximum) == (Kind.FLOAT, -1.0, 1.0)
    assert field_spec("block_size.tile_n").minimum == 16
    assert field_spec("warmup_steps").minimum == 0


def test_required_and_defaults() -> None:
    assert field_spec("attn_impl").required
    assert not field_spec("verbose").required
    assert field_spec("mask_mode").runtime_default == "thresholdbound"
    assert field_spec("block_size.n").widget_id == "field-block-size-n"


def test_lookup_dotted() -> None:
    preset = {"block_size": {"n": 64}, "verbose": False}
    assert lookup(preset, "block_size.n") == 64
    assert lookup(preset, "verbose") is False
    assert lookup(preset, "block_size.m") is None
    assert lookup(preset, "verbose.x") is None
