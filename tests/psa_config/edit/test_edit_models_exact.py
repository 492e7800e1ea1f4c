"""Model sections: exact refusals (merge keys, anchors, names), quote styles kept, and the template."""

from __future__ import annotations

import pytest
import yaml

from edit_corpus import REFERENCE
from psa_config.edit import Document, EditError
from psa_config.edit.templates import in_order_of, model_section, psa_preset
from psa_config.edit.render import Like

MERGED = """\
defaults: &d
  shared:
    default_attention: a
    attention_configs:
      a: {type: dense}
<<: *d
m1:
  attention_configs:
    a: {type: dense}
"""
QUOTED = "'m 1':\n  attention_configs:\n    a: {type: dense}\n\"m2\":\n  attention_configs:\n    a: {type: dense}\n"


def message(edit: object) -> str:
    with pytest.raises(EditError) as info:
        edit()  # type: ignore[operator]
    return str(info.value)


def test_a_model_from_a_merge_key_is_edited_where_it_is_defined() -> None:
    doc = Document.from_text(MERGED)
    assert message(lambda: doc.remove_model("shared")) == "model 'shared' comes from a merge key; remove it where it is defined"
    assert message(lambda: doc.rename_model("shared", "x")) == "model 'shared' comes from a merge key; rename it where it is defined"


def test_a_model_defining_a_used_anchor_is_not_removed() -> None:
    doc = Document.from_text(MERGED)
    assert message(lambda: doc.remove_model("defaults")) == (
        "model 'defaults' defines the anchor &d, which is used elsewhere; removing it would break those uses"
    )


@pytest.mark.parametrize(("new", "shown"), [("defaults", "model 'defaults' already exists"),
                                             (" x", "bad model name ' x'"), ("", "bad model name ''")])
def test_bad_new_model_names(new: str, shown: str) -> None:
    assert message(lambda: Document.from_text(MERGED).rename_model("m1", new)) == shown


def test_a_renamed_model_keeps_its_quotes() -> None:
    doc = Document.from_text(QUOTED)
    assert doc.rename_model("m 1", "m 3").text == QUOTED.replace("'m 1'", "'m 3'")
    assert doc.rename_model("m2", "m9").text == QUOTED.replace('"m2"', '"m9"')
    assert doc.rename_model("m2", "yes").text == QUOTED.replace('"m2"', '"yes"')
    plain = "m2:\n  attention_configs:\n    a: {type: dense}\n"
    assert Document.from_text(plain).rename_model("m2", "yes").text == plain.replace("m2:", '"yes":')
    assert Document.from_text(plain).rename_model("m2", "m3").text == plain.replace("m2:", "m3:")


# ---- templates -----------------------------------------------------------------------------------


def reference() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_model_template_is_a_wan_section_with_only_the_reference_baseline() -> None:
    """README: a dense ``baseline`` preset, 16,16,4 divisors and ``text_length: 0``."""
    wan = reference()["Wan2.1_14b"]
    assert model_section() == {
        "default_attention": "baseline",
        "video_scale": wan["video_scale"],
        "text_length": 0,
        "attention_configs": {"baseline": wan["attention_configs"]["baseline"]},
    }
    assert wan["video_scale"] == {"width_divisor": 16, "height_divisor": 16, "depth_divisor": 4}


def test_the_preset_template_is_the_published_topk_pyramid_on_new_mask_type() -> None:
    published = reference()["CogVideo_5b"]["attention_configs"]["psa_balanced"]
    template = psa_preset()
    shared = ("type", "use_sim_mask", "block_size", "mask_ratios", "mask_mode", "attn_impl", "rearrange_method")
    assert {k: template[k] for k in shared} == {k: published[k] for k in shared}
    assert (template["mask_mode"], template["attn_impl"], template["block_size"]["n"]) == ("topk", "new_mask_type", 128)
    assert list(template) == [
        "type", "description", "use_rearrange", "use_sim_mask", "block_size", "mask_ratios", "mask_mode", "attn_impl",
        "warmup_steps", "rearrange_method", "verbose",
    ]
    assert (template["description"], template["use_rearrange"], template["warmup_steps"], template["verbose"]) == (
        "New PSA preset.", True, 0, False,
    )


def test_templates_are_fresh_copies() -> None:
    first = psa_preset()
    first["block_size"]["n"] = 1  # type: ignore[index]
    assert psa_preset()["block_size"] == {"m": 128, "n": 128, "tile_n": 32}
    section = model_section()
    section["attention_configs"]["baseline"]["type"] = "psa"  # type: ignore[index]
    assert model_section()["attention_configs"]["baseline"]["type"] == "dense"  # type: ignore[index]


def test_in_order_of_follows_the_neighbour_then_keeps_the_rest() -> None:
    value = {"a": 1, "b": 2, "c": 3, "d": 4}
    like = Like(children={"c": Like(), "x": Like(), "a": Like()})
    assert list(in_order_of(value, like)) == ["c", "a", "b", "d"]
    assert in_order_of(value, like) == value
    assert list(in_order_of(value, None)) == ["a", "b", "c", "d"]
    assert list(in_order_of(value, Like())) == ["a", "b", "c", "d"]
