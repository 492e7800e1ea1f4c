"""Operations on presets and models: exact texts for adding models (spacing, line breaks, neighbour
style, empty files) and exact refusals."""

from __future__ import annotations

import pytest

from psa_config.edit import Document, EditError

ANCHORED = "base: &bs {m: 128, n: 64}\nm:\n  attention_configs:\n    p:\n      block_size: *bs\n      verbose: true\n"
SECTION = (
    "  default_attention: baseline\n  video_scale:\n    width_divisor: 16\n    height_divisor: 16\n"
    "    depth_divisor: 4\n  text_length: 0\n  attention_configs:\n    baseline:\n      type: dense\n"
    "      description: Dense baseline without sparsity.\n"
)


def message(edit: object) -> str:
    with pytest.raises(EditError) as info:
        edit()  # type: ignore[operator]
    return str(info.value)


def test_a_shared_value_is_not_removed_through_its_alias() -> None:
    assert message(lambda: Document.from_text(ANCHORED).remove_value("m", "p", "block_size.m")) == (
        "block_size.m comes from an anchor or merge (m.attention_configs.p.block_size is the alias *bs); "
        "cannot remove it here"
    )


def test_removing_from_a_missing_preset_names_it() -> None:
    assert message(lambda: Document.from_text(ANCHORED).remove_value("m", "q", "verbose")) == (
        "model 'm' has no preset 'q'; presets: p"
    )


@pytest.mark.parametrize(("name", "shown"), [("a", "model 'a' already exists"), ("b ", "bad model name 'b '"),
                                             ("", "bad model name ''")])
def test_bad_names_for_a_new_model(name: str, shown: str) -> None:
    assert message(lambda: Document.from_text("a: {x: 1}\n").add_model(name)) == shown


def test_no_model_is_added_to_a_flow_style_file() -> None:
    text = "{m1: {attention_configs: {a: {type: dense}}}}\n"
    assert message(lambda: Document.from_text(text).add_model("m")) == "cannot add a model to a flow-style top-level mapping"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "m:\n" + SECTION),
        ("# c\n", "# c\nm:\n" + SECTION),
        ("# c", "# c\nm:\n" + SECTION),  # no final line break: one is added first
        ("# c\r\n", ("# c\nm:\n" + SECTION).replace("\n", "\r\n")),
    ],
)
def test_a_model_added_to_a_file_without_models(text: str, expected: str) -> None:
    doc = Document.from_text(text).add_model("m")
    assert doc.text == expected and doc.notes == ("added model 'm'",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: {x: 1}\n", "a: {x: 1}\n\nc: {x: 1}\n"),  # one model: spaced
        ("a: {x: 1}\nb: {x: 2}\n", "a: {x: 1}\nb: {x: 2}\nc: {x: 1}\n"),
        ("a: {x: 1}\n\nb: {x: 2}\n", "a: {x: 1}\n\nb: {x: 2}\n\nc: {x: 1}\n"),
        ("a: {x: 1}\n\nb: {x: 2}\nd: {x: 3}\n", "a: {x: 1}\n\nb: {x: 2}\nd: {x: 3}\nc: {x: 1}\n"),  # the last two decide
        ("a: {x: 1}\nb: {x: 2}\n  \nd: {x: 3}\n", "a: {x: 1}\nb: {x: 2}\n  \nd: {x: 3}\n\nc: {x: 1}\n"),
        ("a: {x: 1}\r\nb: {x: 2}\r\n", "a: {x: 1}\r\nb: {x: 2}\r\nc: {x: 1}\r\n"),  # a CRLF is not a blank line
        ("a: {x: 1}\r\n\r\nb: {x: 2}\r\n", "a: {x: 1}\r\n\r\nb: {x: 2}\r\n\r\nc: {x: 1}\r\n"),
        ("a: {x: 1}\rb: {x: 2}\r", "a: {x: 1}\rb: {x: 2}\rc: {x: 1}\r"),
    ],
)
def test_a_new_model_is_spaced_like_the_last_two(text: str, expected: str) -> None:
    doc = Document.from_text(text).add_model("c", "a")
    assert doc.text == expected and doc.notes == ("added model 'c' as a copy of 'a'",)


