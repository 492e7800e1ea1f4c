"""``Document``'s operations, each with the exact text it writes, its changed lines, regions and notes;
and each operation's re-reading check, shown to refuse a wrong edit (an operation made to misbehave)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from psa_config.edit import Document, EditError, models, operations
from psa_config.edit.focus import FOCUS_FROM_CHARS

TEXT = """\
m1:
  default_attention: a
  video_scale:
    width_divisor: 16
  text_length: 226
  attention_configs:
    a:
      type: dense
    b:
      type: psa
      verbose: false

m2:
  default_attention: x
  attention_configs:
    x:
      type: dense
"""
DOC = Document.from_text(TEXT, "c.yaml")


def offset(line: int) -> int:
    """Offset of the start of 1-based ``line`` of TEXT."""
    return sum(len(part) for part in TEXT.splitlines(True)[: line - 1])


# ---- reading -------------------------------------------------------------------------------------


def test_reading() -> None:
    assert DOC.models() == ["m1", "m2"]
    assert DOC.presets("m1") == ["a", "b"] and DOC.presets("m2") == ["x"]
    assert DOC.default_preset("m1") == "a" and DOC.default_preset("m2") == "x"
    assert DOC.position("m1") == (1, 1) and DOC.position("m2") == (13, 1)
    assert DOC.position("m1", "b") == (9, 5)
    assert DOC.position("m1", "b", "verbose") == (11, 7)
    assert DOC.position("m2", None, "attention_configs.x.type") == (17, 7)
    assert not DOC.changed and DOC.path == "c.yaml" and DOC.regions == () and DOC.notes == ()


def test_a_document_without_a_default() -> None:
    doc = Document.from_text("m:\n  attention_configs:\n    a: {type: dense}\n")
    assert doc.default_preset("m") is None


# ---- editing: the exact text ---------------------------------------------------------------------


def test_set_model_value_replaces_in_place() -> None:
    doc = DOC.set_model_value("m1", "text_length", 512)
    assert doc.text == TEXT.replace("text_length: 226", "text_length: 512")
    assert doc.changed_lines == (range(5, 6),) and doc.notes == () and doc.changed
    assert doc.regions == ((offset(5) + 15, offset(5) + 18, offset(5) + 15, offset(5) + 18),)
    assert doc.path == "c.yaml"


def test_set_model_value_adds_a_nested_key_after_its_siblings() -> None:
    doc = DOC.set_model_value("m1", "video_scale.height_divisor", 8)
    assert doc.text == TEXT.replace("width_divisor: 16\n", "width_divisor: 16\n    height_divisor: 8\n")
    assert doc.changed_lines == (range(5, 6),)


def test_set_model_value_adds_a_key_to_another_model() -> None:
    doc = DOC.set_model_value("m2", "text_length", 8)
    assert doc.text == TEXT + "  text_length: 8\n"
    [(o1, o2, n1, n2)] = doc.regions
    assert doc.changed_lines == (range(18, 19),) and TEXT[:o1] + doc.text[n1:n2] + TEXT[o2:] == doc.text
    assert o2 - o1 == 0 and n2 - n1 == len("  text_length: 8\n")


def test_remove_value() -> None:
    doc = DOC.remove_value("m1", "b", "verbose")
    assert doc.text == TEXT.replace("      verbose: false\n", "")
    assert doc.changed_lines == (range(11, 11),) and doc.regions == ((offset(11), offset(12), offset(11), offset(11)),)


def test_removing_an_absent_value_changes_nothing() -> None:
    edited = DOC.set_model_value("m1", "text_length", 512)
    doc = edited.remove_value("m1", "b", "nothing")
    assert doc.text == edited.text and doc.changed_lines == () and not doc.changed
    assert doc.regions == edited.regions and doc.notes == ()


def test_duplicate_preset_goes_right_after_its_source() -> None:
    doc = DOC.duplicate_preset("m1", "a", "c")
    assert doc.text == TEXT.replace("      type: dense\n    b:", "      type: dense\n    c:\n      type: dense\n    b:")
    assert doc.changed_lines == (range(9, 11),) and doc.notes == ("added preset 'c' to 'm1' as a copy of 'a'",)


def test_add_preset_as_a_copy_goes_last() -> None:
    doc = DOC.add_preset("m1", "c", "b")
    assert doc.text == TEXT.replace("verbose: false\n", "verbose: false\n    c:\n      type: psa\n      verbose: false\n")
    assert doc.changed_lines == (range(12, 15),) and doc.notes == ("added preset 'c' to 'm1' as a copy of 'b'",)


def test_add_model_as_a_copy() -> None:
    doc = DOC.add_model("m3", "m2")
    assert doc.text == TEXT + "\nm3:\n  default_attention: x\n  attention_configs:\n    x:\n      type: dense\n"
    assert doc.changed_lines == (range(18, 24),) and doc.notes == ("added model 'm3' as a copy of 'm2'",)


def test_add_model_from_the_template() -> None:
    doc = DOC.add_model("m3")
    assert doc.text == TEXT + (
        "\nm3:\n  default_attention: baseline\n  video_scale:\n    width_divisor: 16\n    height_divisor: 16\n"
        "    depth_divisor: 4\n  text_length: 0\n  attention_configs:\n    baseline:\n      type: dense\n"
        "      description: Dense baseline without sparsity.\n"
    )
    assert doc.notes == ("added model 'm3'",)


def test_remove_model() -> None:
    doc = DOC.remove_model("m2")
    assert doc.text.startswith(TEXT[: TEXT.index("m2:")]) and "m2" not in doc.text and "x:" not in doc.text
    assert doc.notes == ("removed model 'm2'",)


def test_rename_model() -> None:
    doc = DOC.rename_model("m2", "m9")
    assert doc.text == TEXT.replace("m2:", "m9:")
    assert doc.changed_lines == (range(13, 14),) and doc.notes == ("renamed model 'm2' to 'm9'",)


def test_rename_preset_and_the_default_follows() -> None:
    doc = DOC.rename_preset("m1", "a", "z")
    assert doc.text == TEXT.replace("default_attention: a", "default_attention: z").replace("    a:", "    z:")
    assert doc.changed_lines == (range(2, 3), range(7, 8))
    assert doc.notes == ("renamed 'a' to 'z'", "default_attention of 'm1' now names 'z'")


def test_remove_preset_and_set_default() -> None:
    removed = DOC.remove_preset("m1", "b")
    assert removed.text == TEXT.replace("    b:\n      type: psa\n      verbose: false\n", "")
    assert removed.notes == ("removed preset 'b' from 'm1'",)
    default = DOC.set_default("m1", "b")
    assert default.text == TEXT.replace("default_attention: a", "default_attention: b") and default.notes == ()


def test_regions_accumulate_over_edits() -> None:
    doc = DOC.set_model_value("m1", "text_length", 5).set_default("m2", "x").rename_model("m2", "n2")
    assert doc.text == TEXT.replace("text_length: 226", "text_length: 5").replace("m2:", "n2:")
    # "226" -> "5" on line 5 (two characters shorter), "m2" -> "n2" on line 13; setting the same default wrote nothing
    assert doc.regions == ((offset(5) + 15, offset(5) + 18, offset(5) + 15, offset(5) + 16),
                           (offset(13), offset(13) + 2, offset(13) - 2, offset(13)))


def test_edit_anchor_is_kept_by_every_edit() -> None:
    text = "base: &bs {m: 128}\nm:\n  attention_configs:\n    p:\n      block_size: *bs\n"
    doc = Document.from_text(text, edit_anchor=True).set_value("m", "p", "block_size.m", 64)
    assert doc.text == text.replace("m: 128", "m: 64") and doc.edit_anchor
    assert doc.rename_preset("m", "p", "q").edit_anchor
    with pytest.raises(EditError):
        Document.from_text(text).set_value("m", "p", "block_size.m", 64)


def test_a_big_file_is_edited_the_same_through_its_focused_lines() -> None:
    filler = "".join(f"    f{i}:\n      type: dense\n" for i in range(FOCUS_FROM_CHARS // 24))
    text = "m:\n  attention_configs:\n" + filler + "    p:\n      type: psa\n      verbose: false\n"
    assert len(text) >= FOCUS_FROM_CHARS
    doc = Document.from_text(text)
    assert doc.set_value("m", "p", "verbose", True).text == text.replace("verbose: false", "verbose: true")
    assert doc.remove_value("m", "p", "verbose").text == text.replace("      verbose: false\n", "")
    assert "root" not in doc.__dict__  # the whole file was never composed


# ---- every operation's check refuses a wrong edit ------------------------------------------------


def misbehave(monkeypatch: pytest.MonkeyPatch, module: object, name: str, wrong: Callable[..., object]) -> None:
    real = getattr(module, name)
    monkeypatch.setattr(module, name, lambda ctx, *args: wrong(real, ctx, *args))


def refused(edit: Callable[[], Document]) -> str:
    with pytest.raises(EditError) as info:
        edit()
    return str(info.value)


def test_set_value_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    misbehave(monkeypatch, operations, "set_field", lambda real, c, m, p, k, v: real(c, m, p, k, v + 1))
    assert refused(lambda: DOC.set_value("m1", "b", "warmup_steps", 3)) == (
        "internal check failed: the edited text would read m1.attention_configs.b.warmup_steps as 4, not 3; "
        "nothing was changed"
    )


def test_set_model_value_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    misbehave(monkeypatch, operations, "set_model_field", lambda real, c, m, k, v: real(c, m, k, v + 1))
    assert refused(lambda: DOC.set_model_value("m1", "text_length", 5)) == (
        "internal check failed: the edited text would read m1.text_length as 6, not 5; nothing was changed"
    )
    assert refused(lambda: DOC.set_model_value("m1", "video_scale.width_divisor", 8)) == (
        "internal check failed: the edited text would read m1.video_scale.width_divisor as 9, not 8; nothing was changed"
    )


def test_remove_value_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    misbehave(monkeypatch, operations, "remove_field", lambda real, c, m, p, k: operations.set_field(c, m, p, k, True))
    assert refused(lambda: DOC.remove_value("m1", "b", "verbose")) == (
        "internal check failed: the edited text would read m1.attention_configs.b.verbose as True, not nothing; "
        "nothing was changed"
    )


def test_add_preset_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    misbehave(monkeypatch, operations, "add_preset", lambda real, c, m, n, f: real(c, m, n, "a"))
    assert refused(lambda: DOC.add_preset("m1", "c", "b")) == (
        "internal check failed: the edited text would read preset 'c' of 'm1' as {'type': 'dense'}; nothing was changed"
    )
    assert refused(lambda: DOC.add_preset("m1", "c")) == (
        "internal check failed: the edited text would read preset 'c' of 'm1' as {'type': 'dense'}; nothing was changed"
    )


def test_duplicate_preset_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    misbehave(monkeypatch, operations, "duplicate_preset", lambda real, c, m, s, n: real(c, m, "b", n))
    assert refused(lambda: DOC.duplicate_preset("m1", "a", "c")) == (
        "internal check failed: the edited text would read preset 'c' of 'm1' as {'type': 'psa', 'verbose': False}; "
        "nothing was changed"
    )


def test_remove_preset_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    misbehave(monkeypatch, operations, "remove_preset", lambda real, c, m, n: operations.rename_preset(c, m, "a", "q"))
    assert refused(lambda: DOC.remove_preset("m1", "b")) == (
        "internal check failed: the edited text would read preset 'b' of 'm1' as {'type': 'psa', 'verbose': False}; "
        "nothing was changed"
    )


def test_rename_preset_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    misbehave(monkeypatch, operations, "rename_preset", lambda real, c, m, o, n: real(c, m, o, n + "x"))
    assert refused(lambda: DOC.rename_preset("m1", "b", "q")) == (
        "internal check failed: the edited text would read preset 'q' of 'm1' as nothing; nothing was changed"
    )


def test_set_default_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    misbehave(monkeypatch, operations, "set_default",
              lambda real, c, m, p: operations.set_model_field(c, m, "default_attention", "zz"))
    assert refused(lambda: DOC.set_default("m1", "b")) == (
        "internal check failed: the edited text would read m1.default_attention as 'zz', not 'b'; nothing was changed"
    )


def test_add_model_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    misbehave(monkeypatch, operations, "add_model", lambda real, c, n, t: real(c, n, "m1" if t is None else None))
    assert refused(lambda: DOC.add_model("m3")) == (
        "internal check failed: the edited text would read model 'm3' as something else than intended; nothing was changed"
    )
    assert refused(lambda: DOC.add_model("m3", "m2")) == (
        "internal check failed: the edited text would read model 'm3' as something else than intended; nothing was changed"
    )


def test_remove_model_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    misbehave(monkeypatch, models, "remove_model", lambda real, c, n: models.rename_model(c, "m1", "m0"))
    assert refused(lambda: DOC.remove_model("m2")) == (
        "internal check failed: the edited text would read model 'm2' as something else than intended; nothing was changed"
    )


def test_rename_model_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    misbehave(monkeypatch, models, "rename_model", lambda real, c, o, n: real(c, "m1", n))
    assert refused(lambda: DOC.rename_model("m2", "m9")) == (
        "internal check failed: the edited text would read model 'm9' as something else than intended; nothing was changed"
    )


UNLOADABLE = "m1:\n  text_length: 5\n  attention_configs:\n    a: {type: dense}\nbad: !!int abc\n"
"""The runtime cannot load this file (``!!int abc``), yet each edit is verified on the lines it wrote."""


def test_edits_are_verified_on_their_own_lines() -> None:
    doc = Document.from_text(UNLOADABLE)
    assert doc.set_model_value("m1", "text_length", 6).text == UNLOADABLE.replace("text_length: 5", "text_length: 6")
    assert doc.duplicate_preset("m1", "a", "c").text == UNLOADABLE.replace(
        "    a: {type: dense}\n", "    a: {type: dense}\n    c: {type: dense}\n"
    )
    assert doc.set_value("m1", "a", "verbose", True).text == UNLOADABLE.replace("dense}", "dense, verbose: true}")


def test_the_default_path_names_a_string() -> None:
    assert Document.from_text("a: 1\n").path == "<string>"


def test_an_edit_that_writes_nothing_still_says_what_it_did() -> None:
    text = "base: &b {k: 1}\nm:\n  attention_configs:\n    p:\n      v: *b\n"
    doc = Document.from_text(text, edit_anchor=True).set_value("m", "p", "v.k", 1)
    assert doc.text == text and doc.changed_lines == () and not doc.changed
    assert doc.notes == ("edited the anchor &b (line 1, 2 uses): the change applies to every place that uses it",)
