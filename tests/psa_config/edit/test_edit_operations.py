"""Each operation on small texts: what it writes, what it keeps, what it refuses."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from edit_corpus import CORPUS_DIR, read
from psa_config.edit import Document, EditError, MalformedYamlError, SharedValueError
from psa_config.edit.diff import changed_lines

MODEL = "Wan2.1_14b"


def doc(name: str, **kwargs: bool) -> Document:
    return Document.from_text(read(CORPUS_DIR / name), name, **kwargs)


def preset(text: str, name: str, model: str = MODEL) -> dict:
    return yaml.safe_load(text)[model]["attention_configs"][name]


def only_changed(old: str, new: str) -> list[str]:
    """The new text's changed lines."""
    lines = new.splitlines()
    return [lines[i - 1] for r in changed_lines(old, new)[1] for i in r]


# ---- set_value ---------------------------------------------------------------------------------


def test_number_keeps_its_decimals() -> None:
    d = doc("comments.yaml")
    edited = d.set_value(MODEL, "psa_balanced", "mask_ratios.1", [0.0, 0.45])
    assert only_changed(d.text, edited.text) == ["        1: [0.00, 0.45]   # full"]
    edited = edited.set_value(MODEL, "psa_balanced", "mask_ratios.2", [0.45, 0.5])
    assert "        2: [0.45, 0.50]   # 2x" in edited.text.splitlines()


def test_one_decimal_grows_when_needed() -> None:
    d = doc("comments.yaml")
    edited = d.set_value(MODEL, "psa_topk", "mask_ratios.1", [0.0, 0.125])
    assert only_changed(d.text, edited.text) == ["        1: [0.0, 0.125]"]


def test_int_for_a_float_field_is_written_as_a_float() -> None:
    d = doc("comments.yaml")
    edited = d.set_value(MODEL, "psa_topk", "mask_ratios.0", [0.35, 1])
    assert "        0: [0.35, 1.0]" in edited.text.splitlines()
    assert edited.changed_lines == ()  # the value was already 1.0: nothing to change
    assert edited.text == d.text


def test_bool_keeps_capitalisation() -> None:
    text = "M:\n  attention_configs:\n    p:\n      verbose: True\n"
    edited = Document.from_text(text).set_value("M", "p", "verbose", False)
    assert edited.text == "M:\n  attention_configs:\n    p:\n      verbose: False\n"


@pytest.mark.parametrize("value", ["yes", "No", "on", "1e-3", "0755", "null", "~", "true", "12", "a: b", "x #y", " pad", ""])
def test_ambiguous_strings_are_quoted(value: str) -> None:
    text = "M:\n  attention_configs:\n    p:\n      log_dir: here\n"
    edited = Document.from_text(text).set_value("M", "p", "log_dir", value)
    assert yaml.safe_load(edited.text)["M"]["attention_configs"]["p"]["log_dir"] == value
    assert "log_dir: here" not in edited.text and '"' in edited.text


def test_quote_style_is_kept() -> None:
    d = doc("quoted.yaml")
    edited = d.set_value(MODEL, "baseline", "description", "Dense, it's plain")
    assert only_changed(d.text, edited.text) == ["      description: 'Dense, it''s plain'"]
    edited = d.set_value(MODEL, "psa_balanced", "mask_mode", "topk")
    assert only_changed(d.text, edited.text) == ['      mask_mode: "topk"']


def test_missing_key_is_added_after_its_siblings() -> None:
    d = doc("comments.yaml")
    edited = d.set_value(MODEL, "psa_topk", "sim_thresholds.x2", 0.7)
    assert only_changed(d.text, edited.text) == ["      sim_thresholds:", "        x2: 0.7"]
    assert edited.changed_lines == (range(62, 64),)
    assert preset(edited.text, "psa_topk")["sim_thresholds"] == {"x2": 0.7}


def test_missing_key_in_flow_mapping() -> None:
    d = doc("flow.yaml")
    edited = d.set_value(MODEL, "psa_inline", "enable_logging", True)
    assert edited.text.splitlines()[19].endswith("verbose: false, enable_logging: true}")
    assert preset(edited.text, "psa_inline")["enable_logging"] is True


def test_whole_mask_ratios_in_place() -> None:
    d = doc("comments.yaml")
    ratios = {1: [0.0, 0.3], 2: [0.3, 0.5], 4: [0.5, 0.6], 8: [0.6, 0.8], 0: [0.8, 1.0]}
    edited = d.set_value(MODEL, "psa_balanced", "mask_ratios", ratios)
    assert only_changed(d.text, edited.text) == ["        1: [0.00, 0.30]   # full", "        2: [0.30, 0.50]   # 2x"]