def test_a_copied_model_takes_the_files_line_breaks() -> None:
    text = "a:\r\n  attention_configs:\r\n    p: {type: dense}  # note\r\n"
    assert Document.from_text(text).add_model("b", "a").text == text + "\r\n" + text.replace("a:", "b:")


def test_the_template_model_follows_the_neighbours_style() -> None:
    text = (
        "a:\n  default_attention: p\n  video_scale: {width_divisor: 8, height_divisor: 8, depth_divisor: 2}\n"
        "  text_length: 3\n  attention_configs:\n    p: {type: dense}\n"
    )
    assert Document.from_text(text).add_model("c").text == text + "\nc:\n" + SECTION.replace(
        "  video_scale:\n    width_divisor: 16\n    height_divisor: 16\n    depth_divisor: 4\n",
        "  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}\n",
    )


def test_the_template_model_takes_the_files_indentation() -> None:
    text = "a:\n    default_attention: p\n    attention_configs:\n        p:\n            type: dense\n"
    expected_section = "".join(
        " " * (2 * (len(line) - len(line.lstrip(" ")))) + line.lstrip(" ") for line in SECTION.splitlines(True)
    )
    assert Document.from_text(text).add_model("c").text == text + "\nc:\n" + expected_section


def test_a_value_reached_through_two_aliases_names_both() -> None:
    text = "bs: &bs {m: 1}\npa: &pa {block_size: *bs}\nm:\n  attention_configs:\n    p: *pa\n"
    assert message(lambda: Document.from_text(text).remove_value("m", "p", "block_size.m")) == (
        "block_size.m comes from an anchor or merge (m.attention_configs.p is the alias *pa; "
        "m.attention_configs.p.block_size is the alias *bs); cannot remove it here"
    )


def test_a_model_field_written_empty_takes_another_models_style() -> None:
    text = (
        "m1:\n  scales:\n  attention_configs:\n    a: {type: dense}\n"
        "m2:\n  scales: [0.10, 0.20]\n  attention_configs:\n    a: {type: dense}\n"
    )
    doc = Document.from_text(text).set_model_value("m1", "scales", [0.5, 1])
    assert doc.text == text.replace("  scales:\n", "  scales: [0.50, 1.00]\n", 1)


@pytest.mark.parametrize(
    ("text", "edit", "shown"),
    [
        ("m:\n  attention_configs:\n    b: {type: psa}\n", lambda d: d.remove_preset("m", "b"),
         "'b' is the only preset of 'm'; a model needs at least one"),
        ("m:\n  default_attention: a\n  attention_configs:\n    a: {}\n    b: {}\n", lambda d: d.remove_preset("m", "a"),
         "'a' is the default_attention of 'm'; set another default first"),
        ("m:\n  default_attention: a\n  attention_configs:\n    a: {type: dense}\n    b: &x {type: psa}\n    c: *x\n",
         lambda d: d.remove_preset("m", "b"),
         "preset 'b' defines the anchor &x, which is used elsewhere; removing it would break those uses"),
        ("m:\n  attention_configs:\n    a: {}\n    b: {}\n", lambda d: d.rename_preset("m", "b", "a"), "preset 'a' already exists"),
        ("m:\n  attention_configs:\n    a: {}\n    b: {}\n", lambda d: d.rename_preset("m", "b", " a"), "bad preset name ' a'"),
        ("m:\n  attention_configs:\n    a: {}\n", lambda d: d.add_preset("m", "a"), "preset 'a' already exists"),
        ("m:\n  attention_configs:\n    a: {}\n", lambda d: d.add_preset("n", "b"), "no model 'n'; models: m"),
        ("m: 1\n", lambda d: d.add_preset("m", "b"), "model 'm' has no attention_configs mapping"),
        ("- m\n", lambda d: d.add_preset("m", "b"), "the file has no models (it is not a mapping of model name -> section)"),
        ("m:\n  attention_configs: {}\n", lambda d: d.set_value("m", "p", "verbose", True),
         "model 'm' has no preset 'p'; presets: (none)"),
        ("m:\n  attention_configs:\n    a: {}\n", lambda d: d.set_value("m", "a", "block_size..n", 1),
         "bad key 'block_size..n': empty part in a dotted key"),
    ],
)
def test_refusals(text: str, edit: object, shown: str) -> None:
    assert message(lambda: edit(Document.from_text(text))) == shown  # type: ignore[operator]


