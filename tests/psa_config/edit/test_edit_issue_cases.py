"""The numbered cases of issue 10 (and the edit errors of issue 11), one test or more each.
Saving races, owners, links and temp files (cases 1, 3, 8) are in test_edit_saving.py."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
import yaml

from edit_corpus import CORPUS_DIR, read
from psa_config.cli import main
from psa_config.edit import Document, EditError, RefusedError, save, typed_value, validate
from psa_config.edit import diff as diff_module
from psa_config.edit import focus, locate
from psa_config.edit.diff import changed_lines, unified_diff
from psa_config.edit.errors import DuplicateKeyError

MODEL = "Wan2.1_14b"
BASE = read(CORPUS_DIR / "comments.yaml")


def presets(text: str) -> dict:
    return yaml.safe_load(text)[MODEL]["attention_configs"]


def many_presets(count: int) -> str:
    """A valid file with ``count`` copies of psa_topk (``psa_0`` ...)."""
    head, _, topk = BASE.partition("    psa_topk:   # fixed quotas\n")
    body = topk.replace("# trailing comment\n", "")
    return head + "".join(f"    psa_{i}:\n{body}" for i in range(count))


# ---- case 2: block scalars with keep chomping ----------------------------------------------------

KEPT = BASE.replace(
    "      description: 'topk PSA: fixed quotas'\n", ""
).replace("      verbose: false\n# trailing comment\n", "      verbose: false\n      description: |+\n        line one\n        line two\n\n\n")


@pytest.mark.parametrize("indicator", ["|+", ">+", "|2+", "|+ # kept"])
def test_a_key_added_after_a_keep_scalar_keeps_its_lines(indicator: str) -> None:
    text = KEPT.replace("description: |+", f"description: {indicator}")
    before = presets(text)["psa_topk"]["description"]
    assert before.endswith("\n\n\n")
    edited = Document.from_text(text).set_value(MODEL, "psa_topk", "enable_logging", True)
    after = presets(edited.text)["psa_topk"]
    assert after["description"] == before and after["enable_logging"] is True


def test_a_copy_of_a_preset_ending_in_a_keep_scalar_is_exact(tmp_path: Path) -> None:
    target = tmp_path / "c.yaml"
    target.write_text(KEPT)
    assert main(["new", str(target), MODEL, "psa_copy", "--from", "psa_topk"]) == 0
    loaded = presets(target.read_text())
    assert loaded["psa_copy"] == loaded["psa_topk"] == presets(KEPT)["psa_topk"]
    duplicated = Document.from_text(KEPT).duplicate_preset(MODEL, "psa_balanced", "psa_twin")
    assert presets(duplicated.text)["psa_topk"] == presets(KEPT)["psa_topk"]


def test_removing_the_key_after_a_keep_scalar_keeps_its_lines() -> None:
    text = KEPT.replace("\n\n\n", "\n\n      verbose: true\n\n")
    before = presets(text)["psa_topk"]["description"]
    edited = Document.from_text(text).remove_value(MODEL, "psa_topk", "verbose")
    assert presets(edited.text)["psa_topk"]["description"] == before


# ---- case 4: the adds-errors check works on big files --------------------------------------------


def test_an_edit_adding_errors_to_a_big_file_is_refused(tmp_path: Path) -> None:
    text = many_presets(1700)
    assert len(text) > 700_000
    target = tmp_path / "big.yaml"
    target.write_text(text)
    doc = Document.from_text(text, str(target))
    for index in range(5):
        doc = doc.set_value(MODEL, f"psa_{index * 300}", "block_size.n", 48)
    assert len(validate(doc, text).new_errors) == 5
    with pytest.raises(RefusedError):
        save(doc, target, original_text=text)
    assert target.read_text() == text


# ---- case 5: old errors whose messages name a line -----------------------------------------------


def test_an_error_naming_a_line_is_not_new_when_lines_shift(tmp_path: Path) -> None:
    text = BASE.replace("      warmup_steps: 0\n", "      warmup_steps: 0\n      warmup_steps: 1\n")
    assert any(d.code == "PSA002" and "first at line" in d.message for d in validate(Document.from_text(text), "").diagnostics)
    target = tmp_path / "c.yaml"
    target.write_text(text)
    assert main(["set", str(target), MODEL, "psa_balanced", "enable_logging=true"]) == 0  # shifts psa_topk down
    assert main(["new", str(target), MODEL, "psa_new", "--from", "psa_balanced"]) == 0


# ---- case 6: values as the runtime reads them ----------------------------------------------------


def test_a_level_is_written_as_an_int_key(tmp_path: Path) -> None:
    text = BASE.replace("        8: [0.15, 0.35]\n", "")
    target = tmp_path / "c.yaml"
    target.write_text(text)
    assert main(["set", str(target), MODEL, "psa_topk", "mask_ratios.8=0.15,0.35"]) == 0  # PSA205's fix
    ratios = presets(target.read_text())["psa_topk"]["mask_ratios"]
    assert list(ratios) == [1, 2, 4, 8, 0] and ratios[8] == [0.15, 0.35]
    assert target.read_text() == BASE


@pytest.mark.parametrize("empty", [{}, []])
def test_empty_collections_are_written_as_such(empty: object) -> None:
    edited = Document.from_text(BASE).set_value(MODEL, "psa_topk", "mask_ratios", empty)  # type: ignore[arg-type]
    assert presets(edited.text)["psa_topk"]["mask_ratios"] == empty


def test_whole_mappings_keep_int_level_keys() -> None:
    value = typed_value("preset", "mask_ratios", "{1: [0, 0.5], 0: [0.5, 1]}")
    edited = Document.from_text(BASE).set_value(MODEL, "psa_topk", "mask_ratios", value)
    assert presets(edited.text)["psa_topk"]["mask_ratios"] == {1: [0.0, 0.5], 0: [0.5, 1.0]}


# ---- case 7: a duplicated key ----------------------------------------------------------------------


def test_a_duplicated_key_is_not_edited(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = BASE.replace("      warmup_steps: 0\n", "      warmup_steps: 0\n      verbose: true\n      warmup_steps: 2\n")
    with pytest.raises(DuplicateKeyError, match=r"the runtime reads the last `warmup_steps`, at line 61 \(also written at line 59\)"):
        Document.from_text(text).set_value(MODEL, "psa_topk", "warmup_steps", 3)
    target = tmp_path / "c.yaml"
    target.write_text(text)
    assert main(["set", str(target), MODEL, "psa_topk", "warmup_steps=3"]) == 2
    assert "line numbers of the file on disk" in capsys.readouterr().err
    assert target.read_text() == text


def test_a_duplicated_preset_is_not_edited() -> None:
    text = BASE.replace("    psa_topk:   # fixed quotas\n", "    psa_balanced:\n", 1)
    with pytest.raises(DuplicateKeyError, match="psa_balanced"):
        Document.from_text(text).set_value(MODEL, "psa_balanced", "verbose", False)


# ---- case 8: odd files -----------------------------------------------------------------------------


def test_cr_only_files_get_keys_at_the_right_indent() -> None:
    text = BASE.replace("\n", "\r")
    edited = Document.from_text(text).set_value(MODEL, "psa_topk", "enable_logging", True)
    assert "\r      enable_logging: true\r" in edited.text and "\n" not in edited.text
    assert presets(edited.text)["psa_topk"]["enable_logging"] is True


def test_explicit_keys_get_siblings_at_their_indent() -> None:
    text = BASE.replace("    psa_topk:   # fixed quotas\n      type: psa\n", "    psa_topk:\n      ? type\n      : psa\n")
    text = text.replace("      verbose: false\n# trailing", "      ? verbose\n      : false\n# trailing")
    edited = Document.from_text(text).set_value(MODEL, "psa_topk", "enable_logging", True)
    assert presets(edited.text)["psa_topk"]["enable_logging"] is True
    assert "\n      enable_logging: true\n" in edited.text
    copied = Document.from_text(edited.text).add_preset(MODEL, "psa_new")
    assert presets(copied.text)["psa_new"]["type"] == "psa"


def test_a_copy_keeps_feff_inside_strings() -> None:
    text = "\ufeff" + BASE.replace("'topk PSA: fixed quotas'", "'topk\ufeffPSA\ufeff'")
    edited = Document.from_text(text).add_preset(MODEL, "psa_copy", from_preset="psa_topk")
    assert presets(edited.text)["psa_copy"]["description"] == "topk\ufeffPSA\ufeff"
    assert edited.text.startswith("\ufeff") and edited.text.count("\ufeff") == 5


# ---- case 9: linear time -------------------------------------------------------------------------


def test_the_diff_looks_only_at_changed_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    text = many_presets(400)
    doc = Document.from_text(text)
    doc = doc.set_value(MODEL, "psa_0", "warmup_steps", 7).set_value(MODEL, "psa_399", "warmup_steps", 9)
    sizes: list[int] = []
    real = difflib.SequenceMatcher

    def recording(junk: object, a: list[str], b: list[str], **kwargs: object) -> difflib.SequenceMatcher[str]:
        sizes.append(len(a) + len(b))
        return real(junk, a, b, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(diff_module.difflib, "SequenceMatcher", recording)
    old_lines, new_lines = changed_lines(text, doc.text, doc.regions)
    patch = unified_diff(text, doc.text, "c.yaml", regions=doc.regions)
    assert len(old_lines) == 2 and sizes and max(sizes) <= 4
    assert patch.count("\n-") == 2 and patch.count("\n+") == 3  # two changed lines (and the +++ header)


def test_a_big_file_is_not_composed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    text = many_presets(400)
    assert len(text) > focus.FOCUS_FROM_CHARS
    composed: list[int] = []
    real = locate.runtime_yaml.compose

    def counting(source: str) -> object:
        composed.append(len(source.split()))  # words, not blanks: what was really parsed
        return real(source)

    monkeypatch.setattr(locate.runtime_yaml, "compose", counting)
    edited = Document.from_text(text).set_value(MODEL, "psa_321", "warmup_steps", 5)
    assert presets(edited.text)["psa_321"]["warmup_steps"] == 5
    assert max(composed) < len(text.split()) / 50


# ---- issue 11: refused edits -----------------------------------------------------------------------


def test_a_file_with_a_tab_gets_the_tab_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "c.yaml"
    target.write_text(BASE.replace("      verbose: false\n", "\tverbose: false\n"))
    assert main(["set", str(target), MODEL, "psa_topk", "warmup_steps=3"]) == 1
    err = capsys.readouterr().err
    assert "a tab" in err and "use spaces" in err and err.count("\n") == 1


def test_a_malformed_value_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "c.yaml"
    shutil.copy(CORPUS_DIR / "comments.yaml", target)
    assert main(["set", str(target), MODEL, "psa_topk", "mask_ratios={1: [0, 0.1], 2: [0.1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot read" in err
    with pytest.raises(EditError):
        typed_value("preset", "mask_ratios", "{1: [0")


def test_refusals_say_which_text_their_lines_are_in(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = BASE.replace("      warmup_steps: 0\n", "      warmup_steps: 0\n      warmup_steps: 2\n")
    target = tmp_path / "c.yaml"
    target.write_text(text)
    assert main(["set", str(target), MODEL, "psa_topk", "enable_logging=true", "warmup_steps=3"]) == 2
    assert "line numbers of the text as edited so far" in capsys.readouterr().err
    assert main(["set", str(target), MODEL, "psa_balanced", "block_size.n=48"]) == 1
    assert "located in the edited text, not the file on disk" in capsys.readouterr().err


# ---- a value the runtime cannot construct -------------------------------------------------------

TAGGED = """Wan2.1_x:
  default_attention: a
  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}
  text_length: 0
  attention_configs:
    a:
      type: dense
      description: !!bool maybe
"""


def test_an_edit_the_runtime_cannot_load_is_a_one_line_refusal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "attention_config.yaml"
    path.write_text(TAGGED)
    assert main(["set", str(path), "Wan2.1_x", "a", "description=x"]) == 2
    err = capsys.readouterr().err
    assert "would not load in the runtime" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert path.read_text() == TAGGED