def test_whole_mask_ratios_reordered_keeps_comments_with_their_level() -> None:
    d = doc("comments.yaml")
    ratios = {1: [0.0, 0.4], 2: [0.4, 0.5], 8: [0.5, 0.8], 4: [0.8, 0.8], 0: [0.8, 1.0]}
    edited = d.set_value(MODEL, "psa_balanced", "mask_ratios", ratios)
    assert preset(edited.text, "psa_balanced")["mask_ratios"] == ratios
    assert list(preset(edited.text, "psa_balanced")["mask_ratios"]) == [1, 2, 8, 4, 0]
    lines = edited.text.splitlines()
    start = lines.index("        # level: [start, end]")
    assert lines[start + 1 : start + 6] == [
        "        1: [0.00, 0.40]   # full",
        "        2: [0.40, 0.50]   # 2x",
        "        8: [0.50, 0.80]   # 8x",
        "        4: [0.80, 0.80]   # 4x",
        "        0: [0.80, 1.00]   # skipped",
    ]


def test_whole_mask_ratios_adds_and_drops_levels() -> None:
    d = doc("comments.yaml")
    ratios = {1: [0.0, 0.5], 2: [0.5, 0.6], 0: [0.6, 1.0], 8: [0.6, 0.6]}
    edited = d.set_value(MODEL, "psa_balanced", "mask_ratios", ratios)
    assert preset(edited.text, "psa_balanced")["mask_ratios"] == ratios
    assert list(preset(edited.text, "psa_balanced")["mask_ratios"]) == [1, 2, 0, 8]


def test_flow_mask_ratios_reorder() -> None:
    d = doc("flow.yaml")
    ratios = {1: [0.0, 0.4], 2: [0.4, 0.5], 8: [0.5, 0.8], 4: [0.8, 0.8], 0: [0.8, 1.0]}
    edited = d.set_value(MODEL, "psa_flow", "mask_ratios", ratios)
    assert only_changed(d.text, edited.text) == [
        "      mask_ratios: {1: [0.0, 0.4], 2: [0.4, 0.5], 8: [0.5, 0.8], 4: [0.8, 0.8], 0: [0.8, 1.0]}"
    ]


def test_block_sequence_elements_are_edited_in_place() -> None:
    d = doc("flow.yaml")
    edited = d.set_value("CogVideo_5b", "psa_old", "mask_ratios.8", [0.25, 0.55])
    assert only_changed(d.text, edited.text) == ["        - 0.55"]
    edited = d.set_value("CogVideo_5b", "psa_old", "tile_size", [1, 2, 3, 4])
    assert preset(edited.text, "psa_old", "CogVideo_5b")["tile_size"] == [1, 2, 3, 4]
    assert "      - 4" in edited.text.splitlines()


def test_type_change_scalar_to_mapping_in_block_context() -> None:
    text = "M:\n  attention_configs:\n    p:\n      sim_thresholds:\n      verbose: true\n"
    edited = Document.from_text(text).set_value("M", "p", "sim_thresholds.x2", 0.5)
    assert edited.text == "M:\n  attention_configs:\n    p:\n      sim_thresholds:\n        x2: 0.5\n      verbose: true\n"


def test_crlf_is_kept_for_new_lines() -> None:
    d = doc("crlf.yaml")
    edited = d.set_value(MODEL, "psa_topk", "enable_logging", False).add_preset(MODEL, "fresh")
    assert "\n" not in edited.text.replace("\r\n", "")
    assert preset(edited.text, "fresh")["mask_mode"] == "topk"


def test_no_final_newline_is_kept() -> None:
    d = doc("no_final_newline.yaml")
    edited = d.set_value(MODEL, "psa_balanced", "enable_logging", False)
    assert not edited.text.endswith("\n")
    assert edited.text.endswith("      enable_logging: false")
    assert not d.add_preset(MODEL, "x").text.endswith("\n")


def test_bom_is_kept() -> None:
    text = "\ufeff" + read(CORPUS_DIR / "comments.yaml")
    edited = Document.from_text(text).set_value(MODEL, "psa_topk", "block_size.n", 64).add_model("M2")
    assert edited.text.startswith("\ufeff# Presets")
    assert yaml.safe_load(edited.text)["M2"]["default_attention"] == "baseline"


# ---- anchors and merges ------------------------------------------------------------------------


def test_alias_is_refused_with_a_clear_message() -> None:
    with pytest.raises(SharedValueError, match=r"alias \*blocks.*--edit-anchor"):
        doc("anchors.yaml").set_value(MODEL, "psa_alias", "block_size.n", 64)