@pytest.mark.parametrize(
    ("text", "default"),
    [("m: 1\n", None), ("m:\n  default_attention: {a: 1}\n", None), ("m:\n  default_attention: p\n", "p"),
     ("m:\n  default_attention: 5\n", "5"), ("m:\n  x: 1\n", None)],
)
def test_default_preset(text: str, default: str | None) -> None:
    assert Document.from_text(text).default_preset("m") == default


FLOW = "m:\n  attention_configs: {a: {type: dense}, b: {type: psa}}\n"


def test_presets_in_a_flow_mapping() -> None:
    doc = Document.from_text(FLOW)
    copied = doc.add_preset("m", "c", "a")
    assert copied.text == FLOW.replace("b: {type: psa}}", "b: {type: psa}, c: {type: dense}}")
    assert copied.notes == ("added preset 'c' to 'm' as a copy of 'a'",)
    assert doc.duplicate_preset("m", "a", "c").text == FLOW.replace("dense}, b", "dense}, c: {type: dense}, b")
    template = doc.add_preset("m", "c")
    assert template.notes == ("added preset 'c' to 'm' from the template",)
    assert template.text == FLOW.replace("b: {type: psa}}", (
        "b: {type: psa}, c: {type: psa, description: New PSA preset., use_rearrange: true, use_sim_mask: false, "
        "block_size: {m: 128, n: 128, tile_n: 32}, mask_ratios: {1: [0.0, 0.1], 2: [0.1, 0.15], 4: [0.15, 0.15], "
        "8: [0.15, 0.35], 0: [0.35, 1.0]}, mask_mode: topk, attn_impl: new_mask_type, warmup_steps: 0, "
        "rearrange_method: Gilbert, verbose: false}}"
    ))


CRLF = "m:\r\n  attention_configs:\r\n    a:\r\n      type: dense\r\n    b: {type: psa}\r\n"


def test_copies_in_a_crlf_file() -> None:
    doc = Document.from_text(CRLF)
    assert doc.duplicate_preset("m", "a", "c").text == CRLF.replace("    b:", "    c:\r\n      type: dense\r\n    b:")
    assert doc.duplicate_preset("m", "b", "c").text == CRLF + "    c: {type: psa}\r\n"


def test_a_one_line_preset_is_copied_whole() -> None:
    text = "m:\n  attention_configs:\n    a: {type: dense}  # one line\n    b:\n      type: psa\n"
    assert Document.from_text(text).duplicate_preset("m", "a", "c").text == text.replace(
        "    b:", "    c: {type: dense}  # one line\n    b:"
    )


def test_copied_lines_are_joined_by_the_documents_line_break() -> None:
    """The document's line break is its first line's: a copy's lines are joined by it, even in a mixed file."""
    mixed = "m:\r\n  attention_configs:\n    a:\n      type: dense\n"
    assert "    c:\r\n      type: dense" in Document.from_text(mixed).duplicate_preset("m", "a", "c").text
    models = "x: 1\r\nm:\n  attention_configs:\n    a: {}\n"
    assert "n:\r\n  attention_configs:\r\n    a: {}" in Document.from_text(models).add_model("n", "m").text


def test_a_preset_defining_an_unused_anchor_may_be_removed() -> None:
    text = "m:\n  attention_configs:\n    a: {type: dense}\n    b: &x {type: psa}\n"
    assert Document.from_text(text).remove_preset("m", "b").text == "m:\n  attention_configs:\n    a: {type: dense}\n"


def test_the_template_preset_follows_its_own_models_presets_first() -> None:
    text = (
        "m2:\n  attention_configs:\n    q:\n      type: psa\n      block_size: {m: 128, n: 64, tile_n: 32}\n"
        "m1:\n  attention_configs:\n    p:\n      mask_mode: topk\n      type: psa\n      block_size:\n"
        "        m: 128\n        n: 64\n        tile_n: 32\n"
    )
    doc = Document.from_text(text).add_preset("m1", "c")
    added = doc.text[len(text):]
    assert added.startswith("    c:\n      mask_mode: topk\n      type: psa\n")  # p's key order
    assert "      block_size:\n        m: 128\n        n: 128\n        tile_n: 32\n" in added  # p's block style


DEFAULTS = 'm1:\n  attention_configs:\n    a: {}\nm2:\n  default_attention: "x"\n  attention_configs:\n    x: {}\n'


def test_a_new_or_empty_default_is_quoted_like_another_models() -> None:
    assert Document.from_text(DEFAULTS).set_default("m1", "a").text == DEFAULTS.replace(
        "    a: {}\n", '    a: {}\n  default_attention: "a"\n'
    )
    empty = DEFAULTS.replace("m1:\n", "m1:\n  default_attention:\n")
    assert Document.from_text(empty).set_default("m1", "a").text == DEFAULTS.replace(
        "m1:\n", 'm1:\n  default_attention: "a"\n'
    )


def test_copying_the_first_model_of_a_file_with_a_byte_order_mark() -> None:
    text = "\ufeffm:\n  attention_configs:\n    a: {}\n"
    assert Document.from_text(text).add_model("n", "m").text == text + "\nn:\n  attention_configs:\n    a: {}\n"


def test_a_copy_keeps_the_quotes_of_its_sources_key() -> None:
    text = "m:\n  attention_configs:\n    a: {}\n    'b': {}\n"
    assert Document.from_text(text).duplicate_preset("m", "b", "c").text == text + "    'c': {}\n"


def test_anchors_at_a_line_end_are_dropped_with_their_space() -> None:
    crlf = "m:\r\n  attention_configs:\r\n    a:\r\n      block_size: &bs\r\n        m: 1\r\n"
    assert Document.from_text(crlf).duplicate_preset("m", "a", "c").text == crlf + (
        "    c:\r\n      block_size:\r\n        m: 1\r\n"
    )
    at_end = "m:\n  attention_configs:\n    a:\n      d: &x"
    assert Document.from_text(at_end).duplicate_preset("m", "a", "c").text == at_end + "\n    c:\n      d:"


PSA_AFTER_DENSE = (
    "m:\n  attention_configs:\n    a:\n      type: dense\n      description: 'Dense.'\n"
    "    b:\n      type: psa\n      description: \"PSA.\"\n"
)


@pytest.mark.parametrize(
    "text",
    [
        PSA_AFTER_DENSE,
        PSA_AFTER_DENSE.replace("      type: dense\n", "      type: dense\n      type: dense\n"),  # unreadable type
        PSA_AFTER_DENSE.replace("    a:\n      type: dense\n      description: 'Dense.'\n", "    a: 'x'\n"),  # no mapping
        PSA_AFTER_DENSE.replace("      type: dense\n", "      type: PSA\n"),
    ],
)
def test_a_new_preset_takes_the_style_of_psa_presets_first(text: str) -> None:
    added = Document.from_text(text).add_preset("m", "c").text[len(text):]
    assert added.startswith('    c:\n      type: psa\n      description: "New PSA preset."\n')


def test_other_models_style_counts_psa_presets_first_and_skips_non_models() -> None:
    text = (
        "x: 1\nm2:\n  attention_configs:\n    d:\n      type: dense\n      description: 'D.'\n"
        "    q:\n      type: psa\n      description: \"Q.\"\nm1:\n  attention_configs:\n    a:\n      type: dense\n"
    )
    added = Document.from_text(text).add_preset("m1", "c").text[len(text):]
    assert added.startswith('    c:\n      type: psa\n      description: "New PSA preset."\n')


@pytest.mark.parametrize(
    ("text", "edit", "shown"),
    [
        ("{}\n", lambda d: d.remove_model("x"), "no model 'x'; models: (none)"),
        ("a: {}\nb: {}\n", lambda d: d.remove_model("x"), "no model 'x'; models: a, b"),
        ("m:\n  attention_configs:\n    a: {}\n    b: {}\n", lambda d: d.remove_preset("m", "q"),
         "model 'm' has no preset 'q'; presets: a, b"),
    ],
)
def test_names_are_listed_when_one_is_missing(text: str, edit: object, shown: str) -> None:
    assert message(lambda: edit(Document.from_text(text))) == shown  # type: ignore[operator]