def test_merged_value_is_refused() -> None:
    with pytest.raises(SharedValueError, match=r"merge key '<<: \*base'"):
        doc("anchors.yaml").set_value(MODEL, "psa_merged", "verbose", False)


def test_edit_anchor_edits_the_definition_and_says_so() -> None:
    d = doc("anchors.yaml", edit_anchor=True)
    edited = d.set_value(MODEL, "psa_alias", "block_size.n", 64)
    assert only_changed(d.text, edited.text) == ["        n: 64"]
    assert any("&blocks" in note for note in edited.notes)
    assert preset(edited.text, "psa_base")["block_size"]["n"] == 64
    assert preset(edited.text, "psa_alias")["block_size"]["n"] == 64
    edited = d.set_value(MODEL, "psa_alias", "warmup_steps", 3)
    assert "      warmup_steps: &warm 3" in edited.text.splitlines()


def test_definition_side_edit_notes_the_sharing() -> None:
    d = doc("anchors.yaml")
    edited = d.set_value(MODEL, "psa_base", "warmup_steps", 4)
    assert edited.notes and "&warm" in edited.notes[0]
    assert preset(edited.text, "psa_alias")["warmup_steps"] == 4


def test_own_override_next_to_a_merge_is_editable() -> None:
    d = doc("anchors.yaml")
    edited = d.set_value(MODEL, "psa_merged", "mask_mode", "thresholdbound")
    assert edited.notes == ()
    assert preset(edited.text, "psa_merged")["mask_mode"] == "thresholdbound"
    assert preset(edited.text, "psa_base")["mask_mode"] == "thresholdbound"


# ---- presets and models ------------------------------------------------------------------------


def test_add_preset_template_follows_neighbour_style() -> None:
    d = doc("comments.yaml")
    edited = d.add_preset(MODEL, "psa_new")
    new = preset(edited.text, "psa_new")
    assert new["type"] == "psa" and new["mask_mode"] == "topk"
    assert list(new) == list(preset(d.text, "psa_balanced"))[: len(new)]
    assert '      description: "New PSA preset."' in edited.text.splitlines()
    assert edited.changed_lines == (range(62, 62 + len(edited.text.splitlines()) - len(d.text.splitlines())),)


def test_add_preset_template_in_flow_mapping() -> None:
    text = "M:\n  default_attention: a\n  attention_configs: {a: {type: dense}}\n"
    edited = Document.from_text(text).add_preset("M", "b")
    assert edited.text.count("\n") == 3
    assert yaml.safe_load(edited.text)["M"]["attention_configs"]["b"]["type"] == "psa"


def test_copy_keeps_comments_and_formatting() -> None:
    d = doc("comments.yaml")
    edited = d.add_preset(MODEL, "psa_copy", from_preset="psa_balanced")
    assert preset(edited.text, "psa_copy") == preset(d.text, "psa_balanced")
    assert edited.text.count("# 8x") == 2 and edited.text.endswith("# trailing comment\n")


def test_duplicate_goes_right_after_the_source() -> None:
    d = doc("comments.yaml")
    edited = d.duplicate_preset(MODEL, "baseline", "baseline2")
    names = list(yaml.safe_load(edited.text)[MODEL]["attention_configs"])
    assert names == ["baseline", "baseline2", "psa_balanced", "psa_topk"]


def test_copy_of_an_anchored_preset_drops_the_anchor() -> None:
    d = doc("anchors.yaml")
    edited = d.duplicate_preset(MODEL, "psa_base", "psa_copy")
    assert edited.text.count("&base") == 1 and "    psa_copy:\n" in edited.text
    assert preset(edited.text, "psa_copy") == preset(d.text, "psa_base")


def test_remove_preset_deletes_its_lines_only() -> None:
    d = doc("comments.yaml")
    edited = d.remove_preset(MODEL, "psa_topk")
    assert edited.text == d.text[: d.text.index("    psa_topk:")] + "# trailing comment\n"


def test_remove_in_flow_and_without_final_newline() -> None:
    d = doc("flow.yaml")
    edited = d.remove_preset(MODEL, "psa_inline")
    assert "psa_inline" not in edited.text
    text = "M:\n  default_attention: a\n  attention_configs:\n    a: {type: dense}\n    b: {type: dense}"
    assert Document.from_text(text).remove_preset("M", "b").text == text[: text.index("\n    b:")]


@pytest.mark.parametrize(
    ("name", "message"),
    [("psa_balanced", "default_attention"), ("nope", "no preset 'nope'")],
)
def test_remove_refusals(name: str, message: str) -> None:
    with pytest.raises(EditError, match=message):
        doc("comments.yaml").remove_preset(MODEL, name)


def test_remove_refuses_an_anchor_in_use() -> None:
    d = doc("anchors.yaml").set_default(MODEL, "baseline")
    with pytest.raises(EditError, match="&base"):
        d.remove_preset(MODEL, "psa_base")


def test_rename_moves_the_default_along() -> None:
    d = doc("quoted.yaml")
    edited = d.rename_preset(MODEL, "psa_balanced", "psa_main")
    assert only_changed(d.text, edited.text) == ["  'default_attention': \"psa_main\"", '    "psa_main":']
    assert any("default_attention" in n for n in edited.notes)
    with pytest.raises(EditError, match="already exists"):
        d.rename_preset(MODEL, "psa_balanced", "baseline")


def test_set_default() -> None:
    d = doc("comments.yaml")
    edited = d.set_default(MODEL, "psa_topk")
    assert only_changed(d.text, edited.text) == ["  default_attention: psa_topk   # used when no preset is named"]
    with pytest.raises(EditError, match="no preset"):
        d.set_default(MODEL, "missing")


def test_add_model_template_and_copy() -> None:
    d = doc("comments.yaml")
    edited = d.add_model("CogVideo_5b")
    section = yaml.safe_load(edited.text)["CogVideo_5b"]
    assert section["default_attention"] == "baseline" and section["attention_configs"]["baseline"]["type"] == "dense"
    copied = d.add_model("Copy", template=MODEL)
    assert yaml.safe_load(copied.text)["Copy"] == yaml.safe_load(d.text)[MODEL]
    with pytest.raises(EditError, match="already exists"):
        d.add_model(MODEL)


def test_add_model_to_an_empty_file() -> None:
    edited = Document.from_text("# only a comment\n").add_model("M")
    assert edited.text.startswith("# only a comment\nM:\n")


def test_remove_value() -> None:
    d = doc("comments.yaml")
    edited = d.remove_value(MODEL, "psa_topk", "verbose")
    assert "verbose" not in preset(edited.text, "psa_topk")
    assert edited.remove_value(MODEL, "psa_topk", "verbose").text == edited.text


def test_reading_helpers() -> None:
    d = doc("comments.yaml")
    assert d.models() == [MODEL]
    assert d.presets(MODEL) == ["baseline", "psa_balanced", "psa_topk"]
    assert d.default_preset(MODEL) == "psa_balanced"
    assert d.position(MODEL, "psa_topk", "block_size.n") == (49, 9)


def test_missing_model_and_malformed_yaml() -> None:
    with pytest.raises(EditError, match="no model 'X'; models: Wan2.1_14b"):
        doc("comments.yaml").set_value("X", "p", "verbose", True)
    with pytest.raises(MalformedYamlError) as info:
        Document.from_text(textwrap.dedent("a:\n  b: [1, 2\n  c: 3\n")).set_default("a", "b")
    assert info.value.line >= 2


def test_block_scalars_end_at_their_text() -> None:
    d = doc("anchors.yaml")
    edited = d.set_value("Wan2.1_1.3b", "psa_block", "description", "one line")
    assert only_changed(d.text, edited.text) == ["      description: one line"]
    assert preset(edited.text, "psa_block", "Wan2.1_1.3b")["use_rearrange"] is True
    edited = d.remove_preset("Wan2.1_1.3b", "psa_block")
    assert list(yaml.safe_load(edited.text)["Wan2.1_1.3b"]["attention_configs"]) == ["baseline", "dense_folded"]
    edited = d.set_value("Wan2.1_1.3b", "dense_folded", "description", "x").set_value("Wan2.1_1.3b", "psa_block", "verbose", True)
    assert edited.text.endswith("      description: x\n")
    assert "      log_dir: >-\n        ./psa_logs/\n      verbose: true\n" in edited.text


def test_empty_value_with_a_comment_gets_its_mapping_below_the_comment() -> None:
    text = "M:\n  attention_configs:\n    p:\n      sim_thresholds:   # none yet\n      verbose: true\n"
    edited = Document.from_text(text).set_value("M", "p", "sim_thresholds.x2", 0.5)
    assert edited.text == (
        "M:\n  attention_configs:\n    p:\n      sim_thresholds:   # none yet\n        x2: 0.5\n      verbose: true\n"
    )
    edited = Document.from_text(text).set_value("M", "p", "sim_thresholds", 1)
    assert "      sim_thresholds: 1   # none yet\n" in edited.text


def test_document_start_marker_and_comments_between_models() -> None:
    text = "---\n# header\nA:\n  default_attention: a\n  attention_configs:\n    a: {type: dense}\n\n# B next\nB:\n  x: 1\n"
    edited = Document.from_text(text).add_model("C")
    assert edited.text.startswith(text) and edited.text[len(text):].startswith("\nC:\n")
